// Routes and the gatekeeping around them: setup first, then sign-in, then the console.
import { Navigate, Route, Router, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, lazy, Match, onCleanup, onMount, Switch, type Component } from 'solid-js';
import { onApiEvent } from './api/http.ts';
import { boot, bootstrap, endSession, markSetupRequired } from './lib/session.ts';
import { Loading } from './components/ui.tsx';
import { Toasts } from './components/Toasts.tsx';
import { Shell } from './Shell.tsx';
import { SetupPage } from './pages/Setup.tsx';
import { LoginPage } from './pages/Login.tsx';
import { QueuePage } from './pages/Queue.tsx';
import { NotFoundPage } from './pages/NotFound.tsx';
import { AdminLayout } from './pages/admin/AdminLayout.tsx';
import { SessionWorkspacePage } from './pages/SessionWorkspace.tsx';

// Pages an engineer opens now and then load when first opened, so the first load (sign-in, queue, sessions) stays
// small on a slow link; their tables (components/DataTable.tsx, @tanstack/solid-table) come with them.
function page<M>(load: () => Promise<M>, name: keyof M): Component {
  return lazy(async () => ({ default: (await load())[name] as Component }));
}
const DevicesPage = page(() => import('./pages/Devices.tsx'), 'DevicesPage');
const IncidentsPage = page(() => import('./pages/Incidents.tsx'), 'IncidentsPage');
const ReportsPage = page(() => import('./pages/Reports.tsx'), 'ReportsPage');
const ProfilePage = page(() => import('./pages/Profile.tsx'), 'ProfilePage');
const TokensPage = page(() => import('./pages/Tokens.tsx'), 'TokensPage');
const ProviderPage = page(() => import('./pages/admin/Provider.tsx'), 'ProviderPage');
const EngineersPage = page(() => import('./pages/admin/Engineers.tsx'), 'EngineersPage');
const SessionsPage = page(() => import('./pages/Sessions.tsx'), 'SessionsPage');
const SessionLogPage = page(() => import('./pages/SessionLog.tsx'), 'SessionLogPage');
const ExpertPage = page(() => import('./pages/Expert.tsx'), 'ExpertPage');
const IdentityFieldsPage = page(() => import('./pages/admin/IdentityFields.tsx'), 'IdentityFieldsPage');
const PortalSettingsPage = page(() => import('./pages/admin/PortalSettings.tsx'), 'PortalSettingsPage');
const QuickTextsPage = page(() => import('./pages/admin/QuickTexts.tsx'), 'QuickTextsPage');
const HelpButtonPage = page(() => import('./pages/admin/HelpButton.tsx'), 'HelpButtonPage');
const DesksPage = page(() => import('./pages/admin/Desks.tsx'), 'DesksPage');
const StationsPage = page(() => import('./pages/admin/Desks.tsx'), 'StationsPage');

/** Waits for the first health check, then keeps the URL in line with the server's state. */
function Root(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();

  onMount(() => {
    void bootstrap();
    const off = onApiEvent((event) => {
      if (event.kind === 'setup-required') markSetupRequired();
      if (event.kind === 'unauthorized') endSession('Your session has ended. Please sign in again.');
    });
    onCleanup(off);
  });

  createEffect(() => {
    const state = boot().state;
    if (state === 'setup' && location.pathname !== '/setup') navigate('/setup', { replace: true });
  });

  return (
    <>
      <Switch>
        <Match when={boot().state === 'loading'}>
          <div class="splash">
            <Loading label="Connecting to Tessera…" />
          </div>
        </Match>
        <Match when={boot().state === 'unreachable'}>
          <div class="splash">
            <div class="card narrow stack">
              <h1>Cannot reach the server</h1>
              <p class="muted">{(boot() as { message?: string }).message}</p>
              <button type="button" class="button primary" onClick={() => void bootstrap()}>
                Try again
              </button>
            </div>
          </div>
        </Match>
        <Match when={true}>{props.children}</Match>
      </Switch>
      <Toasts />
    </>
  );
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/setup" component={SetupPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/expert/:link" component={ExpertPage} />
      <Route path="/" component={Shell}>
        <Route path="/" component={() => <Navigate href="/queue" />} />
        <Route path="/queue" component={QueuePage} />
        <Route path="/sessions" component={SessionsPage} />
        <Route path="/sessions/log" component={SessionLogPage} />
        <Route path="/sessions/:id" component={SessionWorkspacePage} matchFilters={{ id: /^\d+$/ }} />
        <Route path="/devices" component={DevicesPage} />
        <Route path="/incidents" component={IncidentsPage} />
        <Route path="/reports" component={ReportsPage} />
        <Route path="/profile" component={ProfilePage} />
        <Route path="/profile/tokens" component={TokensPage} />
        <Route path="/admin" component={AdminLayout}>
          <Route path="/" component={() => <Navigate href="/admin/provider" />} />
          <Route path="/provider" component={ProviderPage} />
          <Route path="/desks" component={DesksPage} />
          <Route path="/stations" component={StationsPage} />
          <Route path="/engineers" component={EngineersPage} />
          <Route path="/identity-fields" component={IdentityFieldsPage} />
          <Route path="/portal" component={PortalSettingsPage} />
          <Route path="/quick-texts" component={QuickTextsPage} />
          <Route path="/help-button" component={HelpButtonPage} />
          <Route path="/tokens" component={TokensPage} />
        </Route>
        <Route path="*404" component={NotFoundPage} />
      </Route>
    </Router>
  );
}
