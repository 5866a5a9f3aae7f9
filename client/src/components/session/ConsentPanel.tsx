// "Customer's permissions" in the session workspace: view, control, files and clipboard, each with what the
// customer allows right now (granted / not granted / asked, waiting for the answer) and an Ask button.
//
// The state comes from the server (GET /api/sessions/:id/consent), which knows it from the agent's consent
// messages. It is kept live without a socket of its own: every change of it (an engineer asks, the customer
// answers, the agent comes or goes) is written to the session log, which the console socket already pushes, so a
// pushed log line of this session fetches the state again. This also works while the remote screen is hidden (then
// no desktop socket is open at all).
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { CAPABILITIES, type Capability } from '../../../../server/protocol/agent.ts';
import { errorMessage } from '../../api/http.ts';
import { sessionActionsApi, type ConsentState, type SessionActionsApi } from '../../api/sessionActions.ts';
import { onSessionEvent, socketStatus } from '../../live/liveStore.ts';
import { Badge, ErrorMessage } from '../ui.tsx';

/** What each capability means, in the engineer's words. */
export const CAPABILITY_TEXT: Record<Capability, { label: string; hint: string }> = {
  view: { label: 'View the screen', hint: 'See the customer’s screen live' },
  control: { label: 'Control', hint: 'Use their mouse and keyboard' },
  files: { label: 'Files', hint: 'Send and receive files on their computer' },
  clipboard: { label: 'Clipboard', hint: 'Read and change their clipboard' },
  record: { label: 'Recording', hint: 'Record their screen for this session’s records' },
};

/** The recording row when the desk does not ask: what its policy does instead. */
const POLICY_TEXT = { always: 'Always recorded (desk policy; the customer is told)', never: 'Not recorded (desk policy)' } as const;

export type PermissionStatus = 'granted' | 'asked' | 'not-granted';

export function permissionStatus(state: ConsentState, capability: Capability): PermissionStatus {
  if (state.granted.includes(capability)) return 'granted';
  if (state.asked.includes(capability)) return 'asked';
  return 'not-granted';
}

const STATUS_TEXT: Record<PermissionStatus, string> = { granted: 'Granted', asked: 'Asked, waiting…', 'not-granted': 'Not granted' };
const STATUS_TONE = { granted: 'ok', asked: 'warn', 'not-granted': 'subtle' } as const;

export function ConsentPanel(props: {
  sessionId: number;
  /** This engineer works in the session (supervisors and readers see the state without the buttons). */
  canAsk: boolean;
  /** Test seam. */
  api?: Pick<SessionActionsApi, 'consent' | 'askConsent'>;
}) {
  const api = () => props.api ?? sessionActionsApi;
  const [state, setState] = createSignal<ConsentState | null>(null);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [askError, setAskError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<Capability | null>(null);

  // One fetch at a time; a push during a fetch asks for one more afterwards (bursts of log lines coalesce).
  let inFlight = false;
  let again = false;
  const load = async (): Promise<void> => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        try {
          setState(await api().consent(props.sessionId));
          setLoadError(null);
        } catch (e) {
          setLoadError(errorMessage(e));
        }
      } while (again);
    } finally {
      inFlight = false;
    }
  };
  void load();
  onCleanup(
    onSessionEvent((event) => {
      if (event.type === 'session-log' && event.sessionId === props.sessionId && event.entries.some((e) => e.kind === 'operation')) void load();
    }),
  );
  // Pushes missed while the console socket was down: catch up when it is back.
  createEffect(
    on(
      () => socketStatus().state === 'open',
      (open, wasOpen) => {
        if (open && wasOpen === false) void load();
      },
    ),
  );

  const ask = async (capability: Capability) => {
    setBusy(capability);
    setAskError(null);
    try {
      setState(await api().askConsent(props.sessionId, capability));
    } catch (e) {
      setAskError(errorMessage(e));
      void load(); // e.g. the agent just left: show it
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card stack tight" aria-labelledby="consent-title" data-testid="consent-panel">
      <h2 id="consent-title" class="section-title">
        Customer’s permissions
      </h2>
      <Show when={state()} fallback={<Show when={!loadError()}>{<p class="muted small">Loading…</p>}</Show>}>
        {(s) => (
          <>
            <Show when={!s().agent}>
              <p class="muted small" data-testid="consent-no-agent">
                The customer’s agent is not connected. Once they run it (Remote assistance in their portal), you can ask for each
                permission here; they answer on their computer.
              </p>
            </Show>
            <ul class="plain-list stack tight" aria-live="polite" style={{ 'list-style': 'none', margin: 0, padding: 0 }}>
              <For each={CAPABILITIES}>
                {(capability) => {
                  const status = () => permissionStatus(s(), capability);
                  const fixedPolicy = () => (capability === 'record' && s().recording !== 'ask' ? s().recording : null);
                  return (
                    <Show
                      when={!fixedPolicy()}
                      fallback={
                        <li class="row-between" data-capability={capability} data-status={fixedPolicy()}>
                          <span>
                            <strong>{CAPABILITY_TEXT[capability].label}</strong>{' '}
                            <span class="muted small">{POLICY_TEXT[fixedPolicy() as 'always' | 'never']}</span>
                          </span>
                        </li>
                      }
                    >
                      <li class="row-between" data-capability={capability} data-status={status()}>
                        <span title={CAPABILITY_TEXT[capability].hint}>
                          <strong>{CAPABILITY_TEXT[capability].label}</strong>{' '}
                          <Badge tone={STATUS_TONE[status()]}>{STATUS_TEXT[status()]}</Badge>
                        </span>
                        <Show when={props.canAsk}>
                          <button
                            type="button"
                            class="button small"
                            disabled={!s().agent || status() === 'granted' || busy() !== null}
                            aria-label={`${status() === 'asked' ? 'Ask again' : 'Ask'} for ${CAPABILITY_TEXT[capability].label.toLowerCase()}`}
                            title={
                              !s().agent
                                ? 'The customer’s agent is not connected'
                                : status() === 'granted'
                                  ? 'Already granted; the customer can take it back on their computer'
                                  : `Ask the customer: ${CAPABILITY_TEXT[capability].hint.toLowerCase()}`
                            }
                            onClick={() => void ask(capability)}
                          >
                            {busy() === capability ? 'Asking…' : status() === 'asked' ? 'Ask again' : 'Ask'}
                          </button>
                        </Show>
                      </li>
                    </Show>
                  );
                }}
              </For>
            </ul>
            <Show when={s().recordingNow}>
              <p class="small" data-testid="recording-now">
                <Badge tone="warn">● Recording</Badge> The screen is being recorded.
              </p>
            </Show>
          </>
        )}
      </Show>
      <ErrorMessage error={askError() ?? loadError()} />
    </section>
  );
}
