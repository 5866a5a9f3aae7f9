// The message header (FORMAT.md, "Message"): magic, version, flags, the payload's raw length and, on key messages,
// the picture size. Written by the encoder and read by the decoder from this one description. Freestanding.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "codec/format.h"
#include "codec/varint.h"

namespace tessera {
namespace codec {

struct MessageHeader {
  uint8_t flags = 0;  // kFlagKey, kFlagRefresh or neither
  uint32_t rawLength = 0;
  uint32_t width = 0, height = 0;  // key messages only
};

constexpr size_t kMaxHeaderBytes = 3 + 3 * kMaxVarintBytes;

inline size_t writeMessageHeader(const MessageHeader& h, uint8_t* out) {
  size_t n = 0;
  out[n++] = kMagic;
  out[n++] = kVersion;
  out[n++] = h.flags;
  n += writeVarint(out + n, h.rawLength);
  if (h.flags & kFlagKey) {
    n += writeVarint(out + n, h.width);
    n += writeVarint(out + n, h.height);
  }
  return n;
}

// Reads and checks the header; returns nullptr, or why the message is refused. `r` then points at the compressed
// payload. The caller has checked that the message has at least 4 bytes.
inline const char* readMessageHeader(ByteReader& r, MessageHeader& h) {
  if (r.byte() != kMagic) return "not a Tessera codec message (bad magic)";
  if (r.byte() != kVersion) return "unsupported codec version";
  h.flags = r.byte();
  if (h.flags & ~(kFlagKey | kFlagRefresh)) return "unknown flags";
  if ((h.flags & kFlagKey) && (h.flags & kFlagRefresh)) return "key and refresh flags together";
  h.rawLength = r.varint();
  if (r.bad) return "truncated message header";
  if (h.flags & kFlagKey) {
    h.width = r.varint();
    h.height = r.varint();
    if (r.bad) return "truncated message header";
    if (h.width < 1 || h.height < 1 || h.width > kMaxWidth || h.height > kMaxHeight) return "picture size out of range";
  }
  return nullptr;
}

}  // namespace codec
}  // namespace tessera
