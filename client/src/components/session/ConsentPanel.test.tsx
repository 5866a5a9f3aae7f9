// The "Customer's permissions" panel and the "Push URL" action, against a stand-in API: each capability's state
// (granted / not granted / asked, waiting), Ask, the live update when the session log is pushed, the empty state
// without an agent, read-only for people who only watch; Push URL checks the address before sending it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Capability } from '../../../../server/protocol/agent.ts';
import { ApiError } from '../../api/http.ts';
import type { ConsentState } from '../../api/sessionActions.ts';
import { applyConsoleMessage, stopLive } from '../../live/liveStore.ts';
import { flush, key, mount, queryText, type } from '../../test/dom.ts';
import { ConsentPanel, permissionStatus } from './ConsentPanel.tsx';
import { PushUrl } from './PushUrl.tsx';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  stopLive();
});

/** A desk that records every session, not at the moment. */
const RECORDED = { recording: 'always', recordingNow: false } as const;

/** A stand-in for the server: its consent state, and the calls made. */
function fakeApi(initial: ConsentState) {
  let current = initial;
  const calls: string[] = [];
  return {
    calls,
    set(next: ConsentState) {
      current = next;
    },
    api: {
      consent: async (id: number) => {
        calls.push(`consent ${id}`);
        return structuredClone(current);
      },
      askConsent: async (id: number, capability: Capability) => {
        calls.push(`ask ${id} ${capability}`);
        if (!current.agent) throw new ApiError(409, 'the customer’s agent is not connected to this session');
        current = { ...current, asked: [...current.asked, capability] };
        return structuredClone(current);
      },
    },
  };
}

const row = (root: HTMLElement, c: Capability) => root.querySelector<HTMLLIElement>(`[data-capability="${c}"]`)!;
const button = (root: HTMLElement, c: Capability) => row(root, c).querySelector('button');
const logPush = (sessionId: number, kind = 'operation') =>
  applyConsoleMessage({ type: 'session-log', sessionId, entries: [{ id: Math.random(), at: '', actor: 'agent', name: 'Agent', kind, text: 'x' }] });

describe('permissionStatus', () => {
  it('granted wins over asked; otherwise asked, else not granted', () => {
    const s: ConsentState = { agent: true, granted: ['view'], asked: ['view', 'control'], ...RECORDED };
    expect(permissionStatus(s, 'view')).toBe('granted');
    expect(permissionStatus(s, 'control')).toBe('asked');
    expect(permissionStatus(s, 'files')).toBe('not-granted');
  });
});

describe('ConsentPanel', () => {
  it('shows each capability’s state, asks, and follows the customer’s answer live', async () => {
    const fake = fakeApi({ agent: true, granted: ['view'], asked: [], ...RECORDED });
    const view = mount(() => <ConsentPanel sessionId={7} canAsk api={fake.api} />);
    cleanup = view.unmount;
    await flush();
    const root = view.container;
    expect(['view', 'control', 'files', 'clipboard'].map((c) => row(root, c as Capability).dataset.status)).toEqual(['granted', 'not-granted', 'not-granted', 'not-granted']);
    expect(row(root, 'view').textContent).toContain('Granted');
    expect(row(root, 'control').textContent).toContain('Not granted');
    expect(button(root, 'view')!.disabled).toBe(true); // already granted
    expect(button(root, 'control')!.disabled).toBe(false);
    expect(button(root, 'control')!.getAttribute('aria-label')).toBe('Ask for control');

    button(root, 'control')!.click();
    await flush();
    expect(fake.calls).toContain('ask 7 control');
    expect(row(root, 'control').dataset.status).toBe('asked');
    expect(row(root, 'control').textContent).toContain('Asked, waiting…');
    expect(button(root, 'control')!.textContent).toBe('Ask again');

    // The customer allows on their computer: the server logs it, the console socket pushes the line, the panel
    // fetches the state again.
    fake.set({ agent: true, granted: ['view', 'control'], asked: [], ...RECORDED });
    const fetches = fake.calls.filter((c) => c.startsWith('consent')).length;
    logPush(7, 'chat'); // a chat line changes nothing here
    logPush(8); // another session's line neither
    await flush();
    expect(fake.calls.filter((c) => c.startsWith('consent')).length).toBe(fetches);
    logPush(7);
    await flush();
    expect(row(root, 'control').dataset.status).toBe('granted');
    expect(button(root, 'control')!.disabled).toBe(true);
  });

  it('without the agent: says so, and nothing can be asked', async () => {
    const fake = fakeApi({ agent: false, granted: [], asked: [], ...RECORDED });
    const view = mount(() => <ConsentPanel sessionId={3} canAsk api={fake.api} />);
    cleanup = view.unmount;
    await flush();
    expect(view.container.querySelector('[data-testid="consent-no-agent"]')).not.toBeNull();
    for (const c of ['view', 'control', 'files', 'clipboard'] as Capability[]) {
      expect(row(view.container, c).dataset.status).toBe('not-granted');
      expect(button(view.container, c)!.disabled).toBe(true);
    }
    // The agent connects (logged, pushed): the buttons come alive.
    fake.set({ agent: true, granted: [], asked: [], ...RECORDED });
    logPush(3);
    await flush();
    expect(view.container.querySelector('[data-testid="consent-no-agent"]')).toBeNull();
    expect(button(view.container, 'files')!.disabled).toBe(false);
  });

  it('shows the server’s refusal, and a watcher sees the state without buttons', async () => {
    const fake = fakeApi({ agent: true, granted: [], asked: ['files'], ...RECORDED });
    const view = mount(() => <ConsentPanel sessionId={4} canAsk api={fake.api} />);
    cleanup = view.unmount;
    await flush();
    fake.set({ agent: false, granted: [], asked: [], ...RECORDED }); // the agent left meanwhile
    button(view.container, 'clipboard')!.click();
    await flush();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toContain('agent is not connected');
    expect(button(view.container, 'clipboard')!.disabled).toBe(true); // the state was fetched again

    const watcher = mount(() => <ConsentPanel sessionId={4} canAsk={false} api={fakeApi({ agent: true, granted: ['view'], asked: ['control'], ...RECORDED }).api} />);
    await flush();
    expect(watcher.container.querySelectorAll('button')).toHaveLength(0);
    expect(row(watcher.container, 'control').dataset.status).toBe('asked');
    watcher.unmount();
  });
});

