// The encoder's state and the helpers its parts share (encoder.cc: the pipeline; tileHash.cc, motion.cc,
// tileWriters.cc, preview.cc: its steps). Internal: included only by those files.
#pragma once
#include <zstd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "codec/encoder.h"
#include "codec/format.h"
#include "codec/tileLru.h"
#include "codec/varint.h"

namespace tessera {
namespace codec {

constexpr uint32_t kPixelMask = 0x00ffffffu;  // the 4th byte (X of BGRX, A of RGBA) is ignored
constexpr uint64_t kPairMask = 0x00ffffff00ffffffull;
constexpr uint64_t kPolyBase = 0x100000001b3ull * 0x9e3779b97f4a7c15ull | 1;
constexpr uint32_t kMotionMinTiles = 4;
constexpr uint32_t kMaxCandidates = 12;
constexpr uint32_t kMotionMargin = 64;
constexpr uint32_t kScanStep = 8;  // the motion scan visits every 8th row; anchors cover every row residue mod 8
constexpr uint32_t kResidueMask = (1u << kScanStep) - 1;
constexpr uint32_t kSaveAge = 2;      // a tile unchanged for this many frames is worth saving before it changes
constexpr uint32_t kMergeGain = 24;   // a merge must spare at least this many residual pixels
constexpr uint8_t kMaxAnchorHits = 3;  // an anchor row found more often than this is too common to vote

inline uint32_t microsSince(std::chrono::steady_clock::time_point& t) {
  const auto now = std::chrono::steady_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - t).count();
  t = now;
  return uint32_t(us);
}

inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t rotl(uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }
inline uint64_t mixLane(uint64_t lane, uint64_t word) { return rotl((lane ^ word) * 0x9fb21c651e98df25ull, 29); }
inline uint64_t finalMix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Masked equality of n pixels (no early exit, so the loop vectorizes).
inline bool pixelsEqual(const uint8_t* a, const uint8_t* b, uint32_t n) {
  uint32_t diff = 0;
  for (uint32_t i = 0; i < n; ++i) diff |= (load32(a + i * 4) ^ load32(b + i * 4));
  return (diff & kPixelMask) == 0;
}

struct CopyOp {
  uint32_t x, y, w, h;
  int32_t dx, dy;
};

struct OpenRect {
  uint32_t tx0, tx1, ty0, ty1;
  int8_t k;
};

struct Encoder::State {
  EncoderOptions opt;
  ZSTD_CCtx* zstd = nullptr;
  EncodeStats stats;

  bool epoch = false;
  bool refreshPending = false;  // the next message is a refresh (unless it is a key message)
  bool exact = false;
  bool refining = false;  // the picture still shows a preview somewhere (progressive refinement under way)
  uint32_t width = 0, height = 0, tilesX = 0, tilesY = 0;
  PixelFormat format = PixelFormat::BGRX;

  std::vector<uint32_t> picture;  // what the decoder shows, in the input's byte order (4th byte ignored)
  std::vector<uint64_t> pictureHash, frameHash;
  std::vector<uint8_t> tileFlags;  // 1 = changed, 2 = touched by a copy
  std::vector<uint32_t> changed;
  std::vector<uint32_t> lastChange;  // frame number of each tile's last change (saves need stable content)
  std::vector<int32_t> history;      // per tile: the last two cache slots saved from this position
  std::vector<uint32_t> saves;
  uint32_t frameNo = 0;
  uint32_t keptThisFrame = 0;

  // Tile cache: the decoder's LRU (tileLru.h), plus a map from content hash to slot that only the encoder needs.
  TileLru cache;
  std::vector<uint64_t> slotHash;
  std::vector<uint64_t> mapKeys;  // 0 = empty
  std::vector<int32_t> mapSlots;
  uint64_t mapMask = 0;

  // Message sections: A = structure, B = pixels.
  std::vector<uint8_t> a, b, comp;
  double rawPerByte = 2.5;  // observed payload bytes per compressed byte (for the per-message budget)

  // Motion search scratch.
  std::vector<uint64_t> anchorKeys;
  std::vector<uint32_t> anchorVals;
  std::vector<uint8_t> anchorHits;
  std::vector<uint64_t> bloom;
  std::vector<uint64_t> voteKeys;
  std::vector<uint32_t> voteCounts;
  std::vector<int8_t> tileVector;
  std::vector<CopyOp> copies, orderedCopies;
  std::vector<uint32_t> copyBlockers;
  std::vector<uint8_t> copyPlaced;
  std::vector<OpenRect> openRects;
  std::vector<int32_t> previewRows;

  // Per-tile scratch: canonical RGB of a rectangle with its context row and column.
  uint32_t rgb[(kTile + 1) * (kTile + 1)];

  // Frame being encoded.
  const uint8_t* frame = nullptr;
  uint32_t stride = 0;

  const uint8_t* framePixel(uint32_t x, uint32_t y) const { return frame + size_t(y) * stride + size_t(x) * 4; }
  uint32_t* picturePixel(uint32_t x, uint32_t y) { return picture.data() + size_t(y) * width + x; }

  uint32_t toRgb(uint32_t p) const {
    if (format == PixelFormat::RGBA) return p & kPixelMask;
    return ((p >> 16) & 255) | (p & 0xff00) | ((p & 255) << 16);
  }
  uint32_t fromRgb(uint32_t c) const {
    if (format == PixelFormat::RGBA) return c | 0xff000000u;
    return ((c & 255) << 16) | (c & 0xff00) | ((c >> 16) & 255);
  }

  void startEpoch(uint32_t w, uint32_t h, PixelFormat f);
  void clearCache();
  void resetZstd();
  uint64_t hashTile(const uint8_t* origin, size_t rowStride, uint32_t tw, uint32_t th) const;
  void hashFrame();
  void findMotion();
  void orderCopies();
  void applyCopy(const CopyOp& op);
  void encodePreview(uint32_t x, uint32_t y, uint32_t w, uint32_t h);
  bool encodeTile(uint32_t index);
  bool diffBox(uint32_t x0, uint32_t y0, uint32_t tw, uint32_t th, uint32_t box[4], uint32_t& count);
  void chooseSaves();
  // Which freshly coded tiles also go into the cache. Measured on the corpus: keeping key-frame tiles, merged
  // (window-edge) tiles, or the hundreds of tiles a moving window uncovers per frame crowds out the saved
  // wallpaper the window uncovers later (window-drag +18 %); keeping up to 256 per frame pays off elsewhere.
  static constexpr uint32_t kKeepPerFrame = 256;
  bool keepPolicy(uint8_t kind, bool full, bool merged) const {
    if (!opt.cache || stats.key || refining || merged || keptThisFrame >= kKeepPerFrame) return false;
    return !(kind == kKindSolid && full);
  }
  void recomputePictureHash(uint32_t index);
  int32_t cacheFind(uint64_t hash, const uint8_t* tile, size_t rowStride);
  int32_t cacheInsert(uint32_t index, uint64_t hash);
  void mapErase(uint64_t key, int32_t slot);
  void mapPut(uint64_t key, int32_t slot);
  // The pipeline's steps (encoder.cc), in the order Encoder::encode runs them.
  bool beginMessage(uint32_t w, uint32_t h, PixelFormat f);
  bool collectChanged(bool key);
  void writeSaves();
  bool wantsPreview(bool key, uint32_t box[4]);
  bool writePreview(bool key, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, std::vector<uint8_t>& out);
  void writeCopies();
  bool writeTiles(bool key);
  bool finish(bool key, std::vector<uint8_t>& out);
};

}  // namespace codec
}  // namespace tessera
