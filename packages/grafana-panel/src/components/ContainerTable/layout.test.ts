import { SECURITY_FULL_TEXT_WIDTH, visibleColumns, type ColumnSwitches } from './columns';
import { CELL_PADDING, cellWidth, fitsFrom, layoutColumns, SCROLLBAR_ALLOWANCE } from './layout';

const DEFAULT: ColumnSwitches = { security: true, resources: true, pressure: true, networkIo: false };
const ALL: ColumnSwitches = { ...DEFAULT, networkIo: true };
const CORE: ColumnSwitches = { ...DEFAULT, pressure: false };

const ids = (l: { columns: Array<{ id: string }> }) => l.columns.map((c) => c.id);
const widthOf = (l: ReturnType<typeof layoutColumns>, id: string) => l.widths[l.columns.findIndex((c) => c.id === id)];

describe('layoutColumns', () => {
  it('at 1400px (a 1368px panel) shows every default column, the security badges in full', () => {
    const l = layoutColumns(visibleColumns(DEFAULT), 1368, false);
    expect(ids(l)).toEqual(['container', 'isolation', 'security', 'cpu', 'memory', 'tasks', 'pressure']);
    expect(l.hidden).toEqual([]);
    expect(widthOf(l, 'security')).toBeGreaterThanOrEqual(SECURITY_FULL_TEXT_WIDTH);
    // the fixed columns leave the name at least its minimum: nothing runs off the right edge
    const fixed = l.widths.reduce<number>((sum, w) => sum + (w ?? 0), 0);
    expect(1368 - fixed).toBeGreaterThanOrEqual(cellWidth(l.columns[0], false).min);
  });

  it('at 900px (a 868px panel) drops pressure, fits the rest without scrolling, and shortens the badges', () => {
    const l = layoutColumns(visibleColumns(DEFAULT), 868, false);
    expect(ids(l)).toEqual(['container', 'isolation', 'security', 'cpu', 'memory', 'tasks']);
    expect(l.hidden.map((c) => c.id)).toEqual(['pressure']);
    // even with a vertical scrollbar
    expect(l.minWidth).toBeLessThanOrEqual(868 - SCROLLBAR_ALLOWANCE);
    expect(widthOf(l, 'security')).toBeLessThan(SECURITY_FULL_TEXT_WIDTH);
  });

  it('drops pressure first, then network and disk together, and never the others', () => {
    const cols = visibleColumns(ALL);
    expect(ids(layoutColumns(cols, fitsFrom(cols, false), false))).toContain('pressure');
    const noPressure = layoutColumns(cols, fitsFrom(cols, false) - 1, false);
    expect(noPressure.hidden.map((c) => c.id)).toEqual(['pressure']);
    expect(ids(noPressure)).toEqual(expect.arrayContaining(['network', 'disk']));
    const narrower = layoutColumns(cols, fitsFrom(visibleColumns(CORE), false), false);
    expect(narrower.hidden.map((c) => c.id)).toEqual(['pressure', 'network', 'disk']);
    expect(ids(narrower)).toEqual(['container', 'isolation', 'security', 'cpu', 'memory', 'tasks']);
  });

  it('then tasks, memory, CPU and security, one at a time, listing what is hidden in display order', () => {
    const cols = visibleColumns(ALL);
    // a 600px screen's panel (566px inside Grafana's panel chrome): the name, isolation, security and CPU,
    // without scrolling sideways even beside a vertical scrollbar
    const at600 = layoutColumns(cols, 566, false);
    expect(ids(at600)).toEqual(['container', 'isolation', 'security', 'cpu']);
    expect(at600.hidden.map((c) => c.id)).toEqual(['memory', 'tasks', 'pressure', 'network', 'disk']);
    expect(at600.minWidth).toBeLessThanOrEqual(566 - 15);
    expect(ids(layoutColumns(cols, 440, false))).toEqual(['container', 'isolation', 'security']);
    // the name and the isolation strip are never dropped: below them the table scrolls sideways at their minimum
    const tiny = layoutColumns(cols, 200, false);
    expect(ids(tiny)).toEqual(['container', 'isolation']);
    expect(tiny.minWidth).toBe(fitsFrom(tiny.columns, false) - SCROLLBAR_ALLOWANCE);
  });

  it('grows every column the same share of the way from its minimum to its ideal width', () => {
    const l = layoutColumns(visibleColumns(DEFAULT), 1200, false);
    const { min, ideal } = cellWidth(l.columns[2], false); // security: the widest range
    const t = (widthOf(l, 'security')! - min) / (ideal - min);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(1);
    l.columns.slice(1).forEach((c, i) => {
      const w = cellWidth(c, false);
      expect(Math.abs(l.widths[i + 1]! - (w.min + t * (w.ideal - w.min)))).toBeLessThanOrEqual(1);
    });
  });

  it('past every ideal width, gives the rest to the name column', () => {
    const l = layoutColumns(visibleColumns(ALL), 2400, false);
    expect(l.widths[0]).toBeUndefined();
    l.columns.slice(1).forEach((c, i) => expect(l.widths[i + 1]).toBe(cellWidth(c, false).ideal));
  });

  it('sizes cells as their content plus the padding', () => {
    const security = visibleColumns(DEFAULT)[2];
    expect(cellWidth(security, false).min).toBe(security.width(false).min + CELL_PADDING);
  });

  it('fits compact rows in less room', () => {
    const cols = visibleColumns(DEFAULT);
    expect(fitsFrom(cols, true)).toBeLessThan(fitsFrom(cols, false));
    expect(layoutColumns(cols, fitsFrom(cols, true), true).hidden).toEqual([]);
    // compact rows show the default columns on a 1400px screen's panel, and the core ones on a 900px one
    expect(layoutColumns(cols, 1368, true).hidden).toEqual([]);
    expect(layoutColumns(cols, 868, true).columns.map((c) => c.id)).toEqual(ids(layoutColumns(cols, 868, false)));
  });

  // README.md ("Layout") lists these; readme.test.ts checks it says the same numbers.
  it('has the documented breakpoints', () => {
    expect(fitsFrom(visibleColumns(CORE), false)).toBe(804);
    expect(fitsFrom(visibleColumns(DEFAULT), false)).toBe(936);
    expect(fitsFrom(visibleColumns({ ...CORE, networkIo: true }), false)).toBe(976);
    expect(fitsFrom(visibleColumns(ALL), false)).toBe(1108);
  });
});
