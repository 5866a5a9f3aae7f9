import { describe, expect, it } from 'vitest';
import { AGENT_CONFIG_TRAILER_BYTES, configLength, configTrailer, parseAgentConfig, type EmbeddedAgentConfig } from './agentConfig.ts';

const config: EmbeddedAgentConfig = { agentUrl: 'wss://help.example.com/ws/agent', session: 'tok_123', attended: true, provider: 'Acme IT' };

function readBack(file: Uint8Array) {
  const length = configLength(file.subarray(file.length - AGENT_CONFIG_TRAILER_BYTES));
  if (length === null) return null;
  return parseAgentConfig(file.subarray(file.length - AGENT_CONFIG_TRAILER_BYTES - length, file.length - AGENT_CONFIG_TRAILER_BYTES));
}

describe('embedded agent configuration', () => {
  it('round-trips after any executable bytes', () => {
    const exe = new Uint8Array(5000).map((_, i) => (i * 31) & 255);
    const trailer = configTrailer(config);
    const file = new Uint8Array(exe.length + trailer.length);
    file.set(exe);
    file.set(trailer, exe.length);
    expect(readBack(file)).toEqual(config);
  });

  it('finds nothing in a plain executable or a damaged trailer', () => {
    expect(readBack(new Uint8Array(100))).toBeNull();
    const t = configTrailer(config);
    t[t.length - 1] = 0x41; // magic damaged
    expect(readBack(t)).toBeNull();
    const huge = configTrailer(config);
    new DataView(huge.buffer).setUint32(huge.length - AGENT_CONFIG_TRAILER_BYTES, 1 << 30, true);
    expect(readBack(huge)).toBeNull();
  });

  it('refuses hostile or malformed contents with a reason', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(parseAgentConfig(new TextEncoder().encode('{nope'))).toMatch(/not valid JSON/);
    expect(parseAgentConfig(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatch(/not valid JSON/);
    expect(parseAgentConfig(enc({ ...config, agentUrl: 'http://x/ws/agent' }))).toMatch(/agentUrl/);
    expect(parseAgentConfig(enc({ ...config, agentUrl: 'ws://x y/ws/agent' }))).toMatch(/agentUrl/);
    expect(parseAgentConfig(enc({ ...config, session: 'x'.repeat(300) }))).toMatch(/session/);
    expect(parseAgentConfig(enc({ ...config, attended: 'yes' }))).toMatch(/attended/);
    // Unknown keys (e.g. a server trying to pre-grant consent) are dropped, never obeyed.
    expect(parseAgentConfig(enc({ ...config, allow: ['control'] }))).toEqual(config);
    expect(() => configTrailer({ ...config, provider: 'x'.repeat(20_000) })).toThrow(/too large/);
  });
});
