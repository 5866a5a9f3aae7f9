// Every session log endpoint pages with ?after=ID&limit=N (server/protocol/sessionLog.ts); this reads on from a
// cursor until a short page. A bounded number of pages per call keeps one load from holding the tab: the next call
// goes on from the last entry it got.
import { LOG_PAGE } from '../../../server/protocol/sessionLog.ts';

const PAGES_PER_READ = 40;

export async function readLogPages<T extends { id: number }>(page: (after: number, limit: number) => Promise<T[]>, after = 0): Promise<T[]> {
  const all: T[] = [];
  for (let n = 0; n < PAGES_PER_READ; n++) {
    const more = await page(all.at(-1)?.id ?? after, LOG_PAGE);
    all.push(...more);
    if (more.length < LOG_PAGE) break;
  }
  return all;
}
