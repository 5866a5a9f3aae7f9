// Messages on /ws/agent (JSON text frames), shared by the server and the agent. No runtime dependencies.

export const AGENT_PROTOCOL_VERSION = 1;
export const HEARTBEAT_INTERVAL_MS = 15_000;
/** The server drops an agent it has not heard from for this long. */
export const HEARTBEAT_TIMEOUT_MS = 45_000;
export const MAX_AGENT_MESSAGE_BYTES = 64 * 1024;

export interface AgentHello {
  type: 'hello';
  protocol: number;
  version: string;
  os: string;
  hostname: string;
}

export type AgentMessage = AgentHello | { type: 'heartbeat'; t: number };

export type ServerToAgentMessage =
  | { type: 'welcome'; id: string; heartbeatMs: number }
  | { type: 'heartbeat-ack'; t: number }
  | { type: 'error'; error: string };

const MAX_FIELD = 256;

function shortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD;
}

/** Parses one agent message; returns an error string for anything malformed (the connection is then closed). */
export function parseAgentMessage(raw: unknown): AgentMessage | { error: string } {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_AGENT_MESSAGE_BYTES) return { error: 'message too large' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { error: 'message is not valid JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'message must be an object' };
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'hello':
      if (m.protocol !== AGENT_PROTOCOL_VERSION) return { error: `unsupported protocol ${String(m.protocol)}` };
      if (!shortString(m.version) || !shortString(m.os) || !shortString(m.hostname))
        return { error: 'hello needs version, os and hostname (1-256 characters each)' };
      return { type: 'hello', protocol: m.protocol, version: m.version, os: m.os, hostname: m.hostname };
    case 'heartbeat':
      if (typeof m.t !== 'number' || !Number.isFinite(m.t)) return { error: 'heartbeat needs a numeric t' };
      return { type: 'heartbeat', t: m.t };
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}
