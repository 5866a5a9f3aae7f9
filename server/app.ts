import { Elysia } from 'elysia';
import { agentRoutes } from './agents/routes.ts';
import { AgentRegistry } from './agents/registry.ts';
import { agentDownloadRoutes } from './agents/downloadRoutes.ts';
import { agentTokenRoutes } from './agents/tokenRoutes.ts';
import { DesktopHub } from './relay/desktopHub.ts';
import { createAvailability } from './availability/index.ts';
import { availabilityRoutes } from './availability/routes.ts';
import { Participants } from './support/participants.ts';
import { relayRoutes } from './relay/routes.ts';
import { screenshotRoutes } from './relay/screenshotRoutes.ts';
import { sessionActionRoutes } from './relay/sessionActions.ts';
import { recordingPolicyRoutes } from './recordings/policyRoutes.ts';
import { recordingRoutes } from './recordings/routes.ts';
import { createAuth, type Auth } from './auth/guard.ts';
import { authRoutes } from './auth/routes.ts';
import type { AppContext } from './context.ts';
import { unitRoutes } from './desks/routes.ts';
import { docsRoutes } from './docs/routes.ts';
import { engineerRoutes } from './engineers/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { errorBodies } from './http/errors.ts';
import { RouteBodies } from './http/bodyPolicy.ts';
import { requestGuard } from './http/requestGuard.ts';
import { compressHandlerResult } from './http/compression.ts';
import { ElysiaCustomStatusResponse } from 'elysia';
import { MAX_WS_FRAME_BYTES } from './http/wsLimits.ts';
import { ConsoleHub } from './presence/consoleHub.ts';
import { presenceRoutes } from './presence/routes.ts';
import { PresenceTracker } from './presence/tracker.ts';
import { portalRoutes } from './portal/routes.ts';
import { embedRoutes } from './portal/embedRoutes.ts';
import { supportRoutes } from './support/routes.ts';
import { collaborationRoutes } from './support/collaborationRoutes.ts';
import { expertRoutes } from './support/expertRoutes.ts';
import { fileRoutes } from './files/routes.ts';
import { supportAdminRoutes } from './support/adminRoutes.ts';
import { providerRoutes } from './provider/routes.ts';
import { setupRoutes } from './setup/routes.ts';
import { SetupToken } from './setup/setupToken.ts';
import { webRoutes } from './web/routes.ts';

// Before the first admin exists only these answer (plus the console's static files, which show the setup page).
const OPEN_BEFORE_SETUP = new Set(['/api/health', '/api/setup']);

export interface App {
  app: ReturnType<typeof buildApp>;
  /** The one-time setup token, or null once an admin exists. */
  setupToken: string | null;
}

function buildApp(ctx: AppContext, auth: Auth, setupToken: SetupToken) {
  const hub = new ConsoleHub();
  const agents = new AgentRegistry();
  const desktops = new DesktopHub(ctx, auth);
  const participants = new Participants(ctx.db);
  const availability = createAvailability(ctx, (id) => participants.heldCount(id));
  const presence = new PresenceTracker(auth.engineers, availability.of);
  let locked = !auth.engineers.hasAdmin();
  ctx.events.on('admin-created', () => (locked = false));

  // The guard learns which body each route takes from the finished route table (filled in below the chain).
  let bodies = new RouteBodies([]);
  const app = new Elysia({ serve: { maxRequestBodySize: ctx.config.bodyLimitBytes }, websocket: { maxPayloadLength: MAX_WS_FRAME_BYTES } })
    .use(errorBodies)
    .use(requestGuard(ctx.config, () => bodies))
    .onRequest(({ request, set, status }) => {
      set.headers['x-content-type-options'] = 'nosniff';
      set.headers['referrer-policy'] = 'same-origin';
      if (!locked) return;
      const path = new URL(request.url).pathname;
      if (OPEN_BEFORE_SETUP.has(path)) return;
      if (path.startsWith('/api/') || path.startsWith('/ws/') || path === '/api')
        return status(503, { error: 'setup required: create the first admin at /setup' });
    })
    // One place for every JSON answer: lists of sessions, reports and the like shrink to a fifth or less.
    .mapResponse({ as: 'global' }, async ({ request, responseValue, set }) => {
      const custom = responseValue instanceof ElysiaCustomStatusResponse;
      const value: unknown = custom ? responseValue.response : responseValue;
      const status = custom ? responseValue.code : set.status;
      // A status given by name is rare enough to leave to Elysia rather than map here.
      if (typeof status !== 'number') return undefined;
      return await compressHandlerResult(request, value, status);
    })
    .use(healthRoutes(ctx, auth))
    .use(setupRoutes(ctx, auth, setupToken))
    .use(authRoutes(ctx, auth))
    .use(engineerRoutes(ctx, auth))
    .use(unitRoutes(ctx, auth, 'desks'))
    .use(unitRoutes(ctx, auth, 'stations'))
    .use(providerRoutes(ctx, auth))
    .use(presenceRoutes(ctx, auth, hub, presence, agents))
    .use(availabilityRoutes(ctx, auth, hub, availability))
    .use(supportRoutes(ctx, auth, hub, availability))
    .use(collaborationRoutes(ctx, auth, hub, presence, availability))
    .use(expertRoutes(ctx, auth))
    .use(fileRoutes(ctx, auth))
    .use(
      portalRoutes(ctx, auth, presence, {
        policy: (deskId) => desktops.policies.of(deskId),
        recordingNow: (id) => desktops.get(id)?.recording ?? false,
        agentConnected: (id) => desktops.get(id)?.agentConnected ?? false,
      }),
    )
    .use(embedRoutes(ctx, auth))
    .use(supportAdminRoutes(ctx, auth))
    .use(agentRoutes(ctx, auth, agents, desktops))
    .use(agentTokenRoutes(ctx, auth))
    .use(agentDownloadRoutes(ctx, auth))
    .use(relayRoutes(ctx, auth, desktops))
    .use(screenshotRoutes(ctx, auth, desktops))
    .use(sessionActionRoutes(ctx, auth, desktops))
    .use(recordingRoutes(ctx, auth, desktops))
    .use(recordingPolicyRoutes(ctx, auth, desktops.policies))
    .use(docsRoutes(auth, ctx.version))
    .use(webRoutes(auth));
  bodies = new RouteBodies(app.routes);
  return app;
}

/** Composes every feature plugin into one Elysia app. */
export function createApp(ctx: AppContext): App {
  const auth = createAuth(ctx);
  const token = new SetupToken(!auth.engineers.hasAdmin());
  const app = buildApp(ctx, auth, token);
  return {
    app,
    get setupToken() {
      return token.value;
    },
  };
}
