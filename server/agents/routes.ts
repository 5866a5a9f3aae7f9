import { Elysia } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import { randomSecret } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import { forwardedClient } from '../http/clientAddress.ts';
import { messageBytes } from '../http/wsLimits.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_AGENT_MESSAGE_BYTES,
  parseAgentMessage,
  type ServerToAgentMessage,
} from '../protocol/agent.ts';
import type { DesktopHub } from '../relay/desktopHub.ts';
import type { AgentLink, DesktopSession } from '../relay/desktopSession.ts';
import { AgentSessionFeed } from './agentSessionFeed.ts';
import { ConnectionCounter } from './connectionCounter.ts';
import { AgentMessageBudget } from './messageBudget.ts';
import type { AgentRegistry } from './registry.ts';
import type { RecordingPolicy } from '../protocol/recording.ts';
import { apiTag } from '../docs/tags.ts';

const HELLO_TIMEOUT_MS = 10_000;

interface AgentSocketData {
  agentId?: string;
  address: string;
  /** What it may still send (text messages). */
  budget: AgentMessageBudget;
  /** Refused at open (too many from its address): it was never counted. */
  refused?: boolean;
  helloTimer?: ReturnType<typeof setTimeout>;
  /** The support session this agent serves (a `session` join token in its hello), and its link there. */
  desktop?: { session: DesktopSession; link: AgentLink };
}

/**
 * /ws/agent: agents say hello, keep a heartbeat, and are listed live in the console. An agent that names a
 * support session (a join token in its hello) is bound to it: it streams its desktop (binary frames, after the
 * server's desktop-start) and reports consent, monitors and clipboard, relayed to the session's viewers.
 */
