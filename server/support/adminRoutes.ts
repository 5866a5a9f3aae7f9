import { Elysia, t } from 'elysia';
import { oneOf } from '../http/oneOf.ts';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { crmUrlProblem, exampleProblem, FIELD_TYPES, IdentityFields, patternProblem } from './identityFields.ts';
import { PortalSettings } from './portalSettings.ts';
import { MAX_QUICK_TEXTS, QuickTexts } from './quickTexts.ts';
import { apiTag } from '../docs/tags.ts';

/** Admin settings of attended support: the portal texts and the customer identification fields. */
export function supportAdminRoutes(ctx: AppContext, auth: Auth) {
  const fields = new IdentityFields(ctx.db);
  const settings = new PortalSettings(ctx.db);
  const quick = new QuickTexts(ctx.db);
  const field = t.Object({
    slot: t.Union([t.Literal(1), t.Literal(2), t.Literal(3), t.Literal(4)]),
    shown: t.Boolean(),
    required: t.Boolean(),
    label: t.String({ minLength: 1, maxLength: 60 }),
    type: oneOf(FIELD_TYPES),
    maxLength: t.Integer({ minimum: 1, maximum: 500 }),
    pattern: t.String({ maxLength: 200 }),
    example: t.String({ maxLength: 60 }),
    crmUrl: t.String({ maxLength: 500 }),
  });

  return new Elysia({ name: 'support-admin-routes', prefix: '/api/admin', tags: apiTag('Settings') })
    .use(auth.guard)
    .get('/identity-fields', () => fields.list(), { access: { role: 'admin', scope: 'org:read' } })
    .put(
      '/identity-fields',
      ({ body, status }) => {
        const slots = body.map((f) => f.slot).sort();
        if (slots.join() !== '1,2,3,4') return status(422, { error: 'send all four fields, slots 1 to 4, once each' });
        for (const f of body) {
          const problem = patternProblem(f.pattern) ?? exampleProblem(f.pattern, f.example) ?? crmUrlProblem(f.crmUrl);
          if (problem) return status(422, { error: `field ${f.slot} (${f.label}): ${problem}` });
          if (f.required && !f.shown) return status(422, { error: `field ${f.slot} (${f.label}): a required field must be shown` });
          if (!f.label.trim()) return status(422, { error: `field ${f.slot}: label must not be blank` });
        }
        fields.save(body.map((f) => ({ ...f, label: f.label.trim(), example: f.example.trim() })));
        return fields.list();
      },
      { access: { role: 'admin', scope: 'org:write' }, body: t.Array(field, { minItems: 4, maxItems: 4 }) },
    )
    .get('/canned-replies', () => quick.replies(), { access: { role: 'engineer', scope: 'org:read' } })
    .put(
      '/canned-replies',
      ({ body }) => {
        quick.saveReplies(body.map((r) => ({ title: r.title.trim(), text: r.text.trim() })));
        return quick.replies();
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        body: t.Array(t.Object({ title: t.String({ minLength: 1, maxLength: 80 }), text: t.String({ minLength: 1, maxLength: 4000 }) }), {
          maxItems: MAX_QUICK_TEXTS,
        }),
      },
    )
    .get('/common-urls', () => quick.urls(), { access: { role: 'engineer', scope: 'org:read' } })
    .put(
      '/common-urls',
      ({ body, status }) => {
        const bad = body.find((u) => !/^https?:\/\/\S+$/i.test(u.url));
        if (bad) return status(422, { error: `"${bad.title}": the address must start with http:// or https://` });
        quick.saveUrls(body.map((u) => ({ title: u.title.trim(), url: u.url.trim() })));
        return quick.urls();
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        body: t.Array(t.Object({ title: t.String({ minLength: 1, maxLength: 80 }), url: t.String({ minLength: 1, maxLength: 2000 }) }), {
          maxItems: MAX_QUICK_TEXTS,
        }),
      },
    )
    .get('/portal-settings', () => settings.get(), { access: { role: 'admin', scope: 'org:read' } })
    .put(
      '/portal-settings',
      ({ body, status }) => {
        if (body.surveyUrl && !/^https?:\/\/\S+$/i.test(body.surveyUrl))
          return status(422, { error: 'survey address must be an http(s) address' });
        settings.save(body);
        return settings.get();
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        body: t.Object({
          notice: t.String({ maxLength: 4000 }),
          contact: t.String({ maxLength: 1000 }),
          welcomeMessage: t.String({ maxLength: 1000 }),
          surveyUrl: t.String({ maxLength: 500 }),
        }),
      },
    );
}
