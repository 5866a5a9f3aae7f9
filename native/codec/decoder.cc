#include "codec/decoder.h"

#include <stdlib.h>
#include <string.h>

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

namespace tessera {
namespace codec {

// Bounds-checked little reader over one section of the payload. A failed read sets `bad` and returns 0, so callers
// check once per operation rather than after every byte.
struct Decoder::Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool bad = false;
  Reader(const uint8_t* begin, const uint8_t* e) : p(begin), end(e) {}
  size_t left() const { return size_t(end - p); }
  uint8_t byte() {
    if (p >= end) { bad = true; return 0; }
    return *p++;
  }
  uint32_t varint() {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p >= end) { bad = true; return 0; }
      const uint8_t c = *p++;
      if (shift == 28 && (c & 0x70)) { bad = true; return 0; }
      v |= uint32_t(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    bad = true;
    return 0;
  }
  int32_t svarint() {
    const uint32_t u = varint();
    return int32_t(u >> 1) ^ -int32_t(u & 1);
  }
  const uint8_t* take(size_t n) {
    if (left() < n) { bad = true; return nullptr; }
    const uint8_t* r = p;
    p += n;
    return r;
  }
};

namespace {
inline uint32_t rgbPixel(uint32_t r, uint32_t g, uint32_t b) { return 0xff000000u | (b << 16) | (g << 8) | r; }
}  // namespace

Decoder::Decoder() {}

Decoder::~Decoder() {
  releaseAll();
  if (zstd_) ZSTD_freeDCtx(zstd_);
}

void Decoder::releaseAll() {
  free(picture_);
  free(payload_);
  free(previewRows_);
  free(cachePixels_);
  free(lruPrev_);
  free(lruNext_);
  picture_ = nullptr;
  payload_ = nullptr;
  previewRows_ = nullptr;
  cachePixels_ = nullptr;
  lruPrev_ = lruNext_ = nullptr;
  payloadCapacity_ = 0;
  width_ = height_ = tilesX_ = tilesY_ = 0;
  slots_ = used_ = 0;
}

size_t Decoder::memoryBytes() const {
  size_t n = size_t(width_) * height_ * 4 + payloadCapacity_ + size_t(width_) * 24 + size_t(slots_) * (kTilePixels * 4 + 8);
  if (zstd_) n += ZSTD_sizeof_DCtx(zstd_);
  return n;
}

bool Decoder::fail(const char* reason) {
  error_ = reason;
  ready_ = false;
  return false;
}

bool Decoder::startEpoch(uint32_t width, uint32_t height) {
  if (width != width_ || height != height_ || !picture_) {
    releaseAll();
    const size_t pixels = size_t(width) * height;
    slots_ = cacheSlotsFor(width, height);
    picture_ = static_cast<uint32_t*>(malloc(pixels * 4));
    previewRows_ = static_cast<int32_t*>(malloc(size_t(width) * 6 * sizeof(int32_t) + 64));
    cachePixels_ = static_cast<uint32_t*>(malloc(size_t(slots_) * kTilePixels * 4));
    lruPrev_ = static_cast<int32_t*>(malloc(size_t(slots_) * sizeof(int32_t)));
    lruNext_ = static_cast<int32_t*>(malloc(size_t(slots_) * sizeof(int32_t)));
    if (!picture_ || !previewRows_ || !cachePixels_ || !lruPrev_ || !lruNext_) {
      releaseAll();
      return fail("out of memory");
    }
    width_ = width;
    height_ = height;
    tilesX_ = (width + kTile - 1) / kTile;
    tilesY_ = (height + kTile - 1) / kTile;
  }
  const size_t pixels = size_t(width) * height;
  for (size_t i = 0; i < pixels; ++i) picture_[i] = 0xff000000u;
  return resetContext();
}

bool Decoder::resetContext() {
  used_ = 0;
  head_ = tail_ = -1;
  if (!zstd_) {
    zstd_ = ZSTD_createDCtx();
    if (!zstd_) return fail("out of memory");
  }
  ZSTD_DCtx_reset(zstd_, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(zstd_, ZSTD_d_windowLogMax, kWindowLogMax);
  return true;
}

bool Decoder::decode(const uint8_t* message, size_t length) {
  error_ = nullptr;
  if (!message || length < 4) return fail("truncated message header");
  Reader h(message, message + length);
  if (h.byte() != kMagic) return fail("not a Tessera codec message (bad magic)");
  if (h.byte() != kVersion) return fail("unsupported codec version");
  const uint8_t flags = h.byte();
  if (flags & ~(kFlagKey | kFlagRefresh)) return fail("unknown flags");
  if ((flags & kFlagKey) && (flags & kFlagRefresh)) return fail("key and refresh flags together");
  const uint32_t rawLength = h.varint();
  if (h.bad) return fail("truncated message header");
  if (flags & kFlagKey) {
    const uint32_t w = h.varint(), hh = h.varint();
    if (h.bad) return fail("truncated message header");
    if (w < 1 || hh < 1 || w > kMaxWidth || hh > kMaxHeight) return fail("picture size out of range");
    if (!startEpoch(w, hh)) return false;
  } else if (!ready_) {
    return fail(flags & kFlagRefresh ? "refresh message without a picture (no key message since the stream started "
                                       "or since the last error)"
                                     : "no key message since the stream started or since the last error");
  } else if (flags & kFlagRefresh) {
    // The picture stays: it is what the encoder diffs against (possibly a server-made copy of it).
    if (!resetContext()) return false;
  }
  if (rawLength == 0 || rawLength > maxPayloadFor(width_, height_)) return fail("declared payload size out of range");
  if (!inflate(h.p, h.left(), rawLength)) return false;
  if (!applyPayload(rawLength)) return false;
  ready_ = true;
  return true;
}

bool Decoder::inflate(const uint8_t* data, size_t length, size_t rawLength) {
  if (rawLength > payloadCapacity_) {
    size_t capacity = payloadCapacity_ ? payloadCapacity_ : 65536;
    while (capacity < rawLength) capacity *= 2;
    free(payload_);
    payload_ = static_cast<uint8_t*>(malloc(capacity));
    if (!payload_) {
      payloadCapacity_ = 0;
      return fail("out of memory");
    }
    payloadCapacity_ = capacity;
  }
  ZSTD_inBuffer in = {data, length, 0};
  ZSTD_outBuffer out = {payload_, rawLength, 0};
  for (int guard = 0; guard < 1 << 20; ++guard) {
    const size_t inBefore = in.pos, outBefore = out.pos;
    const size_t r = ZSTD_decompressStream(zstd_, &out, &in);
    if (ZSTD_isError(r)) return fail("corrupt compressed data");
    if (in.pos == in.size && out.pos == out.size) break;
    if (in.pos == inBefore && out.pos == outBefore) {
      return fail(out.pos == out.size ? "payload longer than declared" : "truncated compressed data");
    }
  }
  if (out.pos != rawLength || in.pos != in.size) return fail("payload size mismatch");
  return true;
}

bool Decoder::applyPayload(size_t rawLength) {
  Reader all(payload_, payload_ + rawLength);
  const uint32_t lengthA = all.varint();
  if (all.bad || lengthA > all.left()) return fail("bad section length");
  Reader a(all.p, all.p + lengthA);
  Reader b(all.p + lengthA, all.end);
  if (!applySaves(a)) return false;
  if (!applyCopies(a)) return false;
  if (!applyPreview(a, b)) return false;
  if (!applyTiles(a, b)) return false;
  if (a.left() || b.left()) return fail("trailing bytes in payload");
  return true;
}

// Saves: tiles whose current content goes into the cache before anything changes (content about to be covered or
// replaced, which may come back: wallpaper under a moved window, a closed dialog, a blinking caret).
bool Decoder::applySaves(Reader& a) {
  const uint32_t count = a.varint();
  const uint32_t tiles = tilesX_ * tilesY_;
  if (a.bad || count > tiles) return fail("bad save count");
  uint32_t next = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t gap = a.varint();
    if (a.bad || gap >= tiles - next) return fail("saved tile out of range");
    const uint32_t index = next + gap;
    next = index + 1;
    const uint32_t tx = index % tilesX_, ty = index / tilesX_;
    if ((tx + 1) * kTile > width_ || (ty + 1) * kTile > height_) return fail("saved tile is not a full tile");
    cacheInsert(picture_ + size_t(ty) * kTile * width_ + size_t(tx) * kTile, width_);
  }
  return true;
}

// Copy operations: rectangles moved inside the picture (scrolling, moved windows), applied in order, each reading
// the picture as it is at that moment (overlap-safe, like memmove).
bool Decoder::applyCopies(Reader& a) {
  const uint32_t count = a.varint();
  if (a.bad || count > kMaxCopies) return fail("bad copy count");
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t x = a.varint(), y = a.varint(), w = a.varint(), h = a.varint();
    const int32_t dx = a.svarint(), dy = a.svarint();
    if (a.bad) return fail("truncated copy operation");
    if (w == 0 || h == 0 || x >= width_ || y >= height_ || w > width_ - x || h > height_ - y) {
      return fail("copy destination outside the picture");
    }
    const int64_t sx = int64_t(x) + dx, sy = int64_t(y) + dy;
    if (sx < 0 || sy < 0 || sx + w > width_ || sy + h > height_) return fail("copy source outside the picture");
    const bool upward = dy > 0;  // source below destination: copy rows top to bottom
    for (uint32_t r = 0; r < h; ++r) {
      const uint32_t row = upward ? r : h - 1 - r;
      uint32_t* dst = picture_ + size_t(y + row) * width_ + x;
      const uint32_t* src = picture_ + size_t(sy + row) * width_ + size_t(sx);
      memmove(dst, src, size_t(w) * 4);
    }
  }
  return true;
}

