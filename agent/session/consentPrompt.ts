// How the agent asks its user whether an engineer may have a capability. The local window (agent/localWindow) is
// the real one; without any way to ask (no window, nothing pre-allowed) the answer is no.
import type { Capability } from '../../server/protocol/agent.ts';

export interface ConsentQuestion {
  /** Unique within this agent run. */
  id: number;
  capability: Capability;
  /** Who asks (the engineer's name as the server tells it). */
  by: string;
}

export interface ConsentPrompt {
  /** Shows the question; resolves true for Allow, false for Deny. */
  ask(question: ConsentQuestion): Promise<boolean>;
  /** The question is moot (Stop all, disconnect, session ended): take it away; its ask() resolves false. */
  withdraw(id: number): void;
}

/** The prompt of an agent that cannot ask anybody: every question is answered no. */
export const denyEverything: ConsentPrompt = {
  ask: async () => false,
  withdraw: () => {},
};

/** What a user sees for each capability (the local window and the logs use the same words). */
export const CAPABILITY_LABELS: Readonly<Record<Capability, string>> = Object.freeze({
  view: 'See your screen',
  control: 'Control your mouse and keyboard',
  files: 'Send and receive files',
  clipboard: 'Read and change your clipboard',
  record: 'Record what the help desk sees of your screen',
});
