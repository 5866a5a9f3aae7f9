// tessera-agent: connects this machine to a Tessera server. Compiled into one executable per OS.
import { parseArgs, USAGE } from './cli.ts';
import { readEmbeddedConfig } from './embeddedConfig.ts';
import { selfTest } from './selfTest.ts';
import { AGENT_VERSION } from './version.ts';

function embedded() {
  try {
    return readEmbeddedConfig();
  } catch (e) {
    console.error(`tessera-agent: ${(e as Error).message}`);
    process.exit(1);
  }
}

const command = parseArgs(process.argv.slice(2), embedded());
switch (command.kind) {
  case 'help':
    console.log(USAGE);
    break;
  case 'version':
    console.log(AGENT_VERSION);
    break;
  case 'error':
    console.error(`tessera-agent: ${command.message}\nRun tessera-agent --help for usage.`);
    process.exit(2);
  case 'self-test':
    process.exit((await selfTest()) ? 0 : 1);
  case 'run': {
    // Imported here, not at the top, so a broken addon cannot stop --help or --version.
    const { startAgent } = await import('./runAgent.ts');
    const { hostname, osDescription } = await import('./systemInfo.ts');
    const hello = { version: AGENT_VERSION, os: osDescription(), hostname: hostname() };
    console.log(`tessera-agent ${hello.version} on ${hello.hostname} (${hello.os})`);
    const agent = startAgent({
      agentUrl: command.agentUrl,
      hello,
      allow: command.allow,
      ...(command.window ? {} : { openBrowser: false }),
      ...(command.session !== undefined ? { session: command.session } : {}),
      ...(command.display !== undefined ? { display: command.display } : {}),
      ...(command.provider !== undefined ? { provider: command.provider } : {}),
      ...(command.logDir !== undefined ? { logDir: command.logDir } : {}),
    });
    if (command.allow.length) console.log(`allowed on this device without asking: ${command.allow.join(', ')}`);
    const stop = () => void agent.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.exit(await agent.done);
  }
}
