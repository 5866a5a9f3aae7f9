// The encoder: turns captured frames into update messages (FORMAT.md). Plain C++17, no N-API.
//
// Per frame: 64-bit hashes of 16x16 tiles find what changed; motion (scrolling, moved windows) is found from the
// pixels by hash-matching blocks of the new frame against the previous picture and sent as copy operations;
// what remains is sent per tile as a reference into a tile cache shared with the decoder, or as the changed
// rectangle of the tile coded as solid / palette / MED-predicted pixels. All of it goes through one zstd stream
// per epoch, flushed per message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tessera {
namespace codec {

enum class PixelFormat : uint8_t { BGRX = 0, RGBA = 1 };

struct EncoderOptions {
  int zstdLevel = 9;
  int windowLog = 22;
  int hashLog = 20;  // zstd hash/chain table size (log2 entries), capped at 20
  // >0: progressive mode. A key picture first goes out as a coarse preview (<= ~40 kB at 1080p), and no message
  // carries much more than this many compressed bytes; the caller keeps calling encode() (with the same or a newer
  // frame) until it returns false and isExact() is true.
  size_t maxMessageBytes = 0;
  bool motion = true;
  bool cache = true;
};

struct EncodeStats {
  uint32_t changedTiles = 0;
  uint32_t copyOps = 0;
  uint32_t copiedTiles = 0;
  uint32_t cacheHits = 0;
  uint32_t codedTiles = 0;
  bool key = false;
  bool refresh = false;  // the message is a refresh (fresh zstd stream and empty cache; the picture stays)
  bool preview = false;
  size_t rawBytes = 0;
  // Where the time went (microseconds): hashing, saves, motion search, tile coding, zstd.
  uint32_t usHash = 0, usSaves = 0, usMotion = 0, usTiles = 0, usZstd = 0;
};

class Encoder {
 public:
  explicit Encoder(const EncoderOptions& options = EncoderOptions());
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Encodes one frame: `pixels` has `height` rows of `width` 4-byte pixels, rows `stride` bytes apart. Returns true
  // and fills `out` (reused buffer) with one message, or false when the decoder's picture already equals the frame.
  bool encode(const uint8_t* pixels, uint32_t width, uint32_t height, uint32_t stride, PixelFormat format,
              std::vector<uint8_t>& out);
  // Next message starts a new epoch (full picture, fresh entropy context and cache).
  void reset();
  // Next message is a refresh message: fresh entropy context and empty cache, diffed against the picture the
  // decoder already has; sent even when the frame is unchanged. A pending reset() (or a size/format change) wins:
  // the key message it makes resets everything anyway.
  void refresh();
  void setMaxMessageBytes(size_t bytes);
  // True when the decoder's picture equals the last frame given to encode().
  bool isExact() const;
  size_t memoryBytes() const;
  const EncodeStats& lastStats() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace codec
}  // namespace tessera
