// Tile hashes: change detection hashes every tile of every frame, so this is the cost paid even when nothing moves.
#include <cstdlib>

#include "codec/encoderState.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tessera {
namespace codec {

namespace {

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

}  // namespace

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

}  // namespace codec
}  // namespace tessera
