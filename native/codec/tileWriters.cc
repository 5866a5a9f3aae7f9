// Tile entries: the diff of one tile against the decoder's picture, then a cache hit, a merge, or the changed
// rectangle written as one of the kinds of FORMAT.md.
#include <algorithm>

#include "codec/encoderState.h"

namespace tessera {
namespace codec {

// Rectangle of pixels (tile-relative) where the frame differs from the picture, and how many differ.
bool Encoder::State::diffBox(uint32_t x0, uint32_t y0, uint32_t tw, uint32_t th, uint32_t box[4], uint32_t& count) {
  box[0] = tw;
  box[1] = th;
  box[2] = box[3] = 0;
  count = 0;
  for (uint32_t r = 0; r < th; ++r) {
    const uint8_t* f = framePixel(x0, y0 + r);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(picturePixel(x0, y0 + r));
    if (pixelsEqual(f, p, tw)) continue;
    if (r < box[1]) box[1] = r;
    box[3] = r + 1;
    for (uint32_t x = 0; x < tw; ++x) {
      if (((load32(f + x * 4) ^ load32(p + x * 4)) & kPixelMask) == 0) continue;
      ++count;
      if (x < box[0]) box[0] = x;
      if (x + 1 > box[2]) box[2] = x + 1;
    }
  }
  return count != 0;
}

// Codes tile `index` so the picture equals the frame there. Returns false if it already did.
bool Encoder::State::encodeTile(uint32_t index) {
  const uint32_t tx = index % tilesX, ty = index / tilesX;
  const uint32_t x0 = tx * kTile, y0 = ty * kTile;
  const uint32_t tw = std::min(kTile, width - x0), th = std::min(kTile, height - y0);
  const bool fullTile = tw == kTile && th == kTile;

  uint32_t box[4], count;
  if (!diffBox(x0, y0, tw, th, box, count)) return false;

  a.push_back(0);  // placeholder for the gap, fixed by the caller (keeps this function about one tile)

  if (fullTile && opt.cache) {
    const int32_t slot = cacheFind(frameHash[index], framePixel(x0, y0), stride);
    if (slot >= 0) {
      a.push_back(kKindCache);
      putVarint(a, uint32_t(slot));
      cache.load(uint32_t(slot), picturePixel(x0, y0), width);
      cache.touch(uint32_t(slot));
      ++stats.cacheHits;
      return true;
    }
  }

  // Merge: take some pixels from a tile saved at this position (wallpaper uncovered next to a moved window's edge).
  int32_t merge = -1;
  if (fullTile && opt.cache && count > kMergeGain) {
    uint32_t best = count - kMergeGain;
    for (int h = 0; h < 2; ++h) {
      const int32_t slot = history[index * 2 + h];
      if (slot < 0 || uint32_t(slot) >= cache.used()) continue;
      const uint32_t* cached = cache.tile(uint32_t(slot));
      uint32_t residual = 0;
      for (uint32_t r = 0; r < kTile; ++r) {
        const uint8_t* f = framePixel(x0, y0 + r);
        const uint32_t* p = picturePixel(x0, y0 + r);
        for (uint32_t x = 0; x < kTile; ++x) {
          const uint32_t v = load32(f + x * 4);
          residual += ((v ^ p[x]) & kPixelMask) != 0 && ((v ^ cached[r * kTile + x]) & kPixelMask) != 0;
        }
      }
      // The merge must also explain at least 3/4 of the changed pixels (measured: looser merges lose to plain
      // MED coding that zstd matches against recent history, e.g. on scrolled text).
      if (residual < best && residual * 4 <= count) {
        best = residual;
        merge = slot;
      }
    }
    if (merge >= 0) {
      const uint32_t* cached = cache.tile(uint32_t(merge));
      for (uint32_t r = 0; r < kTile; ++r) {
        const uint8_t* f = framePixel(x0, y0 + r);
        uint32_t* p = picturePixel(x0, y0 + r);
        uint32_t bits = 0;
        for (uint32_t x = 0; x < kTile; ++x) {
          const uint32_t v = load32(f + x * 4);
          const bool take = ((v ^ p[x]) & kPixelMask) != 0 && ((v ^ cached[r * kTile + x]) & kPixelMask) == 0;
          bits = bits << 1 | (take ? 1u : 0u);
          if (take) p[x] = cached[r * kTile + x];
        }
        b.push_back(uint8_t(bits >> 8));
        b.push_back(uint8_t(bits));
      }
      cache.touch(uint32_t(merge));
      ++stats.cacheHits;
      if (!diffBox(x0, y0, tw, th, box, count)) {
        const bool keep = keepPolicy(kKindNone, false, true);
        a.push_back(kKindNone | kModeMerge | (keep ? kModeKeep : 0));
        putVarint(a, uint32_t(merge));
        if (keep) cacheInsert(index, frameHash[index]);
        return true;
      }
    }
  }
  const uint32_t bx0 = box[0], by0 = box[1], bx1 = box[2], by1 = box[3];

  const uint32_t rw = bx1 - bx0, rh = by1 - by0, area = rw * rh;
  const bool full = bx0 == 0 && by0 == 0 && bx1 == tw && by1 == th;
  // Canonical RGB of the rectangle with a one-pixel border above and to the left (prediction context from the
  // picture, 0 outside it), and whether it has one, two or more colours.
  const uint32_t ax0 = x0 + bx0, ay0 = y0 + by0;
  const uint32_t cw = rw + 1;  // context width
  uint32_t* ctx = rgb;         // (rh + 1) x (rw + 1)
  ctx[0] = ax0 && ay0 ? toRgb(*picturePixel(ax0 - 1, ay0 - 1)) : 0;
  for (uint32_t x = 0; x < rw; ++x) ctx[1 + x] = ay0 ? toRgb(*picturePixel(ax0 + x, ay0 - 1)) : 0;
  uint32_t c0 = 0, c1 = 0, colours = 0;
  for (uint32_t r = 0; r < rh; ++r) {
    uint32_t* row = ctx + (r + 1) * cw;
    row[0] = ax0 ? toRgb(*picturePixel(ax0 - 1, ay0 + r)) : 0;
    const uint8_t* f = framePixel(ax0, ay0 + r);
    for (uint32_t x = 0; x < rw; ++x) {
      const uint32_t c = toRgb(load32(f + x * 4));
      row[1 + x] = c;
      if (colours == 0) {
        c0 = c;
        colours = 1;
      } else if (c != c0 && colours < 3) {
        if (colours == 1) {
          c1 = c;
          colours = 2;
        } else if (c != c1) {
          colours = 3;
        }
      }
    }
  }

  // Write the new pixels into the picture (the decoder's view).
  for (uint32_t r = 0; r < rh; ++r)
    std::memcpy(picturePixel(ax0, ay0 + r), framePixel(ax0, ay0 + r), size_t(rw) * 4);

  // Classes: solid (1 colour), palette (2 colours, 1 bit per pixel), else MED-predicted. Measured on the corpus:
  // MED residuals through zstd beat 4/16/256-colour palettes and raw RGB by 3-13 % (zstd's Huffman stage already
  // codes the few residual values of flat and text areas compactly), so wider palettes are not produced.
  uint8_t kind;
  if (colours == 1) {
    kind = kKindSolid;
    const uint8_t bytes[3] = {uint8_t(c0), uint8_t(c0 >> 8), uint8_t(c0 >> 16)};
    b.insert(b.end(), bytes, bytes + 3);
  } else if (colours == 2) {
    kind = kKindPalette;  // 1 bit per pixel; index 0 = the first colour in raster order
    const uint8_t bytes[6] = {uint8_t(c0), uint8_t(c0 >> 8), uint8_t(c0 >> 16),
                              uint8_t(c1), uint8_t(c1 >> 8), uint8_t(c1 >> 16)};
    b.insert(b.end(), bytes, bytes + 6);
    const size_t at = b.size();
    b.resize(at + (area + 7) / 8);
    uint8_t* out = b.data() + at;
    uint32_t acc = 0, nbits = 0;
    for (uint32_t r = 0; r < rh; ++r) {
      const uint32_t* row = ctx + (r + 1) * cw + 1;
      for (uint32_t x = 0; x < rw; ++x) {
        acc = acc << 1 | (row[x] != c0 ? 1u : 0u);
        if (++nbits == 8) {
          *out++ = uint8_t(acc);
          acc = nbits = 0;
        }
      }
    }
    if (nbits) *out = uint8_t(acc << (8 - nbits));
  } else {
    kind = kKindGrad;
    const size_t at = b.size();
    b.resize(at + size_t(area) * 3);
    uint8_t* out = b.data() + at;
    for (uint32_t r = 0; r < rh; ++r) {
      const uint32_t* up = ctx + r * cw;
      const uint32_t* row = ctx + (r + 1) * cw;
      for (uint32_t x = 0; x < rw; ++x, out += 3) {
        const uint32_t pa = row[x], pb = up[x + 1], pc = up[x], c = row[x + 1];
        const int pr = med(int(pa & 255), int(pb & 255), int(pc & 255));
        const int pg = med(int((pa >> 8) & 255), int((pb >> 8) & 255), int((pc >> 8) & 255));
        const int pbl = med(int((pa >> 16) & 255), int((pb >> 16) & 255), int((pc >> 16) & 255));
        const int eg = int((c >> 8) & 255) - pg;
        out[0] = uint8_t(eg);
        out[1] = uint8_t(int(c & 255) - pr - eg);
        out[2] = uint8_t(int((c >> 16) & 255) - pbl - eg);
      }
    }
  }
  const bool keep = fullTile && keepPolicy(kind, full, merge >= 0);
  a.push_back(uint8_t(kind | (full ? kModeFull : 0) | (merge >= 0 ? kModeMerge : 0) | (keep ? kModeKeep : 0)));
  if (merge >= 0) putVarint(a, uint32_t(merge));
  if (!full) {
    a.push_back(uint8_t(bx0 << 4 | by0));
    a.push_back(uint8_t((bx1 - 1) << 4 | (by1 - 1)));
  }
  if (kind == kKindPalette) a.push_back(uint8_t(1));  // two colours
  if (keep) {
    cacheInsert(index, frameHash[index]);
    ++keptThisFrame;
  }
  return true;
}

}  // namespace codec
}  // namespace tessera
