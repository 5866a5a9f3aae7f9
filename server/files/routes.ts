import { Elysia, t } from 'elysia';
import { join } from 'node:path';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { CUSTOMER_HEADER } from '../portal/routes.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore, type SupportSession } from '../support/sessionStore.ts';
import { SupportViews } from '../support/views.ts';
import { SessionJournal } from '../support/journal.ts';
import { canReadSession, workingSession } from '../support/visibility.ts';
import { IdentityFields } from '../support/identityFields.ts';
import { ChunkError, FileStore, type FileDirection, type SessionFile } from './fileStore.ts';
import { apiTag } from '../docs/tags.ts';

const announce = t.Object({
  name: t.String({ minLength: 1, maxLength: 1000 }),
  size: t.Integer({ minimum: 0 }),
  sha256: t.String({ pattern: '^[0-9a-fA-F]{64}$' }),
});
const offsetQuery = t.Object({ offset: t.Integer({ minimum: 0 }) });

/** Serves a complete file, honouring a single `Range: bytes=a-b` so an interrupted download resumes. */
function download(store: FileStore, file: SessionFile, rangeHeader: string | undefined): Response {
  const blob = Bun.file(store.contentPath(file));
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'accept-ranges': 'bytes',
    'x-content-sha256': file.sha256,
  };
  const m = rangeHeader ? /^bytes=(\d+)-(\d*)$/.exec(rangeHeader) : null;
  if (m) {
    const start = Number(m[1]);
    const end = m[2] ? Math.min(Number(m[2]), file.size - 1) : file.size - 1;
    if (start >= file.size || start > end)
      return new Response(null, { status: 416, headers: { 'content-range': `bytes */${file.size}` } });
    return new Response(blob.slice(start, end + 1), {
      status: 206,
      headers: { ...headers, 'content-range': `bytes ${start}-${end}/${file.size}` },
    });
  }
  return new Response(blob, { headers });
}

/**
 * File transfer in a session, both ways: announce (name, size, SHA-256), upload in chunks with resume, the
 * checksum verified at the end, download with ranges. Engineers of the session and its customer use it.
 */
