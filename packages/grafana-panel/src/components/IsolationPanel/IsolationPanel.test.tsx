import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { LoadingState, type DataFrame } from '@grafana/data';
import { METRICS } from '@isoscope/shared';

import { instantFrames, metricLabels, type ContainerSpec } from '../../../test/fixtures/testFrames';
import { panelProps, WithOptions, type PropsSpec } from '../../../test/support/panelProps';
import type { IsolationOptions } from '../../types';
import { TEST_IDS } from '../testIds';
import { IsolationPanel } from './IsolationPanel';

const web: ContainerSpec = {
  instance: 'node-a:9100',
  id: '/kubepods/pod1/aaa',
  name: 'web-0',
  image: 'nginx',
  namespace: 'shop',
  pod: 'web-7d9',
  container: 'web',
};
const side: ContainerSpec = {
  instance: 'node-a:9100',
  id: '/kubepods/pod1/bbb',
  name: 'sidecar',
  image: 'envoy',
  namespace: 'shop',
  pod: 'web-7d9',
  container: 'envoy',
};
const db: ContainerSpec = { instance: 'node-b:9100', id: '/docker/ccc', name: 'db', image: 'postgres' };

const MiB = 2 ** 20;

/** The raw query's frames for three containers: memory against limits and one host namespace. */
function rawFrames(): DataFrame[] {
  return instantFrames('raw', [
    { labels: metricLabels(METRICS.memoryWorkingSet.name, web), value: 180 * MiB },
    { labels: metricLabels(METRICS.specMemoryLimit.name, web), value: 200 * MiB },
    { labels: metricLabels(METRICS.memoryWorkingSet.name, side), value: 20 * MiB },
    { labels: metricLabels(METRICS.specMemoryLimit.name, side), value: 100 * MiB },
    { labels: metricLabels(METRICS.memoryWorkingSet.name, db), value: 500 * MiB },
    { labels: metricLabels(METRICS.namespaceSharedWithHost.name, db, { ns_type: 'net' }), value: 1 },
  ]);
}

function renderPanel(spec: PropsSpec = {}) {
  const spy = jest.fn<void, [IsolationOptions]>();
  const props = panelProps({ series: rawFrames(), ...spec });
  const utils = render(<WithOptions props={props} spy={spy} Panel={IsolationPanel} />);
  return { spy, props, ...utils };
}

const names = () => screen.getAllByTestId(TEST_IDS.table.name).map((n) => n.textContent);

