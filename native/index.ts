// Loads the addon with a literal require so `bun build --compile` can see and embed the .node file.
// (An `import` of a .node file throws in Bun, and createRequire hides the file from the bundler.)
export type PixelFormat = 'bgrx' | 'rgba';

export interface EncoderOptions {
  /** zstd level of the per-stream context (default 9, with hash/chain tables capped by hashLog). */
  zstdLevel?: number;
  /** log2 of the zstd window (default 22, at most 24). */
  windowLog?: number;
  /** log2 of zstd's hash and chain tables (default 20, at most 20). */
  hashLog?: number;
  /**
   * Progressive mode (> 0): a new picture first goes out as a coarse preview (<= ~40 kB at 1080p) and no message
   * carries much more than this many bytes; call encode() again (same or newer frame) until it returns null.
   */
  maxMessageBytes?: number;
  /** Motion search (copy operations); default true. */
  motion?: boolean;
  /** Tile cache references; default true. */
  cache?: boolean;
}

export interface EncodeStats {
  changedTiles: number;
  copyOps: number;
  copiedTiles: number;
  cacheHits: number;
  codedTiles: number;
  key: boolean;
  /** The message is a refresh (fresh entropy context and empty tile cache; the viewer's picture stays). */
  refresh: boolean;
  preview: boolean;
  rawBytes: number;
  /** Microseconds spent hashing, choosing cache saves, searching motion, coding tiles, and in zstd. */
  usHash: number;
  usSaves: number;
  usMotion: number;
  usTiles: number;
  usZstd: number;
  /** CPU time of the last encode() call on the calling thread (ms): its cost on one core. */
  cpuMs: number;
}

interface NativeEncoder {
  encode(pixels: Uint8Array, width: number, height: number, stride: number, format: PixelFormat): Uint8Array | null;
  reset(): void;
  refresh(): void;
  setMaxMessageBytes(bytes: number): void;
  isExact(): boolean;
  memoryBytes(): number;
  stats(): EncodeStats;
}

interface NativeDecoder {
  apply(message: Uint8Array): { width: number; height: number };
  rgba(): Uint8Array;
  memoryBytes(): number;
  lastCpuMs(): number;
}

interface NativeAddon {
  changedTiles(
    previous: Uint8Array,
    current: Uint8Array,
    width: number,
    height: number,
    stride: number,
    tileSize: number,
  ): Uint32Array;
  Encoder: new (options?: EncoderOptions) => NativeEncoder;
  Decoder: new () => NativeDecoder;
  TileAnchor: new (kind: 'zlib' | 'zstd') => { push(rgba: Uint8Array, width: number, height: number): number };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const addon: NativeAddon = require('../build/Release/tessera.node');

/** Indices of the tileSize x tileSize tiles (row-major, edge tiles partial) that differ between two frames. */
export function changedTiles(
  previous: Uint8Array,
  current: Uint8Array,
  width: number,
  height: number,
  stride = width * 4,
  tileSize = 64,
): Uint32Array {
  return addon.changedTiles(previous, current, width, height, stride, tileSize);
}

export interface DesktopEncoder {
  /**
   * Encodes one captured frame (any size 1x1..7680x4320, rows `stride` bytes apart). Returns one self-contained
   * update message, or null when the viewer's picture already equals the frame. A size or format change starts a
   * new epoch (key message).
   */
  encode(pixels: Uint8Array, width: number, height: number, stride: number, format: PixelFormat): Uint8Array | null;
  /** The next message starts a new epoch (full picture, fresh context): for late joiners and lost connections. */
  reset(): void;
  /**
   * The next encode() returns a refresh message (stats().refresh), even when the frame is unchanged: a fresh
   * entropy context and an empty tile cache, diffed against the picture the viewer already has (also in the middle
   * of progressive refinement). A viewer given a full copy of that picture (a server-made keyframe) is in sync from
   * the refresh message on, as are the viewers that had the stream all along. A pending reset() (or a size or
   * format change) wins: the next message is then a key message.
   */
  refresh(): void;
  /** Progressive mode budget (0 = off); see EncoderOptions.maxMessageBytes. */
  setMaxMessageBytes(bytes: number): void;
  /** True when the viewer's picture equals the last frame given to encode(). */
  isExact(): boolean;
  /** Bytes held by the encoder (picture, cache, zstd context, buffers). */
  memoryBytes(): number;
  /** What the last encode() did. */
  stats(): EncodeStats;
}

export function createEncoder(options: EncoderOptions = {}): DesktopEncoder {
  return new addon.Encoder(options);
}

export interface DecodedPicture {
  width: number;
  height: number;
  /** RGBA, A = 255, rows width*4 bytes apart (a copy). */
  rgba: Uint8Array;
}

export interface DesktopDecoder {
  /** Applies a message and returns a copy of the picture. Throws an Error on malformed input. */
  decode(message: Uint8Array): DecodedPicture;
  /** Applies a message without copying the picture out (server hot path). Throws an Error on malformed input. */
  apply(message: Uint8Array): { width: number; height: number };
  /** A copy of the current picture (RGBA). */
  rgba(): Uint8Array;
  memoryBytes(): number;
  /** CPU time of the last apply()/decode() call on the calling thread (ms). */
  lastCpuMs(): number;
}

export function createDecoder(): DesktopDecoder {
  const native = new addon.Decoder();
  return {
    decode(message) {
      const { width, height } = native.apply(message);
      return { width, height, rgba: native.rgba() };
    },
    apply: (message) => native.apply(message),
    rgba: () => native.rgba(),
    memoryBytes: () => native.memoryBytes(),
    lastCpuMs: () => native.lastCpuMs(),
  };
}

/** Benchmark anchors: changed 64x64 tiles as raw RGB through one persistent zlib-6 or zstd-3 stream. */
export function createTileAnchor(kind: 'zlib' | 'zstd'): { push(rgba: Uint8Array, width: number, height: number): number } {
  return new addon.TileAnchor(kind);
}
