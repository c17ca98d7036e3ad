import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { LinkModel } from '@grafana/data';

import { groupByHostAndPod } from '../../data';
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
    groups: groupByHostAndPod(containers),
    viewMode: 'flat',
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
  it('is a real table with column headers and a row header per container', () => {
    table();
    const t = screen.getByRole('table');
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
    expect(row).toHaveTextContent('nginx:1.27 · shop/web-7d9 · node-a:9100');
    expect(within(row).getByTestId(TEST_IDS.strip.root)).toBeInTheDocument();
    expect(within(row).getByText('seccomp off')).toBeInTheDocument();
    expect(within(row).getByRole('meter', { name: 'CPU' })).toHaveAttribute('aria-valuemax', '1');
    expect(within(row).getByRole('meter', { name: 'Memory' })).toBeInTheDocument();
    expect(within(row).getByTestId(TEST_IDS.bar.noLimit)).toBeInTheDocument(); // tasks: no limit
    expect(row).toHaveTextContent('throttled 12%');
    expect(row).toHaveTextContent('cpu1%mem0%io3%');
    expect(within(row).getByRole('group', { name: 'Waiting: CPU 1%, memory 0%, IO 3%' })).toBeInTheDocument();
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
      const t = screen.getByRole('table');
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
      expect(screen.getByTestId(TEST_IDS.badges.badge('noNewPrivsOff'))).toHaveTextContent(/^nnp off$/);
      // the alarms keep their words
      expect(screen.getByTestId(TEST_IDS.badges.badge('seccompOff'))).toHaveTextContent(/^seccomp off$/);
    });

    it('shows the full badge texts when the panel is wide', () => {
      table({ containers: [unconfined], width: 1400, columns: { ...ALL_COLUMNS, networkIo: false } });
      expect(screen.getByTestId(TEST_IDS.badges.badge('rootMapped'))).toHaveTextContent(/^root = host root$/);
    });

    it('shows CPU as "used / limit cores", where the limit comes from only in the tooltip', () => {
      table({ containers: [unconfined], width: 1400 });
      const row = screen.getByTestId(TEST_IDS.table.containerRow);
      expect(row).toHaveTextContent('0 / 2 cores');
      expect(row).not.toHaveTextContent('cpuset');
      expect(within(row).getByRole('meter', { name: 'CPU' })).toHaveAttribute(
        'aria-valuetext',
        '0 cores of 2 cores (cpuset), 0%'
      );
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
      fireEvent.click(screen.getByRole('button', { name: 'Sort by CPU throttling' }));
      expect(props.onSort).toHaveBeenCalledWith('throttled');
    });

    it('sorts from the keyboard: header buttons are native buttons in the tab order', () => {
      const { props } = table();
      const button = screen.getByTestId(TEST_IDS.table.sortButton('memory'));
      // Enter and Space on a focused <button> fire its click in every browser; jsdom does not emulate
      // that activation, so the test checks the element is one and then activates it as a browser would.
      expect(button.tagName).toBe('BUTTON');
      expect(button).toHaveAttribute('type', 'button');
      button.focus();
      expect(button).toHaveFocus();
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

  it('grouped view: host rows, then pod rows, then their containers', () => {
    table({ viewMode: 'grouped' });
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
    // the pod is in the header row: the container row does not repeat it
    expect(body[2]).not.toHaveTextContent('shop/web-7d9');
  });

  it('compact rows are shorter and drop the second line', () => {
    table({ containers: [web], compact: true });
    const row = screen.getByTestId(TEST_IDS.table.containerRow);
    expect(row).toHaveStyle({ height: `${ROW_HEIGHT.compact.container}px` });
    expect(row).not.toHaveTextContent('nginx');
    expect(row).toHaveTextContent('cpu 1% · mem 0% · io 3%');
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
      expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '2001');
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
      table({ containers: many, viewMode: 'grouped', groups: groupByHostAndPod(many), height: 440 });
      expect(screen.getAllByRole('row').length).toBeLessThan(40);
      const total = Number(screen.getByRole('table').getAttribute('aria-rowcount'));
      expect(total).toBeGreaterThan(1 + 2000 + 4); // header, containers, hosts, and pod rows
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
});
