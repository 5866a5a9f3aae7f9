// One session: chat with the customer, participants and who is watching, hand-over and invitations, files,
// notes and the customer's history. Ended sessions (and sessions one only reads) open here read-only.
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, on, onCleanup, Show } from 'solid-js';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { sessionLogTextUrl, supportApi, type CannedReply, type CommonUrl, type SessionDetail } from '../api/support.ts';
import { ApiError, errorMessage } from '../api/http.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { CustomerValues, customerTitle } from '../components/CustomerValues.tsx';
import { EditCustomerDialog } from '../components/session/EditCustomer.tsx';
import { SignatureButton } from '../components/session/SignatureButton.tsx';
import { ChatLog, Composer, mergeEntries } from '../components/session/ChatLog.tsx';
import { FilesPanel } from '../components/session/FilesPanel.tsx';
import { CannedRepliesPicker, CommonUrlsPicker, urlMessage } from '../components/session/QuickTexts.tsx';
import { AgentCommand } from '../components/session/AgentCommand.tsx';
import { ConsentPanel } from '../components/session/ConsentPanel.tsx';
import { PushUrl } from '../components/session/PushUrl.tsx';
import { ScreenshotButton } from '../components/session/ScreenshotButton.tsx';
import { ExpertDialog, OfferDialog } from '../components/session/SessionDialogs.tsx';
import { HistoryPanel, NotesPanel } from '../components/session/SidePanels.tsx';
import { SurveySummary } from '../components/session/SurveySummary.tsx';
import { SessionTabs } from '../components/session/SessionTabs.tsx';
import { SplitHandle } from '../components/session/SplitHandle.tsx';
import { createStoredNumber } from '../lib/storedNumber.ts';
import { SessionScreen } from '../desktop/SessionScreen.tsx';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../components/ui.tsx';
import { mySessions, onSessionEvent } from '../live/liveStore.ts';
import { desks } from '../lib/directory.ts';
import { formatDateTime } from '../lib/format.ts';
import { me } from '../lib/session.ts';
import { toast } from '../lib/toasts.ts';
import { channelLabel, STATUS_LABELS } from '../lib/labels.ts';

/** What an engineer has typed but not sent, per session: switching tabs does not lose it. */
const drafts = new Map<number, string>();

/** The chat beside the screen: its width in pixels, remembered in this browser. */
export const CHAT_WIDTH = { key: 'tessera.workspace.chatWidth', initial: 400, min: 300, max: 720 } as const;
const [chatWidth, setChatWidth] = createStoredNumber(CHAT_WIDTH.key, CHAT_WIDTH.initial, CHAT_WIDTH.min, CHAT_WIDTH.max);

const ROLE_LABELS = { owner: 'Owner', engineer: 'Engineer', supervisor: 'Supervisor (watching)' } as const;