// Coarse preview of a rectangle: a low-resolution image (one colour per scale x scale block, `bits` per channel),
// MED-predicted on its own grid. Later messages refine the area to exact pixels.
bool Decoder::applyPreview(Reader& a, Reader& b) {
  const uint32_t count = a.varint();
  if (a.bad || count > 1) return fail("bad preview count");
  if (count == 0) return true;
  const uint32_t x = a.varint(), y = a.varint(), w = a.varint(), h = a.varint();
  const uint32_t scaleLog = a.byte(), bits = a.byte();
  if (a.bad) return fail("truncated preview");
  if (w == 0 || h == 0 || x >= width_ || y >= height_ || w > width_ - x || h > height_ - y) {
    return fail("preview outside the picture");
  }
  if (scaleLog < 1 || scaleLog > 5 || bits < 1 || bits > 8) return fail("bad preview parameters");
  const uint32_t s = 1u << scaleLog;
  const uint32_t lw = (w + s - 1) >> scaleLog, lh = (h + s - 1) >> scaleLog;
  if (b.left() / 3 / lw < lh) return fail("truncated preview pixels");
  const int32_t m = (1 << bits) - 1;
  int32_t* above = previewRows_;
  int32_t* cur = previewRows_ + size_t(width_) * 3;
  for (uint32_t ly = 0; ly < lh; ++ly) {
    for (uint32_t lx = 0; lx < lw; ++lx) {
      const uint8_t* e = b.take(3);
      uint32_t out[3];
      for (int c = 0; c < 3; ++c) {
        const int32_t va = lx ? cur[(lx - 1) * 3 + c] : 0;
        const int32_t vb = ly ? above[lx * 3 + c] : 0;
        const int32_t vc = lx && ly ? above[(lx - 1) * 3 + c] : 0;
        if (e[c] > m) return fail("preview value out of range");
        const int32_t v = (med(va, vb, vc) + e[c]) & m;
        cur[lx * 3 + c] = v;
        out[c] = uint32_t((v * 255 + (m >> 1)) / m);
      }
      const uint32_t colour = rgbPixel(out[0], out[1], out[2]);
      const uint32_t bx = x + lx * s, by = y + ly * s;
      const uint32_t bw = bx + s <= x + w ? s : x + w - bx, bh = by + s <= y + h ? s : y + h - by;
      for (uint32_t yy = 0; yy < bh; ++yy) {
        uint32_t* row = picture_ + size_t(by + yy) * width_ + bx;
        for (uint32_t xx = 0; xx < bw; ++xx) row[xx] = colour;
      }
    }
    int32_t* t = above;
    above = cur;
    cur = t;
  }
  return true;
}

