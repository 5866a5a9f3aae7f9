import { Elysia, t } from 'elysia';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { apiTag } from '../docs/tags.ts';
import { oneOf } from '../http/oneOf.ts';
import type { ConsoleHub } from '../presence/consoleHub.ts';
import { ENGINEER_STATUSES, MAX_SESSION_LIMIT } from '../protocol/availability.ts';
import type { AvailabilityService } from './index.ts';

const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });

/**
 * Your own status (the console's account menu), the session limit an admin sets on an engineer, and the live push
 * of both to the engineer's consoles (every tab shows the same status and hears its load change).
 */
export function availabilityRoutes(ctx: AppContext, auth: Auth, hub: ConsoleHub, availability: AvailabilityService) {
  const pushTo = (engineerId: number) => hub.sendTo([engineerId], { type: 'availability', ...availability.of(engineerId) });
  ctx.events.on('console-opened', pushTo);
  ctx.events.on('availability-changed', pushTo);
  // Takes, hand-overs and ends move the load; which engineers they touched is not said, so everyone hears theirs.
  ctx.events.on('support-changed', () => hub.each((id) => ({ type: 'availability', ...availability.of(id) })));

  return new Elysia({ name: 'availability-routes', prefix: '/api', tags: apiTag('Presence') })
    .use(auth.guard)
    .get('/availability', ({ principal }) => availability.of(required(principal).engineer.id), { access: { role: 'engineer' } })
    .put('/availability', ({ body, principal }) => availability.setStatus(required(principal).engineer.id, body.status), {
      access: { role: 'engineer' },
      body: t.Object({ status: oneOf(ENGINEER_STATUSES) }),
    })
    .get(
      '/engineers/availability',
      () => auth.engineers.list().filter((e) => !e.disabled).map((e) => availability.of(e.id)),
      { access: { role: 'supervisor', scope: 'engineers:read' } },
    )
    .put(
      '/engineers/:id/session-limit',
      ({ params, body, status }) => {
        if (!auth.engineers.byId(params.id)) return status(404, { error: 'no such engineer' });
        // Lowering it below what they hold now ends nothing: it only stops new work until they are under it.
        return availability.setLimit(params.id, body.sessionLimit);
      },
      {
        access: { role: 'admin', scope: 'engineers:write' },
        params: idParam,
        body: t.Object({
          sessionLimit: t.Union([t.Integer({ minimum: 1, maximum: MAX_SESSION_LIMIT }), t.Null()]),
        }),
      },
    );
}
