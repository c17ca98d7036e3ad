import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { createTheme } from '@grafana/data';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { namespaces } from '../../../test/support/factory';
import { TEST_IDS } from '../testIds';
import { IsolationStrip } from './IsolationStrip';
import { contrast, MIN_CONTRAST } from '../contrast/contrast';
import { cellTone, describeCell, TONES, toneStyle, type CellTone } from './states';

const theme = createTheme();

const cells = namespaces({
  net: { state: 'shared', sharedWith: ['web-0', 'sidecar'] },
  ipc: { state: 'shared', sharedWith: ['web-0', 'sidecar'] },
  pid: 'host',
  user: 'host',
  cgroup: 'host',
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
    expect(screen.getByTestId(TEST_IDS.strip.cell('uts'))).toHaveTextContent('utsP');
    // every host cell reads 'H', whatever its colour
    expect(screen.getByTestId(TEST_IDS.strip.cell('user'))).toHaveTextContent('usrH');
    expect(screen.getByTestId(TEST_IDS.strip.cell('cgroup'))).toHaveTextContent('cgH');
  });

  it('colours states from the theme: private success, shared warning, unknown blank', () => {
    render(<IsolationStrip cells={cells} />);
    const look = (tone: CellTone) => ({ backgroundColor: toneStyle(tone, theme).background });
    expect(screen.getByTestId(TEST_IDS.strip.cell('mnt'))).toHaveStyle(look('private'));
    expect(screen.getByTestId(TEST_IDS.strip.cell('net'))).toHaveStyle(look('shared'));
    expect(screen.getByTestId(TEST_IDS.strip.cell('time'))).toHaveStyle(look('unknown'));
  });

  it('colours a host namespace by the risk of its type: pid red, user a caveat, cgroup neutral', () => {
    render(<IsolationStrip cells={cells} />);
    const pid = screen.getByTestId(TEST_IDS.strip.cell('pid'));
    const user = screen.getByTestId(TEST_IDS.strip.cell('user'));
    const cgroup = screen.getByTestId(TEST_IDS.strip.cell('cgroup'));
    expect(pid).toHaveAttribute('data-tone', 'host-high');
    expect(pid).toHaveStyle({ backgroundColor: toneStyle('host-high', theme).background });
    expect(user).toHaveAttribute('data-tone', 'host-moderate');
    expect(user).toHaveStyle({
      backgroundColor: toneStyle('host-moderate', theme).background,
      color: toneStyle('host-moderate', theme).color,
    });
    expect(cgroup).toHaveAttribute('data-tone', 'host-low');
    expect(cgroup).toHaveStyle({ backgroundColor: toneStyle('host-low', theme).background });
    // all three are still host cells to anything that reads the state
    expect([pid, user, cgroup].map((c) => c.getAttribute('data-state'))).toEqual(['host', 'host', 'host']);
  });

  it('labels each cell for screen readers with who shares it', () => {
    render(<IsolationStrip cells={cells} />);
    expect(screen.getByRole('listitem', { name: 'net: shared with web-0, sidecar' })).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', { name: "pid: the host's — processes of the host are visible and signalable" })
    ).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', { name: /^user: the host's — .*root inside is root outside/ })
    ).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^cgroup: the host's — expected/ })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'mnt: private' })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'time: unknown' })).toBeInTheDocument();
  });

  it('says in the tooltip what a host namespace lets the container do', async () => {
    render(<IsolationStrip cells={cells} />);
    await act(async () => {
      fireEvent.mouseEnter(screen.getByTestId(TEST_IDS.strip.cell('pid')));
    });
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      "pid: the host's — processes of the host are visible and signalable"
    );
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
    expect(screen.getByTestId(TEST_IDS.strip.cell('pid'))).toHaveAccessibleName(/^pid: the host's — /);
    expect(screen.getByTestId(TEST_IDS.strip.cell('cgroup'))).toHaveTextContent(/^H$/);
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

  it("says what the host's namespace of each type means", () => {
    expect(describeCell({ type: 'net', state: 'host', sharedWith: [] })).toMatch(
      /^net: the host's — .*host's interfaces/
    );
    expect(describeCell({ type: 'time', state: 'host', sharedWith: [] })).toMatch(/^time: the host's — expected/);
    expect(describeCell({ type: 'time', state: 'private', sharedWith: [] })).toBe('time: private');
  });

  it('shortens long lists of sharers', () => {
    const names = Array.from({ length: 9 }, (_, i) => `c${i}`);
    expect(describeCell({ type: 'ipc', state: 'shared', sharedWith: names })).toBe(
      'ipc: shared with c0, c1, c2, c3, c4, c5 and 3 more'
    );
  });
});

describe('cellTone and toneStyle', () => {
  it('gives a host cell the tone of its type, and every other state its own', () => {
    expect(cellTone({ type: 'net', state: 'host' })).toBe('host-high');
    expect(cellTone({ type: 'uts', state: 'host' })).toBe('host-moderate');
    expect(cellTone({ type: 'time', state: 'host' })).toBe('host-low');
    expect(cellTone({ type: 'time', state: 'private' })).toBe('private');
    expect(cellTone({ type: 'net', state: 'shared' })).toBe('shared');
    expect(cellTone({ type: 'net', state: 'unknown' })).toBe('unknown');
  });

  it('outlines host cells only, the alarm thickest', () => {
    expect(toneStyle('host-high', theme).outline).toBe(`2px solid ${theme.colors.error.border}`);
    expect(toneStyle('host-moderate', theme).outline).toBe(`1px solid ${theme.colors.warning.border}`);
    expect(toneStyle('host-low', theme).outline).toMatch(/^1px solid/);
    expect(toneStyle('shared', theme).outline).toBeUndefined();
    expect(toneStyle('private', theme).outline).toBeUndefined();
  });
});

describe('toneStyle contrast', () => {
  it.each(['dark', 'light'] as const)(
    'keeps every cell label at 4.5:1 or more in the %s theme, with the theme’s hue',
    (mode) => {
      const t = createTheme({ colors: { mode } });
      for (const tone of TONES) {
        const look = toneStyle(tone, t);
        expect({ tone, ratio: contrast(look.color, look.background) >= MIN_CONTRAST }).toEqual({ tone, ratio: true });
      }
    }
  );
});
