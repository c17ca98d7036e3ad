import React, { cloneElement, useEffect, useId, useState, type ReactElement, type Ref } from 'react';
import { Tooltip, type PopoverContent } from '@grafana/ui';

type TooltipPlacement = React.ComponentProps<typeof Tooltip>['placement'];

export interface CellTooltipProps {
  content: PopoverContent;
  placement?: TooltipPlacement;
  /**
   * The target's tab index. Undefined (the default): not focusable, for targets inside the table's cells,
   * which the grid's roving focus reaches instead (ContainerTable/useGridFocus.ts). A number for a target
   * that is itself a grid stop (a sort button), set by the grid.
   */
  tabIndex?: number;
  children: ReactElement;
}

/**
 * Grafana's Tooltip (hover and focus, the same look as the rest of Grafana) without its one side effect
 * the table cannot take: Tooltip makes its target a tab stop (`tabIndex: 0`), which gave every row of
 * 2,000 nine or more stops. The target here keeps the tab index its owner gives it.
 *
 * Targets inside cells (no tab index: the grid's roving focus reaches their cell, and their label says
 * what the tooltip says) get the Tooltip only while the pointer is on them. A row has a dozen such
 * targets, and each Tooltip sets up floating-ui's hover, focus and dismiss listeners when it mounts and
 * removes them when it unmounts: rows scrolled into the window spent most of their JS time on that
 * (docs/benchmarks.md, "The panel").
 */
export function CellTooltip({ content, placement = 'top', tabIndex, children }: CellTooltipProps) {
  // A cell's target holds this one piece of state while closed (rows mount a dozen targets each as they
  // scroll into the window); the id and the document listener only while open (OpenTooltip).
  const [open, setOpen] = useState(false);
  if (tabIndex !== undefined) {
    return (
      <Tooltip content={content} placement={placement}>
        <Target keepTabIndex={tabIndex}>{children}</Target>
      </Tooltip>
    );
  }
  if (!open) {
    return cloneElement(children as ReactElement<Record<string, unknown>>, { onMouseEnter: () => setOpen(true) });
  }
  return (
    <OpenCellTooltip content={content} placement={placement} onClose={setOpen}>
      {children}
    </OpenCellTooltip>
  );
}

/**
 * An open tooltip on a cell's target, for owners that keep which of their targets is hovered themselves
 * (the isolation strip: one piece of state for its eight cells). `onClose(false)` once the pointer leaves;
 * it should be stable (a state setter, a useCallback), or the document listener is replaced on each render.
 */
export function OpenCellTooltip({
  content,
  placement = 'top',
  onClose,
  children,
}: Omit<CellTooltipProps, 'tabIndex'> & { onClose: (open: false) => void }) {
  const id = useId();
  useEffect(() => {
    // Opening replaces the target's element (it moves under Tooltip), so the browser may never send the
    // new one a mouseleave: close once the pointer is elsewhere.
    const onMove = (e: MouseEvent) => {
      let el = e.target instanceof Element ? e.target : null;
      while (el && el.getAttribute('data-cell-tooltip') !== id) {
        el = el.parentElement;
      }
      if (!el) {
        onClose(false);
      }
    };
    document.addEventListener('mousemove', onMove);
    return () => document.removeEventListener('mousemove', onMove);
  }, [id, onClose]);
  return (
    <Tooltip content={content} placement={placement} show>
      <Target onMouseLeave={() => onClose(false)} data-cell-tooltip={id}>
        {children}
      </Target>
    </Tooltip>
  );
}

type TargetProps = {
  keepTabIndex?: number;
  children: ReactElement;
  /** Tooltip's own, replaced by keepTabIndex. */
  tabIndex?: number;
  /** Tooltip's reference ref (a plain prop in React 19). */
  ref?: Ref<HTMLElement>;
} & Record<string, unknown>;

/** Passes Tooltip's ref and handlers on to the child, with the owner's tab index instead of Tooltip's. */
function Target({ keepTabIndex, children, tabIndex: _fromTooltip, ...rest }: TargetProps) {
  return cloneElement(children as ReactElement<Record<string, unknown>>, { ...rest, tabIndex: keepTabIndex });
}
