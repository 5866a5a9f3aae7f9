// Web Worker entry of the desktop decoder: the WebAssembly decoder and the viewer's canvas (an OffscreenCanvas)
// live here, so decoding and painting never block the page. The message protocol is in
// client/src/desktop/workerProtocol.ts; the logic (decode in order, paint once per animation frame, stats, exact
// picture on request) is client/src/desktop/decodeCore.ts.
import { DecodeCore } from '../desktop/decodeCore.ts';
import type { FromWorker, ToWorker } from '../desktop/workerProtocol.ts';
import { createWasmDecoder } from './wasmDecoder.ts';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  requestAnimationFrame?: (callback: () => void) => number;
};

// Fetched and compiled once; a reset makes a new decoder instance from the same module.
let module: Promise<WebAssembly.Module> | null = null;
const compile = () => {
  module ??= fetch(new URL('./tesseraDecoder.wasm', import.meta.url)).then(async (r) => {
    if (!r.ok) throw new Error(`decoder: cannot load the WebAssembly module (${r.status})`);
    return WebAssembly.compile(await r.arrayBuffer());
  });
  return module;
};

const core = new DecodeCore({
  loadDecoder: async () => createWasmDecoder(await compile()),
  post: (message, transfer) => scope.postMessage(message, transfer),
  // Dedicated workers with an OffscreenCanvas get requestAnimationFrame in Chromium; elsewhere a macrotask.
  schedulePaint: (callback) => (scope.requestAnimationFrame ? scope.requestAnimationFrame(callback) : setTimeout(callback, 0)),
  now: () => performance.now(),
});

scope.onmessage = (event) => void core.handle(event.data);