void Decoder::cacheTouch(uint32_t slot) {
  const int32_t s = int32_t(slot);
  if (head_ == s) return;
  // unlink
  const int32_t p = lruPrev_[s], n = lruNext_[s];
  if (p >= 0) lruNext_[p] = n;
  if (n >= 0) lruPrev_[n] = p;
  if (tail_ == s) tail_ = p;
  // push front
  lruPrev_[s] = -1;
  lruNext_[s] = head_;
  if (head_ >= 0) lruPrev_[head_] = s;
  head_ = s;
  if (tail_ < 0) tail_ = s;
}

void Decoder::cacheInsert(const uint32_t* tile, uint32_t rowStride) {
  uint32_t slot;
  if (used_ < slots_) {
    slot = used_++;
    lruPrev_[slot] = lruNext_[slot] = -1;
    if (head_ < 0) {
      head_ = tail_ = int32_t(slot);
    } else {
      lruNext_[slot] = head_;
      lruPrev_[head_] = int32_t(slot);
      head_ = int32_t(slot);
    }
  } else {
    slot = uint32_t(tail_);  // least recently used
    cacheTouch(slot);
  }
  uint32_t* dst = cachePixels_ + size_t(slot) * kTilePixels;
  for (uint32_t r = 0; r < kTile; ++r) memcpy(dst + r * kTile, tile + size_t(r) * rowStride, kTile * 4);
}