describe('the recording row', () => {
  it('under "ask" it is a permission like the others; under "always" and "never" it says the policy, with nothing to ask', async () => {
    const asking = fakeApi({ agent: true, granted: ['view'], asked: [], recording: 'ask', recordingNow: false });
    const view = mount(() => <ConsentPanel sessionId={5} canAsk={true} api={asking.api} />);
    cleanup = view.unmount;
    await flush();
    expect(row(view.container, 'record').dataset.status).toBe('not-granted');
    button(view.container, 'record')!.click();
    await flush();
    expect(asking.calls).toContain('ask 5 record');
    expect(view.container.querySelector('[data-testid="recording-now"]')).toBeNull();
    view.unmount();

    for (const policy of ['always', 'never'] as const) {
      const fixed = mount(() => (
        <ConsentPanel sessionId={6} canAsk={true} api={fakeApi({ agent: true, granted: ['view'], asked: [], recording: policy, recordingNow: policy === 'always' }).api} />
      ));
      await flush();
      expect(row(fixed.container, 'record').dataset.status).toBe(policy);
      expect(button(fixed.container, 'record')).toBeNull();
      expect(row(fixed.container, 'record').textContent).toContain(policy === 'always' ? 'Always recorded' : 'Not recorded');
      expect(fixed.container.querySelector('[data-testid="recording-now"]') !== null).toBe(policy === 'always');
      fixed.unmount();
    }
  });
});

describe('PushUrl', () => {
  const urls = [{ title: 'Status page', url: 'https://status.example.com/' }];

  it('offers the common URLs, refuses what is not http(s) before sending, sends the rest; Escape closes', async () => {
    const sent: string[] = [];
    const api = {
      pushUrl: async (_id: number, url: string) => {
        sent.push(url);
        return { url, chat: { id: 1, at: '', actor: 'engineer:1', name: 'Olga', kind: 'chat', text: url } };
      },
    };
    const view = mount(() => <PushUrl sessionId={9} urls={urls} api={api} />);
    cleanup = view.unmount;
    const toggle = view.container.querySelector<HTMLButtonElement>('button')!;
    expect(toggle.textContent).toBe('Push URL');
    toggle.click();
    await flush();
    const input = view.container.querySelector<HTMLInputElement>('input[type="url"]')!;
    expect(document.activeElement).toBe(input);
    expect(view.container.querySelector('datalist option')?.getAttribute('value')).toBe('https://status.example.com/');

    type(input, 'javascript:alert(1)');
    key(input, 'Enter');
    await flush();
    expect(sent).toEqual([]);
    expect(queryText(view.container, 'Only http and https addresses can be opened.')).toBe(true);

    type(input, `https://example.com/${'a'.repeat(2048)}`);
    key(input, 'Enter');
    await flush();
    expect(sent).toEqual([]);
    expect(queryText(view.container, 'longer than 2048 characters')).toBe(true);

    // A suggestion fills the field; Enter sends it and closes.
    view.container.querySelector<HTMLButtonElement>('.popover-item')!.click();
    expect(input.value).toBe('https://status.example.com/');
    key(input, 'Enter');
    await flush();
    expect(sent).toEqual(['https://status.example.com/']);
    expect(view.container.querySelector('input[type="url"]')).toBeNull();

    toggle.click();
    await flush();
    expect(view.container.querySelector('input[type="url"]')).not.toBeNull();
    key(document, 'Escape');
    await flush();
    expect(view.container.querySelector('input[type="url"]')).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });
});
