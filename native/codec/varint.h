// Varints (LEB128, at most 5 bytes for 32 bits) written by the encoder and read by the decoder, in one place so the
// two sides cannot drift. Freestanding (no library headers): the decoder is also built to WebAssembly without a C
// library, so the writers are templates over any byte vector and only the encoder instantiates them.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace tessera {
namespace codec {

constexpr size_t kMaxVarintBytes = 5;

// Writes x to out (room for kMaxVarintBytes) and returns the byte count.
inline size_t writeVarint(uint8_t* out, uint32_t x) {
  size_t n = 0;
  while (x >= 0x80) {
    out[n++] = uint8_t(x | 0x80);
    x >>= 7;
  }
  out[n++] = uint8_t(x);
  return n;
}

template <typename Bytes>
inline void putVarint(Bytes& v, uint32_t x) {
  while (x >= 0x80) {
    v.push_back(uint8_t(x | 0x80));
    x >>= 7;
  }
  v.push_back(uint8_t(x));
}

// Zigzag: small negative offsets (copy vectors) stay short.
template <typename Bytes>
inline void putSvarint(Bytes& v, int32_t x) {
  putVarint(v, (uint32_t(x) << 1) ^ uint32_t(x >> 31));
}

// For a count known only after its entries are written (the tile count).
template <typename Bytes>
inline void insertVarint(Bytes& v, size_t pos, uint32_t x) {
  uint8_t tmp[kMaxVarintBytes];
  const size_t n = writeVarint(tmp, x);
  v.insert(v.begin() + pos, tmp, tmp + n);
}

// Replaces the one-byte placeholder at pos with x (a field known only after its entry is written: the tile gap).
template <typename Bytes>
inline void patchVarint(Bytes& v, size_t pos, uint32_t x) {
  uint8_t tmp[kMaxVarintBytes];
  const size_t n = writeVarint(tmp, x);
  v[pos] = tmp[0];
  if (n > 1) v.insert(v.begin() + pos + 1, tmp + 1, tmp + n);
}

// Bounds-checked reader over one section of a message. A failed read sets `bad` and returns 0, so callers check
// once per operation rather than after every byte (hostile input is expected).
struct ByteReader {
  const uint8_t* p;
  const uint8_t* end;
  bool bad = false;
  ByteReader(const uint8_t* begin, const uint8_t* e) : p(begin), end(e) {}
  size_t left() const { return size_t(end - p); }
  uint8_t byte() {
    if (p >= end) { bad = true; return 0; }
    return *p++;
  }
  uint32_t varint() {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p >= end) { bad = true; return 0; }
      const uint8_t c = *p++;
      if (shift == 28 && (c & 0x70)) { bad = true; return 0; }  // more than 32 bits
      v |= uint32_t(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    bad = true;
    return 0;
  }
  int32_t svarint() {
    const uint32_t u = varint();
    return int32_t(u >> 1) ^ -int32_t(u & 1);
  }
  const uint8_t* take(size_t n) {
    if (left() < n) { bad = true; return nullptr; }
    const uint8_t* r = p;
    p += n;
    return r;
  }
};

}  // namespace codec
}  // namespace tessera
