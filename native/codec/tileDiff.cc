#include "codec/tileDiff.h"

#include <cstring>

namespace tessera {

std::vector<uint32_t> changedTiles(const FrameView& previous, const FrameView& current, uint32_t tileSize) {
  std::vector<uint32_t> changed;
  if (tileSize == 0 || current.width == 0 || current.height == 0) return changed;
  const uint32_t tilesPerRow = (current.width + tileSize - 1) / tileSize;
  const uint32_t tileRows = (current.height + tileSize - 1) / tileSize;
  for (uint32_t ty = 0; ty < tileRows; ++ty) {
    const uint32_t y0 = ty * tileSize;
    const uint32_t y1 = y0 + tileSize < current.height ? y0 + tileSize : current.height;
    for (uint32_t tx = 0; tx < tilesPerRow; ++tx) {
      const uint32_t x0 = tx * tileSize;
      const uint32_t w = (x0 + tileSize < current.width ? tileSize : current.width - x0) * 4;
      // Row-wise memcmp stops at the first differing row: unchanged tiles (the common case) cost one pass.
      for (uint32_t y = y0; y < y1; ++y) {
        const uint8_t* a = previous.data + size_t(y) * previous.stride + size_t(x0) * 4;
        const uint8_t* b = current.data + size_t(y) * current.stride + size_t(x0) * 4;
        if (std::memcmp(a, b, w) != 0) {
          changed.push_back(ty * tilesPerRow + tx);
          break;
        }
      }
    }
  }
  return changed;
}

}  // namespace tessera
