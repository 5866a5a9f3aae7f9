// The agent's command line: turns argv (and the configuration a downloaded agent carries) into one request, or a
// usage error (exit code 2).
import { resolve } from 'node:path';
import { CAPABILITIES, type Capability } from '../server/protocol/agent.ts';
import type { EmbeddedAgentConfig } from '../server/protocol/agentConfig.ts';

export const USAGE = `Usage: tessera-agent --server URL [options]

Connects this machine to a Tessera server and keeps the connection up.

Options:
  --server URL        the Tessera server: http(s)://host[:port][/prefix] or ws(s)://...
                      (the agent connects to <URL>/ws/agent)
  --session TOKEN     join this support session (attended: the agent ends, and
                      removes what it unpacked, when the session ends)
  --allow LIST        capabilities this device allows without asking, comma-separated:
                      ${CAPABILITIES.join(', ')} (default: none, the user is asked each time)
  --display NAME      the X display to show and control (default: $DISPLAY)
  --no-window         do not open the local window in the browser (its address is
                      still printed)
  --log-dir DIR       where the agent keeps its own copy of the session log (default:
                      $XDG_DATA_HOME/tessera-agent/logs or ~/.local/share/tessera-agent/logs;
                      the log stays after the session, it is your record)
  --self-test         check that the native addon loads and works, then exit
  -h, --help          show this help and exit
  -v, --version       print the agent version and exit

A downloaded agent carries its server and session inside; it needs no options.

Exit codes: 0 ok, 1 failure, 2 bad command line.`;

export interface RunCommand {
  kind: 'run';
  agentUrl: string;
  /** Join token of the support session (attended mode). */
  session?: string;
  /** Capabilities pre-allowed on the device. */
  allow: Capability[];
  display?: string;
  /** Open the local window in the default browser. */
  window: boolean;
  /** The support provider's name (from the embedded configuration). */
  provider?: string;
  /** Folder of the local session log (--log-dir). */
  logDir?: string;
}

export type Command =
  | RunCommand
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'self-test' }
  | { kind: 'error'; message: string };

/** Where the agent's WebSocket lives for a server address the user typed; throws with a clear reason. */
export function agentSocketUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    throw new Error(`--server: "${server}" is not a URL (example: https://help.example.com)`);
  }
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new Error(`--server: unsupported scheme "${url.protocol.replace(/:$/, '')}" (use http, https, ws or wss)`);
  if (!url.hostname) throw new Error(`--server: "${server}" has no host name`);
  if (url.username || url.password) throw new Error('--server: the URL must not contain a user name or password');
  if (url.search || url.hash) throw new Error('--server: the URL must not contain a query (?) or fragment (#)');
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws/agent`;
  return url.toString();
}

/** "view,control" -> ['view', 'control']; throws with a clear reason. */
export function parseAllow(value: string): Capability[] {
  const out: Capability[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (!(CAPABILITIES as readonly string[]).includes(name))
      throw new Error(`--allow: unknown capability "${raw.trim()}" (known: ${CAPABILITIES.join(', ')})`);
    if (!out.includes(name as Capability)) out.push(name as Capability);
  }
  if (out.length === 0) throw new Error(`--allow needs a list, e.g. --allow view,control (known: ${CAPABILITIES.join(', ')})`);
  return out;
}

const VALUE_OPTIONS = {
  '--server': 'a URL, e.g. --server https://help.example.com',
  '--session': 'a join token',
  '--allow': `a list, e.g. --allow view,control (known: ${CAPABILITIES.join(', ')})`,
  '--display': 'an X display, e.g. --display :0',
  '--log-dir': 'a folder, e.g. --log-dir ~/tessera-logs',
} as const;
type ValueOption = keyof typeof VALUE_OPTIONS;

const FLAGS = ['-h', '--help', '-v', '--version', '--self-test', '--no-window'];
const isOption = (arg: string) => FLAGS.includes(arg) || Object.keys(VALUE_OPTIONS).some((o) => arg === o || arg.startsWith(`${o}=`));

export function parseArgs(argv: readonly string[], embedded: EmbeddedAgentConfig | null = null): Command {
  const values: Partial<Record<ValueOption, string>> = {};
  let selfTest = false;
  let window = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    const name = (Object.keys(VALUE_OPTIONS) as ValueOption[]).find((o) => arg === o || arg.startsWith(`${o}=`));
    if (arg === '--self-test') {
      selfTest = true;
    } else if (arg === '--no-window') {
      window = false;
    } else if (name) {
      const value = arg === name ? argv[++i] : arg.slice(name.length + 1);
      // A value may start with '-' (a join token is random base64url); one of our own options is a missing value.
      if (value === undefined || value === '' || isOption(value)) return { kind: 'error', message: `${name} needs ${VALUE_OPTIONS[name]}` };
      if (values[name] !== undefined) return { kind: 'error', message: `${name} was given twice` };
      values[name] = value;
    } else {
      return { kind: 'error', message: `unknown argument "${arg}"` };
    }
  }
  if (selfTest) return { kind: 'self-test' };
  const session = values['--session'] ?? (values['--server'] === undefined ? embedded?.session : undefined);
  if (session !== undefined && (session.length > 256 || /\s/.test(session)))
    return { kind: 'error', message: '--session: a join token is 1-256 characters without spaces' };
  const display = values['--display'];
  if (display !== undefined && (display.length > 256 || !/^[\w.:/-]+$/.test(display)))
    return { kind: 'error', message: `--display: "${display}" is not an X display name (example: :0)` };
  const logDir = values['--log-dir'];
  if (logDir !== undefined && (logDir.length > 4096 || logDir.includes('\0')))
    return { kind: 'error', message: '--log-dir: not a folder path' };
  try {
    const allow = values['--allow'] !== undefined ? parseAllow(values['--allow']) : [];
    let agentUrl: string;
    if (values['--server'] !== undefined) agentUrl = agentSocketUrl(values['--server']);
    else if (embedded) agentUrl = embedded.agentUrl;
    else return { kind: 'error', message: 'missing --server URL' };
    return {
      kind: 'run',
      agentUrl,
      allow,
      window,
      ...(session !== undefined ? { session } : {}),
      ...(display !== undefined ? { display } : {}),
      ...(embedded?.provider ? { provider: embedded.provider } : {}),
      ...(logDir !== undefined ? { logDir: resolve(logDir) } : {}),
    };
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}
