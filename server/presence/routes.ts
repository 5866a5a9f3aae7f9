import { Elysia } from 'elysia';
import type { AgentRegistry } from '../agents/registry.ts';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { sameOrigin } from '../http/origin.ts';
import { messageBytes } from '../http/wsLimits.ts';
import { AGENT_BATCH_MS, type ConsoleServerMessage } from '../protocol/console.ts';
import { AgentBatch } from './agentBatch.ts';
import type { ConsoleHub } from './consoleHub.ts';
import type { PresenceTracker } from './tracker.ts';
import { apiTag } from '../docs/tags.ts';

const MAX_CONSOLE_MESSAGE_BYTES = 16 * 1024;

/** The console's live channel (/ws/console), engineer presence per desk, and the public desk status for the portal. */
export function presenceRoutes(
  ctx: AppContext,
  auth: Auth,
  hub: ConsoleHub,
  presence: PresenceTracker,
  agents: AgentRegistry,
) {
  const desks = new DeskStore(ctx.db, 'desks');
  const snapshot = (): ConsoleServerMessage => ({ type: 'presence', desks: presence.snapshot(desks.list()) });
  const pushPresence = () => hub.broadcast(snapshot());
  ctx.events.on('membership-changed', pushPresence);
  ctx.events.on('presence-changed', pushPresence);
  // Status and load show beside each name, and the load moves with every take, hand-over and end.
  ctx.events.on('availability-changed', pushPresence);
  ctx.events.on('support-changed', pushPresence);
  ctx.events.on('engineer-logins-ended', (id) => hub.closeFor(id, 'your sign-in was ended by an administrator'));
  // Consoles get the full agent list once when they connect, then batched deltas (see AgentBatch).
  const agentBatch = new AgentBatch((m) => hub.broadcast(m), AGENT_BATCH_MS);
  ctx.events.on('agents-changed', (change) => ('added' in change ? agentBatch.add(change.added) : agentBatch.remove(change.removed)));

  return new Elysia({ name: 'presence-routes', tags: apiTag('Presence') })
    .use(auth.guard)
    .onStop(() => agentBatch.stop())
    .get('/api/presence', () => presence.snapshot(desks.list()), {
      access: { role: 'engineer', scope: 'org:read' },
    })
    .get(
      '/api/portal/desks',
      () => {
        const online = presence.snapshot(desks.list());
        return desks.list().map((d) => ({
          id: d.id,
          name: d.name,
          online: (online.find((p) => p.deskId === d.id)?.engineers.length ?? 0) > 0,
        }));
      },
      { access: 'public' },
    )
    .ws('/ws/console', {
      beforeHandle({ request, server, status }) {
        if (!sameOrigin(request, server, ctx.config.trustedProxies)) return status(403, { error: 'cross-origin console connection refused' });
        if (!auth.engineerFromCookie(request.headers.get('cookie'))) return status(401, { error: 'login required' });
      },
      open(ws) {
        const engineer = auth.engineerFromCookie(ws.data.request.headers.get('cookie'));
        if (!engineer) return ws.close(1008, 'login required');
        (ws.data as { engineerId?: number }).engineerId = engineer.id;
        hub.add(ws.raw, engineer.id);
        ws.send(JSON.stringify(snapshot()));
        ws.send(JSON.stringify({ type: 'agents', agents: agents.list() } satisfies ConsoleServerMessage));
        if (presence.connect(engineer.id)) pushPresence();
        ctx.events.emit('console-opened', engineer.id);
      },
      message(ws, message) {
        if (messageBytes(message) > MAX_CONSOLE_MESSAGE_BYTES) return ws.close(1009, 'message too large');
        const m = message as { type?: unknown; t?: unknown } | null;
        if (m && typeof m === 'object' && m.type === 'ping' && typeof m.t === 'number') {
          ws.send(JSON.stringify({ type: 'pong', t: m.t } satisfies ConsoleServerMessage));
          return;
        }
        ws.send(JSON.stringify({ type: 'error', error: 'unknown message' } satisfies ConsoleServerMessage));
      },
      close(ws) {
        hub.remove(ws.raw);
        const id = (ws.data as { engineerId?: number }).engineerId;
        if (id !== undefined && presence.disconnect(id)) {
          pushPresence();
          ctx.events.emit('engineer-offline', id);
        }
      },
    });
}
