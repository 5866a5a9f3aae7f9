#include "codec/encoder.h"

#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "codec/format.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tessera {
namespace codec {

namespace {

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

// ---- full-tile hash ---------------------------------------------------------------------------------------------
// The hash of every 16x16 tile of every frame (change detection) is the one cost paid even when nothing moves, so
// full tiles use an xxh3-style accumulation that vectorizes: eight 64-bit lanes (one per 8 bytes of a row), each
// adding lo32(k) * hi32(k) for k = masked pixels ^ per-row secret, plus the pixels themselves rotated (so a zero
// factor loses nothing), then a 128-bit multiply fold and a final mix. On x86-64 it is compiled twice, for AVX2
// and for the baseline, and the loader picks one (same integer arithmetic, same result).
struct TileHashSecrets {
  uint64_t v[kTile][8];
};
constexpr TileHashSecrets makeTileHashSecrets() {
  TileHashSecrets s{};
  uint64_t x = 0x243f6a8885a308d3ull;
  for (uint32_t r = 0; r < kTile; ++r)
    for (uint32_t l = 0; l < 8; ++l) {  // splitmix64
      x += 0x9e3779b97f4a7c15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s.v[r][l] = z ^ (z >> 31);
    }
  return s;
}
constexpr TileHashSecrets kTileHashSecrets = makeTileHashSecrets();

inline uint64_t foldTileHash(const uint64_t acc[8]) {
  auto mum = [](uint64_t a, uint64_t b) {
    const unsigned __int128 m = (unsigned __int128)a * b;
    return uint64_t(m) ^ uint64_t(m >> 64);
  };
  const uint64_t h = mum(acc[0] ^ kTileHashSecrets.v[0][1], acc[1] ^ kTileHashSecrets.v[1][0]) +
                     mum(acc[2] ^ kTileHashSecrets.v[2][3], acc[3] ^ kTileHashSecrets.v[3][2]) +
                     mum(acc[4] ^ kTileHashSecrets.v[4][5], acc[5] ^ kTileHashSecrets.v[5][4]) +
                     mum(acc[6] ^ kTileHashSecrets.v[6][7], acc[7] ^ kTileHashSecrets.v[7][6]);
  return finalMix(h ^ (uint64_t(kTile) << 8 | kTile));
}
inline uint64_t tileHashSeed(uint32_t l) { return kTileHashSecrets.v[l][l] ^ 0x9fb21c651e98df25ull; }

// Portable version (the reference for the vector versions below).
uint64_t hashFullTileScalar(const uint8_t* origin, size_t rowStride) {
  uint64_t acc[8];
  for (uint32_t l = 0; l < 8; ++l) acc[l] = tileHashSeed(l);
  for (uint32_t r = 0; r < kTile; ++r) {
    const uint8_t* p = origin + r * rowStride;
    for (uint32_t l = 0; l < 8; ++l) {
      const uint64_t d = load64(p + l * 8) & kPairMask;
      const uint64_t k = d ^ kTileHashSecrets.v[r][l];
      acc[l] += uint64_t(uint32_t(k)) * uint32_t(k >> 32) + rotl(d, 32);
    }
  }
  return foldTileHash(acc);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TESSERA_X86_SIMD 1
// SSE2 (every x86-64): the same arithmetic on two lanes per register.
uint64_t hashFullTileSse2(const uint8_t* origin, size_t rowStride) {
  alignas(16) uint64_t acc[8];
  for (uint32_t l = 0; l < 8; ++l) acc[l] = tileHashSeed(l);
  __m128i a[4];
  for (int i = 0; i < 4; ++i) a[i] = _mm_load_si128(reinterpret_cast<const __m128i*>(acc + 2 * i));
  const __m128i mask = _mm_set1_epi64x(int64_t(kPairMask));
  for (uint32_t r = 0; r < kTile; ++r) {
    const uint8_t* p = origin + r * rowStride;
    for (int i = 0; i < 4; ++i) {
      const __m128i d = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)), mask);
      const __m128i k = _mm_xor_si128(d, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kTileHashSecrets.v[r][2 * i])));
      a[i] = _mm_add_epi64(a[i], _mm_add_epi64(_mm_mul_epu32(k, _mm_srli_epi64(k, 32)),
                                               _mm_shuffle_epi32(d, _MM_SHUFFLE(2, 3, 0, 1))));
    }
  }
  for (int i = 0; i < 4; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(acc + 2 * i), a[i]);
  return foldTileHash(acc);
}

__attribute__((target("avx2"))) uint64_t hashFullTileAvx2(const uint8_t* origin, size_t rowStride) {
  alignas(32) uint64_t acc[8];
  for (uint32_t l = 0; l < 8; ++l) acc[l] = tileHashSeed(l);
  __m256i a0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(acc));
  __m256i a1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(acc + 4));
  const __m256i mask = _mm256_set1_epi64x(int64_t(kPairMask));
  for (uint32_t r = 0; r < kTile; ++r) {
    const uint8_t* p = origin + r * rowStride;
    const __m256i d0 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), mask);
    const __m256i d1 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), mask);
    const __m256i k0 = _mm256_xor_si256(d0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&kTileHashSecrets.v[r][0])));
    const __m256i k1 = _mm256_xor_si256(d1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&kTileHashSecrets.v[r][4])));
    a0 = _mm256_add_epi64(a0, _mm256_add_epi64(_mm256_mul_epu32(k0, _mm256_srli_epi64(k0, 32)),
                                               _mm256_shuffle_epi32(d0, _MM_SHUFFLE(2, 3, 0, 1))));
    a1 = _mm256_add_epi64(a1, _mm256_add_epi64(_mm256_mul_epu32(k1, _mm256_srli_epi64(k1, 32)),
                                               _mm256_shuffle_epi32(d1, _MM_SHUFFLE(2, 3, 0, 1))));
  }
  _mm256_store_si256(reinterpret_cast<__m256i*>(acc), a0);
  _mm256_store_si256(reinterpret_cast<__m256i*>(acc + 4), a1);
  return foldTileHash(acc);
}
#endif

using TileHashFn = uint64_t (*)(const uint8_t*, size_t);
// Chosen once per process (the CPU does not change), so every hash in a stream comes from the same code; all three
// compute the same value anyway.
TileHashFn pickTileHash() {
#ifdef TESSERA_X86_SIMD
  if (std::getenv("TESSERA_CODEC_NO_SIMD")) return hashFullTileScalar;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? hashFullTileAvx2 : hashFullTileSse2;
#else
  return hashFullTileScalar;
#endif
}
const TileHashFn hashFullTile = pickTileHash();

void putVarint(std::vector<uint8_t>& v, uint32_t x) {
  while (x >= 0x80) {
    v.push_back(uint8_t(x | 0x80));
    x >>= 7;
  }
  v.push_back(uint8_t(x));
}
void putSvarint(std::vector<uint8_t>& v, int32_t x) { putVarint(v, (uint32_t(x) << 1) ^ uint32_t(x >> 31)); }

struct CopyOp {
  uint32_t x, y, w, h;
  int32_t dx, dy;
};

