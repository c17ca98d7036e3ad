import React, { cloneElement, type ReactElement, type Ref } from 'react';
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
 */
export function CellTooltip({ content, placement = 'top', tabIndex, children }: CellTooltipProps) {
  return (
    <Tooltip content={content} placement={placement}>
      <Target keepTabIndex={tabIndex}>{children}</Target>
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
