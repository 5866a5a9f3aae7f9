import { TokenBucket } from '../http/tokenBucket.ts';
import type { AgentMessage } from '../protocol/agent.ts';

/**
 * What one agent connection may send as text (binary desktop frames have their own flow control). Anyone can open
 * an agent socket, and some messages write the session log: an agent that floods is closed, so it can neither fill
 * the log nor stall the server. A real agent sends a heartbeat every 15 s and a few reports when something changes,
 * far below these rates.
 */
export const AGENT_MESSAGES = { burst: 100, perSecond: 20 };
/**
 * Messages that may write a line to the session log (consent, refusals). Chat has its own limit, the portal's (60
 * lines a minute per session, refused with an answer: a customer typing fast is not cut off).
 */
export const AGENT_LOGGED_MESSAGES = { burst: 30, perSecond: 1 };

const LOGGED: ReadonlySet<AgentMessage['type']> = new Set(['consent', 'refused']);

export class AgentMessageBudget {
  private all = new TokenBucket(AGENT_MESSAGES.burst, AGENT_MESSAGES.perSecond);
  private logged = new TokenBucket(AGENT_LOGGED_MESSAGES.burst, AGENT_LOGGED_MESSAGES.perSecond);

  /** Counts one message; returns why the connection must close when it is over its budget, else null. */
  spend(type: AgentMessage['type'] | null): string | null {
    if (!this.all.take()) return `too many messages (at most ${AGENT_MESSAGES.perSecond} a second); slow down`;
    if (type && LOGGED.has(type) && !this.logged.take())
      return `too many ${type} messages (at most ${AGENT_LOGGED_MESSAGES.perSecond} a second); slow down`;
    return null;
  }
}
