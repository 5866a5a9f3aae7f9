// Roles in order of power: every role can do what the roles before it can.
export const ROLES = ['engineer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

// Scopes an API token can carry. A token acts as the engineer who made it, limited to its scopes.
export const SCOPES = [
  'org:read',
  'org:write',
  'engineers:read',
  'engineers:write',
  'agents:read',
  'queue:read',
  'sessions:read',
  'sessions:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What each scope lets a token do, shown where tokens are made and in the API docs. Every scope still stops at
 * what its engineer may see: the queue of their desks, the sessions they took part in (a supervisor's desks, an
 * admin's all).
 */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'org:read': 'Read provider, desks, stations, presence and support settings',
  'org:write': 'Change provider, desks, stations and support settings',
  'engineers:read': 'Read engineers',
  'engineers:write': 'Create and change engineers',
  'agents:read': 'Read connected agents',
  'queue:read': 'Read the waiting requests of your desks',
  'sessions:read': 'Read sessions, their chat, session log and screen recordings, and search past sessions',
  'sessions:write': 'Take requests, start access-code sessions, chat, keep notes, correct customer details and end sessions',
};
