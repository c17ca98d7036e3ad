import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { createTheme, ThresholdsMode } from '@grafana/data';

import { formatUsage } from '../format';
import { TEST_IDS } from '../testIds';
import { UsageBar } from './UsageBar';
import { DEFAULT_THRESHOLDS, thresholdColor } from './thresholds';

const theme = createTheme();
const colour = (name: string) => theme.visualization.getColorByName(name);

describe('UsageBar', () => {
  it('is a meter from 0 to the container’s own limit, with the value formatted in its unit', () => {
    render(<UsageBar label="Memory" kind="bytes" used={256 * 2 ** 20} limit={512 * 2 ** 20} />);
    const meter = screen.getByRole('meter', { name: 'Memory' });
    expect(meter).toHaveAttribute('aria-valuemin', '0');
    expect(meter).toHaveAttribute('aria-valuemax', String(512 * 2 ** 20));
    expect(meter).toHaveAttribute('aria-valuenow', String(256 * 2 ** 20));
    expect(meter).toHaveAttribute('aria-valuetext', '256 MiB of 512 MiB, 50%');
    // the unit once when both share it; the value text says it in full
    expect(screen.getByText('256 / 512 MiB')).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ width: '50%' });
  });

  it('formats cores and tasks', () => {
    const { rerender } = render(<UsageBar label="CPU" kind="cores" used={0.5} limit={2} />);
    expect(screen.getByText('0.500 / 2 cores')).toBeInTheDocument();
    rerender(<UsageBar label="Memory" kind="bytes" used={632 * 1024} limit={64 * 2 ** 20} />);
    expect(screen.getByText('632 KiB / 64 MiB')).toBeInTheDocument();
    rerender(<UsageBar label="Tasks" kind="tasks" used={37} limit={100} />);
    expect(screen.getByText('37 / 100')).toBeInTheDocument();
  });

  it('takes its colour from the thresholds, read as percent of the limit', () => {
    const { rerender } = render(
      <UsageBar label="CPU" kind="cores" used={0.5} limit={1} thresholds={DEFAULT_THRESHOLDS} />
    );
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ backgroundColor: colour('green') });
    rerender(<UsageBar label="CPU" kind="cores" used={0.75} limit={1} thresholds={DEFAULT_THRESHOLDS} />);
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ backgroundColor: colour('orange') });
    rerender(<UsageBar label="CPU" kind="cores" used={0.95} limit={1} thresholds={DEFAULT_THRESHOLDS} />);
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ backgroundColor: colour('red') });
  });

  it('follows thresholds the user set', () => {
    const custom = {
      mode: ThresholdsMode.Percentage,
      steps: [
        { value: -Infinity, color: 'blue' },
        { value: 40, color: 'purple' },
      ],
    };
    render(<UsageBar label="Tasks" kind="tasks" used={50} limit={100} thresholds={custom} />);
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ backgroundColor: colour('purple') });
  });

  it('draws a full bar, not an overflow, above the limit, and still says how far above', () => {
    render(<UsageBar label="CPU" kind="cores" used={1.5} limit={1} />);
    expect(screen.getByTestId(TEST_IDS.bar.fill)).toHaveStyle({ width: '100%' });
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuetext', '1.50 cores of 1 cores, 150%');
  });

  it('says "no limit" in words when there is none, and draws no meter', () => {
    render(<UsageBar label="Memory" kind="bytes" used={2 ** 30} />);
    expect(screen.getByTestId(TEST_IDS.bar.noLimit)).toHaveTextContent('no limit');
    expect(screen.getByText('1 GiB')).toBeInTheDocument();
    expect(screen.queryByRole('meter')).not.toBeInTheDocument();
  });

  it('explains why there is no limit in a tooltip, when told', async () => {
    render(<UsageBar label="CPU" kind="cores" used={0.09} noLimitHint="No CPU quota: up to all 16 cores." />);
    expect(screen.getByTestId(TEST_IDS.bar.noLimit)).toHaveTextContent(/^no limit$/);
    expect(screen.queryByRole('meter')).not.toBeInTheDocument();
    // no tab stop of its own: inside the table, the grid's focus reaches the cell
    expect(screen.getByTestId(TEST_IDS.bar.noLimit)).not.toHaveAttribute('tabindex');
    fireEvent.mouseEnter(screen.getByTestId(TEST_IDS.bar.noLimit));
    expect(await screen.findByRole('tooltip')).toHaveTextContent('No CPU quota: up to all 16 cores.');
  });

  it('says the hint in the cell too when asked: a maximum that is no set limit', () => {
    render(<UsageBar label="CPU" kind="cores" used={0.5} limit={16} hint="cpuset" showHint />);
    expect(screen.getByText('0.500 / 16 cores (cpuset)')).toBeInTheDocument();
  });

  it('shows a dash without usage data (NaN included)', () => {
    render(<UsageBar label="CPU" kind="cores" used={NaN} limit={1} />);
    expect(screen.getByTestId(TEST_IDS.bar.noData)).toHaveAccessibleName('CPU: no data');
  });

  it('shows only the percentage in compact rows', () => {
    render(<UsageBar label="Tasks" kind="tasks" used={25} limit={100} compact />);
    expect(screen.getByText('25%')).toBeInTheDocument();
    expect(screen.queryByText('25 / 100')).not.toBeInTheDocument();
  });

  it('names where a CPU limit comes from in the tooltip and value text, not in the cell', () => {
    render(<UsageBar label="CPU" kind="cores" used={1} limit={4} hint="cpuset" />);
    expect(screen.getByText('1 / 4 cores')).toBeInTheDocument();
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuetext', '1 cores of 4 cores (cpuset), 25%');
    expect(screen.getByTestId(TEST_IDS.bar.root)).toHaveAttribute('title', '1 cores of 4 cores (cpuset), 25%');
  });
});

describe('formatUsage', () => {
  it('says the unit once when used and limit share it, and drops a set limit’s trailing zeros', () => {
    expect(formatUsage('cores', 0, 2)).toBe('0 / 2 cores');
    expect(formatUsage('cores', 0.108, 0.2)).toBe('0.108 / 0.2 cores');
    expect(formatUsage('cores', 0.25, 0.5)).toBe('0.250 / 0.5 cores');
    expect(formatUsage('bytes', 256 * 2 ** 20, 512 * 2 ** 20)).toBe('256 / 512 MiB');
    expect(formatUsage('bytes', 1.5 * 2 ** 30, 2 ** 31)).toBe('1.50 / 2 GiB');
    expect(formatUsage('tasks', 37, 100)).toBe('37 / 100');
  });

  it('keeps both units when they differ, and the decimals the panel asks for', () => {
    expect(formatUsage('bytes', 632 * 1024, 64 * 2 ** 20)).toBe('632 KiB / 64 MiB');
    expect(formatUsage('cores', 0.5, 2, 2)).toBe('0.50 / 2.00 cores');
  });
});

describe('thresholdColor', () => {
  it('falls back to the default thresholds when none are set', () => {
    expect(thresholdColor(0.95, undefined, theme)).toBe(colour('red'));
    expect(thresholdColor(0.1, { mode: ThresholdsMode.Percentage, steps: [] }, theme)).toBe(colour('green'));
  });
});
