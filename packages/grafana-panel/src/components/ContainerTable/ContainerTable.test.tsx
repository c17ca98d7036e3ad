import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { LinkModel } from '@grafana/data';

import type { ContainerView } from '../../data/types';
import { makeContainer, manyContainers } from '../../../test/support/factory';
import { TEST_IDS } from '../testIds';
import { ContainerTable, type ContainerTableProps } from './ContainerTable';
import { ROW_HEIGHT } from './ContainerTable.styles';
import { nextSort } from './sorting';

const ALL_COLUMNS = { security: true, resources: true, pressure: true, networkIo: true };

const web = makeContainer({
  name: 'web-0',
  image: 'nginx:1.27',
  instance: 'node-a:9100',
  namespace: 'shop',
  pod: 'web-7d9',
  security: { seccompMode: 0 },
  cpu: { used: 0.25, limit: 1, limitSource: 'quota' },
  throttled: 0.12,
  memory: { used: 100 * 2 ** 20, limit: 200 * 2 ** 20 },
  pids: { used: 12 },
  pressure: { cpu: 0.01, memory: 0, io: 0.03 },
  network: { rx: 2048, tx: 1024 },
  io: { read: 0, write: 4096 },
});
const sidecar = makeContainer({ name: 'sidecar', instance: 'node-a:9100', namespace: 'shop', pod: 'web-7d9' });
const db = makeContainer({ name: 'db', instance: 'node-b:9100' });

function table(over: Partial<ContainerTableProps> = {}) {
  const containers = over.containers ?? [web, sidecar, db];
  const props: ContainerTableProps = {
    containers,
    groupBy: 'none',
    groupOrder: 'name',
    compact: false,
    columns: ALL_COLUMNS,
    sortBy: 'name',
    sortDesc: false,
    onSort: jest.fn(),
    height: 400,
    width: 1600,
    ...over,
  };
  return { props, ...render(<ContainerTable {...props} />) };
}

const rowNames = () => screen.getAllByTestId(TEST_IDS.table.name).map((n) => n.textContent);
const headerNames = () =>
  screen.getAllByRole('columnheader').map((h) => within(h).getAllByRole('button')[0].textContent!.replace(/[↑↓]/g, ''));

