// The agent's local window: a tiny HTTP server on 127.0.0.1 (random port) that the user's own browser opens. It
// shows who is connected and what each capability allows, the session's chat (and sends the user's lines), asks the
// consent questions (Allow / Deny), and has the one-click Stop all. Every path starts with a random token (compared in constant time); anything without it gets
// 403, so other users of the machine and web pages in the browser cannot drive it. Cross-origin writes are refused
// too (a page elsewhere could only guess the token anyway). It is the agent's ConsentPrompt.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CAPABILITIES, type Capability } from '../../server/protocol/agent.ts';
import type { ConsentPrompt, ConsentQuestion } from '../session/consentPrompt.ts';
import type { SessionController, SessionSnapshot } from '../session/sessionController.ts';
import { localWindowPage } from './page.ts';

export interface LocalWindowOptions {
  controller: SessionController;
  /** The server the agent talks to, shown to the user. */
  server: string;
  /** The support provider's name (from the embedded configuration), shown to the user. */
  provider?: string;
  /** "Stop all and leave": the agent revokes everything, ends and exits (attended mode). */
  onLeave?: () => void;
  /** Default 0: a free port. */
  port?: number;
}

/** What the page receives (GET state, and every SSE event). */
export interface WindowState extends SessionSnapshot {
  server: string;
  provider: string;
  canLeave: boolean;
  /** Grows with every change: the page ignores a state older than the one it shows (a reply overtaken by a push). */
  version: number;
}

const KEEPALIVE_MS = 15_000;
/** A chat line of MAX_AGENT_CHAT_CHARS fits even when every character is JSON-escaped (\uXXXX). */
const MAX_BODY = 32 * 1024;

export class LocalWindow implements ConsentPrompt {
  /** Open this in a browser (it carries the token). */
  readonly url: string;
  private readonly server: ReturnType<typeof Bun.serve>;
  private readonly tokenDigest: Buffer;
  private readonly answers = new Map<number, (allow: boolean) => void>();
  private readonly streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  private readonly offUpdate: () => void;
  private readonly keepalive: ReturnType<typeof setInterval>;
  private readonly origin: string;
  private version = 0;

  constructor(private readonly options: LocalWindowOptions) {
    const token = randomBytes(24).toString('base64url');
    this.tokenDigest = digest(token);
    this.server = Bun.serve({
      hostname: '127.0.0.1',
      port: options.port ?? 0,
      // The events stream stays open for as long as the page is; keepalive comments stop proxies and Bun from
      // closing it, and the per-request timeout below is lifted for it.
      idleTimeout: 30,
      fetch: (req, server) => this.route(req, server),
    });
    this.origin = `http://127.0.0.1:${this.server.port}`;
    this.url = `${this.origin}/${token}/`;
    this.offUpdate = options.controller.onUpdate(() => this.push());
    this.keepalive = setInterval(() => this.broadcast(': keepalive\n\n'), KEEPALIVE_MS);
  }

  get port(): number {
    return this.server.port!;
  }

  state(): WindowState {
    return {
      ...this.options.controller.snapshot(),
      server: this.options.server,
      provider: this.options.provider ?? '',
      canLeave: this.options.onLeave !== undefined,
      version: this.version,
    };
  }

  ask(question: ConsentQuestion): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.answers.set(question.id, resolve);
      this.push();
    });
  }

  withdraw(id: number): void {
    const resolve = this.answers.get(id);
    this.answers.delete(id);
    resolve?.(false);
    this.push();
  }

  stop(): void {
    this.offUpdate();
    clearInterval(this.keepalive);
    for (const id of [...this.answers.keys()]) this.withdraw(id);
    for (const stream of this.streams) {
      try {
        stream.close();
      } catch {
        // already closed by the browser
      }
    }
    this.streams.clear();
    this.server.stop(true);
  }

  private authorised(segment: string): boolean {
    return timingSafeEqual(digest(segment), this.tokenDigest);
  }

  private async route(req: Request, server: { timeout(req: Request, seconds: number): void }): Promise<Response> {
    const url = new URL(req.url);
    const [, segment = '', ...rest] = url.pathname.split('/');
    if (!this.authorised(segment)) return text(403, 'forbidden');
    const path = rest.join('/');
    if (req.method === 'GET') {
      if (path === '') return new Response(localWindowPage(), { headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' } });
      if (path === 'state') return json(200, this.state());
      if (path === 'events') {
        server.timeout(req, 0);
        return this.events();
      }
      return text(404, 'not found');
    }
    if (req.method !== 'POST') return text(405, 'method not allowed');
    // Writes come only from the page itself (browsers always send Origin on a cross-origin POST).
    const origin = req.headers.get('origin');
    if (origin !== null && origin !== this.origin) return text(403, 'forbidden');
    const body = await readBody(req);
    if (typeof body === 'string') return text(400, body);
    switch (path) {
      case 'answer': {
        const { id, allow } = body as { id?: unknown; allow?: unknown };
        if (typeof id !== 'number' || typeof allow !== 'boolean') return text(400, 'answer needs id (number) and allow (true or false)');
        const resolve = this.answers.get(id);
        if (!resolve) return text(404, 'no such question (answered or withdrawn already)');
        this.answers.delete(id);
        resolve(allow);
        // The controller acts on the answer once the promise settles: reply with the state that includes it.
        await new Promise((r) => setImmediate(r));
        return json(200, this.state());
      }
      case 'revoke': {
        const { capability } = body as { capability?: unknown };
        if (!(CAPABILITIES as readonly unknown[]).includes(capability)) return text(400, `capability must be one of ${CAPABILITIES.join(', ')}`);
        this.options.controller.revoke(capability as Capability);
        return json(200, this.state());
      }
      case 'chat': {
        const error = this.options.controller.sendChat((body as { text?: unknown }).text);
        return error ? text(400, error) : json(200, this.state());
      }
      case 'stop-all':
        this.options.controller.stopAll();
        return json(200, this.state());
      case 'leave':
        if (!this.options.onLeave) return text(404, 'not found');
        this.options.controller.stopAll();
        // Answer first: the agent stops this server as it leaves.
        setTimeout(() => this.options.onLeave?.(), 50);
        return json(200, this.state());
      default:
        return text(404, 'not found');
    }
  }

  private events(): Response {
    let self: ReadableStreamDefaultController<Uint8Array> | null = null;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        this.streams.add(controller);
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(this.state())}\n\n`));
      },
      cancel: () => {
        if (self) this.streams.delete(self);
      },
    });
    return new Response(stream, {
      headers: { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' },
    });
  }

  private push(): void {
    this.version++;
    this.broadcast(`data: ${JSON.stringify(this.state())}\n\n`);
  }

  private broadcast(chunk: string): void {
    const bytes = encoder.encode(chunk);
    for (const stream of [...this.streams]) {
      try {
        stream.enqueue(bytes);
      } catch {
        this.streams.delete(stream); // the page went away
      }
    }
  }
}

const encoder = new TextEncoder();

/** The token never leaves through a Referer, the page can't be framed, nothing is cached, only inline code runs. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' } });
}

async function readBody(req: Request): Promise<Record<string, unknown> | string> {
  const raw = await req.text();
  if (raw.length > MAX_BODY) return 'body too large';
  if (raw === '') return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : 'body must be a JSON object';
  } catch {
    return 'body is not valid JSON';
  }
}