/** "Being watched by Sam and Kim": the supervisors in the session other than me, or null. */
export function watchedBy(session: Pick<SessionDetail, 'participants'>, myId: number): string | null {
  const names = session.participants.filter((p) => p.role === 'supervisor' && p.id !== myId).map((p) => p.name);
  if (!names.length) return null;
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export function SessionWorkspacePage() {
  const params = useParams<{ id: string }>();
  // A new id (a link to an earlier session) starts a fresh workspace.
  return (
    <Show when={Number(params.id)} keyed>
      {(id) => <SessionLoader id={id} />}
    </Show>
  );
}

function SessionLoader(props: { id: number }) {
  const [detail, { refetch, mutate }] = createResource(() => props.id, supportApi.session);
  return (
    <Show
      when={!detail.error}
      fallback={
        <div class="page">
          <PageHeader title="Session" />
          <Show when={detail.error instanceof ApiError && detail.error.status === 404} fallback={<ErrorMessage error={errorMessage(detail.error)} />}>
            <EmptyState title="No such session" icon="▣">
              <p>It does not exist, or you are not allowed to see it.</p>
              <p>
                <A href="/sessions">Back to your sessions</A>
              </p>
            </EmptyState>
          </Show>
        </div>
      }
    >
      <Show when={detail()} fallback={<Loading />}>
        {(s) => <Workspace session={s()} refresh={() => void refetch()} update={(next) => mutate(next)} />}
      </Show>
    </Show>
  );
}

function Workspace(props: { session: SessionDetail; refresh: () => void; update: (s: SessionDetail) => void }) {
  const navigate = useNavigate();
  const s = () => props.session;
  const myId = () => me()?.id ?? 0;
  const myRole = createMemo(() => s().participants.find((p) => p.id === myId())?.role ?? null);
  const live = () => s().status === 'active' || s().status === 'waiting-code';
  const working = () => live() && (myRole() === 'owner' || myRole() === 'engineer');
  const watching = () => live() && myRole() === 'supervisor';
  const watched = createMemo(() => watchedBy(s(), myId()));
  const [editingCustomer, setEditingCustomer] = createSignal(false);
  const deskName = () => (s().deskId === null ? 'Any desk' : (desks()?.find((d) => d.id === s().deskId)?.name ?? `Desk #${s().deskId}`));

  // The log: loaded once, then pushed line by line; anything logged without a push is fetched on each change.
  const [entries, setEntries] = createSignal<SessionLogEntry[]>([]);
  const [logError, setLogError] = createSignal<string | null>(null);
  let loading: Promise<void> | null = null;
  const loadLog = () => {
    loading ??= supportApi
      .logAll(s().id, entries().at(-1)?.id ?? 0)
      .then((more) => {
        setEntries((list) => mergeEntries(list, more));
        setLogError(null);
      })
      .catch((e: unknown) => {
        setLogError(errorMessage(e));
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  void loadLog();
  const off = onSessionEvent((event) => {
    if (event.sessionId !== s().id) return;
    if (event.type === 'session-log') setEntries((list) => mergeEntries(list, event.entries));
    if (event.type === 'offer-declined') toast(`${event.by} declined the ${event.kind === 'transfer' ? 'transfer' : 'invitation'}.`, 'error', 6000);
  });
  onCleanup(off);
  // A sessions push (joins, hand-overs, the end): refresh the summary and catch up the log.
  createEffect(
    on(
      mySessions,
      (list) => {
        if (!list) return;
        const pushed = list.find((x) => x.id === s().id);
        if (pushed) props.update({ ...pushed, notes: s().notes, survey: s().survey ?? null });
        else if (live()) props.refresh(); // gone from my list: ended, handed over, or I left
        void loadLog();
      },
      { defer: true },
    ),
  );

  // Canned replies and common URLs (admin-edited, read by every engineer).
  const [replies] = createResource(() => supportApi.cannedReplies().catch(() => [] as CannedReply[]));
  const [urls] = createResource(() => supportApi.commonUrls().catch(() => [] as CommonUrl[]));

  const [draft, setDraftSignal] = createSignal(drafts.get(s().id) ?? '');
  const setDraft = (text: string) => {
    setDraftSignal(text);
    if (text) drafts.set(s().id, text);
    else drafts.delete(s().id);
  };
  const [sending, setSending] = createSignal(false);
  const [chatError, setChatError] = createSignal<string | null>(null);
  let box: HTMLTextAreaElement | undefined;
  const send = async (text: string) => {
    setSending(true);
    setChatError(null);
    try {
      const entry = await supportApi.chat(s().id, text);
      setEntries((list) => mergeEntries(list, [entry]));
      if (draft().trim() === text) setDraft('');
    } catch (e) {
      setChatError(errorMessage(e));
    } finally {
      setSending(false);
      box?.focus();
    }
  };
  const insert = (text: string) => {
    const current = draft();
    setDraft(current.trim() ? `${current.replace(/\s+$/, '')} ${text}` : text);
    box?.focus();
  };
  /** On a line of its own under the draft (a signature). */
  const insertBelow = (text: string) => {
    const current = draft().replace(/\s+$/, '');
    setDraft(current ? `${current}\n${text}` : text);
    box?.focus();
  };

  const [dialog, setDialog] = createSignal<null | 'transfer' | 'invite' | 'expert' | 'end' | 'leave'>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);

  return (
    <div class="page session-page">
      <SessionTabs sessions={mySessions() ?? []} current={s().id} myId={myId()} />
      <PageHeader title={`Session #${s().id} · ${customerTitle(s().customer)}`} subtitle={`${channelLabel(s().channel)} · ${deskName()} · started ${formatDateTime(s().createdAt)}`}>
        <Badge tone={s().status === 'active' ? 'ok' : s().status === 'ended' ? 'subtle' : 'warn'}>{STATUS_LABELS[s().status]}</Badge>
        <a class="button" href={sessionLogTextUrl(s().id)} download="">
          Download log
        </a>
      </PageHeader>

      <Show when={watched()}>
        <p class="watched-banner" role="status">
          <span class="dot warn" aria-hidden="true" /> Being watched by {watched()} (supervisor, view only).
        </p>
      </Show>
      <Show when={watching()}>
        <p class="notice" role="status">
          You are watching this session as a supervisor (view only). The engineers see that you are here.
        </p>
      </Show>
      <Show when={!live()}>
        <p class="notice" role="status">
          {s().status === 'ended' ? `This session ended ${formatDateTime(s().endedAt)}. You are reading its record.` : STATUS_LABELS[s().status]}
        </p>
      </Show>
      <Show when={live() && !myRole()}>
        <p class="notice" role="status">
          You are not in this session; you can read it.
        </p>
      </Show>
      <div class="workspace-split" style={{ '--chat-width': `${chatWidth()}px` }}>
        <div class="workspace-main stack">
          <SessionScreen sessionId={s().id} status={s().status} participant={myRole() !== null} />

          <div class="session-grid">
            <div class="stack">
              <section class="card stack tight" aria-labelledby="people-title">
                <h2 id="people-title" class="section-title">
                  Customer and participants
                </h2>
                <CustomerValues values={s().customer} />
                <Show when={working()}>
                  <div>
                    <button type="button" class="button small" onClick={() => setEditingCustomer(true)}>
                      Edit customer details
                    </button>
                  </div>
                </Show>
                <Show when={editingCustomer()}>
                  <EditCustomerDialog
                    sessionId={s().id}
                    customer={s().customer}
                    onClose={() => setEditingCustomer(false)}
                    onSaved={() => {
                      setEditingCustomer(false);
                      toast('Customer details saved.');
                      props.refresh();
                    }}
                  />
                </Show>
                <ul class="participants" aria-label="Participants">
                  {s().participants.map((p) => (
                    <li>
                      <strong>{p.name}</strong>
                      {p.id === myId() ? ' (you)' : ''} <Badge tone={p.role === 'owner' ? 'info' : p.role === 'supervisor' ? 'warn' : 'subtle'}>{ROLE_LABELS[p.role]}</Badge>
                    </li>
                  ))}
                </ul>
                <Show when={live() && myRole()}>
                  <div class="actions start">
                    <Show when={myRole() === 'owner'}>
                      <button type="button" class="button small" onClick={() => setDialog('transfer')}>
                        Transfer…
                      </button>
                      <button type="button" class="button small" onClick={() => setDialog('invite')}>
                        Invite engineer…
                      </button>
                    </Show>
                    <Show when={working() && s().status === 'active'}>
                      <button type="button" class="button small" onClick={() => setDialog('expert')}>
                        Invite outside expert…
                      </button>
                    </Show>
                    <button type="button" class="button small" onClick={() => setDialog('leave')}>
                      {watching() ? 'Stop watching' : 'Leave'}
                    </button>
                    <Show when={working()}>
                      <button type="button" class="button small danger" onClick={() => setDialog('end')}>
                        End session
                      </button>
                    </Show>
                  </div>
                </Show>
                <Show when={working() && s().status === 'active'}>
                  <AgentCommand sessionId={s().id} />
                </Show>
                <ErrorMessage error={actionError()} />
              </section>
            </div>

            <div class="stack">
              <Show when={live() && myRole()}>{<ConsentPanel sessionId={s().id} canAsk={working() && s().status === 'active'} />}</Show>
              <Show when={s().status === 'ended'}>
                <SurveySummary survey={s().survey ?? null} />
              </Show>
              <NotesPanel sessionId={s().id} initial={s().notes} readOnly={!(myRole() === 'owner' || myRole() === 'engineer' || s().ownerId === myId())} />
              <FilesPanel sessionId={s().id} canSend={working() && s().status === 'active'} />
              <HistoryPanel sessionId={s().id} />
            </div>
          </div>
        </div>
        <SplitHandle label="Chat width" controls="workspace-chat" width={chatWidth} setWidth={setChatWidth} min={CHAT_WIDTH.min} max={CHAT_WIDTH.max} />
        <div class="workspace-side">
          <section class="card stack tight chat-card" id="workspace-chat" aria-labelledby="chat-title">
            <h2 id="chat-title" class="section-title">
              Chat
            </h2>
            <ChatLog entries={entries()} selfActor={`engineer:${myId()}`} />
            <ErrorMessage error={logError()} />
            <Show when={working() && s().status === 'active'}>
              <Composer
                value={draft()}
                onInput={setDraft}
                onSend={send}
                busy={sending()}
                ref={(el) => (box = el)}
              >
                <CannedRepliesPicker replies={replies() ?? []} onPick={insert} />
                <SignatureButton signature={me()?.signature ?? ''} onInsert={(text) => insertBelow(text)} />
                <CommonUrlsPicker urls={urls() ?? []} onInsert={(u) => insert(u.url)} onSend={(u) => void send(urlMessage(u))} />
                <PushUrl sessionId={s().id} urls={urls() ?? []} onPushed={(entry) => setEntries((list) => mergeEntries(list, [entry]))} />
                <ScreenshotButton sessionId={s().id} onTaken={(entry) => setEntries((list) => mergeEntries(list, [entry]))} />
              </Composer>
              <ErrorMessage error={chatError()} />
            </Show>
            <Show when={working() && s().status === 'waiting-code'}>
              <p class="muted small">The chat opens when the customer enters the access code.</p>
            </Show>
          </section>
        </div>
      </div>

      <Show when={dialog() === 'transfer' || dialog() === 'invite'}>
        <OfferDialog
          kind={dialog() as 'transfer' | 'invite'}
          session={s()}
          myId={myId()}
          onClose={() => setDialog(null)}
          onSent={(name) => {
            toast(dialog() === 'transfer' ? `Offered the session to ${name}; waiting for them to accept.` : `Invited ${name}; waiting for them to accept.`);
            setDialog(null);
          }}
        />
      </Show>
      <Show when={dialog() === 'expert'}>
        <ExpertDialog sessionId={s().id} onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === 'end'}>
        <ConfirmDialog
          title="End the session"
          message={<p>End the session for everyone? The customer is asked for feedback, and the log is kept.</p>}
          confirmLabel="End session"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const ended = await supportApi.end(s().id);
            props.update({ ...ended, notes: s().notes, survey: s().survey ?? null });
            toast('Session ended.');
          }}
        />
      </Show>
      <Show when={dialog() === 'leave'}>
        <ConfirmDialog
          title={watching() ? 'Stop watching' : 'Leave the session'}
          message={
            <p>
              {myRole() === 'owner'
                ? 'You own this session. If you leave, the longest-present engineer takes over; with nobody left it goes back to the queue.'
                : watching()
                  ? 'Stop watching this session?'
                  : 'Leave this session? The others carry on.'}
            </p>
          }
          confirmLabel={watching() ? 'Stop watching' : 'Leave'}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            setActionError(null);
            await supportApi.leave(s().id);
            navigate('/sessions');
          }}
        />
      </Show>
    </div>
  );
}
