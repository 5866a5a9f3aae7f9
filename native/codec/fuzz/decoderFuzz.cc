// libFuzzer target for the decoder (built with clang -fsanitize=fuzzer,address,undefined by run.sh or CMake's
// TESSERA_FUZZ option). The input is a sequence of messages, each prefixed by its length (2 bytes, little endian),
// fed to one decoder in order, so the fuzzer reaches states that need earlier messages (copies, cache, preview).
// Malformed messages must be rejected cleanly; ASan/UBSan turn any out-of-bounds access or UB into a crash.
#include <stddef.h>
#include <stdint.h>

#include "codec/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::codec::Decoder decoder;
  size_t pos = 0;
  while (pos + 2 <= size) {
    size_t length = size_t(data[pos]) | size_t(data[pos + 1]) << 8;
    pos += 2;
    if (length > size - pos) length = size - pos;
    if (decoder.decode(data + pos, length)) {
      // Touch the picture so a wrong size would show up under ASan.
      const uint8_t* p = decoder.rgba();
      const size_t bytes = size_t(decoder.width()) * decoder.height() * 4;
      volatile uint8_t sink = p[0] ^ p[bytes - 1];
      (void)sink;
    } else if (!decoder.error()) {
      __builtin_trap();  // a failure must always say why
    }
    pos += length;
  }
  return 0;
}
