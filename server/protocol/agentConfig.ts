// The configuration a downloaded agent carries inside its own executable: the server appends it when the customer
// downloads the agent, so the customer runs one file and it connects to the right server and session without any
// question. Layout at the very end of the file: [JSON, UTF-8][u32 LE length of the JSON][8 bytes "TSRAGCFG"].
// (Bun keeps a compiled program in its own ELF section, so bytes after the end do not disturb it.)
// No runtime dependencies: the server writes it, the agent reads it.

export const AGENT_CONFIG_MAGIC = 'TSRAGCFG';
export const AGENT_CONFIG_TRAILER_BYTES = 12;
export const MAX_AGENT_CONFIG_BYTES = 16 * 1024;

export interface EmbeddedAgentConfig {
  /** ws(s)://host[:port]/ws/agent */
  agentUrl: string;
  /** Join token of the support session (attended mode); absent for a resident agent. */
  session?: string;
  /** Attended: run for this one session and leave nothing behind when it ends. */
  attended: boolean;
  /** Shown in the agent's window: who the user is letting in. */
  provider: string;
}

/** The bytes to append to an agent executable. */
export function configTrailer(config: EmbeddedAgentConfig): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(config));
  if (json.length > MAX_AGENT_CONFIG_BYTES) throw new Error('agent configuration too large');
  const out = new Uint8Array(json.length + AGENT_CONFIG_TRAILER_BYTES);
  out.set(json, 0);
  new DataView(out.buffer).setUint32(json.length, json.length, true);
  out.set(new TextEncoder().encode(AGENT_CONFIG_MAGIC), json.length + 4);
  return out;
}

/** How many bytes before the end the JSON starts, from the file's last 12 bytes; null when there is no config. */
export function configLength(tail: Uint8Array): number | null {
  if (tail.length !== AGENT_CONFIG_TRAILER_BYTES) return null;
  if (new TextDecoder().decode(tail.subarray(4)) !== AGENT_CONFIG_MAGIC) return null;
  const length = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  return length > 0 && length <= MAX_AGENT_CONFIG_BYTES ? length : null;
}

/** Validates the embedded JSON: a damaged or hostile config is refused with a reason, never half-used. */
export function parseAgentConfig(json: Uint8Array): EmbeddedAgentConfig | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return 'the embedded configuration is not valid JSON';
  }
  if (typeof value !== 'object' || value === null) return 'the embedded configuration must be an object';
  const c = value as Record<string, unknown>;
  if (typeof c.agentUrl !== 'string' || !/^wss?:\/\/[^\s/]+(\/\S*)?$/.test(c.agentUrl) || c.agentUrl.length > 2048)
    return 'the embedded configuration needs agentUrl (ws:// or wss://)';
  if (c.session !== undefined && (typeof c.session !== 'string' || c.session.length < 1 || c.session.length > 256))
    return 'the embedded session token must be 1-256 characters';
  if (typeof c.attended !== 'boolean') return 'the embedded configuration needs attended (true or false)';
  if (typeof c.provider !== 'string' || c.provider.length > 200) return 'the embedded configuration needs provider';
  return {
    agentUrl: c.agentUrl,
    ...(c.session !== undefined ? { session: c.session as string } : {}),
    attended: c.attended,
    provider: c.provider,
  };
}
