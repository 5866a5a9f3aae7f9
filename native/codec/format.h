// Wire-format constants shared by the encoder and the decoder (see FORMAT.md). Freestanding: no library headers
// beyond <stdint.h>/<stddef.h>, because the decoder is also compiled to WebAssembly without a C library.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace tessera {
namespace codec {

constexpr uint8_t kMagic = 0x54;  // 'T'
constexpr uint8_t kVersion = 1;
constexpr uint8_t kFlagKey = 0x01;  // new epoch: fresh entropy context, picture and cache; width/height follow
// Refresh: fresh entropy context and empty cache, the picture stays (a viewer resynchronised from a full picture
// joins the stream here). Never together with kFlagKey.
constexpr uint8_t kFlagRefresh = 0x02;

constexpr uint32_t kTile = 16;  // residual/caching grid (pixels)
constexpr uint32_t kTilePixels = kTile * kTile;
constexpr uint32_t kMaxWidth = 7680;
constexpr uint32_t kMaxHeight = 4320;
constexpr uint32_t kMaxCopies = 4096;  // copy operations per message
constexpr int kWindowLogMax = 24;      // zstd window the decoder accepts (16 MB)

// Tile kinds (low 3 bits of the tile mode byte); bit 7 = the rectangle is the whole tile (no bbox bytes).
enum TileKind : uint8_t {
  kKindCache = 0,    // varint slot: the tile is a cached tile
  kKindSolid = 1,    // rect filled with one colour (3 bytes RGB in the pixel section)
  kKindPalette = 2,  // A: n-1; B: n colours RGB, then indices packed MSB-first (1/2/4/8 bits for n<=2/4/16/256)
  kKindGrad = 3,     // B: per pixel MED-predicted residuals (g, r-g, b-g), prediction from the picture
  kKindRaw = 4,      // B: RGB bytes
  kKindNone = 5,     // no residual (only with kModeMerge: the merge made the tile exact)
};
constexpr uint8_t kModeFull = 0x80;   // the residual rectangle is the whole tile (no bbox bytes)
constexpr uint8_t kModeKeep = 0x20;   // after decoding, the tile goes into the cache (full tiles only)
constexpr uint8_t kModeMerge = 0x40;  // A: varint slot; B: 32-byte mask (MSB first, raster order), 1 = take the
                                      // cached pixel; applied before the residual

// Cache size in tiles for a picture of the given size: the same on both sides (deterministic).
inline uint32_t cacheSlotsFor(uint32_t width, uint32_t height) {
  const uint32_t full = (width / kTile) * (height / kTile);
  uint32_t slots = full * 3;
  if (slots < 1024) slots = 1024;
  if (slots > 24576) slots = 24576;
  return slots;
}

// Upper bound of a message's decompressed payload for a picture of this size (decoder allocation bound).
inline size_t maxPayloadFor(uint32_t width, uint32_t height) {
  const size_t tiles = size_t((width + kTile - 1) / kTile) * ((height + kTile - 1) / kTile);
  return 65536 + tiles * 1100 + size_t(kMaxCopies) * 40 + size_t(width) * height;
}

inline uint32_t bitsForColours(uint32_t n) { return n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8; }

inline int med(int a, int b, int c) {
  const int mx = a > b ? a : b, mn = a > b ? b : a;
  if (c >= mx) return mn;
  if (c <= mn) return mx;
  return a + b - c;
}

}  // namespace codec
}  // namespace tessera
