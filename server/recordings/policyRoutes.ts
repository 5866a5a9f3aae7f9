import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore } from '../desks/store.ts';
import { RECORDING_POLICIES } from '../protocol/recording.ts';
import { RecordingPolicies } from './policy.ts';
import { apiTag } from '../docs/tags.ts';

/** Each desk's recording policy: engineers read it (the workspace says what is recorded), admins set it. */
export function recordingPolicyRoutes(ctx: AppContext, auth: Auth, policies: RecordingPolicies) {
  const desks = new DeskStore(ctx.db, 'desks');
  return new Elysia({ name: 'recording-policy-routes', prefix: '/api/recording-policies', tags: apiTag('Recordings') })
    .use(auth.guard)
    .get('', () => policies.all(), { access: { role: 'engineer', scope: 'org:read' } })
    .put(
      '/:deskId',
      ({ params, body, status }) => {
        if (!desks.get(params.deskId)) return status(404, { error: 'no such service desk' });
        policies.set(params.deskId, body.policy);
        return { deskId: params.deskId, policy: body.policy };
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        params: t.Object({ deskId: t.Integer({ minimum: 1 }) }),
        body: t.Object({ policy: oneOf(RECORDING_POLICIES) }),
      },
    );
}
