import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Elysia, t } from 'elysia';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import type { RecordingIndex } from '../protocol/recording.ts';
import type { DesktopHub } from '../relay/desktopHub.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { canReadSession } from '../support/visibility.ts';
import { recordingPath, recordingsDir } from './paths.ts';
import { RecordingScans, seekOffset, seekPoints } from './recordingIndex.ts';
import { sweepRecordings } from './retention.ts';
import { apiTag } from '../docs/tags.ts';

const DAY_MS = 24 * 3600_000;
const idParam = t.Object({ id: t.Integer({ minimum: 1 }) });

/**
 * A session's screen recording for the console's player: its index (duration, size, seek points) and its records
 * from a seek point on (server/protocol/recording.ts). Readable by whoever may read the session. Also runs the
 * daily retention sweep.
 */
export function recordingRoutes(ctx: AppContext, auth: Auth, hub: DesktopHub) {
  const sessions = new SessionStore(ctx.db);
  const scans = new RecordingScans();
  const inUse = (path: string) => {
    const id = Number(basename(path, '.tsr'));
    return Number.isInteger(id) && (hub.get(id)?.recording ?? false);
  };
  const sweep = () => {
    const dir = recordingsDir(ctx.config);
    const deleted = sweepRecordings(dir, ctx.config.recordingRetentionDays, inUse);
    for (const name of deleted) scans.forget(join(dir, name));
    if (deleted.length) console.log(`recordings: deleted ${deleted.length} older than ${ctx.config.recordingRetentionDays} days`);
  };
  const first = setTimeout(sweep, 60_000);
  const daily = setInterval(sweep, DAY_MS);
  first.unref?.();
  daily.unref?.();

  /** The session's recording file when the caller may read the session and it was recorded, else an error. */
  function recording(sessionId: number, engineerId: number): { path: string } | { status: 404; error: string } {
    const s = sessions.get(sessionId);
    if (!s || !canReadSession(sessions, auth.engineers, s, engineerId)) return { status: 404, error: 'no such session' };
    const path = recordingPath(ctx.config, s.id);
    if (!existsSync(path)) return { status: 404, error: 'this session has no screen recording' };
    return { path };
  }

  return new Elysia({ name: 'recording-routes', prefix: '/api/support/sessions', tags: apiTag('Recordings') })
    .use(auth.guard)
    .onStop(() => {
      clearTimeout(first);
      clearInterval(daily);
    })
    .get(
      '/:id/recording',
      ({ params, principal, status }) => {
        const found = recording(params.id, required(principal).engineer.id);
        if ('error' in found) return status(found.status, { error: found.error });
        const scan = scans.get(found.path);
        const index: RecordingIndex = {
          sessionId: params.id,
          startMs: scan.firstMs,
          durationMs: Math.round(scan.lastMs - scan.firstMs),
          bytes: scan.validEnd,
          seekPoints: seekPoints(scan),
          live: hub.get(params.id)?.recording ?? false,
        };
        return index;
      },
      { access: { role: 'engineer', scope: 'sessions:read' }, params: idParam },
    )
    .get(
      '/:id/recording/stream',
      ({ params, query, principal, status }) => {
        const found = recording(params.id, required(principal).engineer.id);
        if ('error' in found) return status(found.status, { error: found.error });
        const scan = scans.get(found.path);
        const offset = seekOffset(scan, query.from ?? 0);
        if (offset === null) return status(404, { error: 'nothing playable was recorded yet' });
        // Only complete, checked records: a tail being written (or torn by a crash) is never sent.
        return new Response(Bun.file(found.path).slice(offset, scan.validEnd), {
          headers: {
            'content-type': 'application/octet-stream',
            'cache-control': 'no-store',
            'x-tessera-recording-start': String(scan.firstMs),
          },
        });
      },
      {
        access: { role: 'engineer', scope: 'sessions:read' },
        params: idParam,
        query: t.Object({ from: t.Optional(t.Numeric({ minimum: 0 })) }),
      },
    );
}
