// Reads the configuration a downloaded agent carries at the end of its own executable (server/protocol/agentConfig.ts).
// A file without one (a development run under bun, a plain build) has none; a damaged one is an error with a reason.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AGENT_CONFIG_TRAILER_BYTES, configLength, parseAgentConfig, type EmbeddedAgentConfig } from '../server/protocol/agentConfig.ts';

export function readEmbeddedConfig(path: string = process.execPath): EmbeddedAgentConfig | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // nothing readable to look at
  }
  try {
    const size = fstatSync(fd).size;
    if (size < AGENT_CONFIG_TRAILER_BYTES) return null;
    const tail = new Uint8Array(AGENT_CONFIG_TRAILER_BYTES);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const length = configLength(tail);
    if (length === null) return null;
    if (length > size - AGENT_CONFIG_TRAILER_BYTES) throw new Error('the embedded configuration is damaged (length past the start of the file)');
    const json = new Uint8Array(length);
    readSync(fd, json, 0, length, size - AGENT_CONFIG_TRAILER_BYTES - length);
    const config = parseAgentConfig(json);
    if (typeof config === 'string') throw new Error(config);
    return config;
  } finally {
    closeSync(fd);
  }
}