struct OpenRect {
  uint32_t tx0, tx1, ty0, ty1;
  int8_t k;
};

}  // namespace

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

  // Tile cache, mirrored by the decoder: LRU over `slots` tiles; `map` finds a slot by content hash.
  uint32_t slots = 0, used = 0;
  int32_t head = -1, tail = -1;
  std::vector<uint32_t> cachePixels;
  std::vector<uint64_t> slotHash;
  std::vector<int32_t> lruPrev, lruNext;
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
  void cacheTouch(int32_t slot);
  int32_t cacheInsert(uint32_t index, uint64_t hash);
  void mapErase(uint64_t key, int32_t slot);
  void mapPut(uint64_t key, int32_t slot);
  bool finish(bool key, std::vector<uint8_t>& out);
};

Encoder::Encoder(const EncoderOptions& options) : s_(new State) {
  s_->opt = options;
  s_->zstd = ZSTD_createCCtx();
}

Encoder::~Encoder() {
  if (s_->zstd) ZSTD_freeCCtx(s_->zstd);
}

void Encoder::reset() { s_->epoch = false; }
void Encoder::refresh() { s_->refreshPending = true; }
void Encoder::setMaxMessageBytes(size_t bytes) { s_->opt.maxMessageBytes = bytes; }
bool Encoder::isExact() const { return s_->epoch && s_->exact; }
const EncodeStats& Encoder::lastStats() const { return s_->stats; }

size_t Encoder::memoryBytes() const {
  const State& s = *s_;
  size_t n = sizeof(State);
  n += s.picture.capacity() * 4 + (s.pictureHash.capacity() + s.frameHash.capacity()) * 8 + s.tileFlags.capacity();
  n += s.changed.capacity() * 4 + s.cachePixels.capacity() * 4 + s.slotHash.capacity() * 8;
  n += (s.lruPrev.capacity() + s.lruNext.capacity()) * 4 + s.mapKeys.capacity() * 8 + s.mapSlots.capacity() * 4;
  n += s.a.capacity() + s.b.capacity() + s.comp.capacity();
  n += (s.anchorKeys.capacity() + s.bloom.capacity() + s.voteKeys.capacity()) * 8;
  n += (s.anchorVals.capacity() + s.voteCounts.capacity()) * 4 + s.tileVector.capacity();
  n += (s.copies.capacity() + s.orderedCopies.capacity()) * sizeof(CopyOp) + s.previewRows.capacity() * 4;
  n += s.copyBlockers.capacity() * 4 + s.copyPlaced.capacity();
  if (s.zstd) n += ZSTD_sizeof_CCtx(s.zstd);
  return n;
}

void Encoder::State::startEpoch(uint32_t w, uint32_t h, PixelFormat f) {
  if (w != width || h != height || picture.empty()) {
    width = w;
    height = h;
    tilesX = (w + kTile - 1) / kTile;
    tilesY = (h + kTile - 1) / kTile;
    const size_t tiles = size_t(tilesX) * tilesY;
    picture.assign(size_t(w) * h, 0);
    picture.shrink_to_fit();
    pictureHash.assign(tiles, 0);
    frameHash.assign(tiles, 0);
    tileFlags.assign(tiles, 0);
    lastChange.assign(tiles, 0);
    history.assign(tiles * 2, -1);
    saves.reserve(tiles);
    changed.clear();
    changed.reserve(tiles);
    tileVector.assign(tiles, -1);
    slots = cacheSlotsFor(w, h);
    cachePixels.assign(size_t(slots) * kTilePixels, 0);
    slotHash.assign(slots, 0);
    lruPrev.assign(slots, -1);
    lruNext.assign(slots, -1);
    size_t mapSize = 1;
    while (mapSize < size_t(slots) * 2) mapSize <<= 1;
    mapKeys.assign(mapSize, 0);
    mapSlots.assign(mapSize, -1);
    mapMask = mapSize - 1;
    size_t anchorSize = 1;
    while (anchorSize < tiles * kScanStep * 2 || anchorSize < 64) anchorSize <<= 1;
    anchorKeys.assign(anchorSize, 0);
    anchorVals.assign(anchorSize, 0);
    anchorHits.assign(anchorSize, 0);
    bloom.assign(1024, 0);
    voteKeys.assign(16384, 0);
    voteCounts.assign(16384, 0);
    copies.reserve(kMaxCopies);
    previewRows.assign(size_t(w) * 6 + 16, 0);
  } else {
    std::fill(lastChange.begin(), lastChange.end(), 0);
    std::fill(picture.begin(), picture.end(), 0);
    clearCache();
  }
  format = f;
  used = 0;
  head = tail = -1;
  epoch = true;
  exact = false;
  refining = false;
  refreshPending = false;  // the key message resets everything a refresh would
  resetZstd();
}

// Empty cache, as the decoder's after a key or refresh message (slots, LRU, hash map, per-position history).
void Encoder::State::clearCache() {
  std::fill(history.begin(), history.end(), -1);
  std::fill(mapKeys.begin(), mapKeys.end(), 0);
  std::fill(mapSlots.begin(), mapSlots.end(), -1);
  used = 0;
  head = tail = -1;
}

void Encoder::State::resetZstd() {
  ZSTD_CCtx_reset(zstd, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_compressionLevel, opt.zstdLevel);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_windowLog, std::min(opt.windowLog, kWindowLogMax));
  // Level 9's search with its hash and chain tables capped at 2^20 entries (4 MB each) keeps the encoder under
  // 64 MB at 1080p; measured: 10-20 % smaller than level 3 for ~1 ms more on large updates.
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_hashLog, std::min(opt.hashLog, 20));
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_chainLog, std::min(opt.hashLog, 20));
  // Measured on the corpus: minimum match 6 and 64 search attempts (searchLog 6) are 5 % smaller than level 9's
  // defaults (pixel rows repeat in long runs; short matches cost more than the literals they replace).
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_minMatch, 6);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_searchLog, 6);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(zstd, ZSTD_c_contentSizeFlag, 0);
}

// 64-bit tile hash. Full-width rows: 16 bytes per 64x64->128-bit multiply, folded (as in xxh3), accumulated with a
// rotation so row order matters. The secrets' 4th and 8th bytes are non-zero while the masked pixel words have
// zeros there, so a multiplicand is never zero (a zero factor would hide the other word).
uint64_t Encoder::State::hashTile(const uint8_t* origin, size_t rowStride, uint32_t tw, uint32_t th) const {
  constexpr uint64_t s0 = 0xbe4ba423396cfeb8ull, s1 = 0x1cad21f72c81017cull, s2 = 0xdb979083e96dd4deull,
                     s3 = 0x1f67b3b7a4a44072ull, s4 = 0x78e5c0cc4ee679cbull, s5 = 0x2172ffcc7dd05a82ull,
                     s6 = 0x8e2443f7744608b8ull, s7 = 0x4c263a81e69035e0ull;
  auto mum = [](uint64_t a, uint64_t b) {
    const unsigned __int128 p = (unsigned __int128)a * b;
    return uint64_t(p) ^ uint64_t(p >> 64);
  };
  if (tw == kTile && th == kTile) return hashFullTile(origin, rowStride);
  uint64_t l0 = 0x243f6a8885a308d3ull, l1 = 0x13198a2e03707344ull;
  for (uint32_t r = 0; r < th; ++r) {
    const uint8_t* p = origin + r * rowStride;
    if (tw == kTile) {
      l0 = rotl(l0, 17) + mum((load64(p) & kPairMask) ^ s0, (load64(p + 8) & kPairMask) ^ s1) +
           mum((load64(p + 16) & kPairMask) ^ s2, (load64(p + 24) & kPairMask) ^ s3);
      l1 = rotl(l1, 23) + mum((load64(p + 32) & kPairMask) ^ s4, (load64(p + 40) & kPairMask) ^ s5) +
           mum((load64(p + 48) & kPairMask) ^ s6, (load64(p + 56) & kPairMask) ^ s7);
    } else {
      for (uint32_t x = 0; x < tw; ++x) l0 = mixLane(l0, load32(p + x * 4) & kPixelMask);
      l1 = mixLane(l1, r);
    }
  }
  return finalMix(l0 ^ rotl(l1, 32) ^ (uint64_t(tw) << 8 | th));
}

