import { Elysia } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import { randomSecret } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import { messageBytes } from '../http/wsLimits.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_AGENT_MESSAGE_BYTES,
  parseAgentMessage,
  type ServerToAgentMessage,
} from '../protocol/agent.ts';
import type { AgentRegistry } from './registry.ts';

const HELLO_TIMEOUT_MS = 10_000;

interface AgentSocketData {
  agentId?: string;
  address: string;
  helloTimer?: ReturnType<typeof setTimeout>;
}

/** /ws/agent: agents say hello, keep a heartbeat, and are listed live in the console. */
export function agentRoutes(ctx: AppContext, auth: Auth, registry: AgentRegistry) {
  const sockets = new Map<string, { close(code?: number, reason?: string): void }>();
  const sweep = setInterval(() => {
    for (const id of registry.stale(new Date(Date.now() - HEARTBEAT_TIMEOUT_MS))) {
      sockets.get(id)?.close(1001, 'heartbeat timeout');
      sockets.delete(id);
      if (registry.remove(id)) ctx.events.emit('agents-changed', undefined);
    }
  }, 5_000);
  sweep.unref?.();

  const send = (ws: { send(data: string): unknown }, m: ServerToAgentMessage) => ws.send(JSON.stringify(m));

  return new Elysia({ name: 'agent-routes' })
    .use(auth.guard)
    .onStop(() => clearInterval(sweep))
    .get('/api/agents', () => registry.list(), { access: { role: 'engineer', scope: 'agents:read' } })
    .ws('/ws/agent', {
      open(ws) {
        const data = ws.data as unknown as AgentSocketData;
        data.address = ws.raw.remoteAddress || 'unknown';
        data.helloTimer = setTimeout(() => ws.close(1008, 'no hello'), HELLO_TIMEOUT_MS);
      },
      message(ws, raw) {
        const data = ws.data as unknown as AgentSocketData;
        const message =
          messageBytes(raw) > MAX_AGENT_MESSAGE_BYTES
            ? { error: `message larger than ${MAX_AGENT_MESSAGE_BYTES} bytes` }
            : parseAgentMessage(typeof raw === 'string' || typeof raw === 'object' ? raw : String(raw));
        if ('error' in message) {
          send(ws, { type: 'error', error: message.error });
          return ws.close(1008, message.error.slice(0, 120));
        }
        if (message.type === 'hello') {
          if (data.agentId) {
            send(ws, { type: 'error', error: 'hello was already sent' });
            return ws.close(1008, 'duplicate hello');
          }
          clearTimeout(data.helloTimer);
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
          });
          sockets.set(id, ws);
          send(ws, { type: 'welcome', id, heartbeatMs: HEARTBEAT_INTERVAL_MS });
          ctx.events.emit('agents-changed', undefined);
          return;
        }
        if (!data.agentId) {
          send(ws, { type: 'error', error: 'say hello first' });
          return ws.close(1008, 'hello expected');
        }
        registry.touch(data.agentId);
        if (message.type === 'heartbeat') send(ws, { type: 'heartbeat-ack', t: message.t });
      },
      close(ws) {
        const data = ws.data as unknown as AgentSocketData;
        clearTimeout(data.helloTimer);
        if (data.agentId) {
          sockets.delete(data.agentId);
          if (registry.remove(data.agentId)) ctx.events.emit('agents-changed', undefined);
        }
      },
    });
}
