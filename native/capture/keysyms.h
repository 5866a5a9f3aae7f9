// Unicode text to X keysyms: OS-neutral, used by every backend (RFB/VNC and the viewer speak keysyms too).
#pragma once

#include <cstdint>
#include <string>

namespace tessera::capture {

// UTF-8 to code points; invalid sequences become U+FFFD.
std::u32string decodeUtf8(const std::string& utf8);
std::string encodeUtf8(const std::u32string& text);

// The keysym that types `c`: Latin-1 keysyms equal their code point, everything else is 0x01000000 + code point,
// and the control characters that are keys map to them (\n and \r -> Return, \t -> Tab, \b -> BackSpace,
// ESC -> Escape, DEL -> Delete). Other control characters and non-characters give 0 (nothing to type).
uint32_t keysymForCodepoint(char32_t c);

// The character a keysym types, or 0: Latin-1 and Unicode keysyms, and the legacy ones of keysymdef.h
// (Cyrillic_pe, Greek_alpha, EuroSign...). Keys such as Return give 0.
char32_t codepointForKeysym(uint32_t keysym);

}  // namespace tessera::capture
