import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDecoder } from '../../native/index.ts';
import { DesktopFrame } from '../protocol/desktop.ts';
import { crc32, encodeRecord, parseRecords, RecordKind, type RecordingIndex, type RecordingRecord } from '../protocol/recording.ts';
import { desktopTeam, picture, TestAgent, TestViewer, until, withRect } from '../relay/testing/desktopKit.ts';
import { startTestServer, type TestServer } from '../testing/startTestServer.ts';
import { Recorder, SEEK_BYTES, SEEK_MAX_MS } from './recorder.ts';
import { crc, readRecording } from './recordingFile.ts';
import { sweepRecordings } from './retention.ts';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'tessera-rec-')), 'r.tsr');
const hash = (rgba: Uint8Array) => Bun.hash(rgba).toString();

/** Decodes picture records in order; returns the picture hash after each one, by record offset. */
function play(records: RecordingRecord[]): { pictures: Map<number, string>; errors: string[] } {
  const decoder = createDecoder();
  const pictures = new Map<number, string>();
  const errors: string[] = [];
  for (const r of records) {
    if (r.kind === RecordKind.Event) continue;
    const kind = r.payload[0];
    if (kind !== DesktopFrame.Update && kind !== DesktopFrame.Keyframe && kind !== DesktopFrame.Refresh) continue;
    try {
      decoder.apply(r.payload.subarray(1));
      pictures.set(r.offset, hash(decoder.rgba()));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { pictures, errors };
}

describe('recording records (server/protocol/recording.ts)', () => {
  it('the browser-side parser reads what the server writes, with the same checksum, and stops at a torn tail', () => {
    const payload = new Uint8Array(5000).map((_, i) => (i * 31) & 255);
    expect(crc32(payload)).toBe(crc(payload));
    const a = encodeRecord(1000, RecordKind.Keyframe, payload, crc);
    const b = encodeRecord(1010.5, RecordKind.Stream, payload.subarray(0, 10));
    const bytes = new Uint8Array([...a, ...b, ...a.subarray(0, 30)]);
    const { records, ignoredTailBytes } = parseRecords(bytes);
    expect(records.map((r) => [r.timeMs, r.kind, r.payload.length, r.offset])).toEqual([
      [1000, RecordKind.Keyframe, 5000, 0],
      [1010.5, RecordKind.Stream, 10, a.length],
    ]);
    expect(ignoredTailBytes).toBe(30);
    const flipped = bytes.slice();
    flipped[a.length + 20]! ^= 1;
    expect(parseRecords(flipped).records.length).toBe(1);
    expect(() => parseRecords(bytes, { skipMagic: true })).toThrow(/not a Tessera recording/);
  });
});

describe('Recorder', () => {
  it('cuts a torn tail before appending, so records written after a crash stay readable', () => {
    const path = fresh();
    const first = new Recorder(path, { seekPointDue() {}, failed() {} });
    first.send(new Uint8Array([DesktopFrame.Keyframe, 1, 2, 3]), true);
    first.send(new Uint8Array([DesktopFrame.Update, 4, 5]), false);
    first.close();
    appendFileSync(path, new Uint8Array(11).fill(0xee)); // the half-written record of a killed process
    expect(readRecording(path).ignoredTailBytes).toBe(11);

    const second = new Recorder(path, { seekPointDue() {}, failed() {} });
    second.send(new Uint8Array([DesktopFrame.Keyframe, 9]), true);
    second.event({ type: 'agent', online: false });
    second.close();
    const { records, ignoredTailBytes } = readRecording(path);
    expect(ignoredTailBytes).toBe(0);
    expect(records.map((r) => r.kind)).toEqual([RecordKind.Keyframe, RecordKind.Stream, RecordKind.Keyframe, RecordKind.Event]);
    expect(JSON.parse(new TextDecoder().decode(records[3]!.payload))).toEqual({ type: 'agent', online: false });
  });

  it('moves a file that is not a recording aside instead of appending to it', () => {
    const path = fresh();
    writeFileSync(path, 'not a recording at all');
    const r = new Recorder(path, { seekPointDue() {}, failed() {} });
    r.send(new Uint8Array([DesktopFrame.Keyframe, 1]), true);
    r.close();
    expect(readRecording(path).records.length).toBe(1);
    const aside = readdirSync(join(path, '..')).filter((n) => n.startsWith('r.tsr.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(path, '..', aside[0]!), 'utf8')).toBe('not a recording at all');
  });

  it('asks for a seek point once the picture has changed for a period, again if unanswered', () => {
    let now = 1_000_000;
    let asked = 0;
    const r = new Recorder(fresh(), { seekPointDue: () => asked++, failed() {} }, { seekEveryMs: 10_000, clock: () => now });
    r.send(new Uint8Array([DesktopFrame.Keyframe, 1]), true);
    now += 9_000;
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    r.send(new Uint8Array([DesktopFrame.CursorPosition, 1]), false);
    expect(asked).toBe(0);
    now += 2_000;
    r.send(new Uint8Array([DesktopFrame.CursorPosition, 1]), false); // the cursor alone changes no picture
    expect(asked).toBe(0);
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    expect(asked).toBe(1);
    now += 10_000;
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    expect(asked).toBe(2);
    r.send(new Uint8Array([DesktopFrame.Keyframe, 1]), true);
    now += 5_000;
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    expect(asked).toBe(2);
    // a clock step back never writes an earlier time (readers stop at a record earlier than the one before)
    now -= 60_000;
    r.send(new Uint8Array([DesktopFrame.Update, 1]), false);
    r.close();
    const times = readRecording(r.path).records.map((x) => x.timeMs);
    expect(times.length).toBe(10);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('spaces seek points by what seeking would cost: decoding work, bytes, or ten minutes, never closer than the minimum', () => {
    let now = 1_000_000;
    let work = 0;
    let asked = 0;
    const r = new Recorder(fresh(), { seekPointDue: () => asked++, failed() {}, decodeWorkMs: () => work }, { seekEveryMs: 30_000, seekDecodeMs: 200, clock: () => now });
    const update = (bytes = 2) => r.send(new Uint8Array(bytes).fill(DesktopFrame.Update), false);
    const seekPoint = () => r.send(new Uint8Array([DesktopFrame.Keyframe, 1]), true);
    seekPoint();
    // cheap changes (typing): not worth a keyframe after the minimum interval
    now += 60_000;
    work += 50;
    update();
    expect(asked).toBe(0);
    // decoding since the seek point reaches the budget: due
    work += 150;
    update();
    expect(asked).toBe(1);
    seekPoint();
    // costly changes, but the minimum interval is not over
    work += 1000;
    now += 29_000;
    update();
    expect(asked).toBe(1);
    now += 1_000;
    update();
    expect(asked).toBe(2);
    seekPoint();
    // bytes to download: due without decoding work
    now += 31_000;
    update(SEEK_BYTES);
    expect(asked).toBe(3);
    seekPoint();
    // and every ten minutes while the picture changes at all
    now += SEEK_MAX_MS - 1;
    update();
    expect(asked).toBe(3);
    now += 1;
    update();
    expect(asked).toBe(4);
    r.close();
  });

  it('stops quietly and says why when writing fails', () => {
    const path = fresh();
    const failures: string[] = [];
    const r = new Recorder(path, { seekPointDue() {}, failed: (e) => failures.push(e.message) });
    r.send(new Uint8Array(65 * 1024 * 1024), false); // over the record limit: the writer refuses
    expect(failures).toHaveLength(1);
    expect(r.open).toBe(false);
    r.send(new Uint8Array([1, 2]), false); // ignored, no throw
    expect(failures).toHaveLength(1);
  });
});

describe('retention', () => {
  it('deletes recordings older than the retention, keeps the rest and those being written, keeps all with 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ret-'));
    const now = Date.now();
    for (const [name, ageDays] of [['1.tsr', 100], ['2.tsr', 10], ['3.tsr', 200], ['notes.txt', 300], ['4.tsr.unreadable-1700000000000', 95]] as const) {
      writeFileSync(join(dir, name), 'x');
      const t = (now - ageDays * 86400_000) / 1000;
      utimesSync(join(dir, name), t, t);
    }
    expect(sweepRecordings(dir, 0, () => false, now)).toEqual([]);
    expect(sweepRecordings(dir, 90, (p) => p.endsWith('3.tsr'), now).sort()).toEqual(['1.tsr', '4.tsr.unreadable-1700000000000']);
    expect(statSync(join(dir, '2.tsr')).size).toBe(1);
    expect(statSync(join(dir, '3.tsr')).size).toBe(1);
    expect(statSync(join(dir, 'notes.txt')).size).toBe(1);
    expect(sweepRecordings(join(dir, 'missing'), 90, () => false, now)).toEqual([]);
  });
});

describe('recording a live session', () => {
  let server: TestServer;
  afterEach(() => server?.stop());

  it('records every streamed picture with seek points; playback from any seek point is exact', async () => {
    server = await startTestServer({ recordingKeyframeSeconds: 1, recordingSeekDecodeMs: 0 });
    const team = await desktopTeam(server);
    const agent = await TestAgent.connect(server, await team.agentToken());
    await agent.welcome();
    agent.json({ type: 'consent', granted: ['view'] }); // nothing is recorded of a screen the customer does not show
    expect((await team.owner.client.get(`/api/support/sessions/${team.sessionId}/recording`)).status).toBe(404);
    const viewer = await TestViewer.open(server, team.sessionId, team.owner.client.cookieHeader);
    await until(() => agent.has('desktop-start'));

    const W = 160;
    const H = 100;
    const sent = new Set<string>();
    let current = picture(W, H, 3);
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < 3500) {
      current = withRect(current, W, { x: (i * 13) % 140, y: (i * 7) % 80, w: 20, h: 20 }, [(i * 40) & 255, 128, (i * 9) & 255]);
      sent.add(hash(current));
      agent.send(current, W, H);
      i++;
      await Bun.sleep(40);
    }
    await until(() => viewer.shows(current));
    agent.json({ type: 'consent', granted: ['view', 'control'] });
    viewer.close();
    await until(() => agent.has('desktop-stop'));

    const index = (await team.owner.client.get(`/api/support/sessions/${team.sessionId}/recording`)).json as RecordingIndex;
    const file = join(server.dataDir, 'recordings', `${team.sessionId}.tsr`);
    expect(index).toMatchObject({ sessionId: team.sessionId, bytes: statSync(file).size, live: false });
    expect(index.durationMs).toBeGreaterThan(3000);
    expect(index.durationMs).toBeLessThan(6000);
    expect(index.seekPoints.length).toBeGreaterThanOrEqual(3); // the first picture plus one about every second
    expect(index.seekPoints[0]!.ms).toBeLessThan(200);
    for (let k = 1; k < index.seekPoints.length; k++) expect(index.seekPoints[k]!.ms - index.seekPoints[k - 1]!.ms).toBeLessThan(1600);

    // the whole file, as the reference
    const all = parseRecords(new Uint8Array(readFileSync(file)), { skipMagic: true });
    expect(all.ignoredTailBytes).toBe(0);
    const reference = play(all.records);
    expect(reference.errors).toEqual([]);
    // every picture in the recording is one the agent really showed, and it ends on the last one
    for (const h of reference.pictures.values()) expect(sent.has(h)).toBe(true);
    expect([...reference.pictures.values()].at(-1)).toBe(hash(current));
    const events = all.records.filter((r) => r.kind === RecordKind.Event).map((r) => JSON.parse(new TextDecoder().decode(r.payload)));
    expect(events).toContainEqual({ type: 'consent', granted: ['view'] });
    expect(events).toContainEqual({ type: 'consent', granted: ['view', 'control'] });

    for (const point of index.seekPoints) {
      const res = await fetch(`${server.url}/api/support/sessions/${team.sessionId}/recording/stream?from=${point.ms + 1}`, {
        headers: { cookie: team.owner.client.cookieHeader },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-tessera-recording-start')).toBe(String(index.startMs));
      const { records, ignoredTailBytes } = parseRecords(new Uint8Array(await res.arrayBuffer()));
      expect(ignoredTailBytes).toBe(0);
      expect(records[0]!.kind).toBe(RecordKind.Keyframe);
      expect(Math.round(records[0]!.timeMs - index.startMs)).toBe(point.ms);
      // playing from here shows, record for record, what playing from the start shows
      const played = play(records.map((r) => ({ ...r, offset: r.offset + point.offset })));
      expect(played.errors).toEqual([]);
      expect(played.pictures.size).toBeGreaterThan(0);
      for (const [offset, h] of played.pictures) expect(h).toBe(reference.pictures.get(offset));
    }

    // the log links the recording; whoever may read the session may play it, others not
    const log = (await team.owner.client.get(`/api/sessions/${team.sessionId}/log`)).json as Array<{ text: string }>;
    expect(log.map((e) => e.text)).toContain('the screen is being recorded (play it back on this session’s page once the session has ended)');
    expect(JSON.stringify(log)).not.toContain('/api/');
    expect((await team.admin.get(`/api/support/sessions/${team.sessionId}/recording`)).status).toBe(200);
    expect((await team.supervisor.client.get(`/api/support/sessions/${team.sessionId}/recording`)).status).toBe(200);
    expect((await team.other.client.get(`/api/support/sessions/${team.sessionId}/recording`)).status).toBe(404);
    expect((await team.other.client.get(`/api/support/sessions/${team.sessionId}/recording/stream`)).status).toBe(404);
    expect((await team.owner.client.get(`/api/support/sessions/${team.sessionId}/recording/stream?from=-5`)).status).toBe(422);
    agent.close();
  });
});
