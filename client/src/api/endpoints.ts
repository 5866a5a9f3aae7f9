// Typed calls for every REST endpoint the console uses. Shapes come from the shared contract in server/protocol.
import type {
  AgentInfo,
  ApiToken,
  CreatedApiToken,
  Desk,
  DeskPresence,
  Engineer,
  Health,
  Me,
  PortalDesk,
  Provider,
  Station,
} from '../../../server/protocol/api.ts';
import type { Availability, EngineerStatus } from '../../../server/protocol/availability.ts';
import type { DeskRecordingPolicy, RecordingPolicy } from '../../../server/protocol/recording.ts';
import type { Role, Scope } from '../../../server/protocol/roles.ts';
import { request } from './http.ts';

type Ok = { ok: true };

function upload(file: File | Blob): FormData {
  const form = new FormData();
  form.append('file', file);
  return form;
}

export const api = {
  health: () => request<Health>('GET', '/api/health'),
  setupStatus: () => request<{ required: boolean }>('GET', '/api/setup'),
  setup: (body: { token: string; username: string; password: string; displayName: string }) =>
    request<Me>('POST', '/api/setup', { body }),

  login: (body: { username: string; password: string }) =>
    request<Me>('POST', '/api/auth/login', { body, quiet401: true }),
  logout: () => request<Ok>('POST', '/api/auth/logout', { quiet401: true }),
  me: () => request<Me>('GET', '/api/auth/me', { quiet401: true }),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    request<Ok>('POST', '/api/auth/password', { body }),

  profile: () => request<Me>('GET', '/api/profile'),
  updateProfile: (body: { displayName?: string; nickname?: string; signature?: string }) =>
    request<Me>('PUT', '/api/profile', { body }),
  uploadAvatar: (file: File | Blob) => request<Me>('POST', '/api/profile/avatar', { body: upload(file) }),

  engineers: () => request<Engineer[]>('GET', '/api/engineers'),
  createEngineer: (body: {
    username: string;
    displayName: string;
    password: string;
    role: Role;
    deskIds: number[];
    stationIds: number[];
  }) => request<Engineer>('POST', '/api/engineers', { body }),
  updateEngineer: (
    id: number,
    body: { displayName?: string; role?: Role; disabled?: boolean; deskIds?: number[]; stationIds?: number[] },
  ) => request<Engineer>('PATCH', `/api/engineers/${id}`, { body }),
  resetEngineerPassword: (id: number, password: string) =>
    request<Ok>('POST', `/api/engineers/${id}/password`, { body: { password } }),
  unlockEngineerSignIn: (id: number) => request<Ok & { cleared: number }>('POST', `/api/engineers/${id}/unlock`),
  engineerTokens: (id: number) => request<ApiToken[]>('GET', `/api/engineers/${id}/tokens`),
  revokeEngineerToken: (id: number, tokenId: number) => request<Ok>('DELETE', `/api/engineers/${id}/tokens/${tokenId}`),
  availability: () => request<Availability>('GET', '/api/availability'),
  setStatus: (status: EngineerStatus) => request<Availability>('PUT', '/api/availability', { body: { status } }),
  engineersAvailability: () => request<Availability[]>('GET', '/api/engineers/availability'),
  setSessionLimit: (id: number, sessionLimit: number | null) =>
    request<Availability>('PUT', `/api/engineers/${id}/session-limit`, { body: { sessionLimit } }),

  desks: () => request<Desk[]>('GET', '/api/desks'),
  createDesk: (body: { name: string; description?: string }) => request<Desk>('POST', '/api/desks', { body }),
  updateDesk: (id: number, body: { name?: string; description?: string }) =>
    request<Desk>('PATCH', `/api/desks/${id}`, { body }),
  deleteDesk: (id: number) => request<Ok>('DELETE', `/api/desks/${id}`),
  recordingPolicies: () => request<DeskRecordingPolicy[]>('GET', '/api/recording-policies'),
  setRecordingPolicy: (deskId: number, policy: RecordingPolicy) =>
    request<DeskRecordingPolicy>('PUT', `/api/recording-policies/${deskId}`, { body: { policy } }),

  stations: () => request<Station[]>('GET', '/api/stations'),
  createStation: (body: { name: string; description?: string }) => request<Station>('POST', '/api/stations', { body }),
  updateStation: (id: number, body: { name?: string; description?: string }) =>
    request<Station>('PATCH', `/api/stations/${id}`, { body }),
  deleteStation: (id: number) => request<Ok>('DELETE', `/api/stations/${id}`),

  provider: () => request<Provider>('GET', '/api/provider'),
  updateProvider: (body: { name: string; address: string; phone: string; website: string }) =>
    request<Provider>('PUT', '/api/provider', { body }),
  uploadProviderLogo: (file: File | Blob) => request<Provider>('POST', '/api/provider/logo', { body: upload(file) }),

  tokens: () => request<ApiToken[]>('GET', '/api/tokens'),
  createToken: (body: { name: string; scopes: Scope[]; expiresInDays?: number }) =>
    request<CreatedApiToken>('POST', '/api/tokens', { body }),
  revokeToken: (id: number) => request<Ok>('DELETE', `/api/tokens/${id}`),

  presence: () => request<DeskPresence[]>('GET', '/api/presence'),
  agents: () => request<AgentInfo[]>('GET', '/api/agents'),
  portalDesks: () => request<PortalDesk[]>('GET', '/api/portal/desks'),
};

export const avatarUrl = (engineerId: number, version: string | number = '') =>
  `/api/engineers/${engineerId}/avatar${version === '' ? '' : `?v=${version}`}`;
export const providerLogoUrl = (version: string | number = '') =>
  `/api/provider/logo${version === '' ? '' : `?v=${version}`}`;