void Encoder::State::hashFrame() {
  for (uint32_t ty = 0; ty < tilesY; ++ty) {
    const uint32_t y0 = ty * kTile, th = std::min(kTile, height - y0);
    for (uint32_t tx = 0; tx < tilesX; ++tx) {
      const uint32_t x0 = tx * kTile, tw = std::min(kTile, width - x0);
      frameHash[size_t(ty) * tilesX + tx] = hashTile(framePixel(x0, y0), stride, tw, th);
    }
  }
}

void Encoder::State::recomputePictureHash(uint32_t index) {
  const uint32_t tx = index % tilesX, ty = index / tilesX;
  const uint32_t x0 = tx * kTile, y0 = ty * kTile;
  pictureHash[index] = hashTile(reinterpret_cast<const uint8_t*>(picturePixel(x0, y0)), size_t(width) * 4,
                                std::min(kTile, width - x0), std::min(kTile, height - y0));
}

// ---- cache -----------------------------------------------------------------------------------------------------

void Encoder::State::mapPut(uint64_t key, int32_t slot) {
  key |= 1;  // 0 marks an empty bucket
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  mapKeys[i] = key;
  mapSlots[i] = slot;
}

void Encoder::State::mapErase(uint64_t key, int32_t slot) {
  key |= 1;
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  if (mapKeys[i] == 0 || mapSlots[i] != slot) return;
  // Backward-shift deletion keeps linear probing chains intact.
  size_t hole = i;
  for (size_t j = (i + 1) & mapMask; mapKeys[j] != 0; j = (j + 1) & mapMask) {
    const size_t home = size_t(finalMix(mapKeys[j])) & mapMask;
    if (((j - home) & mapMask) >= ((j - hole) & mapMask)) {
      mapKeys[hole] = mapKeys[j];
      mapSlots[hole] = mapSlots[j];
      hole = j;
    }
  }
  mapKeys[hole] = 0;
  mapSlots[hole] = -1;
}

int32_t Encoder::State::cacheFind(uint64_t hash, const uint8_t* tile, size_t rowStride) {
  const uint64_t key = hash | 1;
  size_t i = size_t(finalMix(key)) & mapMask;
  while (mapKeys[i] != 0 && mapKeys[i] != key) i = (i + 1) & mapMask;
  if (mapKeys[i] == 0) return -1;
  const int32_t slot = mapSlots[i];
  const uint8_t* cached = reinterpret_cast<const uint8_t*>(cachePixels.data() + size_t(slot) * kTilePixels);
  for (uint32_t r = 0; r < kTile; ++r)
    if (!pixelsEqual(cached + r * kTile * 4, tile + r * rowStride, kTile)) return -1;  // hash collision
  return slot;
}

void Encoder::State::cacheTouch(int32_t s) {
  if (head == s) return;
  const int32_t p = lruPrev[s], n = lruNext[s];
  if (p >= 0) lruNext[p] = n;
  if (n >= 0) lruPrev[n] = p;
  if (tail == s) tail = p;
  lruPrev[s] = -1;
  lruNext[s] = head;
  if (head >= 0) lruPrev[head] = s;
  head = s;
  if (tail < 0) tail = s;
}

// Mirrors Decoder::cacheInsert exactly (same slot choice), plus the hash map.
int32_t Encoder::State::cacheInsert(uint32_t index, uint64_t hash) {
  int32_t slot;
  if (used < slots) {
    slot = int32_t(used++);
    lruPrev[slot] = lruNext[slot] = -1;
    if (head < 0) {
      head = tail = slot;
    } else {
      lruNext[slot] = head;
      lruPrev[head] = slot;
      head = slot;
    }
  } else {
    slot = tail;
    cacheTouch(slot);
    mapErase(slotHash[slot], slot);
  }
  const uint32_t x0 = (index % tilesX) * kTile, y0 = (index / tilesX) * kTile;
  uint32_t* dst = cachePixels.data() + size_t(slot) * kTilePixels;
  for (uint32_t r = 0; r < kTile; ++r) std::memcpy(dst + r * kTile, picturePixel(x0, y0 + r), kTile * 4);
  slotHash[slot] = hash;
  mapPut(hash, slot);
  return slot;
}

// ---- motion ----------------------------------------------------------------------------------------------------

// Applies a copy to the picture exactly as the decoder does (rows ordered so overlap is safe).
void Encoder::State::applyCopy(const CopyOp& op) {
  const bool upward = op.dy > 0;
  for (uint32_t r = 0; r < op.h; ++r) {
    const uint32_t row = upward ? r : op.h - 1 - r;
    std::memmove(picturePixel(op.x, op.y + row), picturePixel(op.x + op.dx, op.y + row + op.dy), size_t(op.w) * 4);
  }
  const uint32_t tx0 = op.x / kTile, tx1 = (op.x + op.w - 1) / kTile;
  const uint32_t ty0 = op.y / kTile, ty1 = (op.y + op.h - 1) / kTile;
  for (uint32_t ty = ty0; ty <= ty1; ++ty)
    for (uint32_t tx = tx0; tx <= tx1; ++tx) tileFlags[size_t(ty) * tilesX + tx] |= 2;
}

