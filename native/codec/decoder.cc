#include "codec/decoder.h"

#include <stdlib.h>
#include <string.h>

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "codec/messageHeader.h"
#include "codec/tileReaders.h"

namespace tessera {
namespace codec {

Decoder::Decoder() {}

Decoder::~Decoder() {
  releaseAll();
  if (zstd_) ZSTD_freeDCtx(zstd_);
}

void Decoder::releaseAll() {
  free(picture_);
  free(payload_);
  free(previewRows_);
  cache_.release();
  picture_ = nullptr;
  payload_ = nullptr;
  previewRows_ = nullptr;
  payloadCapacity_ = 0;
  width_ = height_ = tilesX_ = tilesY_ = 0;
}

size_t Decoder::memoryBytes() const {
  size_t n = size_t(width_) * height_ * 4 + payloadCapacity_ + size_t(width_) * 24 + size_t(cache_.slots()) * (kTilePixels * 4 + 8);
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
    picture_ = static_cast<uint32_t*>(malloc(pixels * 4));
    previewRows_ = static_cast<int32_t*>(malloc(size_t(width) * 6 * sizeof(int32_t) + 64));
    const bool cached = cache_.allocate(cacheSlotsFor(width, height));
    if (!picture_ || !previewRows_ || !cached) {
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
  cache_.clear();
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
  ByteReader h(message, message + length);
  MessageHeader header;
  if (const char* refused = readMessageHeader(h, header)) return fail(refused);
  const uint8_t flags = header.flags;
  const uint32_t rawLength = header.rawLength;
  if (flags & kFlagKey) {
    if (!startEpoch(header.width, header.height)) return false;
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
  ByteReader all(payload_, payload_ + rawLength);
  const uint32_t lengthA = all.varint();
  if (all.bad || lengthA > all.left()) return fail("bad section length");
  ByteReader a(all.p, all.p + lengthA);
  ByteReader b(all.p + lengthA, all.end);
  if (!applySaves(a)) return false;
  if (!applyCopies(a)) return false;
  if (!applyPreview(a, b)) return false;
  if (!applyTiles(a, b)) return false;
  if (a.left() || b.left()) return fail("trailing bytes in payload");
  return true;
}

// Saves: tiles whose current content goes into the cache before anything changes (content about to be covered or
// replaced, which may come back: wallpaper under a moved window, a closed dialog, a blinking caret).
bool Decoder::applySaves(ByteReader& a) {
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
    keepTile(picture_ + size_t(ty) * kTile * width_ + size_t(tx) * kTile);
  }
  return true;
}

// Copy operations: rectangles moved inside the picture (scrolling, moved windows), applied in order, each reading
// the picture as it is at that moment (overlap-safe, like memmove).
bool Decoder::applyCopies(ByteReader& a) {
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
bool Decoder::applyPreview(ByteReader& a, ByteReader& b) {
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

void Decoder::keepTile(const uint32_t* tile) {
  bool reused;
  cache_.store(cache_.insert(reused), tile, width_);
}

bool Decoder::applyTiles(ByteReader& a, ByteReader& b) {
  const uint32_t count = a.varint();
  const uint32_t tiles = tilesX_ * tilesY_;
  if (a.bad || count > tiles) return fail("bad tile count");
  uint32_t next = 0;  // smallest tile index the next entry may use
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t gap = a.varint();
    if (a.bad || gap >= tiles - next) return fail("tile index out of range");
    const uint32_t index = next + gap;
    next = index + 1;
    if (!applyTile(index, a, b)) return false;
  }
  return true;
}

bool Decoder::applyTile(uint32_t index, ByteReader& a, ByteReader& b) {
  const uint32_t x0 = (index % tilesX_) * kTile, y0 = (index / tilesX_) * kTile;
  TileSpot t;
  t.tw = x0 + kTile <= width_ ? kTile : width_ - x0;
  t.th = y0 + kTile <= height_ ? kTile : height_ - y0;
  t.full = t.tw == kTile && t.th == kTile;
  t.origin = picture_ + size_t(y0) * width_ + x0;
  const uint8_t mode = a.byte();
  if (a.bad) return fail("truncated tile");
  const uint8_t kind = mode & 7;
  if (kind == kKindCache) {
    const char* refused = readCache(cache_, t, mode, a, width_);
    return refused ? fail(refused) : true;
  }
  if (kind > kKindNone || (mode & 0x18) || ((mode & kModeKeep) && !t.full)) return fail("unknown tile kind");
  if (mode & kModeMerge) {
    if (const char* refused = readMerge(cache_, t, a, b, width_)) return fail(refused);
  }
  if (kind == kKindNone) {
    if (!(mode & kModeMerge) || (mode & kModeFull)) return fail("empty tile entry");
  } else {
    uint32_t bx0 = 0, by0 = 0, bx1 = t.tw, by1 = t.th;
    if (!(mode & kModeFull)) {
      const uint8_t p = a.byte(), q = a.byte();
      bx0 = p >> 4;
      by0 = p & 15;
      bx1 = (q >> 4) + 1u;
      by1 = (q & 15) + 1u;
      if (a.bad || bx1 > t.tw || by1 > t.th || bx0 >= bx1 || by0 >= by1) return fail("bad tile rectangle");
    }
    const ResidualRect r = {picture_, width_, x0 + bx0, y0 + by0, bx1 - bx0, by1 - by0};
    const char* refused;
    switch (kind) {
      case kKindSolid: refused = readSolid(r, b); break;
      case kKindPalette: refused = readPalette(r, a, b); break;
      case kKindRaw: refused = readRaw(r, b); break;
      default: refused = readMed(r, b); break;  // kKindGrad
    }
    if (refused) return fail(refused);
  }
  if (mode & kModeKeep) keepTile(t.origin);
  return true;
}

}  // namespace codec
}  // namespace tessera
