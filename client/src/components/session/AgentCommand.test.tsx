// "Copy agent command": a fresh join token from the server, the command line copied and left on screen to select.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http.ts';
import { byRole, flush, mount } from '../../test/dom.ts';
import { AgentCommand, agentCommand } from './AgentCommand.tsx';

describe('copy agent command', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for a fresh token each time and copies the command with this server', async () => {
    const written: string[] = [];
    vi.stubGlobal('navigator', { clipboard: { writeText: async (t: string) => void written.push(t) } });
    let n = 0;
    const api = { agentToken: vi.fn(async () => ({ token: `tok${++n}`, expiresAt: '2026-12-08T00:00:00Z' })) };
    const view = mount(() => <AgentCommand sessionId={42} server="http://helpdesk:8080" api={api} />);
    byRole(view.container, 'button', 'Copy agent command').click();
    await flush();
    expect(api.agentToken).toHaveBeenCalledWith(42);
    expect(written).toEqual(['./tessera-agent-linux-x64 --server http://helpdesk:8080 --session tok1']);
    expect(view.container.querySelector<HTMLInputElement>('input')!.value).toBe(written[0]);
    expect(byRole(view.container, 'status').textContent).toBe('Copied.');
    byRole(view.container, 'button', 'Copy agent command').click();
    await flush();
    expect(written[1]).toMatch(/--session tok2$/);
    view.unmount();
  });

  it('shows the server\'s refusal and copies nothing', async () => {
    const written: string[] = [];
    vi.stubGlobal('navigator', { clipboard: { writeText: async (t: string) => void written.push(t) } });
    const api = { agentToken: async () => Promise.reject(new ApiError(409, 'the session has ended')) };
    const view = mount(() => <AgentCommand sessionId={42} server="http://x" api={api} />);
    byRole(view.container, 'button', 'Copy agent command').click();
    await flush();
    expect(byRole(view.container, 'alert').textContent).toMatch(/^Could not get a join token: .*session has ended/i);
    expect(written).toEqual([]);
    expect(view.container.querySelector('input')).toBeNull();
    view.unmount();
  });

  it('builds the command the agent accepts', () => {
    expect(agentCommand('https://help.example.com', 'abc')).toBe('./tessera-agent-linux-x64 --server https://help.example.com --session abc');
  });
});
