import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { PortalSession } from '../../../server/protocol/support.ts';
import { flush, mount } from '../test/dom.ts';
import { RecordingNotice } from './RecordingNotice.tsx';

const base: PortalSession = { id: 1, status: 'active', channel: 'remote', engineer: 'Eve', surveyUrl: null, surveyDone: false, recording: 'always', recordingNow: false, agentConnected: false };
const notice = (root: HTMLElement) => root.querySelector<HTMLElement>('[data-testid="recording-notice"]');

describe('the recording notice in the portal', () => {
  it('says the desk policy before the screen is shared, and plainly while it is recorded', async () => {
    const [session, setSession] = createSignal<PortalSession>(base);
    const { container, unmount } = mount(() => <RecordingNotice session={session()} />);
    expect(notice(container)!.textContent).toContain('records what it sees');
    setSession({ ...base, recording: 'ask' });
    await flush();
    expect(notice(container)!.textContent).toContain('only if you allow it');
    setSession({ ...base, recording: 'never' });
    await flush();
    expect(notice(container)!.textContent).toContain('does not record');
    setSession({ ...base, recording: 'ask', recordingNow: true });
    await flush();
    expect(notice(container)!.dataset.recording).toBe('now');
    expect(notice(container)!.textContent).toContain('being recorded now');
    expect(notice(container)!.getAttribute('role')).toBe('status');
    unmount();
  });

  it('is not shown in a chat-only session that is not recorded, nor after the end', async () => {
    for (const s of [{ ...base, channel: 'chat' as const }, { ...base, status: 'ended' as const }]) {
      const { container, unmount } = mount(() => <RecordingNotice session={s} />);
      expect(notice(container)).toBeNull();
      unmount();
    }
  });
});