// Finds blocks of the new frame that are the previous picture moved by some vector: rows of changed tiles are
// hashed (polynomial over 16 pixels), the previous picture is scanned with the same rolling hash, and each hit
// votes for a vector. The best vectors are verified tile by tile and grouped into copy rectangles.
void Encoder::State::findMotion() {
  copies.clear();
  if (changed.size() < kMotionMinTiles || width < kTile * 2) return;
  uint64_t pow15 = 1;
  for (int i = 0; i < 15; ++i) pow15 *= kPolyBase;

  std::fill(bloom.begin(), bloom.end(), 0);
  // The anchor table is sized for this frame (small tables stay in cache).
  size_t tableSize = 64;
  while (tableSize < changed.size() * kScanStep * 2 && tableSize < anchorKeys.size()) tableSize <<= 1;
  if (tableSize > anchorKeys.size()) tableSize = anchorKeys.size();
  const size_t amask = tableSize - 1;
  size_t anchors = 0;
  uint32_t bx0 = width, by0 = height, bx1 = 0, by1 = 0;
  for (uint32_t index : changed) {
    const uint32_t tx = index % tilesX, ty = index / tilesX;
    const uint32_t x0 = tx * kTile, y0 = ty * kTile;
    bx0 = std::min(bx0, x0);
    by0 = std::min(by0, y0);
    bx1 = std::max(bx1, std::min(width, x0 + kTile));
    by1 = std::max(by1, std::min(height, y0 + kTile));
    if (x0 + kTile > width || y0 + kTile > height) continue;
    // Anchors: up to eight rows of the tile that are not a single colour (uniform rows match everywhere), one for
    // each row residue mod 8. The scan below visits only every 8th row of the previous picture: for any vertical
    // offset one anchor row of each tile lands on a scanned row, so each moved tile still votes, at 1/8 of the cost.
    uint32_t covered = 0;
    for (uint32_t r = 0; r < kTile && covered != kResidueMask; ++r) {
      if (covered >> (r & (kScanStep - 1)) & 1) continue;
      const uint8_t* p = framePixel(x0, y0 + r);
      const uint32_t first = load32(p) & kPixelMask;
      bool uniform = true;
      for (uint32_t x = 1; x < kTile && uniform; ++x) uniform = (load32(p + x * 4) & kPixelMask) == first;
      if (uniform) continue;
      covered |= 1u << (r & (kScanStep - 1));
      uint64_t h = 0;
      for (uint32_t x = 0; x < kTile; ++x) h = h * kPolyBase + (load32(p + x * 4) & kPixelMask);
      const uint64_t key = h | 1;
      size_t i = size_t(finalMix(key)) & amask;
      while (anchorKeys[i] != 0 && anchorKeys[i] != key) i = (i + 1) & amask;
      if (anchorKeys[i] == 0 && anchors * 2 < amask) {
        anchorKeys[i] = key;
        anchorVals[i] = index << 4 | r;
        const uint64_t bit = key >> 48;
        bloom[bit >> 6] |= 1ull << (bit & 63);
        ++anchors;
      }
    }
  }
  if (anchors < 2) {
    std::fill(anchorKeys.begin(), anchorKeys.begin() + tableSize, 0);
    return;
  }

  // Scan the previous picture around the changed area.
  const uint32_t rx0 = bx0 > kMotionMargin ? bx0 - kMotionMargin : 0;
  const uint32_t ry0 = by0 > kMotionMargin ? by0 - kMotionMargin : 0;
  const uint32_t rx1 = std::min(width, bx1 + kMotionMargin), ry1 = std::min(height, by1 + kMotionMargin);
  std::fill(voteKeys.begin(), voteKeys.end(), 0);
  const size_t vmask = voteKeys.size() - 1;
  size_t distinctVotes = 0;
  if (rx1 - rx0 >= kTile) {
    for (uint32_t y = (ry0 + kScanStep - 1) & ~(kScanStep - 1); y < ry1; y += kScanStep) {
      const uint32_t* row = picture.data() + size_t(y) * width;
      uint64_t h = 0;
      for (uint32_t x = rx0; x < rx0 + kTile; ++x) h = h * kPolyBase + (row[x] & kPixelMask);
      for (uint32_t x = rx0;; ++x) {
        const uint64_t key = h | 1;
        const uint64_t bit = key >> 48;
        if (bloom[bit >> 6] >> (bit & 63) & 1) {
          size_t i = size_t(finalMix(key)) & amask;
          while (anchorKeys[i] != 0 && anchorKeys[i] != key) i = (i + 1) & amask;
          if (anchorKeys[i] != 0 && anchorHits[i] < kMaxAnchorHits) {
            ++anchorHits[i];
            const uint32_t index = anchorVals[i] >> 4, r = anchorVals[i] & 15;
            const int32_t dx = int32_t(x) - int32_t((index % tilesX) * kTile);
            const int32_t dy = int32_t(y) - int32_t((index / tilesX) * kTile + r);
            if (dx != 0 || dy != 0) {
              const uint64_t vkey = (uint64_t(uint32_t(dx + 65536)) << 32 | uint32_t(dy + 65536)) + 1;
              size_t v = size_t(finalMix(vkey)) & vmask;
              while (voteKeys[v] != 0 && voteKeys[v] != vkey) v = (v + 1) & vmask;
              if (voteKeys[v] == vkey) {
                ++voteCounts[v];
              } else if (distinctVotes < voteKeys.size() / 2) {
                voteKeys[v] = vkey;
                voteCounts[v] = 1;
                ++distinctVotes;
              }
            }
          }
        }
        if (x + kTile >= rx1) break;
        h = (h - (row[x] & kPixelMask) * pow15) * kPolyBase + (row[x + kTile] & kPixelMask);
      }
    }
  }
  std::fill(anchorKeys.begin(), anchorKeys.begin() + tableSize, 0);
  std::fill(anchorHits.begin(), anchorHits.begin() + tableSize, 0);
  if (distinctVotes == 0) return;

  // Best vectors by votes.
  int32_t candDx[kMaxCandidates], candDy[kMaxCandidates];
  uint32_t candVotes[kMaxCandidates];
  uint32_t candidates = 0;
  for (size_t v = 0; v < voteKeys.size(); ++v) {
    if (voteKeys[v] == 0 || voteCounts[v] < 2) continue;
    const uint32_t votes = voteCounts[v];
    uint32_t pos = candidates < kMaxCandidates ? candidates++ : kMaxCandidates;
    if (pos == kMaxCandidates) {
      if (votes <= candVotes[kMaxCandidates - 1]) continue;
      pos = kMaxCandidates - 1;
    }
    while (pos > 0 && candVotes[pos - 1] < votes) {
      candVotes[pos] = candVotes[pos - 1];
      candDx[pos] = candDx[pos - 1];
      candDy[pos] = candDy[pos - 1];
      --pos;
    }
    const uint64_t key = voteKeys[v] - 1;
    candVotes[pos] = votes;
    candDx[pos] = int32_t(key >> 32) - 65536;
    candDy[pos] = int32_t(key & 0xffffffffu) - 65536;
  }
  if (candidates == 0) return;

  // Verify: a changed tile moves with the first candidate vector under which it equals the previous picture.
  uint32_t matched = 0;
  for (uint32_t index : changed) {
    tileVector[index] = -1;
    const uint32_t x0 = (index % tilesX) * kTile, y0 = (index / tilesX) * kTile;
    if (x0 + kTile > width || y0 + kTile > height) continue;
    for (uint32_t k = 0; k < candidates; ++k) {
      const int64_t sx = int64_t(x0) + candDx[k], sy = int64_t(y0) + candDy[k];
      if (sx < 0 || sy < 0 || sx + kTile > width || sy + kTile > height) continue;
      bool same = true;
      for (uint32_t r = 0; r < kTile && same; ++r)
        same = pixelsEqual(framePixel(x0, y0 + r),
                           reinterpret_cast<const uint8_t*>(picturePixel(uint32_t(sx), uint32_t(sy + r))), kTile);
      if (same) {
        tileVector[index] = int8_t(k);
        ++matched;
        break;
      }
    }
  }
  if (matched == 0) return;

  // Group matched tiles into rectangles: horizontal runs, merged downwards when a run has the same columns.
  std::vector<OpenRect>& open = openRects;
  open.clear();
  for (uint32_t ty = 0; ty < tilesY; ++ty) {
    for (uint32_t tx = 0; tx < tilesX;) {
      const int8_t k = tileVector[size_t(ty) * tilesX + tx];
      if (k < 0 || !(tileFlags[size_t(ty) * tilesX + tx] & 1)) {
        ++tx;
        continue;
      }
      uint32_t end = tx + 1;
      while (end < tilesX && (tileFlags[size_t(ty) * tilesX + end] & 1) && tileVector[size_t(ty) * tilesX + end] == k)
        ++end;
      bool merged = false;
      for (OpenRect& o : open) {
        if (o.k == k && o.tx0 == tx && o.tx1 == end && o.ty1 == ty) {
          o.ty1 = ty + 1;
          merged = true;
          break;
        }
      }
      if (!merged && open.size() < kMaxCopies) open.push_back({tx, end, ty, ty + 1, k});
      tx = end;
    }
  }
  for (uint32_t index : changed) tileVector[index] = -1;

  // Widen each rectangle pixel by pixel while the moved content still matches (partial tiles at window edges).
  auto columnMatches = [&](uint32_t x, uint32_t y0, uint32_t y1, int32_t dx, int32_t dy) {
    const int64_t sx = int64_t(x) + dx;
    if (sx < 0 || sx >= width || int64_t(y0) + dy < 0 || int64_t(y1) + dy > height) return false;
    for (uint32_t y = y0; y < y1; ++y)
      if (((load32(framePixel(x, y)) ^ *picturePixel(uint32_t(sx), uint32_t(y + dy))) & kPixelMask) != 0) return false;
    return true;
  };
  auto rowMatches = [&](uint32_t y, uint32_t x0, uint32_t x1, int32_t dx, int32_t dy) {
    const int64_t sy = int64_t(y) + dy;
    if (sy < 0 || sy >= height || int64_t(x0) + dx < 0 || int64_t(x1) + dx > width) return false;
    return pixelsEqual(framePixel(x0, y), reinterpret_cast<const uint8_t*>(picturePixel(uint32_t(x0 + dx), uint32_t(sy))),
                       x1 - x0);
  };
  for (const OpenRect& o : open) {
    const uint32_t x0 = o.tx0 * kTile, x1 = std::min(width, o.tx1 * kTile);
    const uint32_t y0 = o.ty0 * kTile, y1 = std::min(height, o.ty1 * kTile);
    copies.push_back({x0, y0, x1 - x0, y1 - y0, candDx[o.k], candDy[o.k]});
  }
  // Widening stops at the other rectangles: copies are applied one after the other, each reading the picture as
  // the earlier ones left it, so two overlapping destinations would shift the overlap twice (measured: on a dragged
  // window such overlaps spoiled a tile row per text line, hundreds of tiles recoded per frame).
  const size_t n = copies.size();
  for (size_t i = 0; i < n; ++i) {
    CopyOp& c = copies[i];
    const int32_t dx = c.dx, dy = c.dy;
    uint32_t x0 = c.x, x1 = c.x + c.w, y0 = c.y, y1 = c.y + c.h;
    // How far each side may move before it meets another rectangle (rows [y0, y1) for the sides, then the widened
    // columns [x0, x1) for top and bottom).
    uint32_t left = x0 > kTile - 1 ? x0 - (kTile - 1) : 0, right = std::min(width, x1 + kTile - 1);
    for (size_t j = 0; j < n; ++j) {
      const CopyOp& o = copies[j];
      if (j == i || o.y >= y1 || o.y + o.h <= y0) continue;
      if (o.x + o.w <= x0) left = std::max(left, o.x + o.w);
      if (o.x >= x1) right = std::min(right, o.x);
    }
    while (x0 > left && columnMatches(x0 - 1, y0, y1, dx, dy)) --x0;
    while (x1 < right && columnMatches(x1, y0, y1, dx, dy)) ++x1;
    uint32_t top = y0 > kTile - 1 ? y0 - (kTile - 1) : 0, bottom = std::min(height, y1 + kTile - 1);
    for (size_t j = 0; j < n; ++j) {
      const CopyOp& o = copies[j];
      if (j == i || o.x >= x1 || o.x + o.w <= x0) continue;
      if (o.y + o.h <= y0) top = std::max(top, o.y + o.h);
      if (o.y >= y1) bottom = std::min(bottom, o.y);
    }
    while (y0 > top && rowMatches(y0 - 1, x0, x1, dx, dy)) --y0;
    while (y1 < bottom && rowMatches(y1, x0, x1, dx, dy)) ++y1;
    c = {x0, y0, x1 - x0, y1 - y0, dx, dy};
  }
  orderCopies();
}

