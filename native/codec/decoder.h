// The decoder: applies update messages (FORMAT.md) to a picture. Plain, freestanding C++ (no STL, no exceptions):
// the same file runs natively (server: a current picture for late joiners and recordings) and as WebAssembly in
// the browser's Web Worker. Hostile input is expected: every read is bounds-checked, allocation is bounded by the
// declared picture size, and any malformed message returns false with a reason; the decoder then refuses
// non-key messages until the next key message (a new epoch).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "codec/format.h"

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
  struct Reader;
  bool fail(const char* reason);
  bool startEpoch(uint32_t width, uint32_t height);
  bool resetContext();  // fresh zstd stream and empty tile cache (key and refresh messages)
  bool inflate(const uint8_t* data, size_t length, size_t rawLength);
  bool applyPayload(size_t rawLength);
  bool applySaves(Reader& a);
  bool applyCopies(Reader& a);
  bool applyPreview(Reader& a, Reader& b);
  bool applyTiles(Reader& a, Reader& b);
  void cacheTouch(uint32_t slot);
  void cacheInsert(const uint32_t* tilePixels, uint32_t rowStride);  // copies a picture tile into the LRU slot
  void releaseAll();

  const char* error_ = nullptr;
  bool ready_ = false;
  uint32_t width_ = 0, height_ = 0, tilesX_ = 0, tilesY_ = 0;
  uint32_t* picture_ = nullptr;
  uint8_t* payload_ = nullptr;
  size_t payloadCapacity_ = 0;
  int32_t* previewRows_ = nullptr;  // two rows of the preview's low-resolution image (3 channels each)
  // Cache: `slots_` tiles of 16x16 pixels with a least-recently-used list (same decisions as the encoder).
  uint32_t* cachePixels_ = nullptr;
  int32_t* lruPrev_ = nullptr;
  int32_t* lruNext_ = nullptr;
  uint32_t slots_ = 0, used_ = 0;
  int32_t head_ = -1, tail_ = -1;
  ZSTD_DCtx_s* zstd_ = nullptr;
};

}  // namespace codec
}  // namespace tessera
