import { Elysia, t } from 'elysia';
import { join } from 'node:path';
import { required, type Auth } from '../auth/guard.ts';
import type { AppContext } from '../context.ts';
import { ChunkError, FileStore } from '../files/fileStore.ts';
import type { SessionLogEntry } from '../protocol/support.ts';
import { IdentityFields } from '../support/identityFields.ts';
import { SessionJournal } from '../support/journal.ts';
import { Participants } from '../support/participants.ts';
import { SessionStore } from '../support/sessionStore.ts';
import { SupportViews } from '../support/views.ts';
import { canReadSession, workingSession } from '../support/visibility.ts';
import type { DesktopHub } from './desktopHub.ts';
import { screenPng, screenshotName, storeScreenshot } from './screenshot.ts';
import type { SessionFile } from '../files/fileStore.ts';
import { apiTag } from '../docs/tags.ts';

export interface ScreenshotResult {
  file: SessionFile;
  /** The chat line that shows it (its `screenshot` names the file). */
  entry: SessionLogEntry;
}

/**
 * POST /api/sessions/:id/screenshot: an engineer working in a live session pastes the remote screen into the chat.
 * Everything is checked before anything is written, so a refused request leaves no file and no log line.
 */
export function screenshotRoutes(ctx: AppContext, auth: Auth, hub: DesktopHub) {
  // The same files folder as the files feature (files/routes.ts): a screenshot is an ordinary session file.
  const store = new FileStore(ctx.db, join(ctx.config.dataDir, 'files'));
  const sessions = new SessionStore(ctx.db);
  const participants = new Participants(ctx.db);
  const views = new SupportViews(new IdentityFields(ctx.db), auth.engineers, participants);
  const journal = new SessionJournal(ctx, sessions, views);
  /** Sessions with a screenshot being encoded: one at a time each (a 1080p PNG costs a few hundred ms of CPU). */
  const busy = new Set<number>();

  return new Elysia({ name: 'screenshot-routes', prefix: '/api', tags: apiTag('Remote assistance') }).use(auth.guard).post(
    '/sessions/:id/screenshot',
    async ({ params, principal, status }) => {
      const me = required(principal).engineer;
      const actor = `engineer:${me.id}`;
      const s = workingSession(sessions, participants, params.id, me.id);
      if (!s) {
        // Participants leave a session when it ends: whoever may read it is told that, not that it does not exist.
        const ended = sessions.get(params.id);
        if (ended?.status === 'ended' && canReadSession(sessions, auth.engineers, ended, me.id)) return status(409, { error: 'the session has ended' });
        return status(404, { error: 'no session you work in with that id' });
      }
      if (s.status === 'ended') return status(409, { error: 'the session has ended' });
      if (s.status !== 'active') return status(409, { error: 'screenshots need a live session with the customer' });
      if (!hub.get(s.id)?.agentConnected) return status(409, { error: 'the agent is not connected' });
      const screen = await hub.screen(s.id);
      if (!screen) return status(409, { error: 'no screen yet: open the remote screen (the customer must allow viewing) and try again' });
      if (busy.has(s.id)) return status(409, { error: 'a screenshot of this session is being taken; try again in a moment' });

      busy.add(s.id);
      try {
        const png = await screenPng(screen);
        if (png.byteLength > ctx.config.fileLimitBytes)
          return status(413, { error: `the screenshot is larger than the file limit of ${ctx.config.fileLimitBytes} bytes` });
        // The session may have ended while the picture was encoded: then nothing is stored.
        const now = sessions.get(s.id);
        if (!now || now.status !== 'active') return status(409, { error: 'the session has ended' });
        const name = screenshotName(s.id, new Date());
        const { file, ref } = await storeScreenshot(store, { sessionId: s.id, uploader: actor, name, png, width: screen.width, height: screen.height }, ctx.config.sessionFileQuotaBytes);
        journal.write(
          s.id,
          actor,
          'file',
          `took a screenshot of the remote screen (${screen.width}x${screen.height}): file "${file.name}" (${file.size} bytes, SHA-256 ${file.sha256})`,
          { fileId: file.id, screenshot: ref },
        );
        ctx.events.emit('file-progress', {
          sessionId: s.id,
          fileId: file.id,
          name: file.name,
          received: file.received,
          size: file.size,
          status: file.status,
          by: actor,
        });
        const entry = journal.write(s.id, actor, 'chat', `Screenshot: ${file.name}`, { screenshot: ref });
        return { file, entry } satisfies ScreenshotResult;
      } catch (error) {
        if (error instanceof ChunkError) return status(error.status, { error: error.message });
        throw error;
      } finally {
        busy.delete(s.id);
      }
    },
    { access: { role: 'engineer' }, params: t.Object({ id: t.Integer({ minimum: 1 }) }) },
  );
}
