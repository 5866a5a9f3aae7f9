/**
 * The features the API docs group operations by, in the order the docs page lists them. Each feature plugin
 * names its tag once (`new Elysia({ tags: apiTag('Queue') })`), so a route cannot land under "default".
 */
export const API_TAGS = {
  Health: 'Whether the server is up, and its version.',
  Setup: 'Creating the first admin with the one-time setup token printed on the server console.',
  Auth: 'Console sign-in and sign-out, your password, and API tokens (your own; admins list and revoke anyone’s).',
  Engineers: 'Engineer accounts (admins) and your own profile.',
  Provider: 'The provider profile and logo shown on the portal.',
  Desks: 'Service desks: each has its own queue and engineers.',
  Stations: 'Stations (sites) engineers belong to.',
  Presence: 'Who of which desk is online.',
  Queue: 'Requests waiting in the queues of your desks, and taking one.',
  Sessions: 'Attended support sessions: access codes, chat, notes, transfer, invitations, supervisors, outside experts.',
  'Session log': 'A session’s full log (chat and every operation), as pages or a text file, and searching past sessions.',
  Files: 'Files moved in a session, both ways (chunked, resumable, checked by SHA-256).',
  'Remote assistance': 'Asking the customer’s agent for consent, pushing a link, screenshots of the remote screen.',
  Recordings: 'Screen recordings of sessions (seek points, playback stream) and each desk’s recording policy.',
  Agents: 'Connected agents, join tokens, and the support app the portal hands out.',
  Experts: 'Outside experts: their one-time invitation and their view of the one session.',
  Portal: 'The customer portal and the embeddable help button: desks, requests, access codes, the customer’s session.',
  Settings: 'Support settings (admins): identity fields, canned replies, common URLs, portal settings.',
} as const;

export type ApiTag = keyof typeof API_TAGS;

/** The `tags` of a feature plugin; typed so that a misspelt tag does not create a new, undescribed group. */
export const apiTag = (tag: ApiTag): string[] => [tag];
