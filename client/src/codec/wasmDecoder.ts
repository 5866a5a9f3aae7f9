// Browser decoder: the C++ decoder (native/codec/decoder.cc) compiled to WebAssembly, so the browser shows exactly
// the pixels the server's native decoder computes. Runs anywhere WebAssembly runs (Web Worker, Bun, Node).

interface DecoderExports {
  memory: WebAssembly.Memory;
  tessera_create(): number;
  tessera_destroy(handle: number): void;
  tessera_input(handle: number, size: number): number;
  tessera_decode(handle: number, length: number): number;
  tessera_error(handle: number): number;
  tessera_width(handle: number): number;
  tessera_height(handle: number): number;
  tessera_picture(handle: number): number;
  tessera_ready(handle: number): number;
}

export interface DecodedFrame {
  width: number;
  height: number;
  /** RGBA (A = 255), rows width*4 bytes apart: a view into the decoder's memory, valid until the next decode. */
  rgba: Uint8Array;
}

export interface WasmDecoder {
  /** Applies one update message. Throws an Error (and waits for the next key message) on malformed input. */
  decode(message: Uint8Array): DecodedFrame;
  /** True once a key message has been applied and no error happened since. */
  ready(): boolean;
  dispose(): void;
}

/** Compiles the decoder module once; instantiate many decoders from it. */
export function compileDecoder(bytes: BufferSource): Promise<WebAssembly.Module> {
  return WebAssembly.compile(bytes);
}

export async function createWasmDecoder(module: WebAssembly.Module | BufferSource): Promise<WasmDecoder> {
  const compiled = module instanceof WebAssembly.Module ? module : await WebAssembly.compile(module);
  const instance = await WebAssembly.instantiate(compiled, {});
  const x = instance.exports as unknown as DecoderExports;
  let handle = x.tessera_create();
  if (!handle) throw new Error('decoder: out of memory');
  const text = new TextDecoder();

  const errorText = () => {
    const p = x.tessera_error(handle);
    const mem = new Uint8Array(x.memory.buffer);
    let end = p;
    while (end < mem.length && mem[end] !== 0) end++;
    return text.decode(mem.subarray(p, end));
  };

  return {
    decode(message) {
      if (!handle) throw new Error('decoder disposed');
      const ptr = x.tessera_input(handle, Math.max(1, message.length));
      if (!ptr) throw new Error('malformed codec message: out of memory');
      new Uint8Array(x.memory.buffer, ptr, message.length).set(message);
      if (!x.tessera_decode(handle, message.length)) throw new Error(`malformed codec message: ${errorText()}`);
      const width = x.tessera_width(handle), height = x.tessera_height(handle);
      return { width, height, rgba: new Uint8Array(x.memory.buffer, x.tessera_picture(handle), width * height * 4) };
    },
    ready: () => handle !== 0 && x.tessera_ready(handle) === 1,
    dispose() {
      if (handle) x.tessera_destroy(handle);
      handle = 0;
    },
  };
}
