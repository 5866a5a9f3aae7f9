// Shapes of attended-support data shared by the server, the console and the portal. Pure types.
import type { RecordingPolicy } from './recording.ts';

export type SupportChannel = 'chat' | 'remote';
export type SupportStatus = 'queued' | 'waiting-code' | 'active' | 'ended';

export interface IdentityFieldPublic {
  slot: number;
  label: string;
  type: 'text' | 'email' | 'phone' | 'number';
  required: boolean;
  maxLength: number;
  pattern: string;
  /** A right value (the format told to the customer), '' for none. */
  example: string;
}

/** A customer-entered value with its field label and, when configured, the CRM lookup link. */
export interface CustomerValue {
  slot: number;
  label: string;
  value: string;
  crmLink: string | null;
}

export interface QueueItem {
  id: number;
  deskId: number | null;
  channel: SupportChannel;
  customer: CustomerValue[];
  createdAt: string;
}

export interface SessionSummary {
  id: number;
  deskId: number | null;
  channel: SupportChannel;
  status: SupportStatus;
  ownerId: number | null;
  /** The owner's name, also once the session has ended and everybody has left. */
  ownerName: string | null;
  customer: CustomerValue[];
  createdAt: string;
  takenAt: string | null;
  endedAt: string | null;
  /** Engineers in the session now; a 'supervisor' is watching (the console shows that it is being watched). */
  participants: { id: number; name: string; role: 'owner' | 'engineer' | 'supervisor' }[];
}

/** The customer's answer to the built-in survey after the session (stored once; null until answered). */
export interface SurveyResult {
  rating: number;
  /** "Was your problem solved?": null when the customer left it unanswered. */
  solved: boolean | null;
  comment: string;
  at: string;
}

export interface SessionLogEntry {
  id: number;
  at: string;
  /** 'engineer:<id>', 'expert:<invitation id>', 'customer', 'system' or 'agent' */
  actor: string;
  /** Display name of the actor */
  name: string;
  kind: string;
  text: string;
  /** A chat line that carries a screenshot of the remote screen (a session file; see relay/screenshotRoutes.ts). */
  screenshot?: ScreenshotRef;
}

export interface ScreenshotRef {
  /** The file is /api/sessions/<sessionId>/files/<fileId>/content (engineers) or the portal's own file route. */
  sessionId: number;
  fileId: number;
  name: string;
  width: number;
  height: number;
  size: number;
  sha256: string;
}

export interface PortalConfig {
  provider: { name: string; address: string; phone: string; website: string; hasLogo: boolean };
  notice: string;
  contact: string;
  fields: IdentityFieldPublic[];
  desks: { id: number; name: string; online: boolean }[];
}

export interface PortalSession {
  id: number;
  status: SupportStatus;
  channel: SupportChannel;
  engineer: string | null;
  /** The provider's own survey address, once the session has ended and one is set. */
  surveyUrl: string | null;
  surveyDone: boolean;
  /** The desk's recording policy (said before the customer shares the screen), and whether it is recorded now. */
  recording: RecordingPolicy;
  recordingNow: boolean;
  /** The support app is connected to this session (the page then stops offering the download). */
  agentConnected: boolean;
}

export interface FileProgress {
  sessionId: number;
  fileId: number;
  name: string;
  received: number;
  size: number;
  status: 'uploading' | 'complete' | 'failed';
  /** Who sends it */
  by: string;
}
