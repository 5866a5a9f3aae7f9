// Loads the addon with a literal require so `bun build --compile` can see and embed the .node file.
// (An `import` of a .node file throws in Bun, and createRequire hides the file from the bundler.)
interface NativeAddon {
  changedTiles(
    previous: Uint8Array,
    current: Uint8Array,
    width: number,
    height: number,
    stride: number,
    tileSize: number,
  ): Uint32Array;
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
