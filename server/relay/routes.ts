import type { ServerWebSocket } from 'bun';
import { Elysia } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { sameOrigin } from '../http/origin.ts';
import { messageBytes } from '../http/wsLimits.ts';
import { MAX_AGENT_MESSAGE_BYTES } from '../protocol/agent.ts';
import { parseViewerMessage } from '../protocol/desktop.ts';
import { SESSION_COOKIE } from '../auth/loginSessions.ts';
import { EXPERT_COOKIE } from '../support/expertRoutes.ts';
import type { DesktopHub } from './desktopHub.ts';
import type { DesktopSession, ViewerLink } from './desktopSession.ts';
import { cookieValue, type ViewerIdentity } from './viewerAccess.ts';

/** A viewer's text message may carry a clipboard of MAX_CLIPBOARD_BYTES characters, JSON-escaped. */
export const MAX_VIEWER_MESSAGE_BYTES = MAX_AGENT_MESSAGE_BYTES;

interface ViewerSocketData {
  link?: ViewerLink;
  /** Who opened it, with the console login it belongs to. */
  who?: ViewerIdentity;
  session?: DesktopSession;
}

function sessionIdOf(raw: unknown): number | null {
  const id = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * /ws/desktop/:sessionId: a session's live screen for the console (engineers by their login cookie, the outside
 * expert by theirs). Binary frames go out as the relay hands them over, JSON control messages both ways
 * (server/protocol/desktop.ts). Anything malformed closes the socket with the reason.
 */
export function relayRoutes(ctx: AppContext, auth: Auth, hub: DesktopHub) {
  const identify = (request: Request): ViewerIdentity | null => {
    const cookie = request.headers.get('cookie');
    const engineer = auth.engineerFromCookie(cookie);
    // The viewer is tied to this login: it closes when the login ends (see ViewerAccess).
    if (engineer) return { kind: 'engineer', engineerId: engineer.id, loginToken: cookieValue(cookie, SESSION_COOKIE) };
    const expert = cookieValue(request.headers.get('cookie'), EXPERT_COOKIE);
    return expert ? { kind: 'expert', loginToken: expert } : null;
  };

  return new Elysia({ name: 'relay-routes' })
    .onStop(() => hub.stop())
    .ws('/ws/desktop/:sessionId', {
      beforeHandle({ request, params, server, status }) {
        if (!sameOrigin(request, server, ctx.config.trustedProxies)) return status(403, { error: 'cross-origin desktop connection refused' });
        const who = identify(request);
        if (!who) return status(401, { error: 'login required' });
        const id = sessionIdOf((params as Record<string, unknown>).sessionId);
        if (id === null || !hub.grant(id, who)) return status(404, { error: 'no live session you may see with that id' });
      },
      open(ws) {
        const data = ws.data as unknown as ViewerSocketData;
        const raw = ws.raw as ServerWebSocket<unknown>;
        const id = sessionIdOf((ws.data.params as Record<string, unknown>).sessionId);
        const who = identify(ws.data.request);
        const grant = id !== null && who ? hub.grant(id, who) : null;
        if (id === null || !who || !grant) return raw.close(1008, 'no live session you may see with that id');
        const link: ViewerLink = {
          actor: grant.actor,
          name: grant.name,
          mode: grant.mode,
          sink: {
            buffered: () => raw.getBufferedAmount(),
            send: (frame) => {
              // Bun drops a message only when the socket is over its own hard limit or closing; a viewer that lost
              // a frame is out of step and must be resynchronised (once it has room again).
              if (raw.send(frame) === 0 && raw.readyState === 1) queueMicrotask(() => data.session?.relay.resync(link.sink));
            },
          },
          send: (message) => void raw.send(JSON.stringify(message)),
          close: (code, reason) => raw.close(code, reason),
        };
        data.link = link;
        data.who = who;
        data.session = hub.addViewer(id, link, who);
      },
      message(ws, message) {
        const { link, session } = ws.data as unknown as ViewerSocketData;
        if (!link || !session) return;
        if (message instanceof Uint8Array || message instanceof ArrayBuffer) return ws.close(1008, 'viewers send only JSON text messages');
        if (messageBytes(message) > MAX_VIEWER_MESSAGE_BYTES) return ws.close(1009, `message larger than ${MAX_VIEWER_MESSAGE_BYTES} bytes`);
        const parsed = parseViewerMessage(message);
        if (typeof parsed === 'string') {
          link.send({ type: 'error', error: parsed });
          return ws.close(1008, parsed.slice(0, 120));
        }
        session.viewerMessage(link, parsed);
      },
      drain(ws) {
        const { link, session } = ws.data as unknown as ViewerSocketData;
        if (link && session) session.relay.drained(link.sink);
      },
      close(ws) {
        const { link, session } = ws.data as unknown as ViewerSocketData;
        if (link && session) hub.removeViewer(session, link);
      },
    });
}
