// Typed calls for attended support: queue, sessions, chat, notes, history, collaboration, experts, files and
// the admin settings around them. Shapes come from server/protocol; the few the protocol does not name are here.
import type { PortalConfig, QueueItem, SessionLogEntry, SessionSummary, SurveyResult } from '../../../server/protocol/support.ts';
import { request } from './http.ts';
import { readLogPages } from './logPages.ts';

type Ok = { ok: true };

export type FieldType = 'text' | 'email' | 'phone' | 'number';
export const FIELD_TYPES: readonly FieldType[] = ['text', 'email', 'phone', 'number'];

/** One of the four customer identification fields as the admin edits it. */
export interface IdentityField {
  slot: 1 | 2 | 3 | 4;
  shown: boolean;
  required: boolean;
  label: string;
  type: FieldType;
  maxLength: number;
  pattern: string;
  /** A right value, required with a pattern: customers are told the format by it. */
  example: string;
  crmUrl: string;
}

export interface PortalSettings {
  notice: string;
  contact: string;
  welcomeMessage: string;
  surveyUrl: string;
}

export interface CannedReply {
  title: string;
  text: string;
}
export interface CommonUrl {
  title: string;
  url: string;
}
/** Canned replies and common URLs: at most this many each (the server refuses more). */
export const MAX_QUICK_TEXTS = 30;

export interface SessionDetail extends SessionSummary {
  notes: string;
  survey: SurveyResult | null;
}
export type HistoryItem = SessionSummary & { notes: string };
/** A session-log search result: the history fields plus the customer's survey answer. */
export type LoggedSession = HistoryItem & { survey: SurveyResult | null };

export interface AccessCode {
  sessionId: number;
  code: string;
  expiresAt: string;
}

export interface SessionFile {
  id: number;
  sessionId: number;
  direction: 'to-customer' | 'from-customer';
  uploader: string;
  name: string;
  size: number;
  sha256: string;
  received: number;
  status: 'uploading' | 'complete' | 'failed';
  createdAt: string;
  completedAt: string | null;
}

export interface SessionLogQuery {
  q?: string;
  engineerId?: number;
  deskId?: number;
  from?: string;
  to?: string;
  limit?: number;
}

export interface ExpertInvitation {
  name: string;
  method: 'email-code' | 'password';
  inviter: string | null;
  expiresAt: string;
}

