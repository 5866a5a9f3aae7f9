// An engineer's status and session limit, shared by the server and the console. Pure, no runtime dependencies.

/**
 * available: takes new work and hears about it (notifications, sounds, offers from colleagues).
 * away (not at the desk) and busy (at the desk, not to be disturbed): neither takes new work nor is offered it.
 */
export const ENGINEER_STATUSES = ['available', 'away', 'busy'] as const;
export type EngineerStatus = (typeof ENGINEER_STATUSES)[number];

/** The highest session limit an admin may set; no limit at all is null. */
export const MAX_SESSION_LIMIT = 50;

export const STATUS_LABEL: Record<EngineerStatus, string> = { available: 'Available', away: 'Away', busy: 'Busy' };

/** One engineer's availability: GET /api/availability (your own), pushed as `availability` on /ws/console. */
export interface Availability {
  engineerId: number;
  status: EngineerStatus;
  /** Live sessions they may hold at once (owned or joined as an engineer); null: no limit. */
  sessionLimit: number | null;
  /** Live sessions they hold now. */
  sessions: number;
}

/** Why this engineer cannot take on one more session now, in words for them ('you') or for a colleague, or null. */
export function newWorkRefusal(a: Availability, who: 'you' | string): string | null {
  const you = who === 'you';
  if (a.status !== 'available')
    return you
      ? `you are set to ${STATUS_LABEL[a.status]}: set yourself Available to take on a session`
      : `${who} is ${STATUS_LABEL[a.status].toLowerCase()}`;
  if (a.sessionLimit !== null && a.sessions >= a.sessionLimit)
    return you
      ? `you already hold ${a.sessions} of your ${a.sessionLimit} sessions at once: end or hand one over first`
      : `${who} already holds ${a.sessions} of their ${a.sessionLimit} sessions at once`;
  return null;
}
