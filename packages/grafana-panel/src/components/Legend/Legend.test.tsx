import React from 'react';
import { render, screen } from '@testing-library/react';
import { createTheme } from '@grafana/data';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { TEST_IDS } from '../testIds';
import { toneStyle } from '../IsolationStrip/states';
import { Legend } from './Legend';

describe('Legend', () => {
  it('explains every strip state with its glyph', () => {
    render(<Legend showSecurity showResources />);
    expect(screen.getByRole('listitem', { name: /^P, private: / })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^S, shared \(n others\): / })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^\?, unknown: / })).toBeInTheDocument();
  });

  it('has one host entry per risk level, naming its namespace types, in the colours of the strip', () => {
    const theme = createTheme();
    render(<Legend showSecurity showResources />);
    const high = screen.getByRole('listitem', { name: /^H, host \(mnt, pid, net, ipc\): .*processes, network/ });
    const moderate = screen.getByRole('listitem', { name: /^H, host, caveat \(uts, user\): / });
    const low = screen.getByRole('listitem', { name: /^H, host, expected \(cgroup, time\): .*nothing to act on/ });
    expect(high).toHaveTextContent('Hhost: mnt pid net ipc');
    expect(moderate).toHaveTextContent('Hhost, caveat: uts usr');
    expect(low).toHaveTextContent('Hhost, expected: cg time');
    const swatch = (li: HTMLElement) => li.querySelector('[aria-hidden]') as HTMLElement;
    const { background, outline } = toneStyle('host-high', theme);
    expect(swatch(high)).toHaveStyle({ background, outline });
    expect(swatch(moderate)).toHaveStyle({ backgroundColor: toneStyle('host-moderate', theme).background });
    expect(swatch(low)).toHaveStyle({ backgroundColor: toneStyle('host-low', theme).background });
  });

  it('lists every namespace type under exactly one host entry', () => {
    render(<Legend showSecurity showResources />);
    const hostEntries = screen
      .getAllByRole('listitem')
      .filter((li) => li.getAttribute('data-tone')?.startsWith('host'));
    const types = hostEntries.flatMap((li) => /\(([^)]*)\)/.exec(li.getAttribute('aria-label')!)![1].split(', '));
    expect(types.sort()).toEqual([...NAMESPACE_TYPES].sort());
  });

  it('lists the badges when security is shown, and what the bars are measured against', () => {
    render(<Legend showSecurity showResources />);
    for (const text of ['privileged', 'seccomp off', 'root = host root', 'no_new_privs off']) {
      expect(screen.getByText(text)).toBeInTheDocument();
    }
    expect(screen.getByTestId(TEST_IDS.legend.root)).toHaveTextContent(/own limit/);
  });

  it('leaves out what the panel does not show', () => {
    render(<Legend showSecurity={false} showResources={false} />);
    expect(screen.queryByText('privileged')).not.toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.legend.root)).not.toHaveTextContent(/own limit/);
  });
});
