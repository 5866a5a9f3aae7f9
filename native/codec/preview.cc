// The coarse preview of a progressive picture: the finest scale and depth whose trial compression fits the budget.
#include <algorithm>

#include "codec/encoderState.h"

namespace tessera {
namespace codec {

void Encoder::State::encodePreview(uint32_t px, uint32_t py, uint32_t pw, uint32_t ph) {
  // Pick the finest preview whose trial compression fits the budget (~20 kB for a 1080p screen, proportionally
  // less for a smaller area).
  static const uint8_t choices[][2] = {{2, 6}, {2, 5}, {2, 4}, {3, 6}, {3, 5}, {3, 4}, {4, 4}, {5, 3}};
  const size_t budget = std::max<size_t>(2000, size_t(20000.0 * double(pw) * ph / (1920.0 * 1080.0)));
  std::vector<uint8_t>& trial = b;
  uint32_t scaleLog = 5, bits = 3;
  for (const auto& choice : choices) {
    const uint32_t sl = choice[0], q = choice[1];
    const uint32_t s = 1u << sl, m = (1u << q) - 1;
    const uint32_t lw = (pw + s - 1) >> sl, lh = (ph + s - 1) >> sl;
    trial.clear();
    int32_t* above = previewRows.data();
    int32_t* cur = previewRows.data() + size_t(width) * 3;
    for (uint32_t ly = 0; ly < lh; ++ly) {
      for (uint32_t lx = 0; lx < lw; ++lx) {
        const uint32_t bx = px + lx * s, by = py + ly * s;
        const uint32_t bw = std::min(s, px + pw - bx), bh = std::min(s, py + ph - by);
        uint32_t sum[3] = {0, 0, 0};
        for (uint32_t yy = 0; yy < bh; ++yy) {
          const uint8_t* f = framePixel(bx, by + yy);
          for (uint32_t xx = 0; xx < bw; ++xx) {
            const uint32_t c = toRgb(load32(f + xx * 4));
            sum[0] += c & 255;
            sum[1] += (c >> 8) & 255;
            sum[2] += (c >> 16) & 255;
          }
        }
        const uint32_t n = bw * bh;
        uint32_t out[3];
        for (int c = 0; c < 3; ++c) {
          const uint32_t avg = (sum[c] + n / 2) / n;
          const int32_t v = int32_t((avg * m + 127) / 255);
          const int32_t va = lx ? cur[(lx - 1) * 3 + c] : 0;
          const int32_t vb = ly ? above[lx * 3 + c] : 0;
          const int32_t vc = lx && ly ? above[(lx - 1) * 3 + c] : 0;
          trial.push_back(uint8_t((v - med(va, vb, vc)) & int32_t(m)));
          cur[lx * 3 + c] = v;
          out[c] = (uint32_t(v) * 255 + (m >> 1)) / m;
        }
        (void)out;
      }
      std::swap(above, cur);
    }
    scaleLog = sl;
    bits = q;
    const size_t estimate = ZSTD_compress(comp.data(), comp.size(), trial.data(), trial.size(), opt.zstdLevel);
    if (!ZSTD_isError(estimate) && estimate <= budget) break;
  }
  // `trial` (= b) now holds the chosen preview's residuals; paint the picture the way the decoder will.
  const uint32_t s = 1u << scaleLog, m = (1u << bits) - 1;
  const uint32_t lw = (pw + s - 1) >> scaleLog, lh = (ph + s - 1) >> scaleLog;
  int32_t* above = previewRows.data();
  int32_t* cur = previewRows.data() + size_t(width) * 3;
  const uint8_t* e = b.data();
  for (uint32_t ly = 0; ly < lh; ++ly) {
    for (uint32_t lx = 0; lx < lw; ++lx, e += 3) {
      uint32_t out[3];
      for (int c = 0; c < 3; ++c) {
        const int32_t va = lx ? cur[(lx - 1) * 3 + c] : 0;
        const int32_t vb = ly ? above[lx * 3 + c] : 0;
        const int32_t vc = lx && ly ? above[(lx - 1) * 3 + c] : 0;
        const int32_t v = (med(va, vb, vc) + e[c]) & int32_t(m);
        cur[lx * 3 + c] = v;
        out[c] = (uint32_t(v) * 255 + (m >> 1)) / m;
      }
      const uint32_t colour = fromRgb(out[0] | out[1] << 8 | out[2] << 16);
      const uint32_t bx = px + lx * s, by = py + ly * s;
      const uint32_t bw = std::min(s, px + pw - bx), bh = std::min(s, py + ph - by);
      for (uint32_t yy = 0; yy < bh; ++yy) {
        uint32_t* row = picturePixel(bx, by + yy);
        for (uint32_t xx = 0; xx < bw; ++xx) row[xx] = colour;
      }
    }
    std::swap(above, cur);
  }
  putVarint(a, 1);
  putVarint(a, px);
  putVarint(a, py);
  putVarint(a, pw);
  putVarint(a, ph);
  a.push_back(uint8_t(scaleLog));
  a.push_back(uint8_t(bits));
}


}  // namespace codec
}  // namespace tessera
