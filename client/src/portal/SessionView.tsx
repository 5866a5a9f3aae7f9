// The customer's session: waiting in the queue, then the chat with the engineer, then the survey.
import { createEffect, Match, on, onMount, Show, Switch } from 'solid-js';
import { focusIsLost, focusPageStart } from '../lib/focus.ts';
import { AgentDownload } from './AgentDownload.tsx';
import { RecordingNotice } from './RecordingNotice.tsx';
import { CancelRequest } from './CancelRequest.tsx';
import { portalApi } from './api.ts';
import { ChatList } from './ChatList.tsx';
import { Composer } from './Composer.tsx';
import { FilesPanel } from './FilesPanel.tsx';
import type { CustomerSession } from './customerSession.ts';
import { Survey } from './Survey.tsx';

export function SessionView(props: { live: CustomerSession; token: string; deskName: string | null; onLeave: () => void }) {
  const s = () => props.live.session();
  let heading: HTMLHeadingElement | undefined;

  // The view replaces the form or the access code that had focus ("Start chat", "Join session"): start here.
  onMount(() => {
    if (focusIsLost()) heading?.focus();
  });
  // Leaving (withdrawn, back to the help page) takes this view and its focused button away: start the help page.
  const leave = () => {
    props.onLeave();
    focusPageStart(document.getElementById('main'));
  };

  // Each change of phase moves focus to its heading, so keyboard and screen-reader users hear it.
  createEffect(
    on(
      () => s().status,
      (now, before) => {
        if (before !== undefined && now !== before) heading?.focus();
      },
    ),
  );

  const title = () => {
    switch (s().status) {
      case 'queued':
        return 'Waiting for an engineer';
      case 'ended':
        return 'The session has ended';
      default:
        return s().engineer ? `You are chatting with ${s().engineer}` : 'You are connected';
    }
  };

  return (
    <div class="stack session-view">
      <section class="card stack session-status" aria-labelledby="session-title">
        <div class="status-line">
          <Show when={s().status === 'queued'}>
            <span class="spinner" aria-hidden="true" />
          </Show>
          <Show when={s().status === 'active'}>
            <span class="dot ok" aria-hidden="true" />
          </Show>
          <h1 id="session-title" tabIndex={-1} ref={heading}>
            {title()}
          </h1>
        </div>
        <div role="status" aria-live="polite">
          <Switch>
            <Match when={s().status === 'queued'}>
              <p>
                Your request is waiting at {props.deskName ? `the ${props.deskName} desk` : 'the help desk'}. An engineer will answer here as soon as one is
                free; please keep this page open. You can already describe your problem below.
              </p>
              <CancelRequest token={props.token} onCancelled={leave} />
            </Match>
            <Match when={s().status === 'active'}>
              <p class="muted">Your messages go to the engineer as you send them.</p>
            </Match>
            <Match when={s().status === 'ended'}>
              <p class="muted">Thank you for contacting us. The conversation stays on this page until you close it.</p>
            </Match>
          </Switch>
        </div>
        {/* The server hands out the support app only once an engineer has taken the request. */}
        <RecordingNotice session={s()} />
        <Show when={s().channel === 'remote' && s().status === 'active'}>
          <Show
            when={!s().agentConnected}
            fallback={
              <div class="notice remote-notice" role="status" data-testid="agent-connected">
                <h2>Remote assistance</h2>
                <p>
                  The support app is connected. It asks you before the engineer may see or control anything, and its{' '}
                  <strong>Stop all</strong> button ends the sharing at any time.
                </p>
              </div>
            }
          >
            <AgentDownload token={props.token} />
          </Show>
        </Show>
        <Show when={props.live.link() === 'reconnecting'}>
          <p class="connection-note" role="status">
            <span class="spinner" aria-hidden="true" /> Connection lost; reconnecting…
          </p>
        </Show>
      </section>

      <section class="card chat-card" aria-label="Chat">
        <ChatList
          entries={props.live.entries()}
          emptyText={s().status === 'queued' ? 'No messages yet.' : 'The conversation will appear here.'}
        />
        <Show when={s().status !== 'ended'}>
          <Composer
            onSend={(text) => props.live.send(text)}
            placeholder={s().status === 'queued' ? 'Describe your problem…' : 'Write a message…'}
          />
        </Show>
      </section>

      <FilesPanel live={props.live} token={props.token} status={s().status} />

      <Show when={s().status === 'ended'}>
        <Survey
          surveyUrl={s().surveyUrl}
          done={s().surveyDone}
          onSubmit={async (answer) => {
            await portalApi.survey(props.token, answer);
            props.live.surveyAnswered();
          }}
        />
        <div class="actions start">
          <button type="button" class="button" onClick={leave}>
            Back to the help page
          </button>
        </div>
      </Show>
    </div>
  );
}
