import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { TEST_IDS } from '../testIds';
import { SecurityBadges } from './SecurityBadges';

describe('SecurityBadges', () => {
  it('shows one badge per risky fact, worst first', () => {
    render(<SecurityBadges facts={{ privileged: true, seccompMode: 0, rootMappedToHost: true, noNewPrivs: false }} />);
    const badges = screen.getAllByRole('img');
    expect(badges.map((b) => b.textContent)).toEqual([
      'privileged',
      'seccomp off',
      'root = host root',
      'no_new_privs off',
    ]);
  });

  it('explains the risk to screen readers and in a tooltip', async () => {
    render(<SecurityBadges facts={{ seccompMode: 0 }} />);
    const badge = screen.getByTestId(TEST_IDS.badges.badge('seccompOff'));
    expect(badge).toHaveAccessibleName(/^seccomp off: No seccomp filter/);
    await act(async () => {
      fireEvent.mouseEnter(badge);
    });
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/every system call/);
  });

  it('shows nothing for facts that are safe or absent', () => {
    render(<SecurityBadges facts={{ privileged: false, seccompMode: 2, noNewPrivs: true }} />);
    expect(screen.queryByTestId(TEST_IDS.badges.root)).not.toBeInTheDocument();
    // facts were read and none is risky: a quiet "ok", not an empty cell that could mean "no data"
    expect(screen.getByTestId(TEST_IDS.badges.ok)).toHaveTextContent('ok');
  });

  it('renders nothing at all without any fact', () => {
    const { container } = render(<SecurityBadges facts={{}} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('abbreviates in compact rows and keeps the full meaning in the name', () => {
    render(<SecurityBadges facts={{ rootMappedToHost: true }} compact />);
    const badge = screen.getByTestId(TEST_IDS.badges.badge('rootMapped'));
    expect(badge).toHaveTextContent('root');
    expect(badge).toHaveAccessibleName(/^root = host root: /);
  });

  it('uses short texts in a narrow column, and wraps rather than cuts in normal rows', () => {
    render(
      <SecurityBadges facts={{ privileged: true, seccompMode: 0, rootMappedToHost: true, noNewPrivs: false }} short />
    );
    expect(screen.getAllByRole('img').map((b) => b.textContent)).toEqual([
      'privileged',
      'seccomp off',
      'host root',
      'nnp off',
    ]);
    expect(screen.getByTestId(TEST_IDS.badges.badge('noNewPrivsOff'))).toHaveAccessibleName(/^no_new_privs off: /);
    expect(screen.getByTestId(TEST_IDS.badges.root)).toHaveStyle({ flexWrap: 'wrap', maxHeight: '42px' });
  });

  it('keeps compact rows to one line', () => {
    render(<SecurityBadges facts={{ seccompMode: 0, rootMappedToHost: true }} compact short />);
    expect(screen.getByTestId(TEST_IDS.badges.root)).toHaveStyle({ maxHeight: '20px' });
    expect(screen.getByTestId(TEST_IDS.badges.badge('rootMapped'))).toHaveTextContent(/^root$/);
  });
});
