// Typed calls for what an engineer asks of the customer's agent: a capability (view, control, files, clipboard) and
// an address to open in the customer's browser (server/relay/sessionActions.ts).
import type { Capability, ConsentState } from '../../../server/protocol/agent.ts';
import type { SessionLogEntry } from '../../../server/protocol/support.ts';
import { request } from './http.ts';

/** The customer's permissions as the server knows them (from the agent's consent messages). */
export type { ConsentState } from '../../../server/protocol/agent.ts';

export const sessionActionsApi = {
  consent: (sessionId: number) => request<ConsentState>('GET', `/api/sessions/${sessionId}/consent`),
  askConsent: (sessionId: number, capability: Capability) =>
    request<ConsentState>('POST', `/api/sessions/${sessionId}/consent-request`, { body: { capability } }),
  pushUrl: (sessionId: number, url: string) =>
    request<{ url: string; chat: SessionLogEntry }>('POST', `/api/sessions/${sessionId}/push-url`, { body: { url } }),
  /** A fresh join token for an agent started by hand (server/agents/tokenRoutes.ts). */
  agentToken: (sessionId: number) => request<{ token: string; expiresAt: string }>('POST', `/api/support/sessions/${sessionId}/agent-token`),
};

export type SessionActionsApi = typeof sessionActionsApi;
