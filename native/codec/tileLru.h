// The tile cache's slot order, one copy for both sides: the encoder names cache slots in its messages, so its
// choice of slot for every new tile must be the decoder's choice, message after message. Slots fill in order, then
// the least recently used one is reused; a cache hit or merge makes a slot the most recent. The encoder keeps its
// content-hash map on top. Freestanding (plain arrays from malloc, no STL) for the WebAssembly decoder.
#pragma once
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/format.h"

namespace tessera {
namespace codec {

class TileLru {
 public:
  TileLru() = default;
  ~TileLru() { release(); }
  TileLru(const TileLru&) = delete;
  TileLru& operator=(const TileLru&) = delete;

  // Room for `slots` tiles (their pixels and their order), empty. False when out of memory.
  bool allocate(uint32_t slots) {
    release();
    pixels_ = static_cast<uint32_t*>(malloc(size_t(slots) * kTilePixels * 4));
    prev_ = static_cast<int32_t*>(malloc(size_t(slots) * sizeof(int32_t)));
    next_ = static_cast<int32_t*>(malloc(size_t(slots) * sizeof(int32_t)));
    if (!pixels_ || !prev_ || !next_) {
      release();
      return false;
    }
    slots_ = slots;
    clear();
    return true;
  }
  void release() {
    free(pixels_);
    free(prev_);
    free(next_);
    pixels_ = nullptr;
    prev_ = next_ = nullptr;
    slots_ = used_ = 0;
    head_ = tail_ = -1;
  }
  void clear() {
    used_ = 0;
    head_ = tail_ = -1;
  }

  uint32_t slots() const { return slots_; }
  uint32_t used() const { return used_; }
  uint32_t* tile(uint32_t slot) { return pixels_ + size_t(slot) * kTilePixels; }
  const uint32_t* tile(uint32_t slot) const { return pixels_ + size_t(slot) * kTilePixels; }

  void touch(uint32_t slot) {
    const int32_t s = int32_t(slot);
    if (head_ == s) return;
    const int32_t p = prev_[s], n = next_[s];
    if (p >= 0) next_[p] = n;
    if (n >= 0) prev_[n] = p;
    if (tail_ == s) tail_ = p;
    prev_[s] = -1;
    next_[s] = head_;
    if (head_ >= 0) prev_[head_] = s;
    head_ = s;
    if (tail_ < 0) tail_ = s;
  }

  // The slot for a new tile, now the most recent; `reused` says it held an older tile (the encoder forgets its hash).
  uint32_t insert(bool& reused) {
    reused = used_ >= slots_;
    if (reused) {
      const uint32_t slot = uint32_t(tail_);
      touch(slot);
      return slot;
    }
    const uint32_t slot = used_++;
    prev_[slot] = next_[slot] = -1;
    if (head_ < 0) {
      head_ = tail_ = int32_t(slot);
    } else {
      next_[slot] = head_;
      prev_[head_] = int32_t(slot);
      head_ = int32_t(slot);
    }
    return slot;
  }

  // Copies a 16x16 tile of a picture (rows `rowStride` pixels apart) into a slot, and back.
  void store(uint32_t slot, const uint32_t* from, size_t rowStride) {
    uint32_t* dst = tile(slot);
    for (uint32_t r = 0; r < kTile; ++r) memcpy(dst + r * kTile, from + r * rowStride, kTile * 4);
  }
  void load(uint32_t slot, uint32_t* to, size_t rowStride) const {
    const uint32_t* src = tile(slot);
    for (uint32_t r = 0; r < kTile; ++r) memcpy(to + r * rowStride, src + r * kTile, kTile * 4);
  }

 private:
  uint32_t* pixels_ = nullptr;
  int32_t* prev_ = nullptr;
  int32_t* next_ = nullptr;
  uint32_t slots_ = 0, used_ = 0;
  int32_t head_ = -1, tail_ = -1;
};

}  // namespace codec
}  // namespace tessera
