import { createSignal } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PortalSession } from '../../../server/protocol/support.ts';
import { flush, mount } from '../test/dom.ts';
import type { CustomerSession } from './customerSession.ts';
import { SessionView } from './SessionView.tsx';

const session = (status: PortalSession['status']): PortalSession => ({ id: 7, status, channel: 'chat', engineer: 'Erin', surveyUrl: null, surveyDone: true, recording: 'never', recordingNow: false, agentConnected: false });

function fakeLive(status: PortalSession['status']): CustomerSession {
  const [s] = createSignal(session(status));
  return { session: s, entries: () => [], link: () => 'open', fileProgress: () => null, send: async () => {}, surveyAnswered: () => {}, stop: () => {} };
}

let cleanup: (() => void) | null = null;
// The files panel asks for the session's files: none.
beforeEach(() => vi.stubGlobal('fetch', vi.fn(async () => new Response('[]', { headers: { 'content-type': 'application/json' } }))));
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

describe('SessionView remote assistance', () => {
  it('offers the app until the agent connects, then says it is connected instead', async () => {
    const [s, setS] = createSignal<PortalSession>({ ...session('active'), channel: 'remote' });
    const live: CustomerSession = { ...fakeLive('active'), session: s };
    const view = mount(() => <SessionView live={live} token="t" deskName={null} onLeave={() => {}} />);
    cleanup = view.unmount;
    await flush();
    expect(view.container.querySelector('[data-testid="agent-download"]')).not.toBeNull();
    expect(view.container.querySelector('[data-testid="agent-connected"]')).toBeNull();
    setS({ ...s(), agentConnected: true });
    await flush();
    expect(view.container.querySelector('[data-testid="agent-download"]')).toBeNull();
    expect(view.container.querySelector('[data-testid="agent-connected"]')?.textContent).toMatch(/support app is connected/);
    setS({ ...s(), agentConnected: false });
    await flush();
    expect(view.container.querySelector('[data-testid="agent-download"]')).not.toBeNull();
  });
});

describe('SessionView focus', () => {
  it('starts on its heading when it replaces the form that had focus ("Start chat")', () => {
    // The form's button is gone, so focus is on the page itself.
    expect(document.activeElement).toBe(document.body);
    const view = mount(() => <SessionView live={fakeLive('queued')} token="t" deskName="General" onLeave={() => {}} />);
    cleanup = view.unmount;
    expect(document.activeElement?.tagName).toBe('H1');
    expect(document.activeElement?.textContent).toBe('Waiting for an engineer');
  });

  it('leaves focus on the help page it goes back to, not on the body', async () => {
    const [inSession, setInSession] = createSignal(true);
    const onLeave = vi.fn(() => setInSession(false));
    const view = mount(() => (
      <main id="main">
        {inSession() ? <SessionView live={fakeLive('ended')} token="t" deskName={null} onLeave={onLeave} /> : <h1>How can we help?</h1>}
      </main>
    ));
    cleanup = view.unmount;
    const back = Array.from(view.container.querySelectorAll('button')).find((b) => b.textContent === 'Back to the help page')!;
    back.focus();
    back.click();
    await flush();
    expect(onLeave).toHaveBeenCalled();
    expect(document.activeElement?.tagName).toBe('H1');
    expect(document.activeElement?.textContent).toBe('How can we help?');
  });
});
