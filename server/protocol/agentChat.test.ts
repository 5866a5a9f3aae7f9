// The agent protocol's participants and chat messages: what each end accepts, and the clear error for the rest
// (the server closes an agent that breaks the protocol; the agent drops a forged server message).
import { describe, expect, it } from 'vitest';
import { MAX_AGENT_CHAT_CHARS, MAX_CHAT_ENTRIES, MAX_PARTICIPANTS, parseAgentMessage, parseServerMessage } from './agent.ts';

const at = '2026-11-22T08:00:00.000Z';
const parseServer = (m: unknown) => parseServerMessage(JSON.stringify(m));
const parseAgent = (m: unknown) => parseAgentMessage(JSON.stringify(m));

describe('participants (server to agent)', () => {
  it('takes up to 50 people with a name of 1-100 characters and a known role, and nothing else of them', () => {
    const people = [
      { name: 'Customer', role: 'customer' },
      { name: 'OLGA', role: 'engineer', id: 7 },
      { name: 'x'.repeat(100), role: 'expert' },
      { name: 'SUE', role: 'supervisor' },
    ];
    expect(parseServer({ type: 'participants', people })).toEqual({
      type: 'participants',
      people: people.map(({ name, role }) => ({ name, role })),
    });
    expect(parseServer({ type: 'participants', people: [] })).toEqual({ type: 'participants', people: [] });
  });

  it.each([
    ['a long name', [{ name: 'x'.repeat(101), role: 'engineer' }]],
    ['an empty name', [{ name: '', role: 'engineer' }]],
    ['an unknown role', [{ name: 'Mallory', role: 'admin' }]],
    ['too many people', Array.from({ length: MAX_PARTICIPANTS + 1 }, (_, i) => ({ name: `p${i}`, role: 'engineer' }))],
    ['not a list', { name: 'OLGA', role: 'engineer' }],
    ['a person that is not an object', ['OLGA']],
  ])('refuses %s', (_, people) => {
    const parsed = parseServer({ type: 'participants', people });
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(/^participants needs people/);
  });
});

describe('chat (server to agent)', () => {
  it('takes 1-50 entries of time, sender and text', () => {
    const entries = Array.from({ length: MAX_CHAT_ENTRIES }, (_, i) => ({ at, from: 'OLGA', text: `line ${i} <script>` }));
    expect(parseServer({ type: 'chat', entries })).toEqual({ type: 'chat', entries });
  });

  it.each([
    ['no entries', []],
    ['too many entries', Array.from({ length: MAX_CHAT_ENTRIES + 1 }, () => ({ at, from: 'OLGA', text: 'hi' }))],
    ['a time that is no time', [{ at: 'yesterday-ish', from: 'OLGA', text: 'hi' }]],
    ['a missing sender', [{ at, text: 'hi' }]],
    ['a text that is not text', [{ at, from: 'OLGA', text: 42 }]],
    ['an enormous text', [{ at, from: 'OLGA', text: 'x'.repeat(100_000) }]],
  ])('refuses %s', (_, entries) => {
    expect((parseServer({ type: 'chat', entries }) as { error: string }).error).toMatch(/^chat needs entries/);
  });
});

describe('chat (agent to server)', () => {
  it(`takes a text of 1-${MAX_AGENT_CHAT_CHARS} characters`, () => {
    expect(parseAgent({ type: 'chat', text: 'hello' })).toEqual({ type: 'chat', text: 'hello' });
    expect(parseAgent({ type: 'chat', text: 'x'.repeat(MAX_AGENT_CHAT_CHARS) })).toEqual({ type: 'chat', text: 'x'.repeat(MAX_AGENT_CHAT_CHARS) });
  });

  it.each([['empty', ''], ['too long', 'x'.repeat(MAX_AGENT_CHAT_CHARS + 1)], ['not text', ['hi']], ['missing', undefined]])('refuses %s', (_, text) => {
    expect(parseAgent({ type: 'chat', text })).toEqual({ error: `chat text must be 1-${MAX_AGENT_CHAT_CHARS} characters` });
  });
});
