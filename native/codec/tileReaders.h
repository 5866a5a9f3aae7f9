// The decoder's tile entries, one reader per kind as FORMAT.md describes them (named like the encoder's writers in
// tileWriters.cc). Included only by decoder.cc: kept inline there, so the per-pixel loops stay in applyTile. Each
// returns nullptr, or why the entry is refused (the decoder's error()). Freestanding, like the decoder.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "codec/format.h"
#include "codec/tileLru.h"
#include "codec/varint.h"

namespace tessera {
namespace codec {
namespace {

inline uint32_t rgbPixel(uint32_t r, uint32_t g, uint32_t b) { return 0xff000000u | (b << 16) | (g << 8) | r; }

// Where a tile entry's pixels go: the whole tile, then the rectangle its residual covers (picture coordinates).
struct TileSpot {
  uint32_t* origin;  // the tile's top-left pixel
  uint32_t tw, th;
  bool full;  // a whole 16x16 tile (the cache holds only those)
};
struct ResidualRect {
  uint32_t* picture;
  uint32_t width;   // picture width (row stride)
  uint32_t x, y;    // top-left in the picture
  uint32_t rw, rh;
  uint32_t* origin() const { return picture + size_t(y) * width + x; }
};

// Cache hit: the whole tile is a cached tile.
inline const char* readCache(TileLru& cache, const TileSpot& t, uint8_t mode, ByteReader& a, uint32_t width) {
  const uint32_t slot = a.varint();
  if (a.bad || (mode & ~7) || slot >= cache.used() || !t.full) return "bad cache reference";
  cache.load(slot, t.origin, width);
  cache.touch(slot);
  return nullptr;
}

// Merge: the mask's pixels come from a cached tile, before the residual (if any) is applied.
inline const char* readMerge(TileLru& cache, const TileSpot& t, ByteReader& a, ByteReader& b, uint32_t width) {
  const uint32_t slot = a.varint();
  if (a.bad || slot >= cache.used() || !t.full) return "bad merge reference";
  const uint8_t* mask = b.take(kTilePixels / 8);
  if (!mask) return "truncated merge mask";
  const uint32_t* src = cache.tile(slot);
  for (uint32_t r = 0; r < kTile; ++r) {
    uint32_t* row = t.origin + size_t(r) * width;
    const uint32_t bits = uint32_t(mask[r * 2]) << 8 | mask[r * 2 + 1];
    for (uint32_t x = 0; x < kTile; ++x)
      if (bits >> (15 - x) & 1) row[x] = src[r * kTile + x];
  }
  cache.touch(slot);
  return nullptr;
}

inline const char* readSolid(const ResidualRect& r, ByteReader& b) {
  const uint8_t* c = b.take(3);
  if (!c) return "truncated tile pixels";
  const uint32_t colour = rgbPixel(c[0], c[1], c[2]);
  uint32_t* origin = r.origin();
  for (uint32_t y = 0; y < r.rh; ++y)
    for (uint32_t x = 0; x < r.rw; ++x) origin[size_t(y) * r.width + x] = colour;
  return nullptr;
}

inline const char* readPalette(const ResidualRect& r, ByteReader& a, ByteReader& b) {
  const uint32_t n = uint32_t(a.byte()) + 1;
  if (a.bad || n < 2) return "bad palette size";
  const uint8_t* pc = b.take(size_t(n) * 3);
  if (!pc) return "truncated palette";
  uint32_t palette[256];
  for (uint32_t k = 0; k < n; ++k) palette[k] = rgbPixel(pc[k * 3], pc[k * 3 + 1], pc[k * 3 + 2]);
  const uint32_t bits = bitsForColours(n);
  const uint8_t* idx = b.take((size_t(r.rw * r.rh) * bits + 7) / 8);
  if (!idx) return "truncated palette indices";
  uint32_t* origin = r.origin();
  uint32_t bitPos = 0;
  for (uint32_t y = 0; y < r.rh; ++y) {
    uint32_t* row = origin + size_t(y) * r.width;
    for (uint32_t x = 0; x < r.rw; ++x) {
      const uint32_t v = (uint32_t(idx[bitPos >> 3]) >> (8 - bits - (bitPos & 7))) & ((1u << bits) - 1);
      bitPos += bits;
      if (v >= n) return "palette index out of range";
      row[x] = palette[v];
    }
  }
  return nullptr;
}

inline const char* readRaw(const ResidualRect& r, ByteReader& b) {
  const uint8_t* px = b.take(size_t(r.rw * r.rh) * 3);
  if (!px) return "truncated tile pixels";
  uint32_t* origin = r.origin();
  for (uint32_t y = 0; y < r.rh; ++y) {
    uint32_t* row = origin + size_t(y) * r.width;
    for (uint32_t x = 0; x < r.rw; ++x, px += 3) row[x] = rgbPixel(px[0], px[1], px[2]);
  }
  return nullptr;
}

// MED-predicted residuals (g, r-g, b-g); the prediction reads the picture itself, 0 outside it.
inline const char* readMed(const ResidualRect& r, ByteReader& b) {
  const uint8_t* e = b.take(size_t(r.rw * r.rh) * 3);
  if (!e) return "truncated tile pixels";
  for (uint32_t y = 0; y < r.rh; ++y) {
    const uint32_t py = r.y + y;
    uint32_t* row = r.picture + size_t(py) * r.width;
    const uint32_t* up = py ? row - r.width : nullptr;
    for (uint32_t x = 0; x < r.rw; ++x, e += 3) {
      const uint32_t px = r.x + x;
      const uint32_t pa = px ? row[px - 1] : 0, pb = up ? up[px] : 0, pcn = px && up ? up[px - 1] : 0;
      const int pr = med(int(pa & 255), int(pb & 255), int(pcn & 255));
      const int pg = med(int((pa >> 8) & 255), int((pb >> 8) & 255), int((pcn >> 8) & 255));
      const int pbb = med(int((pa >> 16) & 255), int((pb >> 16) & 255), int((pcn >> 16) & 255));
      const int eg = e[0];
      const uint32_t g = uint32_t(pg + eg) & 255;
      const uint32_t red = uint32_t(pr + e[1] + eg) & 255;
      const uint32_t bl = uint32_t(pbb + e[2] + eg) & 255;
      row[px] = rgbPixel(red, g, bl);
    }
  }
  return nullptr;
}

}  // namespace
}  // namespace codec
}  // namespace tessera
