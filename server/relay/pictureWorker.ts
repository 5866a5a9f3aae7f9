// A picture worker: decodes the desktop streams of the sessions the relay gave it and makes their keyframes, so the
// relay thread only forwards frames (a 1080p keyframe is 15-70 ms of CPU, which would stall every session's frames).
// Started by picturePool.ts; listed as an entrypoint of the compiled server (scripts/compile.ts).
import { setPriority } from 'node:os';
import type { WorkerMessage } from './picturePool.ts';
import { PictureTable, type PictureReply } from './pictureTable.ts';

declare const self: Worker;

// Decoding is background work: when the CPU is short, the relay thread (which forwards every live frame) must win.
// On Linux a nice value set with pid 0 applies to the calling thread only, so this lowers just this worker.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // not allowed here (e.g. a seccomp profile): the worker runs at the server's priority
  }
}

const table = new PictureTable();
const WORK_REPORT_MS = 250;
let reportDue: ReturnType<typeof setTimeout> | null = null;

function post(reply: PictureReply): void {
  // A screen is a copy made for this reply: its memory is handed over, not copied again. (A keyframe is not: the
  // picture keeps it for the next request of the same version.)
  const screen = reply.t === 'rgba' ? reply.screen?.rgba : undefined;
  self.postMessage(reply, screen ? [screen.buffer as ArrayBuffer] : []);
}

self.onmessage = (event: MessageEvent<WorkerMessage>) => {
  if ('stop' in event.data) {
    if (reportDue) clearTimeout(reportDue);
    reportDue = null;
    post({ t: 'stopped' });
    self.onmessage = null;
    return;
  }
  table.run(event.data.ops, post);
  post({ t: 'done', seq: event.data.seq });
  // Decode work goes back a few times a second, not per message.
  reportDue ??= setTimeout(() => {
    reportDue = null;
    const work = table.takeWork();
    if (work) post(work);
  }, WORK_REPORT_MS);
};
