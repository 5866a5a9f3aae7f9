// kill -9 of a real server process while it records a live session: everything up to the last complete record
// plays, the server starts again over the same data, serves the recording, and records on after the torn tail.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bunExecutable } from '../../test/helpers/server.ts';
import { createDecoder } from '../../native/index.ts';
import { DesktopFrame } from '../protocol/desktop.ts';
import { parseRecords, RecordKind, type RecordingIndex, type RecordingRecord } from '../protocol/recording.ts';
import { picture, TestAgent, TestViewer, until, withRect } from '../relay/testing/desktopKit.ts';
import { ADMIN, TestClient } from '../testing/startTestServer.ts';
import { readRecording } from './recordingFile.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-rec-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** `bun server/main.ts` over dataDir on a free port; resolves with its URL and setup token once it listens. */
async function serverProcess(): Promise<{ url: string; setupToken: string | null; child: ChildProcess }> {
  const child = spawn(bunExecutable(), ['server/main.ts'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, TESSERA_PORT: '0', TESSERA_HOST: '127.0.0.1', TESSERA_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(new URL(m[1]!).origin.replace('localhost', '127.0.0.1'));
      }
    });
    child.on('exit', (code) => fail(new Error(`server exited (${code}):\n${output}`)));
  });
  return { url, setupToken: /setup token:[ \t]*(\S+)/.exec(output)?.[1] ?? null, child };
}

const hash = (rgba: Uint8Array) => Bun.hash(rgba).toString();
const isPicture = (r: RecordingRecord) =>
  r.kind !== RecordKind.Event && [DesktopFrame.Update, DesktopFrame.Keyframe, DesktopFrame.Refresh].includes(r.payload[0]!);

function play(records: RecordingRecord[]): string[] {
  const decoder = createDecoder();
  return records.filter(isPicture).map((r) => {
    decoder.apply(r.payload.subarray(1)); // throws on anything unplayable
    return hash(decoder.rgba());
  });
}

describe('recording across a kill -9 of the server', () => {
  it('keeps every complete record playable and records on after a restart', async () => {
    const first = await serverProcess();
    const admin = new TestClient(first.url);
    expect((await admin.post('/api/setup', { token: first.setupToken, ...ADMIN })).status).toBe(200);
    const session = await admin.post('/api/sessions/code', {});
    const sessionId = session.json.sessionId as number;
    const token = (await admin.post(`/api/support/sessions/${sessionId}/agent-token`)).json.token as string;

    const agent = await TestAgent.connect(first, token);
    await agent.welcome();
    agent.json({ type: 'consent', granted: ['view'] });
    const viewer = await TestViewer.open(first, sessionId, admin.cookieHeader);
    await until(() => agent.has('desktop-start'));

    const W = 200;
    const H = 120;
    const sent: string[] = [];
    let current = picture(W, H, 11);
    let acked = 0;
    // stream without waiting, so the kill lands while frames are being written
    for (let i = 0; ; i++) {
      current = withRect(current, W, { x: (i * 17) % 180, y: (i * 11) % 100, w: 20, h: 20 }, [i & 255, (i * 3) & 255, 77]);
      if (agent.send(current, W, H)) sent.push(hash(current));
      acked = agent.messages.filter((m) => m.type === 'desktop-ack').length;
      if (acked >= 80) break;
      await Bun.sleep(5);
    }
    first.child.kill('SIGKILL');
    await agent.closed;
    viewer.close();

    const file = join(dataDir, 'recordings', `${sessionId}.tsr`);
    appendFileSync(file, new Uint8Array(700).fill(3)); // as if the write in flight had been cut in the middle
    const { records, ignoredTailBytes } = readRecording(file);
    expect(ignoredTailBytes).toBeGreaterThanOrEqual(700);
    const pictures = play(records);
    // every acknowledged frame but possibly the very last (acked just before its record was written) is there
    expect(pictures.length).toBeGreaterThanOrEqual(acked - 1);
    expect(pictures.every((h) => sent.includes(h))).toBe(true);
    expect(pictures).toEqual(sent.slice(0, pictures.length));

    // the server comes back over the same data and serves what was recorded
    const second = await serverProcess();
    const again = new TestClient(second.url);
    expect((await again.post('/api/auth/login', { username: ADMIN.username, password: ADMIN.password })).status).toBe(200);
    const index = (await again.get(`/api/support/sessions/${sessionId}/recording`)).json as RecordingIndex;
    expect(index.seekPoints.length).toBeGreaterThanOrEqual(1);
    const stream = await fetch(`${second.url}/api/support/sessions/${sessionId}/recording/stream?from=0`, { headers: { cookie: again.cookieHeader } });
    const served = parseRecords(new Uint8Array(await stream.arrayBuffer()));
    expect(served.ignoredTailBytes).toBe(0);
    expect(play(served.records)).toEqual(pictures);

    // the agent reconnects with its token; the recording continues after the cut tail and plays through
    const back = await TestAgent.connect(second, token);
    expect((await back.welcome()).session.id).toBe(sessionId);
    back.json({ type: 'consent', granted: ['view'] });
    const watcher = await TestViewer.open(second, sessionId, again.cookieHeader);
    await until(() => back.has('desktop-start'));
    const later = picture(W, H, 99);
    back.send(later, W, H);
    await until(() => watcher.shows(later));
    watcher.close();
    await until(() => back.has('desktop-stop'));
    back.close();
    const whole = parseRecords(new Uint8Array(readFileSync(file)), { skipMagic: true });
    expect(whole.ignoredTailBytes).toBe(0);
    const all = play(whole.records);
    expect(all.slice(0, pictures.length)).toEqual(pictures);
    expect(all.at(-1)).toBe(hash(later));
  });
});
