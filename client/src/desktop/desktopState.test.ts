import { describe, expect, it } from 'vitest';
import { applyServerMessage, canControl, controlOffered, disconnected, INITIAL_STATE, viewPhase, type DesktopState } from './desktopState.ts';

const monitor = { x: 0, y: 0, width: 1920, height: 1080, name: 'DP-1', primary: true };
const hello = (over: Record<string, unknown> = {}) =>
  applyServerMessage(INITIAL_STATE, { type: 'hello', mode: 'control', agent: true, consent: ['view', 'control'], monitors: [monitor], monitor: 'all', ...over });

describe('applyServerMessage', () => {
  it('takes the hello as the whole state', () => {
    const s = hello();
    expect(s).toMatchObject({ hello: true, mode: 'control', agentOnline: true, consent: ['view', 'control'], monitors: [monitor], monitor: 'all' });
  });

  it('follows agent, consent, monitors, mode, clipboard, refusals and errors', () => {
    let s: DesktopState = hello();
    s = applyServerMessage(s, { type: 'agent', online: false });
    expect(s.agentOnline).toBe(false);
    s = applyServerMessage(s, { type: 'consent', granted: ['view'] });
    expect(s.consent).toEqual(['view']);
    s = applyServerMessage(s, { type: 'monitors', monitors: [monitor, { ...monitor, x: 1920, primary: false }], monitor: 1 });
    expect([s.monitors.length, s.monitor]).toEqual([2, 1]);
    s = applyServerMessage(s, { type: 'mode', mode: 'view' });
    expect(s.mode).toBe('view');
    s = applyServerMessage(s, { type: 'clipboard', text: 'héllo' });
    expect(s.clipboard).toBe('héllo');
    s = applyServerMessage(s, { type: 'refused', what: 'input', reason: 'no control consent' });
    expect(s.refused).toEqual({ what: 'input', reason: 'no control consent' });
    s = applyServerMessage(s, { type: 'error', error: 'session ended' });
    expect(s.error).toBe('session ended');
  });

  it('leaves the state unchanged (same object) for unknown or malformed messages', () => {
    const s = hello();
    for (const m of [null, 'text', 42, [], {}, { type: 'nope' }, { type: 'pong', t: 1 }, { type: 'clipboard', text: 5 }]) expect(applyServerMessage(s, m)).toBe(s);
  });

  it('treats a bad mode or monitor value conservatively', () => {
    const s = hello({ mode: 'admin', monitor: 'left', consent: 'all', monitors: null });
    expect(s.mode).toBe('view');
    expect(s.monitor).toBe('all');
    expect(s.consent).toEqual([]);
    expect(s.monitors).toEqual([]);
  });
});

describe('viewPhase', () => {
  it('explains why there is no picture', () => {
    expect(viewPhase(INITIAL_STATE, 'connecting', false).kind).toBe('connecting');
    expect(viewPhase(INITIAL_STATE, 'open', false).kind).toBe('connecting'); // open but no hello yet
    expect(viewPhase(hello({ agent: false }), 'open', false).kind).toBe('waiting-agent');
    expect(viewPhase(hello({ consent: [] }), 'open', false).kind).toBe('waiting-consent');
    expect(viewPhase(hello(), 'open', false).kind).toBe('waiting-picture');
    expect(viewPhase(hello(), 'open', true).kind).toBe('live');
    expect(viewPhase(hello(), 'reconnecting', true, 2000)).toEqual({ kind: 'reconnecting', retryInMs: 2000 });
    expect(viewPhase(hello(), 'closed', true).kind).toBe('closed');
  });

  it('forgets the hello on disconnect', () => {
    expect(disconnected(hello()).hello).toBe(false);
  });
});

describe('control', () => {
  it('is offered in control mode and possible only with the control consent and the agent there', () => {
    expect(controlOffered(hello())).toBe(true);
    expect(canControl(hello())).toBe(true);
    expect(controlOffered(hello({ mode: 'view' }))).toBe(false);
    expect(canControl(hello({ mode: 'view' }))).toBe(false);
    expect(canControl(hello({ consent: ['view'] }))).toBe(false);
    expect(canControl(hello({ agent: false }))).toBe(false);
    expect(canControl(INITIAL_STATE)).toBe(false);
  });
});