export function agentRoutes(ctx: AppContext, auth: Auth, registry: AgentRegistry, desktops: DesktopHub) {
  const sockets = new Map<string, { close(code?: number, reason?: string): void }>();
  const sweep = setInterval(() => {
    for (const id of registry.stale(new Date(Date.now() - HEARTBEAT_TIMEOUT_MS))) {
      sockets.get(id)?.close(1001, 'heartbeat timeout');
      sockets.delete(id);
      if (registry.remove(id)) ctx.events.emit('agents-changed', { removed: id });
    }
  }, 5_000);
  sweep.unref?.();

  // Returns nothing on purpose: whatever a socket handler returns, Elysia sends to the client (ws.send's byte count
  // once reached every agent as a stray "42" frame).
  const send = (ws: { send(data: string): unknown }, m: ServerToAgentMessage): void => {
    ws.send(JSON.stringify(m));
  };
  // Anyone may open an agent socket before it proves anything: one address may hold only so many.
  const perAddress = new ConnectionCounter(ctx.config.agentConnectionsPerAddress);
  // Who is connected and the chat, for the agent's local window (the same as the customer's portal shows).
  const feed = new AgentSessionFeed(ctx, auth);

  return new Elysia({ name: 'agent-routes', tags: apiTag('Agents') })
    .use(auth.guard)
    .onStop(() => {
      clearInterval(sweep);
      feed.stop();
    })
    .get('/api/agents', () => registry.list(), { access: { role: 'engineer', scope: 'agents:read' } })
    .ws('/ws/agent', {
      beforeHandle({ request, status }) {
        // Agents are programs, which send no Origin; a browser always does. A web page has no business here (it
        // could only feed fake agents to every console).
        if (request.headers.has('origin')) return status(403, { error: 'browsers may not connect to /ws/agent' });
      },
      open(ws) {
        const data = ws.data as unknown as AgentSocketData;
        // Behind a trusted reverse proxy every agent comes from the proxy: its X-Forwarded-For names the agent.
        const forwardedFor = (ws.data as unknown as { headers: Record<string, string | undefined> }).headers['x-forwarded-for'] ?? null;
        data.address = forwardedClient(ws.raw.remoteAddress || 'unknown', forwardedFor, ctx.config.trustedProxies);
        if (!perAddress.open(data.address)) {
          data.refused = true;
          return ws.close(1008, `too many agent connections from ${data.address}`);
        }
        data.budget = new AgentMessageBudget();
        data.helloTimer = setTimeout(() => ws.close(1008, 'no hello'), HELLO_TIMEOUT_MS);
      },
      message(ws, raw) {
        const data = ws.data as unknown as AgentSocketData;
        if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
          const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
          if (!data.desktop) {
            const error = data.agentId ? 'binary frames need an agent bound to a session' : 'hello expected';
            send(ws, { type: 'error', error });
            return ws.close(1008, error);
          }
          if (data.agentId) registry.touch(data.agentId);
          const error = data.desktop.session.agentFrame(data.desktop.link, bytes);
          if (error) {
            send(ws, { type: 'error', error });
            ws.close(1008, error.slice(0, 120));
          }
          return;
        }
        const message =
          messageBytes(raw) > MAX_AGENT_MESSAGE_BYTES
            ? { error: `message larger than ${MAX_AGENT_MESSAGE_BYTES} bytes` }
            : parseAgentMessage(typeof raw === 'string' || typeof raw === 'object' ? raw : String(raw));
        if ('error' in message) {
          send(ws, { type: 'error', error: message.error });
          return ws.close(1008, message.error.slice(0, 120));
        }
        const over = data.budget.spend(message.type);
        if (over) {
          send(ws, { type: 'error', error: over });
          return ws.close(1008, over);
        }
        if (message.type === 'hello') {
          if (data.agentId) {
            send(ws, { type: 'error', error: 'hello was already sent' });
            return ws.close(1008, 'duplicate hello');
          }
          clearTimeout(data.helloTimer);
          let session: { id: number; desk: string; recording: RecordingPolicy } | undefined;
          if (message.session !== undefined) {
            const link: AgentLink = { send: (m) => send(ws, m), close: (code, reason) => ws.close(code, reason) };
            const bound = desktops.bindAgent(message.session, link, `${message.hostname}, ${message.os}, version ${message.version}`);
            if ('error' in bound) {
              send(ws, { type: 'error', error: bound.error });
              return ws.close(1008, bound.error);
            }
            data.desktop = { session: bound.session, link };
            session = bound.welcome;
          }
          const id = randomSecret(9);
          data.agentId = id;
          const now = new Date().toISOString();
          registry.add({
            id,
            hostname: message.hostname,
            os: message.os,
            version: message.version,
            address: data.address,
            connectedAt: now,
            lastSeenAt: now,
            enrolled: false,
          });
          sockets.set(id, ws);
          send(ws, { type: 'welcome', id, heartbeatMs: HEARTBEAT_INTERVAL_MS, ...(session ? { session } : {}) });
          ctx.events.emit('agents-changed', { added: registry.get(id)! });
          if (data.desktop) {
            feed.welcome(data.desktop.session.id, data.desktop.link);
            data.desktop.session.agentReady(data.desktop.link);
          }
          return;
        }
        if (!data.agentId) {
          send(ws, { type: 'error', error: 'say hello first' });
          return ws.close(1008, 'hello expected');
        }
        registry.touch(data.agentId);
        const desktop = data.desktop;
        if (desktop) desktop.session.agentHeard(desktop.link);
        switch (message.type) {
          case 'heartbeat':
            send(ws, { type: 'heartbeat-ack', t: message.t });
            return;
          // Desktop reports mean something only for an agent bound to a session; others are ignored.
          case 'consent':
            desktop?.session.agentConsent(desktop.link, message.granted);
            return;
          case 'monitors':
            desktop?.session.agentMonitors(desktop.link, message.monitors, message.current);
            return;
          case 'clipboard':
            desktop?.session.agentClipboard(desktop.link, message.text);
            return;
          case 'refused':
            desktop?.session.agentRefused(desktop.link, message.what, message.reason);
            return;
          case 'chat': {
            // Refused chat (not bound, ended, empty, too many) is answered and changes nothing; the agent stays.
            const error = desktop ? feed.chat(desktop.session.id, desktop.link, message.text) : 'chat needs an agent bound to a session';
            if (error) send(ws, { type: 'error', error });
            return;
          }
        }
      },
      close(ws) {
        const data = ws.data as unknown as AgentSocketData;
        if (!data.refused) perAddress.close(data.address);
        clearTimeout(data.helloTimer);
        if (data.desktop) {
          feed.forget(data.desktop.session.id, data.desktop.link);
          desktops.unbindAgent(data.desktop.session, data.desktop.link);
        }
        if (data.agentId) {
          sockets.delete(data.agentId);
          if (registry.remove(data.agentId)) ctx.events.emit('agents-changed', { removed: data.agentId });
        }
      },
    });
}
