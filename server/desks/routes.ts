import { Elysia, t } from 'elysia';
import type { Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { DeskStore, type UnitTable } from './store.ts';
import { apiTag } from '../docs/tags.ts';

const LABEL: Record<UnitTable, string> = { desks: 'service desk', stations: 'service station' };

/** CRUD for service desks or service stations (the same rules apply to both). */
export function unitRoutes(ctx: AppContext, auth: Auth, table: UnitTable) {
  const store = new DeskStore(ctx.db, table);
  const label = LABEL[table];
  const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });
  return new Elysia({ name: `${table}-routes`, prefix: `/api/${table}`, tags: apiTag(table === 'desks' ? 'Desks' : 'Stations') })
    .use(auth.guard)
    .get('', () => store.list(), { access: { role: 'engineer', scope: 'org:read' } })
    .post(
      '',
      ({ body, status }) => {
        const name = body.name.trim();
        if (!name) return status(422, { error: 'name must not be blank' });
        if (store.nameTaken(name)) return status(409, { error: `a ${label} named "${name}" already exists` });
        const unit = store.create(name, body.description?.trim() ?? '');
        ctx.events.emit('membership-changed', undefined);
        return unit;
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 80 }),
          description: t.Optional(t.String({ maxLength: 500 })),
        }),
      },
    )
    .patch(
      '/:id',
      ({ params, body, status }) => {
        if (!store.get(params.id)) return status(404, { error: `no such ${label}` });
        const name = body.name?.trim();
        if (name !== undefined && !name) return status(422, { error: 'name must not be blank' });
        if (name && store.nameTaken(name, params.id))
          return status(409, { error: `a ${label} named "${name}" already exists` });
        store.update(params.id, { name, description: body.description?.trim() });
        ctx.events.emit('membership-changed', undefined);
        return store.get(params.id)!;
      },
      {
        access: { role: 'admin', scope: 'org:write' },
        params: idParam,
        body: t.Object({
          name: t.Optional(t.String({ minLength: 1, maxLength: 80 })),
          description: t.Optional(t.String({ maxLength: 500 })),
        }),
      },
    )
    .delete(
      '/:id',
      ({ params, status }) => {
        const unit = store.get(params.id);
        if (!unit) return status(404, { error: `no such ${label}` });
        if (unit.isDefault) return status(409, { error: `the default ${label} cannot be deleted` });
        ctx.db.transaction(() => {
          store.remove(params.id);
          // Nobody may be left outside every desk and station: they fall back to the default desk.
          auth.engineers.assignOrphansToDesk(new DeskStore(ctx.db, 'desks').defaultId());
        })();
        ctx.events.emit('membership-changed', undefined);
        return { ok: true as const };
      },
      { access: { role: 'admin', scope: 'org:write' }, params: idParam },
    );
}
