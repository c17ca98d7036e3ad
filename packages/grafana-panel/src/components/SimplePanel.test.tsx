import React from 'react';
import { render, screen } from '@testing-library/react';
import { FieldType, LoadingState, PanelData, PanelProps, createDataFrame, getDefaultTimeRange } from '@grafana/data';

import { SimplePanel } from './SimplePanel';
import { SimpleOptions } from '../types';

// The scaffold's example panel, exercised the way its Playwright specs did, without a Grafana server:
// PanelProps built by hand.
function props(options: Partial<SimpleOptions>, series: PanelData['series']): PanelProps<SimpleOptions> {
  const timeRange = getDefaultTimeRange();
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { text: 'hello', showSeriesCount: false, seriesCountSize: 'sm', ...options },
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    fieldConfig: { defaults: {}, overrides: [] },
    width: 400,
    height: 300,
    transparent: false,
    renderCounter: 0,
    title: 'Isolation',
    eventBus: { publish: jest.fn() } as unknown as PanelProps['eventBus'],
    onChangeTimeRange: jest.fn(),
  } as PanelProps<SimpleOptions>;
}

const frame = createDataFrame({
  fields: [
    { name: 'time', type: FieldType.time, values: [1, 2] },
    { name: 'value', type: FieldType.number, values: [3, 4] },
  ],
});

describe('SimplePanel (scaffold example)', () => {
  it('shows the data error view when there is no data', () => {
    render(<SimplePanel {...props({}, [])} />);
    expect(screen.queryByTestId('simple-panel-circle')).not.toBeInTheDocument();
    expect(screen.getByText(/Unable to render data/)).toBeInTheDocument();
  });

  it('draws the circle and the text option when there is data', () => {
    render(<SimplePanel {...props({}, [frame])} />);
    expect(screen.getByTestId('simple-panel-circle')).toBeInTheDocument();
    expect(screen.getByText('Text option value: hello')).toBeInTheDocument();
    expect(screen.queryByTestId('simple-panel-series-counter')).not.toBeInTheDocument();
  });

  it('counts the series when "Show series counter" is on', () => {
    render(<SimplePanel {...props({ showSeriesCount: true }, [frame, frame])} />);
    expect(screen.getByTestId('simple-panel-series-counter')).toHaveTextContent('Number of series: 2');
  });
});