bool Decoder::applyTiles(Reader& a, Reader& b) {
  const uint32_t count = a.varint();
  const uint32_t tiles = tilesX_ * tilesY_;
  if (a.bad || count > tiles) return fail("bad tile count");
  uint32_t next = 0;  // smallest tile index the next entry may use
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t gap = a.varint();
    if (a.bad || gap >= tiles - next) return fail("tile index out of range");
    const uint32_t index = next + gap;
    next = index + 1;
    const uint32_t tx = index % tilesX_, ty = index / tilesX_;
    const uint32_t x0 = tx * kTile, y0 = ty * kTile;
    const uint32_t tw = x0 + kTile <= width_ ? kTile : width_ - x0;
    const uint32_t th = y0 + kTile <= height_ ? kTile : height_ - y0;
    const bool fullTile = tw == kTile && th == kTile;
    uint32_t* tileOrigin = picture_ + size_t(y0) * width_ + x0;
    const uint8_t mode = a.byte();
    if (a.bad) return fail("truncated tile");
    const uint8_t kind = mode & 7;
    if (kind == kKindCache) {
      const uint32_t slot = a.varint();
      if (a.bad || (mode & ~7) || slot >= used_ || !fullTile) return fail("bad cache reference");
      const uint32_t* src = cachePixels_ + size_t(slot) * kTilePixels;
      for (uint32_t r = 0; r < kTile; ++r) memcpy(tileOrigin + size_t(r) * width_, src + r * kTile, kTile * 4);
      cacheTouch(slot);
      continue;
    }
    if (kind > kKindNone || (mode & 0x18) || ((mode & kModeKeep) && !fullTile)) return fail("unknown tile kind");
    if (mode & kModeMerge) {
      const uint32_t slot = a.varint();
      if (a.bad || slot >= used_ || !fullTile) return fail("bad merge reference");
      const uint8_t* mask = b.take(kTilePixels / 8);
      if (!mask) return fail("truncated merge mask");
      const uint32_t* src = cachePixels_ + size_t(slot) * kTilePixels;
      for (uint32_t r = 0; r < kTile; ++r) {
        uint32_t* row = tileOrigin + size_t(r) * width_;
        const uint32_t bits = uint32_t(mask[r * 2]) << 8 | mask[r * 2 + 1];
        for (uint32_t x = 0; x < kTile; ++x)
          if (bits >> (15 - x) & 1) row[x] = src[r * kTile + x];
      }
      cacheTouch(slot);
    }
    if (kind == kKindNone) {
      if (!(mode & kModeMerge) || (mode & kModeFull)) return fail("empty tile entry");
      if (mode & kModeKeep) cacheInsert(tileOrigin, width_);
      continue;
    }
    uint32_t bx0 = 0, by0 = 0, bx1 = tw, by1 = th;
    if (!(mode & kModeFull)) {
      const uint8_t p = a.byte(), q = a.byte();
      bx0 = p >> 4;
      by0 = p & 15;
      bx1 = (q >> 4) + 1u;
      by1 = (q & 15) + 1u;
      if (a.bad || bx1 > tw || by1 > th || bx0 >= bx1 || by0 >= by1) return fail("bad tile rectangle");
    }
    const uint32_t rw = bx1 - bx0, rh = by1 - by0, area = rw * rh;
    uint32_t* origin = tileOrigin + size_t(by0) * width_ + bx0;
    if (kind == kKindSolid) {
      const uint8_t* c = b.take(3);
      if (!c) return fail("truncated tile pixels");
      const uint32_t colour = rgbPixel(c[0], c[1], c[2]);
      for (uint32_t y = 0; y < rh; ++y)
        for (uint32_t x = 0; x < rw; ++x) origin[size_t(y) * width_ + x] = colour;
    } else if (kind == kKindPalette) {
      const uint32_t n = uint32_t(a.byte()) + 1;
      if (a.bad || n < 2) return fail("bad palette size");
      const uint8_t* pc = b.take(size_t(n) * 3);
      if (!pc) return fail("truncated palette");
      uint32_t palette[256];
      for (uint32_t k = 0; k < n; ++k) palette[k] = rgbPixel(pc[k * 3], pc[k * 3 + 1], pc[k * 3 + 2]);
      const uint32_t bits = bitsForColours(n);
      const uint8_t* idx = b.take((size_t(area) * bits + 7) / 8);
      if (!idx) return fail("truncated palette indices");
      uint32_t bitPos = 0;
      for (uint32_t y = 0; y < rh; ++y) {
        uint32_t* row = origin + size_t(y) * width_;
        for (uint32_t x = 0; x < rw; ++x) {
          const uint32_t v = (uint32_t(idx[bitPos >> 3]) >> (8 - bits - (bitPos & 7))) & ((1u << bits) - 1);
          bitPos += bits;
          if (v >= n) return fail("palette index out of range");
          row[x] = palette[v];
        }
      }
    } else if (kind == kKindRaw) {
      const uint8_t* px = b.take(size_t(area) * 3);
      if (!px) return fail("truncated tile pixels");
      for (uint32_t y = 0; y < rh; ++y) {
        uint32_t* row = origin + size_t(y) * width_;
        for (uint32_t x = 0; x < rw; ++x, px += 3) row[x] = rgbPixel(px[0], px[1], px[2]);
      }
    } else {  // kKindGrad
      const uint8_t* e = b.take(size_t(area) * 3);
      if (!e) return fail("truncated tile pixels");
      const uint32_t ax0 = x0 + bx0, ay0 = y0 + by0;
      for (uint32_t y = 0; y < rh; ++y) {
        const uint32_t py = ay0 + y;
        uint32_t* row = picture_ + size_t(py) * width_;
        const uint32_t* up = py ? row - width_ : nullptr;
        for (uint32_t x = 0; x < rw; ++x, e += 3) {
          const uint32_t px = ax0 + x;
          const uint32_t pa = px ? row[px - 1] : 0, pb = up ? up[px] : 0, pcn = px && up ? up[px - 1] : 0;
          const int pr = med(int(pa & 255), int(pb & 255), int(pcn & 255));
          const int pg = med(int((pa >> 8) & 255), int((pb >> 8) & 255), int((pcn >> 8) & 255));
          const int pbb = med(int((pa >> 16) & 255), int((pb >> 16) & 255), int((pcn >> 16) & 255));
          const int eg = e[0];
          const uint32_t g = uint32_t(pg + eg) & 255;
          const uint32_t r = uint32_t(pr + e[1] + eg) & 255;
          const uint32_t bl = uint32_t(pbb + e[2] + eg) & 255;
          row[px] = rgbPixel(r, g, bl);
        }
      }
    }
    if (mode & kModeKeep) cacheInsert(tileOrigin, width_);
  }
  return true;
}

}  // namespace codec
}  // namespace tessera