// Orders the copies so that none reads pixels an earlier one already overwrote: a copy whose source overlaps
// another's destination goes first (Kahn's algorithm over "reads from"; raster order among the free ones). A
// cycle, or too many copies to check pairwise, keeps the remaining ones in raster order: the tiles they spoil are
// then coded like any other change, so the picture is exact either way.
void Encoder::State::orderCopies() {
  const size_t n = copies.size();
  if (n < 2 || n > 512) return;
  auto readsFrom = [&](const CopyOp& reader, const CopyOp& writer) {
    const int64_t sx = int64_t(reader.x) + reader.dx, sy = int64_t(reader.y) + reader.dy;
    return sx < int64_t(writer.x) + writer.w && int64_t(writer.x) < sx + reader.w &&
           sy < int64_t(writer.y) + writer.h && int64_t(writer.y) < sy + reader.h;
  };
  // blockers[k]: how many unplaced copies read from k's destination (k must wait for them).
  copyBlockers.assign(n, 0);
  bool any = false;
  for (size_t k = 0; k < n; ++k)
    for (size_t j = 0; j < n; ++j)
      if (j != k && readsFrom(copies[j], copies[k])) {
        ++copyBlockers[k];
        any = true;
      }
  if (!any) return;
  orderedCopies.clear();
  copyPlaced.assign(n, 0);
  for (size_t step = 0; step < n; ++step) {
    size_t pick = n;
    for (size_t k = 0; k < n && pick == n; ++k)
      if (!copyPlaced[k] && copyBlockers[k] == 0) pick = k;
    for (size_t k = 0; k < n && pick == n; ++k)  // a cycle: take the first one left
      if (!copyPlaced[k]) pick = k;
    copyPlaced[pick] = 1;
    orderedCopies.push_back(copies[pick]);
    for (size_t k = 0; k < n; ++k)
      if (!copyPlaced[k] && copyBlockers[k] > 0 && readsFrom(copies[pick], copies[k])) --copyBlockers[k];
  }
  copies.swap(orderedCopies);
}

// ---- tiles -----------------------------------------------------------------------------------------------------

// Rectangle of pixels (tile-relative) where the frame differs from the picture, and how many differ.
bool Encoder::State::diffBox(uint32_t x0, uint32_t y0, uint32_t tw, uint32_t th, uint32_t box[4], uint32_t& count) {
  box[0] = tw;
  box[1] = th;
  box[2] = box[3] = 0;
  count = 0;
  for (uint32_t r = 0; r < th; ++r) {
    const uint8_t* f = framePixel(x0, y0 + r);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(picturePixel(x0, y0 + r));
    if (pixelsEqual(f, p, tw)) continue;
    if (r < box[1]) box[1] = r;
    box[3] = r + 1;
    for (uint32_t x = 0; x < tw; ++x) {
      if (((load32(f + x * 4) ^ load32(p + x * 4)) & kPixelMask) == 0) continue;
      ++count;
      if (x < box[0]) box[0] = x;
      if (x + 1 > box[2]) box[2] = x + 1;
    }
  }
  return count != 0;
}

