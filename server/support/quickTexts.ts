import type { Database } from 'bun:sqlite';

/** Admin-edited canned replies and common URLs (at most 30 each), in the admin's order. */
export const MAX_QUICK_TEXTS = 30;

export interface CannedReply {
  title: string;
  text: string;
}
export interface CommonUrl {
  title: string;
  url: string;
}

export class QuickTexts {
  constructor(private db: Database) {}

  replies(): CannedReply[] {
    return this.db.query<CannedReply, []>('SELECT title, text FROM canned_replies ORDER BY position').all();
  }

  urls(): CommonUrl[] {
    return this.db.query<CommonUrl, []>('SELECT title, url FROM common_urls ORDER BY position').all();
  }

  /** Replaces the whole list in one transaction (the console edits the list as a whole). */
  saveReplies(list: CannedReply[]): void {
    this.db.transaction(() => {
      this.db.query('DELETE FROM canned_replies').run();
      const insert = this.db.query('INSERT INTO canned_replies (position, title, text) VALUES (?, ?, ?)');
      list.forEach((r, i) => insert.run(i, r.title, r.text));
    })();
  }

  saveUrls(list: CommonUrl[]): void {
    this.db.transaction(() => {
      this.db.query('DELETE FROM common_urls').run();
      const insert = this.db.query('INSERT INTO common_urls (position, title, url) VALUES (?, ?, ?)');
      list.forEach((u, i) => insert.run(i, u.title, u.url));
    })();
  }
}
