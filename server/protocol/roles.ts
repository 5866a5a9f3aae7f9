// Roles in order of power: every role can do what the roles before it can.
export const ROLES = ['engineer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

// Scopes an API token can carry. A token acts as the engineer who made it, limited to its scopes.
export const SCOPES = ['org:read', 'org:write', 'engineers:read', 'engineers:write', 'agents:read'] as const;
export type Scope = (typeof SCOPES)[number];