describe('IsolationPanel', () => {
  describe('when nothing usable arrived', () => {
    it('shows Grafana’s data error view with what the panel expects', () => {
      renderPanel({ series: [] });
      expect(screen.getByText(/Unable to render data: No containers in the data/)).toBeInTheDocument();
      expect(screen.queryByTestId(TEST_IDS.panel.root)).not.toBeInTheDocument();
    });

    it('shows the query error when the query failed', () => {
      renderPanel({ series: [], state: LoadingState.Error, errors: [{ message: 'bad_data: parse error at char 7' }] });
      expect(screen.getByText(/Unable to render data: bad_data: parse error at char 7/)).toBeInTheDocument();
    });

    it('shows nothing while the first response is loading (Grafana draws its loading bar)', () => {
      const { container } = renderPanel({ series: [], state: LoadingState.Loading });
      expect(container).toBeEmptyDOMElement();
    });
  });

  it('draws the toolbar, the table, the notes and the legend from the frames', () => {
    renderPanel();
    expect(screen.getByRole('textbox', { name: 'Filter containers' })).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.panel.count)).toHaveTextContent('3 containers');
    // grouped by host (a, b), sorted by name within
    expect(names()).toEqual(['sidecar', 'web-0', 'db']);
    const webRow = screen.getAllByTestId(TEST_IDS.table.containerRow)[1];
    expect(within(webRow).getByRole('meter', { name: 'Memory' })).toHaveAttribute(
      'aria-valuetext',
      '180 MiB of 200 MiB, 90%'
    );
    const dbRow = screen.getAllByTestId(TEST_IDS.table.containerRow)[2];
    expect(within(dbRow).getByRole('listitem', { name: /^net: the host's — / })).toBeInTheDocument();
    expect(within(dbRow).getByTestId(TEST_IDS.bar.noLimit)).toBeInTheDocument();
    // roles absent from the data are named in the muted notes line, the table still renders
    expect(screen.getByTestId(TEST_IDS.panel.notes)).toHaveTextContent(/no CPU metrics/);
    expect(screen.getByTestId(TEST_IDS.legend.root)).toBeInTheDocument();
  });

  it('keeps drawing the table when one query failed, and says so', () => {
    renderPanel({ state: LoadingState.Error, errors: [{ message: 'query B timed out' }] });
    expect(names()).toHaveLength(3);
    expect(screen.getByTestId(TEST_IDS.panel.notes)).toHaveTextContent('query error: query B timed out');
  });

  it('says which columns a narrow panel leaves out', () => {
    renderPanel({ width: 900 });
    expect(screen.queryByRole('columnheader', { name: /Pressure/ })).not.toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.panel.hiddenColumns)).toHaveTextContent(/^\+1 column hidden: pressure$/);
    renderPanel({ width: 600 });
    expect(screen.getAllByTestId(TEST_IDS.panel.hiddenColumns)[1]).toHaveTextContent(
      /^\+3 columns hidden: memory, tasks, pressure$/
    );
  });

  it('says nothing about columns when they all fit', () => {
    renderPanel({ width: 1400 });
    expect(screen.getByRole('columnheader', { name: /Pressure/ })).toBeInTheDocument();
    expect(screen.queryByTestId(TEST_IDS.panel.hiddenColumns)).not.toBeInTheDocument();
  });

  it('reports a query chosen for two roles', () => {
    renderPanel({ options: { queryRoles: { cpuUsage: ['A'], throttled: ['A'] } } });
    expect(screen.getByTestId(TEST_IDS.panel.notes)).toHaveTextContent('query A is chosen for cpuUsage and throttled');
  });

  it('filters as the user types, starting from the saved filter', async () => {
    renderPanel({ options: { filter: 'node-a' } });
    expect(names()).toEqual(['sidecar', 'web-0']);
    expect(screen.getByTestId(TEST_IDS.panel.count)).toHaveTextContent('2 of 3 containers');

    await act(async () => {
      fireEvent.change(screen.getByRole('textbox', { name: 'Filter containers' }), { target: { value: 'postgres' } });
    });
    expect(names()).toEqual(['db']);

    await act(async () => {
      fireEvent.change(screen.getByRole('textbox', { name: 'Filter containers' }), { target: { value: 'zzz' } });
    });
    expect(screen.getByTestId(TEST_IDS.table.empty)).toHaveTextContent('No containers match "zzz".');
  });

  it('re-seeds the filter when the saved option changes in the editor', () => {
    const props = panelProps({ series: rawFrames(), options: { filter: 'db' } });
    const { rerender } = render(<IsolationPanel {...props} />);
    expect(names()).toEqual(['db']);
    rerender(<IsolationPanel {...props} options={{ ...props.options, filter: 'envoy' }} />);
    expect(names()).toEqual(['sidecar']);
    expect(screen.getByRole('textbox', { name: 'Filter containers' })).toHaveValue('envoy');
  });

  it('groups by host, by pod or not at all from the toolbar, and keeps the choice as an option', () => {
    const { spy } = renderPanel();
    expect(screen.getAllByTestId(TEST_IDS.table.hostRow)).toHaveLength(2);
    expect(screen.getAllByTestId(TEST_IDS.table.podRow)).toHaveLength(1);

    fireEvent.click(screen.getByRole('radio', { name: 'Pod' }));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'pod' }));
    expect(screen.queryByTestId(TEST_IDS.table.hostRow)).not.toBeInTheDocument();
    expect(screen.getAllByTestId(TEST_IDS.table.podRow)).toHaveLength(1);

    fireEvent.click(screen.getByRole('radio', { name: 'None' }));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'none' }));
    expect(screen.queryByTestId(TEST_IDS.table.podRow)).not.toBeInTheDocument();
    expect(names()).toEqual(['db', 'sidecar', 'web-0']); // sorted by name across hosts
  });

  it('sorts across groups by default: the host of the top container first; within groups: hosts by name', () => {
    // db (node-b) holds the host's net namespace: the least isolated
    const across = renderPanel({ options: { sortBy: 'isolation', sortDesc: true } });
    expect(names()).toEqual(['db', 'sidecar', 'web-0']);
    across.unmount();
    renderPanel({ options: { sortBy: 'isolation', sortDesc: true, sortScope: 'within' } });
    expect(names()).toEqual(['sidecar', 'web-0', 'db']);
  });

  describe('the fleet summary', () => {
    const toggle = (name: RegExp) => screen.getByRole('button', { name });

    it('counts the containers of each check, as toggle buttons that are not pressed', () => {
      renderPanel();
      expect(toggle(/^1 host network/)).toHaveAttribute('aria-pressed', 'false');
      expect(toggle(/^0 host PID/)).toBeInTheDocument();
      // web-0 at 180 of 200 MiB; sidecar at 20 %, db without a limit
      expect(toggle(/^1 memory ≥ 90%/)).toBeInTheDocument();
    });

    it('filters the table to what a pressed toggle finds, and back', () => {
      renderPanel();
      fireEvent.click(toggle(/host network/));
      expect(toggle(/host network/)).toHaveAttribute('aria-pressed', 'true');
      expect(names()).toEqual(['db']);
      expect(screen.getByTestId(TEST_IDS.panel.count)).toHaveTextContent('1 of 3 containers');
      fireEvent.click(toggle(/host network/));
      expect(names()).toHaveLength(3);
    });

    it('combines pressed toggles with AND, and "Show all" clears them', () => {
      renderPanel();
      fireEvent.click(toggle(/host network/));
      fireEvent.click(toggle(/memory ≥ 90%/));
      // db is on the host's network, web-0 near its limit: no container is both
      expect(screen.getByTestId(TEST_IDS.table.empty)).toHaveTextContent('No containers match the summary’s toggles.');
      fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
      expect(names()).toHaveLength(3);
      expect(toggle(/host network/)).toHaveAttribute('aria-pressed', 'false');
    });

    it('counts every container whatever the text filter, which still narrows the table', async () => {
      renderPanel({ options: { filter: 'node-a' } });
      expect(toggle(/^1 host network/)).toBeInTheDocument();
      fireEvent.click(toggle(/memory ≥ 90%/));
      expect(names()).toEqual(['web-0']);
    });

    it('is not drawn when the option is off, and then filters nothing', () => {
      renderPanel({ options: { showSummary: false } });
      expect(screen.queryByTestId(TEST_IDS.summary.root)).not.toBeInTheDocument();
      expect(names()).toHaveLength(3);
    });
  });

  it('turns compact rows on from the toolbar', () => {
    const { spy } = renderPanel();
    expect(screen.getAllByTestId(TEST_IDS.table.containerRow)[0]).toHaveTextContent('envoy');
    fireEvent.click(screen.getByLabelText('Compact'));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ compact: true }));
    expect(screen.getAllByTestId(TEST_IDS.table.containerRow)[0]).not.toHaveTextContent('envoy');
  });

  it('sorts by a header and stores the sort as options', () => {
    const { spy } = renderPanel({ options: { groupBy: 'none' } });
    fireEvent.click(screen.getByTestId(TEST_IDS.table.sortButton('memory')));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ sortBy: 'memory', sortDesc: true }));
    // share of limit, highest first; db has no limit, so it ranks below every limited container
    expect(names()).toEqual(['web-0', 'sidecar', 'db']);
    expect(screen.getByRole('columnheader', { name: /Memory/ })).toHaveAttribute('aria-sort', 'descending');

    fireEvent.click(screen.getByTestId(TEST_IDS.table.sortButton('memory')));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ sortBy: 'memory', sortDesc: false }));
    expect(screen.getByRole('columnheader', { name: /Memory/ })).toHaveAttribute('aria-sort', 'ascending');
  });

  it('hides the columns and the legend the options turn off', () => {
    renderPanel({ options: { showSecurity: false, showResources: false, showLegend: false } });
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent?.replace(/[↑↓]/g, ''));
    expect(headers).toEqual(['Container', 'Isolation']);
    expect(screen.queryByTestId(TEST_IDS.legend.root)).not.toBeInTheDocument();
  });

  it('offers the field config’s data links per container, interpolating its labels', () => {
    renderPanel({
      options: { groupBy: 'none', resourcesLink: false },
      fieldConfig: {
        links: [
          {
            title: 'Container details',
            url: '/d/ctr?var-pod=${__field.labels.pod}&var-name=${__field.labels.name}&var-host=${__field.labels.instance}',
          },
        ],
      },
    });
    const link = screen.getByRole('link', { name: /web-0/ });
    expect(link).toHaveAttribute('href', '/d/ctr?var-pod=web-7d9&var-name=web-0&var-host=node-a:9100');
    // a container outside any pod gets an empty pod, not the text of the variable
    expect(screen.getByRole('link', { name: /^db/ })).toHaveAttribute(
      'href',
      '/d/ctr?var-pod=&var-name=db&var-host=node-b:9100'
    );
  });
});
