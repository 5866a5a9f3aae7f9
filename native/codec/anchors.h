// Reference encoders the benchmark compares against, measured on the same frames in the same run:
//  - "ZRLE-like": the 64x64 tiles whose bytes changed since the previous frame, raw RGB with a 4-byte tile header,
//    through ONE persistent zlib stream (level 6, 32 KB window), Z_SYNC_FLUSH per frame, 4-byte frame header.
//  - "zstd-like": the same byte stream through one persistent zstd level-3 stream, flushed per frame.
// Unchanged frames cost 0 bytes. Input frames are RGBA (4 bytes per pixel, rows width*4 apart).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tessera {
namespace codec {

class TileAnchor {
 public:
  enum class Kind { Zlib, Zstd };
  explicit TileAnchor(Kind kind);
  ~TileAnchor();
  TileAnchor(const TileAnchor&) = delete;
  TileAnchor& operator=(const TileAnchor&) = delete;
  // Bytes this frame costs (0 when nothing changed); -1 on error.
  long long push(const uint8_t* rgba, uint32_t width, uint32_t height);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace codec
}  // namespace tessera
