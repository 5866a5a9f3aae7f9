// The decoder: applies update messages (FORMAT.md) to a picture. Plain, freestanding C++ (no STL, no exceptions):
// the same file runs natively (server: a current picture for late joiners and recordings) and as WebAssembly in
// the browser's Web Worker. Hostile input is expected: every read is bounds-checked, allocation is bounded by the
// declared picture size, and any malformed message returns false with a reason; the decoder then refuses
// non-key messages until the next key message (a new epoch).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "codec/format.h"
#include "codec/tileLru.h"
#include "codec/varint.h"

struct ZSTD_DCtx_s;

namespace tessera {
namespace codec {

class Decoder {
 public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Applies one message. True on success; false with error() set on malformed or unexpected input.
  bool decode(const uint8_t* message, size_t length);

  const char* error() const { return error_; }
  bool ready() const { return ready_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  // RGBA, A = 255, rows width*4 bytes apart. Valid until the next decode().
  const uint8_t* rgba() const { return reinterpret_cast<const uint8_t*>(picture_); }
  size_t memoryBytes() const;

 private:
  bool fail(const char* reason);
  bool startEpoch(uint32_t width, uint32_t height);
  bool resetContext();  // fresh zstd stream and empty tile cache (key and refresh messages)
  bool inflate(const uint8_t* data, size_t length, size_t rawLength);
  // The payload's sections in FORMAT.md's order, then one tile entry (dispatching on its kind).
  bool applyPayload(size_t rawLength);
  bool applySaves(ByteReader& a);
  bool applyCopies(ByteReader& a);
  bool applyPreview(ByteReader& a, ByteReader& b);
  bool applyTiles(ByteReader& a, ByteReader& b);
  bool applyTile(uint32_t index, ByteReader& a, ByteReader& b);
  void keepTile(const uint32_t* tile);  // copies a picture tile into the next cache slot
  void releaseAll();

  const char* error_ = nullptr;
  bool ready_ = false;
  uint32_t width_ = 0, height_ = 0, tilesX_ = 0, tilesY_ = 0;
  uint32_t* picture_ = nullptr;
  uint8_t* payload_ = nullptr;
  size_t payloadCapacity_ = 0;
  int32_t* previewRows_ = nullptr;  // two rows of the preview's low-resolution image (3 channels each)
  TileLru cache_;                   // the same slot decisions as the encoder's
  ZSTD_DCtx_s* zstd_ = nullptr;
};

}  // namespace codec
}  // namespace tessera
