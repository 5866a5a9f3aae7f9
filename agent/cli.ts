// The agent's command line: turns argv into one request, or a usage error (exit code 2).

export const USAGE = `Usage: tessera-agent --server URL [options]

Connects this machine to a Tessera server and keeps the connection up.

Options:
  --server URL   the Tessera server: http(s)://host[:port][/prefix] or ws(s)://...
                 (the agent connects to <URL>/ws/agent)
  --self-test    check that the native addon loads and works, then exit
  -h, --help     show this help and exit
  -v, --version  print the agent version and exit

Exit codes: 0 ok, 1 failure, 2 bad command line.`;

export type Command =
  | { kind: 'run'; agentUrl: string }
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

export function parseArgs(argv: readonly string[]): Command {
  let server: string | undefined;
  let selfTest = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    if (arg === '--self-test') {
      selfTest = true;
    } else if (arg === '--server' || arg.startsWith('--server=')) {
      const value = arg === '--server' ? argv[++i] : arg.slice('--server='.length);
      if (value === undefined || value === '' || value.startsWith('-'))
        return { kind: 'error', message: '--server needs a URL, e.g. --server https://help.example.com' };
      if (server !== undefined) return { kind: 'error', message: '--server was given twice' };
      server = value;
    } else {
      return { kind: 'error', message: `unknown argument "${arg}"` };
    }
  }
  if (selfTest) return { kind: 'self-test' };
  if (server === undefined) return { kind: 'error', message: 'missing --server URL' };
  try {
    return { kind: 'run', agentUrl: agentSocketUrl(server) };
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}
