// Routes and the gatekeeping around them: setup first, then sign-in, then the console.
import { Navigate, Route, Router, useLocation, useNavigate, type RouteSectionProps } from '@solidjs/router';
import { createEffect, Match, onCleanup, onMount, Switch } from 'solid-js';
import { onApiEvent } from './api/http.ts';
import { boot, bootstrap, endSession, markSetupRequired } from './lib/session.ts';
import { Loading } from './components/ui.tsx';
import { Toasts } from './components/Toasts.tsx';
import { Shell } from './Shell.tsx';
import { SetupPage } from './pages/Setup.tsx';
import { LoginPage } from './pages/Login.tsx';
import { QueuePage } from './pages/Queue.tsx';
import { SessionsPage } from './pages/Sessions.tsx';
import { DevicesPage } from './pages/Devices.tsx';
import { IncidentsPage } from './pages/Incidents.tsx';
import { ReportsPage } from './pages/Reports.tsx';
import { ProfilePage } from './pages/Profile.tsx';
import { TokensPage } from './pages/Tokens.tsx';
import { NotFoundPage } from './pages/NotFound.tsx';
import { AdminLayout } from './pages/admin/AdminLayout.tsx';
import { ProviderPage } from './pages/admin/Provider.tsx';
import { DesksPage, StationsPage } from './pages/admin/Desks.tsx';
import { EngineersPage } from './pages/admin/Engineers.tsx';
import { SessionWorkspacePage } from './pages/SessionWorkspace.tsx';
import { SessionLogPage } from './pages/SessionLog.tsx';
import { ExpertPage } from './pages/Expert.tsx';
import { IdentityFieldsPage } from './pages/admin/IdentityFields.tsx';
import { PortalSettingsPage } from './pages/admin/PortalSettings.tsx';
import { QuickTextsPage } from './pages/admin/QuickTexts.tsx';
import { HelpButtonPage } from './pages/admin/HelpButton.tsx';

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
