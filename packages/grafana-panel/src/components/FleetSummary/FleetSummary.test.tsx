import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { SUMMARY_KEYS, type SummaryKey } from '../../data/summary';
import { TEST_IDS } from '../testIds';
import { FleetSummary } from './FleetSummary';

const counts = Object.fromEntries(SUMMARY_KEYS.map((k, i) => [k, i])) as Record<SummaryKey, number>;

function summary(active: SummaryKey[] = []) {
  const onToggle = jest.fn();
  const onClear = jest.fn();
  render(<FleetSummary counts={counts} active={active} onToggle={onToggle} onClear={onClear} />);
  return { onToggle, onClear };
}

describe('FleetSummary', () => {
  it('is a named group of toggle buttons, one per check, each saying its count and what it counts', () => {
    summary(['privileged']);
    expect(screen.getByRole('group', { name: /^Fleet summary/ })).toBeInTheDocument();
    const buttons = SUMMARY_KEYS.map((k) => screen.getByTestId(TEST_IDS.summary.toggle(k)));
    expect(buttons.map((b) => b.tagName)).toEqual(SUMMARY_KEYS.map(() => 'BUTTON'));
    expect(buttons[0]).toHaveAccessibleName('0 host network');
    expect(screen.getByTestId(TEST_IDS.summary.toggle('memoryNearLimit'))).toHaveAccessibleName('7 memory ≥ 90%');
    expect(buttons.map((b) => b.getAttribute('aria-pressed'))).toEqual(
      SUMMARY_KEYS.map((k) => String(k === 'privileged'))
    );
  });

  it('toggles a check on a press, and offers "Show all" only while one is pressed', () => {
    const { onToggle, onClear } = summary();
    expect(screen.queryByTestId(TEST_IDS.summary.clear)).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId(TEST_IDS.summary.toggle('hostPid')));
    expect(onToggle).toHaveBeenCalledWith('hostPid');
    expect(onClear).not.toHaveBeenCalled();
  });

  it('clears every toggle with "Show all"', () => {
    const { onClear } = summary(['hostNet', 'throttled']);
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(onClear).toHaveBeenCalled();
  });
});
