import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { createTheme } from '@grafana/data';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { namespaces } from '../../test-utils/factory';
import { TEST_IDS } from '../testIds';
import { IsolationStrip } from './IsolationStrip';
import { describeCell } from './states';

const theme = createTheme();

const cells = namespaces({
  net: { state: 'shared', sharedWith: ['web-0', 'sidecar'] },
  ipc: { state: 'shared', sharedWith: ['web-0', 'sidecar'] },
  pid: 'host',
  time: 'unknown',
});

describe('IsolationStrip', () => {
  it('draws eight cells in NAMESPACE_TYPES order', () => {
    render(<IsolationStrip cells={cells} />);
    const items = within(screen.getByTestId(TEST_IDS.strip.root)).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-testid'))).toEqual(
      NAMESPACE_TYPES.map((t) => TEST_IDS.strip.cell(t))
    );
  });

  it('gives every state a glyph and the type an abbreviation, readable without colour', () => {
    render(<IsolationStrip cells={cells} />);
    expect(screen.getByTestId(TEST_IDS.strip.cell('mnt'))).toHaveTextContent('mntP');
    expect(screen.getByTestId(TEST_IDS.strip.cell('net'))).toHaveTextContent('netS2');
    expect(screen.getByTestId(TEST_IDS.strip.cell('pid'))).toHaveTextContent('pidH');
    expect(screen.getByTestId(TEST_IDS.strip.cell('time'))).toHaveTextContent('time?');
    expect(screen.getByTestId(TEST_IDS.strip.cell('user'))).toHaveTextContent('usrP');
  });

  it('colours states from the theme: private success, shared warning, host error', () => {
    render(<IsolationStrip cells={cells} />);
    expect(screen.getByTestId(TEST_IDS.strip.cell('mnt'))).toHaveStyle({ backgroundColor: theme.colors.success.main });
    expect(screen.getByTestId(TEST_IDS.strip.cell('net'))).toHaveStyle({ backgroundColor: theme.colors.warning.main });
    expect(screen.getByTestId(TEST_IDS.strip.cell('pid'))).toHaveStyle({ backgroundColor: theme.colors.error.main });
  });

  it('labels each cell for screen readers with who shares it', () => {
    render(<IsolationStrip cells={cells} />);
    expect(screen.getByRole('listitem', { name: 'net: shared with web-0, sidecar' })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: "pid: the host's" })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'mnt: private' })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'time: unknown' })).toBeInTheDocument();
  });

  it('names the sharers in a tooltip on hover', async () => {
    render(<IsolationStrip cells={cells} />);
    await act(async () => {
      fireEvent.mouseEnter(screen.getByTestId(TEST_IDS.strip.cell('net')));
    });
    expect(await screen.findByRole('tooltip')).toHaveTextContent('net: shared with web-0, sidecar');
  });

  it('compact cells keep the glyph and drop the abbreviation', () => {
    render(<IsolationStrip cells={cells} compact />);
    expect(screen.getByTestId(TEST_IDS.strip.cell('pid'))).toHaveTextContent(/^H$/);
    expect(screen.getByTestId(TEST_IDS.strip.cell('pid'))).toHaveAccessibleName("pid: the host's");
  });
});

describe('describeCell', () => {
  it('counts the others when their names are not known', () => {
    expect(describeCell({ type: 'net', state: 'shared', sharers: 3, sharedWith: [] })).toBe(
      'net: shared with 2 other containers'
    );
    expect(describeCell({ type: 'net', state: 'shared', sharers: 2, sharedWith: [] })).toBe(
      'net: shared with 1 other container'
    );
    expect(describeCell({ type: 'net', state: 'shared', sharedWith: [] })).toBe('net: shared');
  });

  it('shortens long lists of sharers', () => {
    const names = Array.from({ length: 9 }, (_, i) => `c${i}`);
    expect(describeCell({ type: 'ipc', state: 'shared', sharedWith: names })).toBe(
      'ipc: shared with c0, c1, c2, c3, c4, c5 and 3 more'
    );
  });
});
