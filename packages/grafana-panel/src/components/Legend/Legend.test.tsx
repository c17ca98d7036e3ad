import React from 'react';
import { render, screen } from '@testing-library/react';

import { TEST_IDS } from '../testIds';
import { Legend } from './Legend';

describe('Legend', () => {
  it('explains every strip state with its glyph', () => {
    render(<Legend showSecurity showResources />);
    expect(screen.getByRole('listitem', { name: /^P, private: / })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^S, shared: / })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^H, host: .*no isolation/ })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: /^\?, unknown: / })).toBeInTheDocument();
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