describe('ContainerTable', () => {
  it('is a real table, as a WAI-ARIA grid, with column headers and a row header per container', () => {
    table();
    const t = screen.getByRole('grid');
    expect(headerNames()).toEqual([
      'Container',
      'Isolation',
      'Security',
      'CPU',
      'Memory',
      'Tasks',
      'Pressure',
      'Network',
      'Disk',
    ]);
    expect(within(t).getAllByRole('columnheader')[0]).toHaveAttribute('scope', 'col');
    expect(screen.getByRole('rowheader', { name: /web-0/ })).toBeInTheDocument();
  });

  it('shows a container’s name, image, where it runs, and its cells', () => {
    table({ containers: [web] });
    const row = screen.getByTestId(TEST_IDS.table.containerRow);
    expect(row).toHaveTextContent('web-0');
    // where it runs first (what tells twenty "istio-proxy" rows apart), the image last
    expect(row).toHaveTextContent('shop/web-7d9 · node-a:9100 · nginx:1.27');
    expect(within(row).getByTestId(TEST_IDS.strip.root)).toBeInTheDocument();
    expect(within(row).getByText('seccomp off')).toBeInTheDocument();
    expect(within(row).getByRole('meter', { name: 'CPU' })).toHaveAttribute('aria-valuemax', '1');
    expect(within(row).getByRole('meter', { name: 'Memory' })).toBeInTheDocument();
    expect(within(row).getByTestId(TEST_IDS.bar.noLimit)).toBeInTheDocument(); // tasks: no limit
    expect(row).toHaveTextContent('throttled 12%');
    // each resource's name over its share: two lines of one element
    expect(row).toHaveTextContent('cpu 1%mem 0%io 3%');
    expect(
      within(row).getByRole('group', { name: 'Pressure, share of time waiting: CPU 1%, memory 0%, IO 3%' })
    ).toBeInTheDocument();
    expect(row).toHaveTextContent('↓ 2 KiB/s');
    expect(row).toHaveTextContent('W 4 KiB/s');
  });

  it('hides the columns the options switch off', () => {
    table({ columns: { security: false, resources: true, pressure: false, networkIo: false } });
    expect(headerNames()).toEqual(['Container', 'Isolation', 'CPU', 'Memory', 'Tasks']);
  });

  describe('fitted to the panel’s width', () => {
    const unconfined = makeContainer({
      name: 'unconfined',
      security: { seccompMode: 0, rootMappedToHost: true, noNewPrivs: false },
      cpu: { used: 0, limit: 2, limitSource: 'cpuset' },
    });

    it('drops the pressure column on a 900px panel, and sizes the others to fit', () => {
      table({ containers: [unconfined], width: 900, columns: { ...ALL_COLUMNS, networkIo: false } });
      expect(headerNames()).toEqual(['Container', 'Isolation', 'Security', 'CPU', 'Memory', 'Tasks']);
      const t = screen.getByRole('grid');
      expect(parseInt(t.style.minWidth, 10)).toBeLessThanOrEqual(900);
      const cols = Array.from(t.querySelectorAll('col')).map((c) => c.style.width);
      expect(cols[0]).toBe(''); // the name takes the rest
      expect(cols.slice(1).every((w) => /^\d+px$/.test(w))).toBe(true);
    });

    it('shortens the security badges in a narrow column and keeps their full meaning in the name', () => {
      table({ containers: [unconfined], width: 900 });
      const root = screen.getByTestId(TEST_IDS.badges.badge('rootMapped'));
      expect(root).toHaveTextContent(/^host root$/);
      expect(root).toHaveAccessibleName(/^root = host root: /);
      // the alarms keep their words
      expect(screen.getByTestId(TEST_IDS.badges.badge('seccompOff'))).toHaveTextContent(/^seccomp off$/);
      // three badges do not fit two lines of this column: the last gives way to a "+1" that names it
      expect(screen.queryByTestId(TEST_IDS.badges.badge('noNewPrivsOff'))).not.toBeInTheDocument();
      expect(screen.getByTestId(TEST_IDS.badges.more)).toHaveTextContent(/^\+1$/);
      expect(screen.getByTestId(TEST_IDS.badges.more)).toHaveAccessibleName('1 more: no_new_privs off');
    });

    it('shows the short badge texts where they fit', () => {
      table({ containers: [unconfined], width: 1300 });
      expect(screen.getByTestId(TEST_IDS.badges.badge('noNewPrivsOff'))).toHaveTextContent(/^nnp off$/);
      expect(screen.queryByTestId(TEST_IDS.badges.more)).not.toBeInTheDocument();
    });

    it('shows the full badge texts when the panel is wide', () => {
      table({ containers: [unconfined], width: 1400, columns: { ...ALL_COLUMNS, networkIo: false } });
      expect(screen.getByTestId(TEST_IDS.badges.badge('rootMapped'))).toHaveTextContent(/^root = host root$/);
    });

    it('shows CPU as "used / limit cores", a quota said only in the tooltip', () => {
      const limited = makeContainer({ name: 'limited', cpu: { used: 0.1, limit: 0.5, limitSource: 'quota' } });
      table({ containers: [limited], width: 1400 });
      const row = screen.getByTestId(TEST_IDS.table.containerRow);
      expect(row).toHaveTextContent('0.100 / 0.5 cores');
      expect(row).not.toHaveTextContent('quota');
      expect(within(row).getByRole('meter', { name: 'CPU' })).toHaveAttribute(
        'aria-valuetext',
        '0.100 cores of 0.500 cores (CFS quota), 20%'
      );
    });

    it('labels a bar against the cpuset (the panel option) in the cell: it is no limit the container was given', () => {
      table({ containers: [unconfined], width: 1400 });
      const row = screen.getByTestId(TEST_IDS.table.containerRow);
      expect(row).toHaveTextContent('0 / 2 cores (cpuset)');
      expect(within(row).getByRole('meter', { name: 'CPU' })).toHaveAttribute(
        'aria-valuetext',
        '0 cores of 2 cores (cpuset), 0%'
      );
    });

    it('says "no limit" for CPU without a quota, as for memory and tasks, not a bar against the host’s cores', () => {
      const free = makeContainer({ name: 'free', cpu: { used: 0.09, cpuset: 16 } });
      table({ containers: [free], width: 1400 });
      const row = screen.getByTestId(TEST_IDS.table.containerRow);
      expect(within(row).queryByRole('meter', { name: 'CPU' })).not.toBeInTheDocument();
      expect(row).not.toHaveTextContent('16 cores');
      const cpuCell = row.querySelectorAll('td')[2];
      expect(cpuCell).toHaveTextContent(/^0\.09\d* cores ?no limit$/);
    });
  });

  describe('sorting', () => {
    it('marks the sorted column with aria-sort and no other', () => {
      table({ sortBy: 'memory', sortDesc: true });
      const th = screen.getAllByRole('columnheader');
      const sorted = th.filter((h) => h.hasAttribute('aria-sort'));
      expect(sorted).toHaveLength(1);
      expect(sorted[0]).toHaveTextContent('Memory');
      expect(sorted[0]).toHaveAttribute('aria-sort', 'descending');
    });

    it('sorts by clicking a header button', () => {
      const { props } = table();
      fireEvent.click(screen.getByRole('button', { name: /^CPU/ }));
      expect(props.onSort).toHaveBeenCalledWith('cpu');
      // named by its visible label (WCAG 2.5.3); what it sorts by is in its tooltip
      fireEvent.click(screen.getByRole('button', { name: /^throttled/ }));
      expect(props.onSort).toHaveBeenCalledWith('throttled');
    });

    it('sorts from the keyboard: header buttons are native buttons, the grid’s stops in the header row', () => {
      const { props } = table();
      const button = screen.getByTestId(TEST_IDS.table.sortButton('memory'));
      // Enter and Space on a focused <button> fire its click in every browser; jsdom does not emulate
      // that activation, so the test checks the element is one and then activates it as a browser would.
      expect(button.tagName).toBe('BUTTON');
      expect(button).toHaveAttribute('type', 'button');
      act(() => button.focus());
      expect(button).toHaveFocus();
      expect(button).toHaveAttribute('tabindex', '0');
      fireEvent.click(button);
      expect(props.onSort).toHaveBeenCalledWith('memory');
    });

    it('flips direction on the same column; a new column starts with names A→Z and measures highest first', () => {
      expect(nextSort({ sortBy: 'cpu', sortDesc: true }, 'cpu')).toEqual({ sortBy: 'cpu', sortDesc: false });
      expect(nextSort({ sortBy: 'cpu', sortDesc: false }, 'name')).toEqual({ sortBy: 'name', sortDesc: false });
      expect(nextSort({ sortBy: 'name', sortDesc: false }, 'memory')).toEqual({ sortBy: 'memory', sortDesc: true });
    });
  });

  it('flat view: one row per container, in the order given', () => {
    table({ containers: [db, web, sidecar] });
    expect(screen.queryByTestId(TEST_IDS.table.hostRow)).not.toBeInTheDocument();
    expect(rowNames()).toEqual(['db', 'web-0', 'sidecar']);
  });

  it('grouped by host: host rows, then pod rows, then their containers', () => {
    table({ groupBy: 'host' });
    const body = screen.getAllByRole('row').slice(1); // after the header row
    const kinds = body.map((r) => r.getAttribute('data-testid'));
    expect(kinds).toEqual([
      TEST_IDS.table.hostRow,
      TEST_IDS.table.podRow,
      TEST_IDS.table.containerRow,
      TEST_IDS.table.containerRow,
      TEST_IDS.table.hostRow,
      TEST_IDS.table.containerRow,
    ]);
    expect(body[0]).toHaveTextContent('node-a:9100 2 containers');
    expect(body[1]).toHaveTextContent('shop/web-7d9 2 containers');
    expect(body[4]).toHaveTextContent('node-b:9100 1 container');
    // the pod and host are in the header rows: the container row does not repeat them
    expect(body[2]).not.toHaveTextContent('shop/web-7d9');
    expect(body[2]).not.toHaveTextContent('node-a:9100');
    expect(body[2].querySelector('th')!.className).not.toBe(body[5].querySelector('th')!.className); // deeper
  });

  it('gives a pod of one container no header row; its row says the pod instead', () => {
    const alone = makeContainer({ name: 'solo', instance: 'node-a:9100', namespace: 'shop', pod: 'solo-1' });
    table({ containers: [web, sidecar, alone], groupBy: 'host' });
    const kinds = screen
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.getAttribute('data-testid'));
    expect(kinds.filter((k) => k === TEST_IDS.table.podRow)).toHaveLength(1);
    const solo = screen.getAllByTestId(TEST_IDS.table.containerRow).find((r) => r.textContent!.includes('solo'))!;
    expect(within(solo).getByTestId(TEST_IDS.table.place)).toHaveTextContent(/^shop\/solo-1$/);
  });

  it('grouped by pod: a header per pod of several containers, naming its host; no host rows', () => {
    table({ containers: [web, sidecar, db], groupBy: 'pod' });
    expect(screen.queryByTestId(TEST_IDS.table.hostRow)).not.toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.table.podRow)).toHaveTextContent('shop/web-7d9 2 containers · node-a:9100');
    // db is in no pod: its row says its host
    const dbRow = screen.getAllByTestId(TEST_IDS.table.containerRow).find((r) => r.textContent!.includes('db'))!;
    expect(within(dbRow).getByTestId(TEST_IDS.table.place)).toHaveTextContent('node-b:9100');
  });

  it('orders groups by their top member when sorting across groups, by name otherwise', () => {
    // containers in the sorted order: db (node-b) first
    table({ containers: [db, web, sidecar], groupBy: 'host', groupOrder: 'input' });
    expect(screen.getAllByTestId(TEST_IDS.table.hostRow).map((r) => r.textContent)).toEqual([
      'node-b:9100 1 container',
      'node-a:9100 2 containers',
    ]);
  });

  it('compact rows are shorter and drop the second line, keeping where the container runs beside its name', () => {
    table({ containers: [web], compact: true });
    const row = screen.getByTestId(TEST_IDS.table.containerRow);
    expect(row).toHaveStyle({ height: `${ROW_HEIGHT.compact.container}px` });
    expect(row).not.toHaveTextContent('nginx');
    expect(within(row).getByTestId(TEST_IDS.table.place)).toHaveTextContent('shop/web-7d9 · node-a:9100');
    expect(row).toHaveTextContent('cpu 1% · mem 0% · io 3%');
  });

  it('says in compact rows which number is which: the CPU share beside "thr", pressure as a named group', () => {
    table({ containers: [web], compact: true });
    const row = screen.getByTestId(TEST_IDS.table.containerRow);
    expect(row).toHaveTextContent('25%thr');
    expect(within(row).getByText(/^throttled$/)).toBeInTheDocument(); // read out, not drawn
    expect(within(row).getByRole('group', { name: /^Pressure, share of time waiting: CPU 1%/ })).toBeInTheDocument();
  });

  it('explains throttling and pressure in tooltips where they appear', async () => {
    table({ containers: [web] });
    const row = screen.getByTestId(TEST_IDS.table.containerRow);
    fireEvent.mouseEnter(within(row).getByText('throttled 12%'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/CFS periods.*used up its CPU quota/);
    fireEvent.mouseLeave(within(row).getByText('throttled 12%'));
    fireEvent.mouseEnter(within(row).getByRole('group', { name: /^Pressure/ }));
    expect(await screen.findByText(/Pressure \(PSI\): the share of time/)).toBeInTheDocument();
  });

  it('says so when there are no rows', () => {
    table({ containers: [], emptyText: 'No containers match "zzz".' });
    expect(screen.getByTestId(TEST_IDS.table.empty)).toHaveTextContent('No containers match "zzz".');
  });

  describe('with 2,000 containers', () => {
    const many = manyContainers(2000);

    it('renders only the rows in view, and spacers for the rest', () => {
      table({ containers: many, height: 440 });
      const rows = screen.getAllByTestId(TEST_IDS.table.containerRow);
      // 440px / 44px = 10 rows in view, plus the overscan below
      expect(rows.length).toBeLessThan(30);
      expect(screen.getByRole('grid')).toHaveAttribute('aria-rowcount', '2001');
      expect(rows[0]).toHaveAttribute('aria-rowindex', '2');
    });

    it('moves the window when scrolled', () => {
      table({ containers: many, height: 440 });
      const scroller = screen.getByTestId(TEST_IDS.table.scroller);
      Object.defineProperty(scroller, 'scrollTop', { value: 1000 * ROW_HEIGHT.normal.container, configurable: true });
      fireEvent.scroll(scroller);
      const names = rowNames();
      expect(names).toContain('c-01000');
      expect(names).not.toContain('c-00000');
      const first = screen.getAllByTestId(TEST_IDS.table.containerRow)[0];
      const top = first.previousElementSibling as HTMLElement;
      // the spacer stands in for exactly the rows above the first one drawn
      const firstIndex = Number(first.getAttribute('aria-rowindex')) - 2;
      expect(top).toHaveStyle({ height: `${firstIndex * ROW_HEIGHT.normal.container}px` });
    });

    it('windows the grouped view too', () => {
      table({ containers: many, groupBy: 'host', height: 440 });
      expect(screen.getAllByRole('row').length).toBeLessThan(40);
      const total = Number(screen.getByRole('grid').getAttribute('aria-rowcount'));
      // header, containers and hosts: these pods have one container on each host, and a pod of one has no header
      expect(total).toBe(1 + 2000 + 4);
    });
  });

  describe('data links', () => {
    const link = (c: ContainerView, title: string): LinkModel => ({
      href: `/d/containers?var-name=${c.name}`,
      title,
      target: '_self',
      origin: {},
    });

    it('makes the name a link when one data link is configured', () => {
      table({ containers: [web], getLinks: (c) => [link(c, 'Details')] });
      const a = screen.getByRole('link', { name: /web-0/ });
      expect(a).toHaveAttribute('href', '/d/containers?var-name=web-0');
    });

    it('opens Grafana’s data-link menu when several are configured', async () => {
      table({ containers: [web], getLinks: (c) => [link(c, 'Details'), link(c, 'Logs')] });
      fireEvent.click(screen.getByRole('button', { name: 'Links for web-0' }));
      expect(await screen.findByText('Logs')).toBeInTheDocument();
      expect(screen.getByText('Details')).toBeInTheDocument();
    });

    it('renders no link or menu without configured links', () => {
      table({ containers: [web] });
      expect(screen.queryByRole('link')).not.toBeInTheDocument();
    });
  });

  describe('keyboard: the WAI-ARIA grid pattern', () => {
    const focusables = () =>
      Array.from(screen.getByRole('grid').querySelectorAll<HTMLElement>('*')).filter((el) => el.tabIndex >= 0);
    const key = (k: string, init: Partial<KeyboardEventInit> = {}) =>
      fireEvent.keyDown(document.activeElement!, { key: k, ...init });
    // a browser handles the focus event before the next key: act() lets React do the same
    const focusOn = (el: HTMLElement) => act(() => el.focus());

    it('is one tab stop, the first header, however many rows and tooltips it holds', () => {
      table({ containers: manyContainers(50), height: 440 });
      expect(focusables()).toEqual([screen.getByTestId(TEST_IDS.table.sortButton('name'))]);
    });

    it('moves with the arrows, Home and End, and takes the tab stop along', () => {
      table();
      focusOn(screen.getByTestId(TEST_IDS.table.sortButton('name')));
      key('ArrowDown');
      const first = screen.getAllByRole('rowheader')[0];
      expect(document.activeElement).toBe(first);
      key('ArrowRight');
      expect(document.activeElement).toBe(first.closest('tr')!.querySelectorAll('td')[0]);
      key('End');
      const cells = first.closest('tr')!.querySelectorAll('td');
      expect(document.activeElement).toBe(cells[cells.length - 1]);
      key('Home');
      expect(document.activeElement).toBe(first);
      expect(focusables()).toEqual([first]);
      key('Home', { ctrlKey: true });
      expect(document.activeElement).toBe(screen.getByTestId(TEST_IDS.table.sortButton('name')));
    });

    it('walks the header’s sort buttons, the CPU header’s two included', () => {
      table();
      focusOn(screen.getByTestId(TEST_IDS.table.sortButton('security')));
      key('ArrowRight');
      expect(document.activeElement).toBe(screen.getByTestId(TEST_IDS.table.sortButton('cpu')));
      key('ArrowRight');
      expect(document.activeElement).toBe(screen.getByTestId(TEST_IDS.table.sortButton('throttled')));
      key('ArrowRight');
      expect(document.activeElement).toBe(screen.getByTestId(TEST_IDS.table.sortButton('memory')));
      key('ArrowLeft');
      expect(document.activeElement).toBe(screen.getByTestId(TEST_IDS.table.sortButton('throttled')));
    });

    it('keeps the focused row drawn when it scrolls out of the window', () => {
      const many = manyContainers(2000);
      table({ containers: many, height: 440 });
      focusOn(screen.getByTestId(TEST_IDS.table.sortButton('name')));
      key('ArrowDown');
      const focused = document.activeElement as HTMLElement;
      expect(focused).toHaveAttribute('data-grid-row', '0');
      const scroller = screen.getByTestId(TEST_IDS.table.scroller);
      Object.defineProperty(scroller, 'scrollTop', { value: 1000 * ROW_HEIGHT.normal.container, configurable: true });
      fireEvent.scroll(scroller);
      expect(rowNames()).toContain('c-01000');
      // still in the document, still focused, still at its own row index
      expect(focused.isConnected).toBe(true);
      expect(document.activeElement).toBe(focused);
      expect(focused.closest('tr')).toHaveAttribute('aria-rowindex', '2');
      // and the rows around it are spacers of the right height: the table is as tall as before
      const spacers = Array.from(screen.getByRole('grid').querySelectorAll<HTMLElement>('tbody tr[aria-hidden]'));
      const drawn = screen.getAllByTestId(TEST_IDS.table.containerRow).length;
      const total = spacers.reduce((h, r) => h + parseFloat(r.style.height), 0) + drawn * ROW_HEIGHT.normal.container;
      expect(total).toBe(2000 * ROW_HEIGHT.normal.container);
      key('ArrowDown');
      expect(document.activeElement).toHaveAttribute('data-grid-row', '1');
    });

    it('follows a cell’s data link with Enter; the link itself is no tab stop', () => {
      const onClick = jest.fn();
      table({
        containers: [web],
        getLinks: (c) => [{ href: `/d/x?var-name=${c.name}`, title: 'Details', target: '_self', origin: {}, onClick }],
      });
      expect(screen.getByRole('link', { name: /web-0/ })).toHaveAttribute('tabindex', '-1');
      focusOn(screen.getByTestId(TEST_IDS.table.sortButton('name')));
      key('ArrowDown');
      key('Enter');
      expect(onClick).toHaveBeenCalled();
    });
  });
});