// Saves (into the cache) the tiles about to change whose content was stable: it may come back later.
void Encoder::State::chooseSaves() {
  saves.clear();
  for (uint32_t index : changed) {
    const uint32_t tx = index % tilesX, ty = index / tilesX;
    if ((tx + 1) * kTile > width || (ty + 1) * kTile > height) continue;
    if (frameNo - lastChange[index] < kSaveAge) continue;
    const uint32_t* tile = picturePixel(tx * kTile, ty * kTile);
    bool uniform = true;
    for (uint32_t r = 0; r < kTile && uniform; ++r)
      for (uint32_t x = 0; x < kTile; ++x)
        if (((tile[size_t(r) * width + x] ^ tile[0]) & kPixelMask) != 0) {
          uniform = false;
          break;
        }
    if (uniform) continue;  // solid tiles cost 3 bytes anyway
    // Saved even if an older copy is cached: the save makes it the most recently used entry (the old one ages out).
    const int32_t slot = cacheInsert(index, pictureHash[index]);
    saves.push_back(index);
    if (history[index * 2] != slot) {
      history[index * 2 + 1] = history[index * 2];
      history[index * 2] = slot;
    }
  }
}

// Codes tile `index` so the picture equals the frame there. Returns false if it already did.
bool Encoder::State::encodeTile(uint32_t index) {
  const uint32_t tx = index % tilesX, ty = index / tilesX;
  const uint32_t x0 = tx * kTile, y0 = ty * kTile;
  const uint32_t tw = std::min(kTile, width - x0), th = std::min(kTile, height - y0);
  const bool fullTile = tw == kTile && th == kTile;

  uint32_t box[4], count;
  if (!diffBox(x0, y0, tw, th, box, count)) return false;

  a.push_back(0);  // placeholder for the gap, fixed by the caller (keeps this function about one tile)

  if (fullTile && opt.cache) {
    const int32_t slot = cacheFind(frameHash[index], framePixel(x0, y0), stride);
    if (slot >= 0) {
      a.push_back(kKindCache);
      putVarint(a, uint32_t(slot));
      const uint32_t* src = cachePixels.data() + size_t(slot) * kTilePixels;
      for (uint32_t r = 0; r < kTile; ++r) std::memcpy(picturePixel(x0, y0 + r), src + r * kTile, kTile * 4);
      cacheTouch(slot);
      ++stats.cacheHits;
      return true;
    }
  }

  // Merge: take some pixels from a tile saved at this position (wallpaper uncovered next to a moved window's edge).
  int32_t merge = -1;
  if (fullTile && opt.cache && count > kMergeGain) {
    uint32_t best = count - kMergeGain;
    for (int h = 0; h < 2; ++h) {
      const int32_t slot = history[index * 2 + h];
      if (slot < 0 || uint32_t(slot) >= used) continue;
      const uint32_t* cached = cachePixels.data() + size_t(slot) * kTilePixels;
      uint32_t residual = 0;
      for (uint32_t r = 0; r < kTile; ++r) {
        const uint8_t* f = framePixel(x0, y0 + r);
        const uint32_t* p = picturePixel(x0, y0 + r);
        for (uint32_t x = 0; x < kTile; ++x) {
          const uint32_t v = load32(f + x * 4);
          residual += ((v ^ p[x]) & kPixelMask) != 0 && ((v ^ cached[r * kTile + x]) & kPixelMask) != 0;
        }
      }
      // The merge must also explain at least 3/4 of the changed pixels (measured: looser merges lose to plain
      // MED coding that zstd matches against recent history, e.g. on scrolled text).
      if (residual < best && residual * 4 <= count) {
        best = residual;
        merge = slot;
      }
    }
    if (merge >= 0) {
      const uint32_t* cached = cachePixels.data() + size_t(merge) * kTilePixels;
      for (uint32_t r = 0; r < kTile; ++r) {
        const uint8_t* f = framePixel(x0, y0 + r);
        uint32_t* p = picturePixel(x0, y0 + r);
        uint32_t bits = 0;
        for (uint32_t x = 0; x < kTile; ++x) {
          const uint32_t v = load32(f + x * 4);
          const bool take = ((v ^ p[x]) & kPixelMask) != 0 && ((v ^ cached[r * kTile + x]) & kPixelMask) == 0;
          bits = bits << 1 | (take ? 1u : 0u);
          if (take) p[x] = cached[r * kTile + x];
        }
        b.push_back(uint8_t(bits >> 8));
        b.push_back(uint8_t(bits));
      }
      cacheTouch(merge);
      ++stats.cacheHits;
      if (!diffBox(x0, y0, tw, th, box, count)) {
        const bool keep = keepPolicy(kKindNone, false, true);
        a.push_back(kKindNone | kModeMerge | (keep ? kModeKeep : 0));
        putVarint(a, uint32_t(merge));
        if (keep) cacheInsert(index, frameHash[index]);
        return true;
      }
    }
  }
  const uint32_t bx0 = box[0], by0 = box[1], bx1 = box[2], by1 = box[3];

  const uint32_t rw = bx1 - bx0, rh = by1 - by0, area = rw * rh;
  const bool full = bx0 == 0 && by0 == 0 && bx1 == tw && by1 == th;
  // Canonical RGB of the rectangle with a one-pixel border above and to the left (prediction context from the
  // picture, 0 outside it), and whether it has one, two or more colours.
  const uint32_t ax0 = x0 + bx0, ay0 = y0 + by0;
  const uint32_t cw = rw + 1;  // context width
  uint32_t* ctx = rgb;         // (rh + 1) x (rw + 1)
  ctx[0] = ax0 && ay0 ? toRgb(*picturePixel(ax0 - 1, ay0 - 1)) : 0;
  for (uint32_t x = 0; x < rw; ++x) ctx[1 + x] = ay0 ? toRgb(*picturePixel(ax0 + x, ay0 - 1)) : 0;
  uint32_t c0 = 0, c1 = 0, colours = 0;
  for (uint32_t r = 0; r < rh; ++r) {
    uint32_t* row = ctx + (r + 1) * cw;
    row[0] = ax0 ? toRgb(*picturePixel(ax0 - 1, ay0 + r)) : 0;
    const uint8_t* f = framePixel(ax0, ay0 + r);
    for (uint32_t x = 0; x < rw; ++x) {
      const uint32_t c = toRgb(load32(f + x * 4));
      row[1 + x] = c;
      if (colours == 0) {
        c0 = c;
        colours = 1;
      } else if (c != c0 && colours < 3) {
        if (colours == 1) {
          c1 = c;
          colours = 2;
        } else if (c != c1) {
          colours = 3;
        }
      }
    }
  }

  // Write the new pixels into the picture (the decoder's view).
  for (uint32_t r = 0; r < rh; ++r)
    std::memcpy(picturePixel(ax0, ay0 + r), framePixel(ax0, ay0 + r), size_t(rw) * 4);

  // Classes: solid (1 colour), palette (2 colours, 1 bit per pixel), else MED-predicted. Measured on the corpus:
  // MED residuals through zstd beat 4/16/256-colour palettes and raw RGB by 3-13 % (zstd's Huffman stage already
  // codes the few residual values of flat and text areas compactly), so wider palettes are not produced.
  uint8_t kind;
  if (colours == 1) {
    kind = kKindSolid;
    const uint8_t bytes[3] = {uint8_t(c0), uint8_t(c0 >> 8), uint8_t(c0 >> 16)};
    b.insert(b.end(), bytes, bytes + 3);
  } else if (colours == 2) {
    kind = kKindPalette;  // 1 bit per pixel; index 0 = the first colour in raster order
    const uint8_t bytes[6] = {uint8_t(c0), uint8_t(c0 >> 8), uint8_t(c0 >> 16),
                              uint8_t(c1), uint8_t(c1 >> 8), uint8_t(c1 >> 16)};
    b.insert(b.end(), bytes, bytes + 6);
    const size_t at = b.size();
    b.resize(at + (area + 7) / 8);
    uint8_t* out = b.data() + at;
    uint32_t acc = 0, nbits = 0;
    for (uint32_t r = 0; r < rh; ++r) {
      const uint32_t* row = ctx + (r + 1) * cw + 1;
      for (uint32_t x = 0; x < rw; ++x) {
        acc = acc << 1 | (row[x] != c0 ? 1u : 0u);
        if (++nbits == 8) {
          *out++ = uint8_t(acc);
          acc = nbits = 0;
        }
      }
    }
    if (nbits) *out = uint8_t(acc << (8 - nbits));
  } else {
    kind = kKindGrad;
    const size_t at = b.size();
    b.resize(at + size_t(area) * 3);
    uint8_t* out = b.data() + at;
    for (uint32_t r = 0; r < rh; ++r) {
      const uint32_t* up = ctx + r * cw;
      const uint32_t* row = ctx + (r + 1) * cw;
      for (uint32_t x = 0; x < rw; ++x, out += 3) {
        const uint32_t pa = row[x], pb = up[x + 1], pc = up[x], c = row[x + 1];
        const int pr = med(int(pa & 255), int(pb & 255), int(pc & 255));
        const int pg = med(int((pa >> 8) & 255), int((pb >> 8) & 255), int((pc >> 8) & 255));
        const int pbl = med(int((pa >> 16) & 255), int((pb >> 16) & 255), int((pc >> 16) & 255));
        const int eg = int((c >> 8) & 255) - pg;
        out[0] = uint8_t(eg);
        out[1] = uint8_t(int(c & 255) - pr - eg);
        out[2] = uint8_t(int((c >> 16) & 255) - pbl - eg);
      }
    }
  }
  const bool keep = fullTile && keepPolicy(kind, full, merge >= 0);
  a.push_back(uint8_t(kind | (full ? kModeFull : 0) | (merge >= 0 ? kModeMerge : 0) | (keep ? kModeKeep : 0)));
  if (merge >= 0) putVarint(a, uint32_t(merge));
  if (!full) {
    a.push_back(uint8_t(bx0 << 4 | by0));
    a.push_back(uint8_t((bx1 - 1) << 4 | (by1 - 1)));
  }
  if (kind == kKindPalette) a.push_back(uint8_t(1));  // two colours
  if (keep) {
    cacheInsert(index, frameHash[index]);
    ++keptThisFrame;
  }
  return true;
}