export interface ExpertSession {
  session: SessionSummary;
  you: string;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const supportApi = {
  queue: () => request<QueueItem[]>('GET', '/api/queue'),
  take: (id: number) => request<SessionSummary>('POST', `/api/queue/${id}/take`),
  createCode: (body: { deskId?: number | null; minutes?: number } = {}) => request<AccessCode>('POST', '/api/sessions/code', { body }),

  mySessions: () => request<SessionSummary[]>('GET', '/api/sessions'),
  liveSessions: () => request<SessionSummary[]>('GET', '/api/sessions/live'),
  session: (id: number) => request<SessionDetail>('GET', `/api/sessions/${id}`),
  /** The log after entry `after`, page by page. */
  logAll: (id: number, after = 0) =>
    readLogPages((from, limit) => request<SessionLogEntry[]>('GET', `/api/sessions/${id}/log?after=${from}&limit=${limit}`), after),
  chat: (id: number, text: string) => request<SessionLogEntry>('POST', `/api/sessions/${id}/chat`, { body: { text } }),
  saveNotes: (id: number, notes: string) => request<Ok>('PUT', `/api/sessions/${id}/notes`, { body: { notes } }),
  /** The identity fields the portal asks (their labels and rules), for correcting a session's customer. */
  customerFields: async () => (await request<PortalConfig>('GET', '/api/portal/config')).fields,
  saveCustomer: (id: number, fields: Record<string, string>) => request<SessionSummary>('PUT', `/api/sessions/${id}/customer`, { body: { fields } }),
  history: (id: number) => request<HistoryItem[]>('GET', `/api/sessions/${id}/history`),
  end: (id: number) => request<SessionSummary>('POST', `/api/sessions/${id}/end`),
  searchLog: (q: SessionLogQuery) =>
    request<LoggedSession[]>('GET', `/api/session-log${query({ ...q } as Record<string, string | number | undefined>)}`),

  offer: (id: number, kind: 'transfer' | 'invite', engineerId: number) =>
    request<Ok>('POST', `/api/sessions/${id}/${kind}`, { body: { engineerId } }),
  accept: (id: number) => request<Ok>('POST', `/api/sessions/${id}/accept`),
  decline: (id: number) => request<Ok>('POST', `/api/sessions/${id}/decline`),
  watch: (id: number) => request<Ok>('POST', `/api/sessions/${id}/watch`),
  leave: (id: number) => request<Ok>('POST', `/api/sessions/${id}/leave`),

  inviteExpert: (
    id: number,
    body: { name: string; method: 'email-code' | 'password'; email?: string; password?: string; hours?: number },
  ) => request<{ link: string; expiresAt: string }>('POST', `/api/sessions/${id}/experts`, { body }),

  files: (id: number) => request<SessionFile[]>('GET', `/api/sessions/${id}/files`),
  announceFile: (id: number, body: { name: string; size: number; sha256: string }) =>
    request<SessionFile>('POST', `/api/sessions/${id}/files`, { body }),

  identityFields: () => request<IdentityField[]>('GET', '/api/admin/identity-fields'),
  saveIdentityFields: (fields: IdentityField[]) => request<IdentityField[]>('PUT', '/api/admin/identity-fields', { body: fields }),
  portalSettings: () => request<PortalSettings>('GET', '/api/admin/portal-settings'),
  savePortalSettings: (body: PortalSettings) => request<PortalSettings>('PUT', '/api/admin/portal-settings', { body }),
  cannedReplies: () => request<CannedReply[]>('GET', '/api/admin/canned-replies'),
  saveCannedReplies: (list: CannedReply[]) => request<CannedReply[]>('PUT', '/api/admin/canned-replies', { body: list }),
  commonUrls: () => request<CommonUrl[]>('GET', '/api/admin/common-urls'),
  saveCommonUrls: (list: CommonUrl[]) => request<CommonUrl[]>('PUT', '/api/admin/common-urls', { body: list }),
  embedSnippet: (params: { desk: number; style: string; label?: string; image?: string }) =>
    request<{ snippet: string }>('GET', `/api/portal/embed-snippet${query({ ...params })}`),
};

/** The outside expert's own API: no console login, a cookie scoped to one session. 401s are theirs to show. */
export const expertApi = {
  invitation: (link: string) =>
    request<ExpertInvitation>('GET', `/api/expert/invitations/${encodeURIComponent(link)}`, { quiet401: true }),
  sendCode: (link: string) =>
    request<{ ok: true; sentTo: string }>('POST', `/api/expert/invitations/${encodeURIComponent(link)}/code`, { quiet401: true }),
  login: (link: string, body: { code?: string; password?: string }) =>
    request<{ sessionId: number }>('POST', `/api/expert/invitations/${encodeURIComponent(link)}/login`, { body, quiet401: true }),
  session: () => request<ExpertSession>('GET', '/api/expert/session', { quiet401: true }),
  /** The session's log after entry `after`, page by page. */
  log: (after: number) =>
    readLogPages((from, limit) => request<SessionLogEntry[]>('GET', `/api/expert/session/log?after=${from}&limit=${limit}`, { quiet401: true }), after),
  chat: (text: string) => request<SessionLogEntry>('POST', '/api/expert/session/chat', { body: { text }, quiet401: true }),
  leave: () => request<Ok>('POST', '/api/expert/session/leave', { quiet401: true }),
};

export const sessionLogTextUrl = (id: number) => `/api/sessions/${id}/log.txt`;
export const fileContentUrl = (sessionId: number, fileId: number) => `/api/sessions/${sessionId}/files/${fileId}/content`;
export const fileUploadUrl = (sessionId: number, fileId: number, offset: number) =>
  `/api/sessions/${sessionId}/files/${fileId}?offset=${offset}`;