export function fileRoutes(ctx: AppContext, auth: Auth) {
  const store = new FileStore(ctx.db, join(ctx.config.dataDir, 'files'));
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);
  const views = new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants);
  const journal = new SessionJournal(ctx, sessions, views);

  const progressSent = new Map<number, number>();
  function report(s: SupportSession, actor: string, file: SessionFile, announced: boolean) {
    const who = actor === 'customer' ? views.customerName(s) : actor;
    if (announced || file.status !== 'uploading') {
      const text =
        file.status === 'complete'
          ? `file "${file.name}" (${file.size} bytes) arrived complete, checksum verified`
          : file.status === 'failed'
            ? `file "${file.name}" failed its checksum and was discarded`
            : `started sending file "${file.name}" (${file.size} bytes)`;
      journal.write(s.id, actor, 'file', text, { fileId: file.id });
    }
    // Progress goes out at most 4 times a second per file.
    const last = progressSent.get(file.id) ?? 0;
    if (file.status !== 'uploading' || Date.now() - last > 250) {
      progressSent.set(file.id, Date.now());
      ctx.events.emit('file-progress', { sessionId: s.id, fileId: file.id, name: file.name, received: file.received, size: file.size, status: file.status, by: who });
    }
    if (file.status !== 'uploading') progressSent.delete(file.id);
  }

  async function receive(s: SupportSession, actor: string, file: SessionFile | null, offset: number, request: Request, status: (c: number, b: unknown) => unknown) {
    if (!file) return status(404, { error: 'no such file' });
    if (s.status !== 'active') return status(409, { error: 'files move only in a live session' });
    const chunk = new Uint8Array(await request.arrayBuffer());
    // The body took time: the session may have ended meanwhile (the file's own state is re-read by append).
    if (sessions.get(s.id)?.status !== 'active') return status(409, { error: 'files move only in a live session' });
    try {
      const updated = await store.append(s.id, file.id, offset, chunk);
      report(s, actor, updated, false);
      if (updated.status === 'failed') return status(422, { error: 'the file does not match its SHA-256; it was discarded' });
      return updated;
    } catch (e) {
      if (e instanceof ChunkError) return status(e.status, { error: e.message, received: store.get(s.id, file.id)?.received ?? 0 });
      throw e;
    }
  }

  function announceFile(s: SupportSession, actor: string, direction: FileDirection, body: { name: string; size: number; sha256: string }, status: (c: number, b: unknown) => unknown) {
    if (s.status !== 'active') return status(409, { error: 'files move only in a live session' });
    if (body.size > ctx.config.fileLimitBytes) return status(413, { error: `the file is larger than the limit of ${ctx.config.fileLimitBytes} bytes` });
    let file: SessionFile;
    try {
      file = store.create({ sessionId: s.id, direction, uploader: actor, ...body }, ctx.config.sessionFileQuotaBytes);
    } catch (e) {
      if (e instanceof ChunkError) return status(e.status, { error: e.message });
      throw e;
    }
    report(s, actor, file, true);
    return file.size === 0 ? store.append(s.id, file.id, 0, new Uint8Array(0)) : file;
  }

  const engineerSession = (sessionId: number, engineerId: number) => workingSession(sessions, participants, sessionId, engineerId);
  /**
   * Reading files: whoever may read the session's log, live or ended. The log's lines name the files (a screenshot
   * is shown from its file), so a supervisor watching a live session must be able to open what they read about.
   */
  function readableSession(sessionId: number, engineerId: number): SupportSession | null {
    const s = sessions.get(sessionId);
    return s && canReadSession(sessions, auth.engineers, s, engineerId) ? s : null;
  }
  const customerSession = (headers: Record<string, string | undefined>) => sessions.byCustomerToken(headers[CUSTOMER_HEADER] ?? '', ctx.config);

  const ids = t.Object({ id: t.Integer({ minimum: 1 }), fileId: t.Integer({ minimum: 1 }) });
  return new Elysia({ name: 'file-routes', prefix: '/api', tags: apiTag('Files') })
    .use(auth.guard)
    .get(
      '/sessions/:id/files',
      ({ params, principal, status }) => {
        const s = readableSession(params.id, required(principal).engineer.id);
        return s ? store.list(s.id) : status(404, { error: 'no such session' });
      },
      { access: { role: 'engineer' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }) },
    )
    .post(
      '/sessions/:id/files',
      ({ params, body, principal, status }) => {
        const me = required(principal).engineer;
        const s = engineerSession(params.id, me.id);
        return s ? announceFile(s, `engineer:${me.id}`, 'to-customer', body, status) : status(404, { error: 'no such session' });
      },
      { access: { role: 'engineer' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }), body: announce },
    )
    .put(
      '/sessions/:id/files/:fileId',
      ({ params, query, request, principal, status }) => {
        const me = required(principal).engineer;
        const s = engineerSession(params.id, me.id);
        if (!s) return status(404, { error: 'no such session' });
        return receive(s, `engineer:${me.id}`, store.get(s.id, params.fileId), query.offset, request, status);
      },
      { access: { role: 'engineer' }, params: ids, query: offsetQuery, parse: 'none' },
    )
    .get(
      '/sessions/:id/files/:fileId/content',
      ({ params, headers, principal, status }) => {
        const s = readableSession(params.id, required(principal).engineer.id);
        const file = s ? store.get(s.id, params.fileId) : null;
        if (!file || file.status !== 'complete') return status(404, { error: 'no such complete file' });
        return download(store, file, headers.range);
      },
      { access: { role: 'engineer' }, params: ids },
    )
    .get(
      '/portal/session/files',
      ({ headers, status }) => {
        const s = customerSession(headers);
        return s ? store.list(s.id) : status(401, { error: 'unknown or expired customer session' });
      },
      { access: 'public' },
    )
    .post(
      '/portal/session/files',
      ({ headers, body, status }) => {
        const s = customerSession(headers);
        return s ? announceFile(s, 'customer', 'from-customer', body, status) : status(401, { error: 'unknown or expired customer session' });
      },
      { access: 'public', body: announce },
    )
    .put(
      '/portal/session/files/:fileId',
      ({ params, query, headers, request, status }) => {
        const s = customerSession(headers);
        if (!s) return status(401, { error: 'unknown or expired customer session' });
        const file = store.get(s.id, params.fileId);
        if (file && file.direction !== 'from-customer') return status(403, { error: 'this file is not yours to upload' });
        return receive(s, 'customer', file, query.offset, request, status);
      },
      { access: 'public', params: t.Object({ fileId: t.Integer({ minimum: 1 }) }), query: offsetQuery, parse: 'none' },
    )
    .get(
      '/portal/session/files/:fileId/content',
      ({ params, headers, status }) => {
        const s = customerSession(headers);
        const file = s ? store.get(s.id, params.fileId) : null;
        if (!file || file.status !== 'complete') return status(404, { error: 'no such complete file' });
        return download(store, file, headers.range);
      },
      { access: 'public', params: t.Object({ fileId: t.Integer({ minimum: 1 }) }) },
    );
}
