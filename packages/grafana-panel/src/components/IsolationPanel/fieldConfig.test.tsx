import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { FieldMatcherID, type DataFrame } from '@grafana/data';
import { METRICS } from '@isoscope/shared';

import {
  containerLabels,
  instantFrames,
  metricLabels,
  rangeFrames,
  type ContainerSpec,
} from '../../../test/fixtures/testFrames';
import { initOptionRegistries } from '../../../test/support/optionsRegistry';
import { panelProps, WithOptions, type PropsSpec } from '../../../test/support/panelProps';
import { TEST_IDS } from '../testIds';
import { IsolationPanel } from './IsolationPanel';

// Grafana applies the field config, overrides included, to data.series before the panel renders; the
// panel must read each role's config from the field its value came from, not only fieldConfig.defaults.
initOptionRegistries();

const web: ContainerSpec = {
  instance: 'node-a:9100',
  id: '/kubepods/burstable/pod1/aaa',
  name: 'f'.repeat(64),
  image: 'nginx',
  namespace: 'shop',
  pod: 'web-7d9',
  container: 'web',
};
const db: ContainerSpec = { instance: 'node-b:9100', id: '/docker/ccc', name: 'db', image: 'postgres' };
const MiB = 2 ** 20;

function frames(): DataFrame[] {
  return [
    ...instantFrames('raw', [
      { labels: metricLabels(METRICS.memoryWorkingSet.name, web), value: 180 * MiB },
      { labels: metricLabels(METRICS.specMemoryLimit.name, web), value: 200 * MiB },
      { labels: metricLabels(METRICS.memoryWorkingSet.name, db), value: 150 * MiB },
      { labels: metricLabels(METRICS.specMemoryLimit.name, db), value: 200 * MiB },
    ]),
    // query "B" carries CPU usage (mapped in the options)
    ...rangeFrames('B', [
      { labels: containerLabels(web), values: [0.25] },
      { labels: containerLabels(db), values: [0.125] },
    ]),
  ];
}

function renderPanel(spec: PropsSpec = {}) {
  const props = panelProps({
    series: frames(),
    ...spec,
    options: { groupBy: 'none', queryRoles: { cpuUsage: ['B'] }, ...spec.options },
  });
  render(<WithOptions props={props} spy={jest.fn()} Panel={IsolationPanel} />);
}

const row = (name: RegExp) =>
  screen.getAllByTestId(TEST_IDS.table.containerRow).find((r) => name.test(r.textContent ?? ''))!;
const meter = (name: RegExp, label: string) => within(row(name)).getByRole('meter', { name: label });

describe('per-field config (overrides) on each role', () => {
  it('takes the unit and decimals of the query that carries a role: "fields returned by query raw"', () => {
    renderPanel({
      overrides: [
        {
          matcher: { id: FieldMatcherID.byFrameRefID, options: 'raw' },
          properties: [
            { id: 'unit', value: 'decbytes' },
            { id: 'decimals', value: 2 },
          ],
        },
      ],
    });
    // SI bytes with two decimals for memory (from the raw query) ...
    expect(meter(/^web/, 'Memory')).toHaveAttribute('aria-valuetext', '188.74 MB of 209.72 MB, 90%');
    // ... while CPU, from query B, keeps the panel's own unit (no quota here: "0.250 cores", "no limit")
    expect(within(row(/^web/)).getByText(/^0\.25\d* cores$/)).toBeInTheDocument();
  });

  it('colours a role by the thresholds of its query, the others by the panel’s', () => {
    const fill = (name: RegExp) =>
      (within(row(name)).getAllByTestId(TEST_IDS.bar.fill)[0] as HTMLElement).style.backgroundColor;
    renderPanel();
    const red = fill(/^web/); // 90 % of its memory limit: red by default (orange from 70, red from 90)
    const orange = fill(/^db/); // 75 %
    expect(red).not.toBe(orange);
    document.body.innerHTML = '';
    renderPanel({
      overrides: [
        {
          matcher: { id: FieldMatcherID.byFrameRefID, options: 'raw' },
          properties: [
            {
              id: 'thresholds',
              value: {
                mode: 'percentage',
                steps: [
                  { value: -Infinity, color: 'orange' },
                  { value: 95, color: 'red' },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(fill(/^web/)).toBe(orange);
  });

  it('offers the links an override adds for a query on the containers that query returned', () => {
    renderPanel({
      options: { resourcesLink: false },
      overrides: [
        {
          matcher: { id: FieldMatcherID.byFrameRefID, options: 'B' },
          properties: [{ id: 'links', value: [{ title: 'CPU', url: '/d/cpu?var-name=${__field.labels.name}' }] }],
        },
      ],
    });
    // the link carries the name label itself (the CRI's container id), the row shows the container's name
    expect(within(row(/^web/)).getByRole('link', { name: /web/ })).toHaveAttribute(
      'href',
      `/d/cpu?var-name=${'f'.repeat(64)}`
    );
  });
});

describe('query roles', () => {
  it('reads a role from the query chosen for it', () => {
    renderPanel();
    expect(within(row(/^web/)).getByText(/^0\.25\d* cores$/)).toBeInTheDocument();
  });

  it('still reads the text form of earlier versions in options saved without a migration', () => {
    renderPanel({ options: { queryRoles: undefined, refIdRoles: 'B=cpuUsage' } as never });
    expect(within(row(/^web/)).getByText(/^0\.25\d* cores$/)).toBeInTheDocument();
  });
});

describe('the link to the resources dashboard', () => {
  it('links each container with its host and name, and a Kubernetes one with namespace, pod and container', () => {
    renderPanel();
    expect(within(row(/^web/)).getByRole('link', { name: /web/ })).toHaveAttribute(
      'href',
      '/d/isoscope-resources/isoscope-container-resources?var-instance=node-a:9100&' +
        `var-name=${'f'.repeat(64)}&var-namespace=shop&var-pod=web-7d9&var-container=web&\${__url_time_range}`
    );
    expect(within(row(/^db/)).getByRole('link', { name: /db/ })).toHaveAttribute(
      'href',
      '/d/isoscope-resources/isoscope-container-resources?var-instance=node-b:9100&var-name=db&${__url_time_range}'
    );
  });

  it('is not there when switched off and no data link is configured', () => {
    renderPanel({ options: { resourcesLink: false } });
    expect(screen.queryAllByRole('link')).toEqual([]);
  });
});
