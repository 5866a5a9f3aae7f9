// Shapes of the REST API's JSON bodies, shared by the server and the console. Pure types, no runtime code.
import type { EngineerStatus } from './availability.ts';
import type { Role, Scope } from './roles.ts';

export interface ApiError {
  error: string; // human-readable reason
}

export interface Health {
  ok: true;
  version: string;
  setupRequired: boolean;
  /** The native addon (codec, capture) loaded and works. */
  native: boolean;
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  nickname: string;
  signature: string;
  hasAvatar: boolean;
  mustChangePassword: boolean;
}

export interface Engineer {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  deskIds: number[];
  stationIds: number[];
  createdAt: string; // ISO 8601
}

export interface Desk {
  id: number;
  name: string;
  description: string;
  isDefault: boolean;
}
export type Station = Desk;

export interface Provider {
  name: string;
  address: string;
  phone: string;
  website: string;
  hasLogo: boolean;
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
export interface CreatedApiToken extends ApiToken {
  token: string; // shown once
}

export interface PortalDesk {
  id: number;
  name: string;
  online: boolean;
}

export interface AgentInfo {
  id: string; // connection id
  hostname: string;
  os: string;
  version: string;
  address: string;
  connectedAt: string;
  lastSeenAt: string;
  /**
   * Whether this agent proved it is an enrolled device. Every agent is unenrolled today (anyone may connect one):
   * the console marks them so, and enrollment (devices) will set it.
   */
  enrolled: boolean;
}

export interface DeskPresence {
  deskId: number;
  deskName: string;
  engineers: { id: number; displayName: string; status: EngineerStatus; sessions: number; sessionLimit: number | null }[];
}
