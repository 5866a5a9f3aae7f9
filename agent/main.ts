// tessera-agent: connects this machine to a Tessera server. Compiled into one executable per OS.
import { parseArgs, USAGE } from './cli.ts';
import { AgentConnection } from './connection.ts';
import { selfTest } from './selfTest.ts';
import { hostname, osDescription } from './systemInfo.ts';
import { AGENT_VERSION } from './version.ts';

const command = parseArgs(process.argv.slice(2));
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
    const hello = { version: AGENT_VERSION, os: osDescription(), hostname: hostname() };
    console.log(`tessera-agent ${hello.version} on ${hello.hostname} (${hello.os})`);
    const connection = new AgentConnection({ url: command.agentUrl, hello });
    const stop = () => {
      connection.stop();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    connection.start();
    break;
  }
}