// ---- preview ---------------------------------------------------------------------------------------------------

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

// ---- message ---------------------------------------------------------------------------------------------------

bool Encoder::State::finish(bool key, std::vector<uint8_t>& out) {
  uint8_t lengthA[8];
  size_t lengthABytes = 0;
  for (uint32_t x = uint32_t(a.size());; x >>= 7) {
    lengthA[lengthABytes++] = uint8_t(x >= 0x80 ? (x | 0x80) : x);
    if (x < 0x80) break;
  }
  const size_t raw = lengthABytes + a.size() + b.size();
  stats.rawBytes = raw;
  out.clear();
  out.push_back(kMagic);
  out.push_back(kVersion);
  out.push_back(key ? kFlagKey : stats.refresh ? kFlagRefresh : 0);
  putVarint(out, uint32_t(raw));
  if (key) {
    putVarint(out, width);
    putVarint(out, height);
  }
  const size_t header = out.size();
  const size_t bound = ZSTD_compressBound(raw) + 64;
  if (comp.size() < bound) comp.resize(bound);
  ZSTD_outBuffer ob = {comp.data(), comp.size(), 0};
  const struct {
    const void* p;
    size_t n;
  } parts[3] = {{lengthA, lengthABytes}, {a.data(), a.size()}, {b.data(), b.size()}};
  for (int i = 0; i < 3; ++i) {
    ZSTD_inBuffer ib = {parts[i].p, parts[i].n, 0};
    while (ib.pos < ib.size) {
      const size_t r = ZSTD_compressStream2(zstd, &ob, &ib, ZSTD_e_continue);
      if (ZSTD_isError(r)) return false;
    }
  }
  ZSTD_inBuffer none = {nullptr, 0, 0};
  for (;;) {
    const size_t r = ZSTD_compressStream2(zstd, &ob, &none, ZSTD_e_flush);
    if (ZSTD_isError(r)) return false;
    if (r == 0) break;
  }
  out.insert(out.end(), comp.data(), comp.data() + ob.pos);
  if (ob.pos > 0) rawPerByte = 0.7 * rawPerByte + 0.3 * (double(raw) / double(ob.pos));
  (void)header;
  return true;
}

