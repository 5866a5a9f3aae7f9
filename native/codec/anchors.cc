#include "codec/anchors.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>

namespace tessera {
namespace codec {

struct TileAnchor::State {
  Kind kind;
  z_stream z{};
  bool zInit = false;
  ZSTD_CCtx* zstd = nullptr;
  std::vector<uint8_t> previous, payload, out;
  uint32_t width = 0, height = 0;
};

TileAnchor::TileAnchor(Kind kind) : s_(new State) {
  s_->kind = kind;
  if (kind == Kind::Zlib) {
    s_->zInit = deflateInit2(&s_->z, 6, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  } else {
    s_->zstd = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(s_->zstd, ZSTD_c_compressionLevel, 3);
  }
}

TileAnchor::~TileAnchor() {
  if (s_->zInit) deflateEnd(&s_->z);
  if (s_->zstd) ZSTD_freeCCtx(s_->zstd);
}

long long TileAnchor::push(const uint8_t* rgba, uint32_t width, uint32_t height) {
  State& s = *s_;
  const size_t bytes = size_t(width) * height * 4;
  const bool first = s.previous.size() != bytes || s.width != width;
  s.payload.clear();
  uint32_t tiles = 0;
  for (uint32_t y0 = 0; y0 < height; y0 += 64) {
    const uint32_t th = y0 + 64 <= height ? 64 : height - y0;
    for (uint32_t x0 = 0; x0 < width; x0 += 64) {
      const uint32_t tw = x0 + 64 <= width ? 64 : width - x0;
      bool changed = first;
      for (uint32_t r = 0; r < th && !changed; ++r) {
        const size_t o = (size_t(y0 + r) * width + x0) * 4;
        changed = std::memcmp(rgba + o, s.previous.data() + o, size_t(tw) * 4) != 0;
      }
      if (!changed) continue;
      ++tiles;
      const uint8_t header[4] = {uint8_t(x0 / 64), uint8_t(y0 / 64), uint8_t(tw), uint8_t(th)};
      s.payload.insert(s.payload.end(), header, header + 4);
      for (uint32_t r = 0; r < th; ++r) {
        const uint8_t* p = rgba + (size_t(y0 + r) * width + x0) * 4;
        for (uint32_t x = 0; x < tw; ++x, p += 4) {
          s.payload.push_back(p[0]);
          s.payload.push_back(p[1]);
          s.payload.push_back(p[2]);
        }
      }
    }
  }
  s.previous.assign(rgba, rgba + bytes);
  s.width = width;
  s.height = height;
  if (tiles == 0) return 0;
  s.out.resize(s.payload.size() + s.payload.size() / 8 + 1024);
  size_t produced = 0;
  if (s.kind == Kind::Zlib) {
    if (!s.zInit) return -1;
    s.z.next_in = s.payload.data();
    s.z.avail_in = uInt(s.payload.size());
    do {
      if (produced == s.out.size()) s.out.resize(s.out.size() * 2);
      s.z.next_out = s.out.data() + produced;
      s.z.avail_out = uInt(s.out.size() - produced);
      if (deflate(&s.z, Z_SYNC_FLUSH) == Z_STREAM_ERROR) return -1;
      produced = s.out.size() - s.z.avail_out;
    } while (s.z.avail_out == 0);
  } else {
    ZSTD_inBuffer in = {s.payload.data(), s.payload.size(), 0};
    for (;;) {
      ZSTD_outBuffer ob = {s.out.data(), s.out.size(), 0};
      const size_t r = ZSTD_compressStream2(s.zstd, &ob, &in, ZSTD_e_flush);
      if (ZSTD_isError(r)) return -1;
      produced += ob.pos;
      if (r == 0) break;
    }
  }
  return (long long)(produced + 4);
}

}  // namespace codec
}  // namespace tessera
