// One agent run: the connection to the server, the session controller (consent, desktop, input, clipboard) and the
// local window, wired together. main.ts runs it for the command line; tests and the end-to-end suite start it
// in-process the same way.
//
// Attended (a session token): when the session ends, or the user chooses "Stop all and end the session", the agent
// stops streaming, releases every key and button, closes the window, removes what it unpacked and finishes with 0.
import { spawn } from 'node:child_process';
import type { Capability } from '../server/protocol/agent.ts';
import type { BackoffOptions } from './backoff.ts';
import { AgentConnection } from './connection.ts';
import { LocalWindow } from './localWindow/localWindow.ts';
import { leaveNothingBehind } from './session/leaveNothingBehind.ts';
import { defaultLogDir, SessionLogFile } from './session/sessionLogFile.ts';
import { SessionController, type SessionControllerOptions } from './session/sessionController.ts';
import { hostname, osDescription } from './systemInfo.ts';
import { AGENT_VERSION } from './version.ts';

export interface StartAgentOptions {
  /** ws(s)://host[:port][/prefix]/ws/agent (cli.ts agentSocketUrl makes it from a server address). */
  agentUrl: string;
  /** Join token of the support session: attended mode. */
  session?: string;
  /** Capabilities this device allows without asking. */
  allow?: readonly Capability[];
  display?: string;
  /** Serve the local window (default true); without it nobody can be asked, so every request is refused. */
  window?: boolean;
  /**
   * Open the window in the default browser with xdg-open. Default: for a session (someone is there to answer) when
   * there is a graphical display; a resident agent only prints the address.
   */
  openBrowser?: boolean;
  /** The support provider's name, shown in the window. */
  provider?: string;
  /** Attended mode removes what the agent unpacked on the way out (default: when there is a session). */
  attended?: boolean;
  log?: (line: string) => void;
  /**
   * Folder of the agent's local copy of the session log (default $XDG_DATA_HOME or ~/.local/share, then
   * tessera-agent/logs); null keeps none.
   */
  logDir?: string | null;
  backoff?: BackoffOptions;
  hello?: { version: string; os: string; hostname: string };
  stream?: SessionControllerOptions['stream'];
}

export interface RunningAgent {
  readonly connection: AgentConnection;
  readonly controller: SessionController;
  readonly window: LocalWindow | null;
  /** The local window's address (with its token), or null without a window. */
  readonly windowUrl: string | null;
  /**
   * Resolves with the exit code once the agent has finished: 0 when the session ended, the user left, or stop();
   * 1 when the server refused the session (attended).
   */
  readonly done: Promise<number>;
  /** Stops everything, cleans up (attended) and resolves `done` with 0. */
  stop(): Promise<number>;
}

/** How long the window keeps answering after the end, so the page can show that the session ended. */
const WINDOW_GRACE_MS = 300;
/** Refusals after having been in the session end the agent once they last this long. */
const REFUSED_GIVE_UP_MS = 60_000;

export function startAgent(options: StartAgentOptions): RunningAgent {
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const attended = options.attended ?? options.session !== undefined;
  const connection = new AgentConnection({
    url: options.agentUrl,
    hello: options.hello ?? { version: AGENT_VERSION, os: osDescription(), hostname: hostname() },
    ...(options.session ? { session: options.session } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    log,
  });
  let finish: (code: number) => Promise<number> = async () => 0;
  const journal = options.logDir === null ? null : new SessionLogFile({ dir: options.logDir ?? defaultLogDir(), report: log });
  const controller = new SessionController({
    ...(journal ? { journal } : {}),
    connection,
    ...(options.display !== undefined ? { display: options.display } : {}),
    allow: options.allow ?? [],
    log,
    ...(options.stream ? { stream: options.stream } : {}),
    onEnded: () => void finish(0),
  });
  let window: LocalWindow | null = null;
  if (options.window ?? true) {
    window = new LocalWindow({
      controller,
      server: serverAddress(options.agentUrl),
      ...(options.provider ? { provider: options.provider } : {}),
      ...(attended
        ? {
            onLeave: () => {
              log('the user ended the session from the local window');
              journal?.write('the user ended the session from the local window');
              void finish(0);
            },
          }
        : {}),
    });
    controller.setPrompt(window);
    log(`local window: ${window.url}`);
    const graphical = Boolean(options.display || process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
    if (options.openBrowser ?? (options.session !== undefined && graphical)) openInBrowser(window.url, options.display, log);
  } else if ((options.allow ?? []).length === 0) {
    log('no local window: requests for access will be refused (use --allow to pre-allow)');
  }

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let finishing: Promise<number> | null = null;
  finish = (code: number) => {
    finishing ??= (async () => {
      controller.close(); // stream stopped, keys and buttons released, clipboard closed
      connection.stop();
      if (window) {
        await new Promise((r) => setTimeout(r, WINDOW_GRACE_MS));
        window.stop();
      }
      journal?.write(code === 0 ? 'the agent finished' : `the agent gave up (exit code ${code})`);
      // The session log is the user's record and stays: leaveNothingBehind only removes what the agent unpacked.
      if (attended) {
        const { removed, failed } = leaveNothingBehind();
        for (const path of removed) log(`removed ${path}`);
        for (const f of failed) log(`could not remove ${f.path}: ${f.error}`);
      }
      log('agent finished');
      resolveDone(code);
      return code;
    })();
    return finishing;
  };

  if (options.session !== undefined) {
    // A join token the server refuses (unknown, expired, or its session has ended) will not start working again, so
    // a refusal before ever getting in ends the agent. After it has been in, a refusal can be passing (the server
    // still holds the old connection of an agent that lost its network, for up to 20 s): it gives up only when the
    // refusals last longer than that.
    let everOnline = false;
    let refusedSince = 0;
    connection.onState((state) => {
      if (state !== 'online') return;
      everOnline = true;
      refusedSince = 0;
    });
    connection.onRefused((reason) => {
      const now = Date.now();
      if (everOnline && (refusedSince === 0 || now - refusedSince < REFUSED_GIVE_UP_MS)) {
        refusedSince ||= now;
        return;
      }
      log(`the server refused to join the session (${reason}); giving up`);
      void finish(1);
    });
  }
  if (journal) {
    // The file is named once the welcome names the session (the controller opens it on 'online').
    let shown: string | null = null;
    connection.onState(() => {
      if (journal.path && journal.path !== shown) log(`session log: ${(shown = journal.path)}`);
    });
  }
  connection.start();
  return {
    connection,
    controller,
    window,
    windowUrl: window?.url ?? null,
    done,
    stop: () => finish(0),
  };
}

/** The server part of the agent URL, as the user would recognise it (no /ws/agent). */
function serverAddress(agentUrl: string): string {
  try {
    const url = new URL(agentUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.pathname = url.pathname.replace(/\/ws\/agent$/, '') || '/';
    return url.toString().replace(/\/$/, '');
  } catch {
    return agentUrl;
  }
}

function openInBrowser(url: string, display: string | undefined, log: (line: string) => void): void {
  try {
    const child = spawn('xdg-open', [url], {
      detached: true,
      stdio: 'ignore',
      env: display ? { ...process.env, DISPLAY: display } : process.env,
    });
    child.on('error', () => log('could not open the local window (no xdg-open): open the address above in a browser'));
    child.unref();
  } catch {
    log('could not open the local window: open the address above in a browser');
  }
}
