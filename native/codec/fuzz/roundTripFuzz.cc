// libFuzzer target for the encoder and decoder together: the input describes a small picture and a few frames of
// edits (fills, scrolls, moved blocks, noise); every frame is encoded, decoded and must come back exact. Between
// frames the input may request a refresh, let a late joiner in (a server keyframe of the decoder's picture from a
// fresh encoder, then a refresh; the joiner must then show exactly what the first decoder shows), or request a
// refresh in the middle of progressive refinement. Catches encoder memory errors (ASan/UBSan) and any
// encoder/decoder disagreement (trap).
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include "codec/decoder.h"
#include "codec/encoder.h"

using namespace tessera::codec;

namespace {
struct Input {
  const uint8_t* p;
  size_t n, i = 0;
  uint8_t next() { return n ? p[i++ % n] : 0; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) return 0;
  Input in{data, size};
  const uint32_t width = 1 + in.next() % 96, height = 1 + in.next() % 72;
  const uint32_t frames = 1 + in.next() % 5;
  const uint8_t flags = in.next();
  const uint32_t pad = flags & 2 ? 12 : 0;
  const uint32_t stride = width * 4 + pad;
  const PixelFormat format = flags & 4 ? PixelFormat::BGRX : PixelFormat::RGBA;
  EncoderOptions options;
  options.maxMessageBytes = flags & 1 ? 64 + in.next() * 4 : 0;
  Encoder encoder(options);
  Decoder decoder, joiner;
  bool joined = false;
  std::vector<uint8_t> px(size_t(stride) * height), tmp, out;
  uint32_t palette[4];
  for (auto& c : palette) c = uint32_t(in.next()) << 16 | uint32_t(in.next()) << 8 | in.next();
  for (size_t k = 0; k < px.size(); ++k) px[k] = uint8_t(palette[(k / 4 / 7) & 3] >> ((k & 3) * 8));
  for (uint32_t f = 0; f < frames; ++f) {
    const uint32_t edits = in.next() % 6;
    for (uint32_t e = 0; e < edits; ++e) {
      const uint8_t op = in.next() % 4;
      const uint32_t x = in.next() % width, y = in.next() % height;
      const uint32_t w = 1 + in.next() % (width - x), h = 1 + in.next() % (height - y);
      const int32_t dx = int32_t(in.next() % 9) - 4, dy = int32_t(in.next() % 9) - 4;
      const uint32_t colour = palette[in.next() & 3];
      tmp = px;
      for (uint32_t yy = y; yy < y + h; ++yy)
        for (uint32_t xx = x; xx < x + w; ++xx) {
          uint8_t* d = &px[size_t(yy) * stride + xx * 4];
          if (op == 0) {
            memcpy(d, &colour, 4);
          } else if (op == 1 || op == 2) {  // moved block (op 2: vertical scroll only)
            const int64_t sx = op == 1 ? int64_t(xx) + dx : xx, sy = int64_t(yy) + dy;
            if (sx >= 0 && sy >= 0 && sx < width && sy < height) memcpy(d, &tmp[size_t(sy) * stride + sx * 4], 4);
          } else {
            d[0] = in.next();
            d[1] = in.next();
            d[2] = in.next();
          }
          d[3] = in.next();  // alpha / X byte: must be ignored
        }
    }
    const uint8_t control = in.next();
    if (control & 1) encoder.refresh();
    if ((control & 2) && decoder.ready()) {
      Encoder server;  // the server's keyframe for a late joiner: the relay decoder's picture, from a fresh encoder
      std::vector<uint8_t> key;
      if (!server.encode(decoder.rgba(), decoder.width(), decoder.height(), decoder.width() * 4, PixelFormat::RGBA, key))
        __builtin_trap();
      if (!joiner.decode(key.data(), key.size())) __builtin_trap();
      encoder.refresh();
      joined = true;
    }
    for (int guard = 0; encoder.encode(px.data(), width, height, stride, format, out); ++guard) {
      const EncodeStats& st = encoder.lastStats();
      if (st.refresh != (out[2] == kFlagRefresh) || (st.refresh && st.key)) __builtin_trap();
      if (!decoder.decode(out.data(), out.size()) || guard > 100000) __builtin_trap();
      if (joined) {
        if (!joiner.decode(out.data(), out.size())) __builtin_trap();
        if (memcmp(joiner.rgba(), decoder.rgba(), size_t(width) * height * 4) != 0) __builtin_trap();
      }
      if ((control & 4) && guard == 0) encoder.refresh();  // in the middle of progressive refinement
    }
    if (!encoder.isExact() || decoder.width() != width || decoder.height() != height) __builtin_trap();
    const uint8_t* shown = decoder.rgba();
    for (uint32_t yy = 0; yy < height; ++yy)
      for (uint32_t xx = 0; xx < width; ++xx) {
        const uint8_t* s = &px[size_t(yy) * stride + xx * 4];
        const uint8_t* d = shown + (size_t(yy) * width + xx) * 4;
        const uint8_t r = format == PixelFormat::RGBA ? s[0] : s[2], b = format == PixelFormat::RGBA ? s[2] : s[0];
        if (d[0] != r || d[1] != s[1] || d[2] != b || d[3] != 255) __builtin_trap();
      }
  }
  return 0;
}
