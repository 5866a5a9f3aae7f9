import { Elysia, t } from 'elysia';
import { randomSecret } from '../auth/secrets.ts';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { configTrailer } from '../protocol/agentConfig.ts';
import { ProviderStore } from '../provider/store.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { agentDir, listAgentBinaries, platformFromUserAgent, runsOn, systemName } from './agentBinaries.ts';
import { joinTokenRefusal, JoinTokens } from './joinTokens.ts';
import { apiTag } from '../docs/tags.ts';

const TICKET_MS = 5 * 60_000;
/**
 * Outstanding tickets per customer session: a customer clicks Download once or twice; a new ticket past this
 * replaces their oldest, so one customer can't fill the table for the others (nor lock themself out).
 */
export const TICKETS_PER_SESSION = 3;
/** Memory backstop for the whole table (each session holds at most TICKETS_PER_SESSION): the oldest ticket goes first. */
const MAX_TICKETS = 10_000;

/**
 * The customer's "Remote assistance" download: the agent executable with its configuration appended (this server's
 * agent address, a join token for the customer's session, attended mode), so the customer runs one file and answers
 * no question. A download link can't carry the customer's header, so the portal first asks for a one-time ticket
 * (5 minutes, single use) and the browser then fetches the file by that ticket.
 */
export function agentDownloadRoutes(ctx: AppContext, auth: Auth) {
  const sessions = new SessionStore(ctx.db);
  const tokens = new JoinTokens(ctx.db);
  const provider = new ProviderStore(ctx.db);
  const dir = agentDir(ctx.config.agentDir);
  const tickets = new Map<string, { sessionId: number; platform: string; expires: number; agentUrl: string }>();

  const sweep = () => {
    const now = Date.now();
    for (const [k, v] of tickets) if (v.expires < now) tickets.delete(k);
  };

  return new Elysia({ name: 'agent-download-routes', prefix: '/api/portal', tags: apiTag('Agents') })
    .use(auth.guard)
    .get(
      '/agent/platforms',
      ({ request }) => {
        // Only what can run on the customer's system: a Windows customer offered the Linux app would download
        // 100 MB that cannot start, so they are told there is none and stay in the chat.
        const suggested = platformFromUserAgent(request.headers.get('user-agent') ?? '');
        return {
          suggested,
          system: systemName(suggested),
          platforms: listAgentBinaries(dir)
            .filter((b) => runsOn(b.platform, suggested))
            .map((b) => ({ platform: b.platform, bytes: b.bytes })),
        };
      },
      { access: 'public' },
    )
    .post(
      '/session/agent-download',
      ({ headers, body, request, status }) => {
        const s = sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        if (s.status === 'ended') return status(409, { error: 'the session has ended' });
        const refused = joinTokenRefusal(s.status);
        if (refused) return status(409, { error: refused });
        const browser = platformFromUserAgent(request.headers.get('user-agent') ?? '');
        const platform = body.platform ?? browser;
        if (!listAgentBinaries(dir).some((b) => b.platform === platform))
          return status(404, { error: noApp(platform) });
        if (!runsOn(platform, browser))
          return status(409, { error: `the support app for ${systemName(platform)} cannot run on ${systemName(browser)}; ${noApp(browser)}` });
        sweep();
        const mine = [...tickets].filter(([, v]) => v.sessionId === s.id).map(([k]) => k);
        for (const old of mine.slice(0, Math.max(0, mine.length - TICKETS_PER_SESSION + 1))) tickets.delete(old);
        // A Map iterates in insertion order: the first key is the oldest ticket.
        while (tickets.size >= MAX_TICKETS) tickets.delete(tickets.keys().next().value!);
        const ticket = randomSecret();
        // The agent reaches the server the way this browser did: same host, and TLS when the browser used it (also
        // behind a TLS-terminating proxy that says so). A customer who forges the header only misdirects their own agent.
        const origin = new URL(request.url);
        const secure = origin.protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
        const agentUrl = `${secure ? 'wss' : 'ws'}://${origin.host}/ws/agent`;
        tickets.set(ticket, { sessionId: s.id, platform, expires: Date.now() + TICKET_MS, agentUrl });
        return { url: `/api/portal/agent/${ticket}`, platform };
      },
      { access: 'public', body: t.Object({ platform: t.Optional(t.String({ pattern: '^[a-z]+-[a-z0-9]+$', maxLength: 20 })) }) },
    )
    .get(
      '/agent/:ticket',
      ({ params, set, status }) => {
        sweep();
        const found = tickets.get(params.ticket);
        tickets.delete(params.ticket);
        if (!found) return status(404, { error: 'this download link is used or expired; start it again from the portal' });
        const s = sessions.get(found.sessionId);
        if (!s || s.status === 'ended') return status(409, { error: 'the session has ended' });
        const refused = joinTokenRefusal(s.status);
        if (refused) return status(409, { error: refused });
        const binary = listAgentBinaries(dir).find((b) => b.platform === found.platform);
        if (!binary) return status(404, { error: `no support app for ${found.platform} on this server` });
        const { token } = tokens.issue(s.id, 'customer-download');
        const trailer = configTrailer({ agentUrl: found.agentUrl, session: token, attended: true, provider: provider.get().name });
        sessions.log(s.id, 'customer', 'operation', `downloaded the support app (${found.platform})`);
        set.headers['content-type'] = 'application/octet-stream';
        set.headers['content-disposition'] = `attachment; filename="${binary.fileName}"`;
        set.headers['cache-control'] = 'no-store';
        set.headers['content-length'] = String(binary.bytes + trailer.length);
        return new Response(withTrailer(binary.path, trailer), { headers: set.headers as Record<string, string> });
      },
      { access: 'public', params: t.Object({ ticket: t.String({ minLength: 10, maxLength: 100 }) }) },
    );
}

/** Said plainly to the customer, who stays in the chat with the engineer. */
function noApp(platform: string): string {
  return `there is no support app for ${systemName(platform)} on this server yet (${platform}); stay in the chat, the engineer will help you there`;
}

/** The file streamed from disk (an agent is ~100 MB: never held in memory), then the configuration. */
function withTrailer(path: string, trailer: Uint8Array): ReadableStream<Uint8Array> {
  const reader = Bun.file(path).stream().getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) return controller.enqueue(value);
      controller.enqueue(trailer);
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
