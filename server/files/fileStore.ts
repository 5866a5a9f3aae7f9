import type { Database } from 'bun:sqlite';
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cleanFileName } from './fileName.ts';

export type FileDirection = 'to-customer' | 'from-customer';

export interface SessionFile {
  id: number;
  sessionId: number;
  direction: FileDirection;
  uploader: string;
  name: string;
  size: number;
  sha256: string;
  received: number;
  status: 'uploading' | 'complete' | 'failed';
  createdAt: string;
  completedAt: string | null;
}

interface Row {
  id: number;
  session_id: number;
  direction: FileDirection;
  uploader: string;
  name: string;
  size: number;
  sha256: string;
  received: number;
  status: SessionFile['status'];
  created_at: string;
  completed_at: string | null;
}

const toFile = (r: Row): SessionFile => ({
  id: r.id,
  sessionId: r.session_id,
  direction: r.direction,
  uploader: r.uploader,
  name: r.name,
  size: r.size,
  sha256: r.sha256,
  received: r.received,
  status: r.status,
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

export class ChunkError extends Error {
  constructor(
    readonly status: 404 | 409 | 413 | 422,
    message: string,
  ) {
    super(message);
  }
}


/** Session files: resumable chunked uploads checked against a SHA-256 given up front. */
export class FileStore {
  constructor(
    private db: Database,
    private dir: string,
  ) {}

  private path(f: { sessionId: number; id: number }): string {
    return join(this.dir, String(f.sessionId), String(f.id));
  }

  /**
   * Announces a file, or throws a 413 ChunkError when the session's files (all but failed ones, both ways) would
   * pass `quotaBytes`: the check and the insert are one statement, so parallel announcements can't overshoot.
   */
  create(
    input: { sessionId: number; direction: FileDirection; uploader: string; name: string; size: number; sha256: string },
    quotaBytes: number,
  ): SessionFile {
    const row = this.db
      .query<Row, [number, string, string, string, number, string, number, number, number]>(
        `INSERT INTO session_files (session_id, direction, uploader, name, size, sha256)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE ?7 + (SELECT COALESCE(SUM(size), 0) FROM session_files WHERE session_id = ?8 AND status != 'failed') <= ?9
         RETURNING *`,
      )
      .get(input.sessionId, input.direction, input.uploader, cleanFileName(input.name), input.size, input.sha256.toLowerCase(), input.size, input.sessionId, quotaBytes);
    if (!row) throw new ChunkError(413, `the files of this session would pass its quota of ${quotaBytes} bytes`);
    mkdirSync(join(this.dir, String(input.sessionId)), { recursive: true });
    closeSync(openSync(this.path(toFile(row)), 'w'));
    return toFile(row);
  }

  get(sessionId: number, id: number): SessionFile | null {
    const row = this.db.query<Row, [number, number]>('SELECT * FROM session_files WHERE session_id = ? AND id = ?').get(sessionId, id);
    return row ? toFile(row) : null;
  }

  list(sessionId: number): SessionFile[] {
    return this.db.query<Row, [number]>('SELECT * FROM session_files WHERE session_id = ? ORDER BY id').all(sessionId).map(toFile);
  }

  /**
   * Writes a chunk that starts at `offset`. A chunk starting before what is already stored is trimmed (a resend
   * after a lost reply); one starting after it is refused with the offset to resume from. When the last byte
   * arrives the whole file is hashed: a mismatch fails the file and deletes its bytes.
   *
   * The file's state is read here, when the chunk's bytes are in hand, never before its body arrived: a chunk that
   * was slow to arrive must not write into a file another chunk completed (and verified) meanwhile. From this read
   * to the update nothing awaits, so no other chunk of this process runs in between; the update is conditional on
   * the state read, so a write that lost a race anyway is refused rather than counted.
   */
  async append(sessionId: number, fileId: number, offset: number, chunk: Uint8Array): Promise<SessionFile> {
    const file = this.get(sessionId, fileId);
    if (!file) throw new ChunkError(404, 'no such file');
    if (file.status !== 'uploading') throw new ChunkError(409, `the file is already ${file.status}`);
    if (offset > file.received) throw new ChunkError(409, `resume from byte ${file.received}`);
    const skip = file.received - offset;
    const data = skip >= chunk.length ? new Uint8Array(0) : chunk.subarray(skip);
    if (file.received + data.length > file.size) throw new ChunkError(413, 'more bytes than the announced size');
    if (data.length) {
      const fd = openSync(this.path(file), 'r+');
      try {
        let written = 0;
        while (written < data.length) written += writeSync(fd, data, written, data.length - written, file.received + written);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const counted = this.db
        .query(`UPDATE session_files SET received = ? WHERE id = ? AND status = 'uploading' AND received = ?`)
        .run(file.received + data.length, file.id, file.received).changes;
      if (counted !== 1) throw new ChunkError(409, 'the file changed while this chunk was written; resume from its current size');
    }
    const updated = this.get(file.sessionId, file.id)!;
    if (updated.received === updated.size) return this.finish(updated);
    return updated;
  }

  private async finish(file: SessionFile): Promise<SessionFile> {
    const digest = this.hash(file);
    const ok = digest === file.sha256;
    this.db
      .query(`UPDATE session_files SET status = ?, completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'uploading'`)
      .run(ok ? 'complete' : 'failed', file.id);
    if (!ok) rmSync(this.path(file), { force: true });
    return this.get(file.sessionId, file.id)!;
  }

  private hash(file: SessionFile): string {
    const hasher = new Bun.CryptoHasher('sha256');
    const fd = openSync(this.path(file), 'r');
    const buffer = new Uint8Array(1 << 20);
    try {
      for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hasher.update(buffer.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    return hasher.digest('hex');
  }

  /** The stored bytes of a complete file, for download (Bun.file serves ranges for resumed downloads). */
  contentPath(file: SessionFile): string {
    return this.path(file);
  }
}
