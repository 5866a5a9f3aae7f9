#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera {

// A frame as the capture layer hands it over: 4 bytes per pixel, rows `stride` bytes apart
// (stride >= width * 4; capture buffers are often padded).
struct FrameView {
  const uint8_t* data;
  uint32_t width;
  uint32_t height;
  uint32_t stride;
};

// Indices (row-major, tile = y / tileSize * tilesPerRow + x / tileSize) of the tiles whose pixels differ
// between two frames of the same size. Edge tiles are partial. Padding bytes past width*4 are ignored.
std::vector<uint32_t> changedTiles(const FrameView& previous, const FrameView& current, uint32_t tileSize);

}  // namespace tessera
