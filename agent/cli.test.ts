import { describe, expect, test } from 'vitest';
import { agentSocketUrl, parseArgs } from './cli.ts';

describe('parseArgs', () => {
  test('--server in both spellings, with every accepted scheme', () => {
    expect(parseArgs(['--server', 'http://help.example.com'])).toEqual({ kind: 'run', agentUrl: 'ws://help.example.com/ws/agent', allow: [], window: true });
    expect(parseArgs(['--server=https://help.example.com:8443/'])).toEqual({
      kind: 'run',
      agentUrl: 'wss://help.example.com:8443/ws/agent',
      allow: [],
      window: true,
    });
    expect(parseArgs(['--server', 'ws://10.0.0.5:8080'])).toEqual({ kind: 'run', agentUrl: 'ws://10.0.0.5:8080/ws/agent', allow: [], window: true });
    expect(parseArgs(['--server', 'WSS://Help.Example.com/tessera//'])).toEqual({
      kind: 'run',
      agentUrl: 'wss://help.example.com/tessera/ws/agent',
      allow: [],
      window: true,
    });
    expect(parseArgs(['--server', 'http://[::1]:9000'])).toEqual({ kind: 'run', agentUrl: 'ws://[::1]:9000/ws/agent', allow: [], window: true });
  });

  test('a session: --session, --allow, --display, --no-window', () => {
    expect(parseArgs(['--server', 'https://h.example', '--session', 'tok-123', '--allow', 'view,control', '--display=:7', '--no-window'])).toEqual({
      kind: 'run',
      agentUrl: 'wss://h.example/ws/agent',
      session: 'tok-123',
      allow: ['view', 'control'],
      display: ':7',
      window: false,
    });
    expect(parseArgs(['--server', 'http://h', '--allow', ' Clipboard , view,view,files ']).kind).toBe('run');
    expect((parseArgs(['--server', 'http://h', '--allow', ' Clipboard , view,view,files ']) as { allow: string[] }).allow).toEqual([
      'clipboard',
      'view',
      'files',
    ]);
  });

  test('the configuration a downloaded agent carries: no options needed; --server overrides it (and its session)', () => {
    const embedded = { agentUrl: 'wss://help.example.com/ws/agent', session: 'emb-1', attended: true, provider: 'Acme IT' };
    expect(parseArgs([], embedded)).toEqual({
      kind: 'run',
      agentUrl: 'wss://help.example.com/ws/agent',
      session: 'emb-1',
      allow: [],
      window: true,
      provider: 'Acme IT',
    });
    expect(parseArgs(['--allow', 'view'], embedded)).toMatchObject({ session: 'emb-1', allow: ['view'] });
    const other = parseArgs(['--server', 'http://other.example'], embedded);
    expect(other).toMatchObject({ agentUrl: 'ws://other.example/ws/agent' });
    expect(other).not.toHaveProperty('session');
    expect(parseArgs(['--session', 'mine'], embedded)).toMatchObject({ session: 'mine' });
    // join tokens are random base64url: one in 64 starts with '-', one in 4096 with '--'
    expect(parseArgs(['--server', 'http://a', '--session', '-Ab_9'])).toMatchObject({ kind: 'run', session: '-Ab_9' });
    expect(parseArgs(['--server', 'http://a', '--session', '--x9'])).toMatchObject({ kind: 'run', session: '--x9' });
  });

  test('help, version and self-test', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseArgs(['-v'])).toEqual({ kind: 'version' });
    expect(parseArgs(['--server', 'nonsense', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--self-test'])).toEqual({ kind: 'self-test' });
  });

  test.each([
    [[], /missing --server/],
    [['--server'], /--server needs a URL/],
    [['--server='], /--server needs a URL/],
    [['--server', '--help'], /--server needs a URL/],
    [['--server', 'help.example.com'], /not a URL|unsupported scheme/],
    [['--server', 'ftp://help.example.com'], /unsupported scheme "ftp"/],
    [['--server', 'file:///etc/passwd'], /unsupported scheme "file"/],
    [['--server', 'javascript:alert(1)'], /unsupported scheme "javascript"/],
    [['--server', 'http://'], /not a URL|no host/],
    [['--server', 'https://user:pw@help.example.com'], /user name or password/],
    [['--server', 'https://help.example.com/?x=1'], /query/],
    [['--server', 'https://help.example.com/#top'], /fragment/],
    [['--server', 'http://a', '--server', 'http://b'], /given twice/],
    [['--serverx', 'http://a'], /unknown argument "--serverx"/],
    [['http://a'], /unknown argument "http:\/\/a"/],
    [['--server', 'http://a', '--allow', 'view,format-disk'], /unknown capability "format-disk"/],
    [['--server', 'http://a', '--allow', ','], /--allow needs a list/],
    [['--server', 'http://a', '--allow'], /--allow needs a list/],
    [['--server', 'http://a', '--session'], /--session needs a join token/],
    [['--server', 'http://a', '--session', '--no-window'], /--session needs a join token/],
    [['--session', '--server', 'http://a'], /--session needs a join token/],
    [['--server', 'http://a', '--session', 'a', '--session', 'b'], /--session was given twice/],
    [['--server', 'http://a', '--display', ':0; rm -rf /'], /not an X display name/],
    [['--session', 'tok'], /missing --server/],
  ])('%j is a usage error', (argv, message) => {
    const command = parseArgs(argv);
    expect(command.kind).toBe('error');
    expect((command as { message: string }).message).toMatch(message);
  });

  test('agentSocketUrl throws the same reasons', () => {
    expect(() => agentSocketUrl('gopher://x')).toThrow(/unsupported scheme/);
    expect(agentSocketUrl(' https://h.example ')).toBe('wss://h.example/ws/agent');
  });
});

describe('the agent program', () => {
  const main = new URL('./main.ts', import.meta.url).pathname;
  const run = async (...args: string[]) => {
    const child = Bun.spawn([process.execPath, main, ...args], { stdout: 'pipe', stderr: 'pipe' });
    const [code, stdout, stderr] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
    return { code, stdout, stderr };
  };

  test('a bad --server exits with code 2 and says why on stderr', async () => {
    const r = await run('--server', 'ftp://help.example.com');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tessera-agent: --server: unsupported scheme "ftp"/);
    expect(r.stderr).toMatch(/--help/);
    expect((await run()).code).toBe(2);
    expect((await run('--frobnicate')).stderr).toMatch(/unknown argument "--frobnicate"/);
  });

  test('--version and --help', async () => {
    const pkg = (await import('../package.json')).default;
    expect(await run('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: tessera-agent --server URL/);
  });

  test('--self-test loads the native addon through native/index.ts', async () => {
    const r = await run('--self-test');
    expect(r.stdout).toMatch(/native addon: ok \(changedTiles\)/);
    expect(r.code).toBe(0);
  });
});
