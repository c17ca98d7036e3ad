import React from 'react';
import { render, screen } from '@testing-library/react';
import type { StandardEditorsRegistryItem } from '@grafana/data';

import { DERIVED_ROLES } from '../../data/missing';
import { offeredRoles, QueryRolesEditor, refIdChoices } from './QueryRolesEditor';

// jsdom has no canvas; Grafana's Combobox measures its option texts with one (as Grafana's own tests do,
// give it a context that measures nothing)
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => ({ measureText: () => ({ width: 0 }) })) as never;
});

describe('QueryRolesEditor', () => {
  it('offers the refIds of the panel’s queries, and those already chosen, in order', () => {
    expect(
      refIdChoices([{ refId: 'B' }, { refId: 'A10' }, {}, { refId: 'A2' }, { refId: 'B' }], { memory: ['Z'] })
    ).toEqual(['A2', 'A10', 'B', 'Z']);
  });

  it('has a select for every derived role, and for any other role already chosen', () => {
    expect(offeredRoles({})).toEqual(DERIVED_ROLES);
    expect(offeredRoles({ memory: ['A'] })).toEqual([...DERIVED_ROLES, 'memory']);
  });

  it('draws one labelled select per role, showing the queries chosen', () => {
    const onChange = jest.fn();
    render(
      <QueryRolesEditor
        value={{ cpuUsage: ['A'] }}
        onChange={onChange}
        item={{} as StandardEditorsRegistryItem}
        context={{ data: [{ refId: 'A', fields: [], length: 0 }] }}
      />
    );
    for (const role of DERIVED_ROLES) {
      expect(screen.getByText(role)).toBeInTheDocument();
    }
    // the chosen refId shows as the one value (a removable pill) among all the selects
    expect(screen.getAllByRole('button', { name: /^Remove / }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Remove A',
    ]);
  });
});
