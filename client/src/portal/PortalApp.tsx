// The customer portal: the provider's page with its desks (lit while someone is online), the request form,
// the access-code form, and then the live session. The configuration is fetched again every little while and
// whenever the page gets focus, so an admin's changes and engineers coming online show without a reload.
import { createEffect, createMemo, createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import type { PortalConfig, PortalSession, SupportChannel } from '../../../server/protocol/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { AccessCodeForm } from './AccessCodeForm.tsx';
import { portalApi, tokenStore, type Joined } from './api.ts';
import { createCustomerSession } from './customerSession.ts';
import { DeskPanel } from './DeskPanel.tsx';
import { RequestForm } from './RequestForm.tsx';
import { SessionView } from './SessionView.tsx';

export const CONFIG_REFRESH_MS = 15_000;

type View =
  | { kind: 'home' }
  | { kind: 'form'; deskId: number | null; deskName: string | null; channel: SupportChannel }
  | { kind: 'session'; token: string; session: PortalSession; deskName: string | null };

/** The desk asked for in ?desk=, as a number, or null. */
export function deskParam(search: string): number | null {
  const raw = new URLSearchParams(search).get('desk');
  return raw && /^\d{1,9}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

export function PortalApp(props: { search?: string }) {
  const wanted = deskParam(props.search ?? window.location.search);
  const [config, setConfig] = createSignal<PortalConfig | null>(null);
  const [configError, setConfigError] = createSignal<string | null>(null);
  const [view, setView] = createSignal<View>({ kind: 'home' });
  const [notice, setNotice] = createSignal<string | null>(null);
  const [resuming, setResuming] = createSignal(!!tokenStore.get());
  let lastLoad = 0;

  const loadConfig = async () => {
    lastLoad = Date.now();
    try {
      setConfig(await portalApi.config());
      setConfigError(null);
    } catch (e) {
      setConfigError(errorMessage(e));
    }
  };

  const refreshSoon = () => {
    if (document.visibilityState !== 'hidden' && Date.now() - lastLoad > 2_000) void loadConfig();
  };

  onMount(() => {
    void loadConfig();
    const timer = setInterval(refreshSoon, CONFIG_REFRESH_MS);
    window.addEventListener('focus', refreshSoon);
    document.addEventListener('visibilitychange', refreshSoon);
    onCleanup(() => {
      clearInterval(timer);
      window.removeEventListener('focus', refreshSoon);
      document.removeEventListener('visibilitychange', refreshSoon);
    });
    // A reload keeps the conversation: the token is in this tab's sessionStorage.
    const token = tokenStore.get();
    if (token)
      portalApi
        .session(token)
        .then(
          (session) => setView({ kind: 'session', token, session, deskName: null }),
          (e: unknown) => {
            if (e instanceof ApiError && e.status === 401) tokenStore.set(null);
          },
        )
        .finally(() => setResuming(false));
  });

  createEffect(() => {
    const name = config()?.provider.name;
    const v = view();
    const what = v.kind === 'session' ? 'Support session' : v.kind === 'form' ? 'Request help' : 'Help';
    document.title = name ? `${what} · ${name}` : what;
  });

  const desks = () => config()?.desks ?? [];
  const wantedDesk = createMemo(() => (wanted === null ? null : (desks().find((d) => d.id === wanted) ?? null)));
  const shownDesks = () => (wantedDesk() ? [wantedDesk()!] : desks());
  /** Without ?desk= and with several desks, a request can also go to whoever is free first. */
  const showGeneric = () => !wantedDesk() && desks().length > 1;

  const join = (joined: Joined, deskName: string | null) => {
    tokenStore.set(joined.customerToken);
    setNotice(null);
    setView({ kind: 'session', token: joined.customerToken, session: joined.session, deskName });
  };

  const choose = (deskId: number | null, deskName: string | null, channel: SupportChannel) => {
    setNotice(null);
    setView({ kind: 'form', deskId, deskName, channel });
  };

  const leave = (message: string | null = null) => {
    tokenStore.set(null);
    setNotice(message);
    setView({ kind: 'home' });
    void loadConfig();
  };

  return (
    <div class="portal">
      <header class="portal-header">
        <div class="portal-brand">
          <Show when={config()?.provider.hasLogo}>
            <img class="portal-logo" src="/api/provider/logo" alt="" />
          </Show>
          <span class="portal-name">{config()?.provider.name ?? 'Help'}</span>
        </div>
        <span class="muted small">Customer help</span>
      </header>

      <main class="portal-main" id="main">
        <Show when={configError() && !config()}>
          <section class="card stack" role="alert">
            <h1>The help page cannot load</h1>
            <p>{configError()}</p>
            <div class="actions start">
              <button type="button" class="button primary" onClick={() => void loadConfig()}>
                Try again
              </button>
            </div>
          </section>
        </Show>
        <Show when={config() && !resuming()}>
          <div class="portal-columns">
            <div class="stack portal-primary">
              <Switch>
                <Match when={view().kind === 'session' && (view() as Extract<View, { kind: 'session' }>)}>
                  {(v) => (
                    <Show when={v().token} keyed>
                      <LiveSession token={v().token} session={v().session} deskName={v().deskName} onLeave={leave} />
                    </Show>
                  )}
                </Match>
                <Match when={view().kind === 'form' && (view() as Extract<View, { kind: 'form' }>)}>
                  {(v) => (
                    <RequestForm
                      fields={config()!.fields}
                      deskName={v().deskName}
                      channel={v().channel}
                      onCancel={() => setView({ kind: 'home' })}
                      onSubmit={async (values) => {
                        try {
                          join(await portalApi.request(v().deskId, v().channel, values), v().deskName);
                        } catch (e) {
                          // Nobody online any more: show the desks' real state behind the message.
                          if (e instanceof ApiError && e.status === 409) void loadConfig();
                          throw e;
                        }
                      }}
                    />
                  )}
                </Match>
                <Match when={view().kind === 'home'}>
                  <h1 class="portal-title">How can we help?</h1>
                  <Show when={notice()}>
                    <p class="notice" role="status">
                      {notice()}
                    </p>
                  </Show>
                  <Show when={wanted !== null && !wantedDesk()}>
                    <p class="notice" role="status">
                      The desk in this help link no longer exists; choose one of ours below.
                    </p>
                  </Show>
                  <Show when={!desks().length}>
                    <p class="notice">No help desk is set up yet.</p>
                  </Show>
                  <Show when={showGeneric()}>
                    <DeskPanel
                      name="Any available engineer"
                      description="Your request goes to every desk; the first free engineer answers."
                      online={desks().some((d) => d.online)}
                      onChoose={(channel) => choose(null, null, channel)}
                    />
                  </Show>
                  <For each={shownDesks()}>
                    {(desk) => <DeskPanel name={desk.name} online={desk.online} onChoose={(channel) => choose(desk.id, desk.name, channel)} />}
                  </For>
                  <AccessCodeForm fields={config()!.fields} onSubmit={async (code, fields) => join(await portalApi.redeemCode(code, fields), null)} />
                </Match>
              </Switch>
            </div>
            <aside class="stack portal-side" aria-label="About us">
              <Show when={config()!.notice.trim()}>
                <section class="card stack notice-board" aria-labelledby="notice-title">
                  <h2 id="notice-title">Notices</h2>
                  <p class="prewrap">{config()!.notice}</p>
                </section>
              </Show>
              <ContactCard config={config()!} />
            </aside>
          </div>
        </Show>
        <Show when={!config() && !configError()}>
          <p class="loading" role="status">
            <span class="spinner" aria-hidden="true" /> Loading…
          </p>
        </Show>
      </main>
    </div>
  );
}

function LiveSession(props: { token: string; session: PortalSession; deskName: string | null; onLeave: (message?: string | null) => void }) {
  const live = createCustomerSession(props.token, props.session, {
    onGone: () => props.onLeave('Your session is no longer available. If you still need help, please start a new request.'),
  });
  return <SessionView live={live} token={props.token} deskName={props.deskName} onLeave={() => props.onLeave(null)} />;
}

function safeWebsite(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

function ContactCard(props: { config: PortalConfig }) {
  const p = () => props.config.provider;
  const has = () => props.config.contact.trim() || p().phone || p().address || p().website;
  return (
    <Show when={has()}>
      <section class="card stack contact" aria-labelledby="contact-title">
        <h2 id="contact-title">Contact</h2>
        <Show when={props.config.contact.trim()}>
          <p class="prewrap">{props.config.contact}</p>
        </Show>
        <dl class="contact-list">
          <Show when={p().phone}>
            <dt>Phone</dt>
            <dd>
              <a href={`tel:${p().phone.replace(/[^0-9+]/g, '')}`}>{p().phone}</a>
            </dd>
          </Show>
          <Show when={safeWebsite(p().website)}>
            {(url) => (
              <>
                <dt>Web site</dt>
                <dd>
                  <a href={url()} target="_blank" rel="noopener noreferrer">
                    {p().website.replace(/^https?:\/\//i, '')}
                  </a>
                </dd>
              </>
            )}
          </Show>
          <Show when={p().address}>
            <dt>Address</dt>
            <dd class="prewrap">{p().address}</dd>
          </Show>
        </dl>
      </section>
    </Show>
  );
}
