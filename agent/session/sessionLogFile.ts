// The agent's own copy of the session log: a plain text file in the user's data folder that the user keeps after the
// session (attended mode's leave-nothing-behind cleanup deliberately leaves it: it is the user's record of who did
// what on their machine). One line per event, "<ISO time> <text>", each written with one appendFileSync call on a
// file opened for appending: after a crash every line is there whole or not at all.
//
// The file is named after the session the server's welcome names, so lines seen before the first welcome are held
// (bounded) and written when it comes. An agent without a session (resident) writes agent-<date>.log instead.
import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $XDG_DATA_HOME/tessera-agent/logs, else ~/.local/share/tessera-agent/logs. */
export function defaultLogDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative path is invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'tessera-agent', 'logs');
}

/** Lines kept before the file's name is known; more than this many before a welcome are dropped (and counted). */
const MAX_PENDING = 200;
/** A log line's text is cut here (texts come from the server in part, e.g. who asked); a whole chat line fits. */
const MAX_TEXT = 10_000;

export interface SessionLogFileOptions {
  /** Folder of the log files (default defaultLogDir()). */
  dir?: string;
  /** Where problems writing the log are reported (once per problem). */
  report?: (line: string) => void;
  now?: () => Date;
}

export class SessionLogFile {
  readonly dir: string;
  private pathValue: string | null = null;
  private openedFor: number | null = null;
  private pending: string[] = [];
  private dropped = 0;
  private failed: string | null = null;
  private readonly now: () => Date;
  private readonly report: (line: string) => void;

  constructor(options: SessionLogFileOptions = {}) {
    this.dir = options.dir ?? defaultLogDir();
    this.now = options.now ?? (() => new Date());
    this.report = options.report ?? ((line) => console.log(line));
  }

  /** The file being written, or null before its session is known. */
  get path(): string | null {
    return this.pathValue;
  }

  /**
   * Names the file after the session (session-<id>-<YYYY-MM-DD>.log, the UTC date the agent first joined it) and
   * writes what was held. The same session on a later connection keeps its file; another session starts a new one.
   */
  open(sessionId: number | null): string {
    if (!this.pathValue || this.openedFor !== sessionId) {
      this.openedFor = sessionId;
      this.pathValue = join(this.dir, sessionId === null ? `agent-${this.date()}.log` : `session-${sessionId}-${this.date()}.log`);
    }
    if (this.pending.length || this.dropped) {
      const held = this.pending;
      this.pending = [];
      if (this.dropped) held.push(this.line(`(${this.dropped} earlier lines were not kept)`));
      this.dropped = 0;
      for (const line of held) this.append(line);
    }
    return this.pathValue!;
  }

  /** One event. Never throws: a log that cannot be written is reported and the agent carries on. */
  write(text: string): void {
    const line = this.line(text);
    if (!this.pathValue) {
      if (this.pending.length < MAX_PENDING) this.pending.push(line);
      else this.dropped++;
      return;
    }
    this.append(line);
  }

  private line(text: string): string {
    // One event is one line: line breaks inside a text (a name, a reason) would fake further events.
    const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, MAX_TEXT);
    return `${this.now().toISOString()} ${flat}\n`;
  }

  private date(): string {
    return this.now().toISOString().slice(0, 10);
  }

  private append(line: string): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // Readable by the user only: it names the people who connected and what they did.
      appendFileSync(this.pathValue!, line, { mode: 0o600 });
      this.failed = null;
    } catch (error) {
      const message = (error as Error).message;
      if (this.failed !== message) this.report(`cannot write the session log ${this.pathValue}: ${message}`);
      this.failed = message;
    }
  }
}
