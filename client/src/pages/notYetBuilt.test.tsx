// Incidents and Reports are not built yet: their pages say so, instead of an empty state that reads as "no data".
import { Route, Router } from '@solidjs/router';
import { describe, expect, it } from 'vitest';
import { flush, mount } from '../test/dom.ts';
import { IncidentsPage } from './Incidents.tsx';
import { ReportsPage } from './Reports.tsx';

describe('pages of modules still to come', () => {
  it.each([
    ['Incidents', IncidentsPage],
    ['Reports', ReportsPage],
  ])('%s says the module is not available yet and what is coming', async (_name, Page) => {
    const view = mount(() => (
      <Router>
        <Route path="*" component={Page} />
      </Router>
    ));
    await flush();
    expect(view.container.textContent).toContain('Not available in this version');
    expect(view.container.textContent).toContain('Coming:');
    expect(view.container.textContent).not.toMatch(/No incidents yet|Nothing to report yet/);
    view.unmount();
  });
});
