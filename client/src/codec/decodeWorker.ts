// Web Worker entry of the desktop decoder. Protocol (main thread -> worker):
//   { type: 'message', data: ArrayBuffer }   one codec update message (transfer it)
//   { type: 'reset' }                         drop the picture; the next message must be a key message
// Worker -> main thread:
//   { type: 'frame', width, height, rgba: ArrayBuffer }   the picture after the message (transferred copy)
//   { type: 'error', message }                            malformed message; send a key message (reset) to recover
import { createWasmDecoder, type WasmDecoder } from './wasmDecoder.ts';

type Inbound = { type: 'message'; data: ArrayBuffer } | { type: 'reset' };

const scope = self as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<Inbound>) => void) | null;
};

let decoder: Promise<WasmDecoder> | null = null;
const load = () => {
  decoder ??= fetch(new URL('./tesseraDecoder.wasm', import.meta.url))
    .then((r) => r.arrayBuffer())
    .then((bytes) => createWasmDecoder(bytes));
  return decoder;
};

// Messages are applied strictly in order (the entropy context spans messages).
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    if (msg.type === 'reset') {
      (await decoder)?.dispose();
      decoder = null;
      return;
    }
    const d = await load();
    try {
      const frame = d.decode(new Uint8Array(msg.data));
      const rgba = frame.rgba.slice().buffer;
      scope.postMessage({ type: 'frame', width: frame.width, height: frame.height, rgba }, [rgba]);
    } catch (e) {
      scope.postMessage({ type: 'error', message: (e as Error).message });
    }
  });
};