bool Encoder::encode(const uint8_t* pixels, uint32_t width, uint32_t height, uint32_t stride, PixelFormat format,
                     std::vector<uint8_t>& out) {
  State& s = *s_;
  out.clear();
  if (!pixels || width < 1 || height < 1 || width > kMaxWidth || height > kMaxHeight || stride < width * 4) {
    return false;
  }
  s.stats = EncodeStats();
  s.frame = pixels;
  s.stride = stride;
  bool key = false;
  if (!s.epoch || width != s.width || height != s.height || format != s.format) {
    s.startEpoch(width, height, format);
    key = true;
  }
  s.stats.key = key;
  if (!key && s.refreshPending) {
    // Refresh: this message starts a fresh zstd stream and an empty cache on both sides; the picture (and so the
    // change detection, progressive refinement and motion search against it) carries on unchanged.
    s.refreshPending = false;
    s.clearCache();
    s.resetZstd();
    s.stats.refresh = true;
  }
  const bool refresh = s.stats.refresh;
  s.a.clear();
  s.b.clear();
  auto clock = std::chrono::steady_clock::now();
  s.hashFrame();
  s.stats.usHash = microsSince(clock);

  if (key && s.opt.maxMessageBytes > 0) {
    if (s.comp.size() < ZSTD_compressBound(size_t(width) * height * 3 / 4) + 64)
      s.comp.resize(ZSTD_compressBound(size_t(width) * height * 3 / 4) + 64);
    putVarint(s.a, 0);  // no saves
    putVarint(s.a, 0);  // no copies
    s.encodePreview(0, 0, width, height);
    putVarint(s.a, 0);  // no tiles
    const size_t tiles = size_t(s.tilesX) * s.tilesY;
    for (uint32_t i = 0; i < tiles; ++i) s.recomputePictureHash(uint32_t(i));
    s.exact = false;
    s.refining = true;
    s.stats.preview = true;
    return s.finish(true, out);
  }

  const size_t tiles = size_t(s.tilesX) * s.tilesY;
  s.changed.clear();
  for (uint32_t i = 0; i < tiles; ++i) {
    if (key || s.frameHash[i] != s.pictureHash[i]) {
      s.tileFlags[i] = 1;
      s.changed.push_back(i);
    } else {
      s.tileFlags[i] = 0;
    }
  }
  s.stats.changedTiles = uint32_t(s.changed.size());
  if (s.changed.empty()) {
    s.exact = true;
    s.refining = false;
    if (!refresh) return false;
    // A refresh goes out even when nothing changed: a payload without operations (the viewer needs the flag).
    for (int section = 0; section < 4; ++section) putVarint(s.a, 0);  // saves, copies, preview, tiles
    return s.finish(false, out);
  }

  ++s.frameNo;
  s.keptThisFrame = 0;
  s.saves.clear();
  if (!key && s.opt.cache) s.chooseSaves();
  s.stats.usSaves = microsSince(clock);
  putVarint(s.a, uint32_t(s.saves.size()));
  for (size_t k = 0; k < s.saves.size(); ++k) putVarint(s.a, k ? s.saves[k] - s.saves[k - 1] - 1 : s.saves[0]);
  for (uint32_t index : s.changed) s.lastChange[index] = s.frameNo;
  if (!key && s.opt.motion) s.findMotion();
  if (key) s.copies.clear();
  s.stats.usMotion = microsSince(clock);

  // Progressive mode and a large area changed at once that motion does not explain (a window maximised, another
  // application in front): a coarse preview of the changed area first (after this message's saves), exact tiles
  // in the following messages.
  if (s.opt.maxMessageBytes > 0 && !key && !s.refining) {
    size_t moved = 0;
    for (const CopyOp& op : s.copies) moved += size_t(op.w) * op.h / kTilePixels;
    size_t remaining = s.changed.size() > moved ? s.changed.size() - moved : 0;
    if (remaining * 4 >= tiles) {
      // Single-colour tiles cost a few bytes (a new desktop background is cheap): count only the others.
      size_t detailed = 0;
      for (uint32_t index : s.changed) {
        const uint32_t x0 = (index % s.tilesX) * kTile, y0 = (index / s.tilesX) * kTile;
        const uint32_t tw = std::min(kTile, width - x0), th = std::min(kTile, height - y0);
        const uint32_t first = load32(s.framePixel(x0, y0)) & kPixelMask;
        bool uniform = true;
        for (uint32_t r = 0; r < th && uniform; ++r) {
          const uint8_t* p = s.framePixel(x0, y0 + r);
          for (uint32_t x = 0; x < tw; ++x)
            if ((load32(p + x * 4) & kPixelMask) != first) {
              uniform = false;
              break;
            }
        }
        detailed += !uniform;
      }
      remaining = detailed > moved ? detailed - moved : 0;
    }
    const size_t estimate = remaining * kTilePixels * 3 / 4;  // MED + zstd keep roughly 1/4 of the RGB bytes
    if (remaining * 4 >= tiles && estimate > s.opt.maxMessageBytes * 4) {
      uint32_t bx0 = width, by0 = height, bx1 = 0, by1 = 0;
      for (uint32_t index : s.changed) {
        const uint32_t x0 = (index % s.tilesX) * kTile, y0 = (index / s.tilesX) * kTile;
        bx0 = std::min(bx0, x0);
        by0 = std::min(by0, y0);
        bx1 = std::max(bx1, std::min(width, x0 + kTile));
        by1 = std::max(by1, std::min(height, y0 + kTile));
      }
      if (s.comp.size() < ZSTD_compressBound(size_t(width) * height * 3 / 4) + 64)
        s.comp.resize(ZSTD_compressBound(size_t(width) * height * 3 / 4) + 64);
      putVarint(s.a, 0);  // no copies
      s.encodePreview(bx0, by0, bx1 - bx0, by1 - by0);
      putVarint(s.a, 0);  // no tiles
      // Every tile under the preview now shows preview pixels: their hashes describe that, so they get refined.
      for (uint32_t ty = by0 / kTile; ty * kTile < by1; ++ty)
        for (uint32_t tx = bx0 / kTile; tx * kTile < bx1; ++tx) s.recomputePictureHash(ty * s.tilesX + tx);
      s.exact = false;
      s.refining = true;
      s.stats.preview = true;
      return s.finish(false, out);
    }
  }
  putVarint(s.a, uint32_t(s.copies.size()));
  for (const CopyOp& op : s.copies) {
    putVarint(s.a, op.x);
    putVarint(s.a, op.y);
    putVarint(s.a, op.w);
    putVarint(s.a, op.h);
    putSvarint(s.a, op.dx);
    putSvarint(s.a, op.dy);
    s.applyCopy(op);
    s.stats.copiedTiles += (op.w / kTile) * (op.h / kTile);
  }
  s.stats.copyOps = uint32_t(s.copies.size());
  putVarint(s.a, 0);  // no preview

  // Tiles, in raster order. The count is written after the loop, so the tile entries go to `b`-independent scratch:
  // we build them in place after a reserved varint slot.
  const size_t countPos = s.a.size();
  const size_t rawBudget =
      s.opt.maxMessageBytes ? size_t(double(s.opt.maxMessageBytes) * s.rawPerByte) : size_t(-1);
  uint32_t coded = 0;
  int64_t last = -1;
  bool complete = true;
  std::vector<uint8_t>& a = s.a;
  for (uint32_t i = 0; i < tiles; ++i) {
    const uint8_t flags = s.tileFlags[i];
    if (!flags) continue;
    if (coded > 0 && a.size() + s.b.size() > rawBudget) {  // at least one tile per message: always progress
      complete = false;
      // Tiles the copies touched but that we do not code now: the hash must describe the picture as it is.
      if (flags & 2) s.recomputePictureHash(i);
      continue;
    }
    const size_t before = a.size();
    if (s.encodeTile(i)) {
      // Replace the placeholder gap byte with the real varint gap.
      const uint32_t gap = uint32_t(int64_t(i) - last - 1);
      if (gap < 0x80) {
        a[before] = uint8_t(gap);
      } else {
        uint8_t tmp[5];
        size_t n = 0;
        for (uint32_t x = gap;; x >>= 7) {
          tmp[n++] = uint8_t(x >= 0x80 ? (x | 0x80) : x);
          if (x < 0x80) break;
        }
        a[before] = tmp[0];
        a.insert(a.begin() + before + 1, tmp + 1, tmp + n);
      }
      last = i;
      ++coded;
    }
    s.pictureHash[i] = s.frameHash[i];
  }
  s.stats.codedTiles = coded;
  s.exact = complete;
  if (complete) s.refining = false;
  if (coded == 0 && s.copies.empty() && s.saves.empty() && !key && !refresh) return false;
  // Insert the tile count before the entries.
  uint8_t tmp[5];
  size_t n = 0;
  for (uint32_t x = coded;; x >>= 7) {
    tmp[n++] = uint8_t(x >= 0x80 ? (x | 0x80) : x);
    if (x < 0x80) break;
  }
  a.insert(a.begin() + countPos, tmp, tmp + n);
  s.stats.usTiles = microsSince(clock);
  const bool ok = s.finish(key, out);
  s.stats.usZstd = microsSince(clock);
  return ok;
}

}  // namespace codec
}  // namespace tessera
