#include "capture/keysyms.h"

#include <algorithm>

#include "capture/keysymTable.h"

namespace tessera::capture {

std::u32string decodeUtf8(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    char32_t c;
    size_t len;
    if (b < 0x80) {
      c = b;
      len = 1;
    } else if ((b & 0xe0) == 0xc0) {
      c = b & 0x1f;
      len = 2;
    } else if ((b & 0xf0) == 0xe0) {
      c = b & 0x0f;
      len = 3;
    } else if ((b & 0xf8) == 0xf0) {
      c = b & 0x07;
      len = 4;
    } else {
      out.push_back(0xfffd);
      ++i;
      continue;
    }
    if (i + len > n) {
      out.push_back(0xfffd);
      break;
    }
    bool ok = true;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (p[i + k] & 0x3f);
    }
    static const char32_t minimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (!ok || c < minimum[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
      out.push_back(0xfffd);
      ++i;
      continue;
    }
    out.push_back(c);
    i += len;
  }
  return out;
}

std::string encodeUtf8(const std::u32string& text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = 0xfffd;
    if (c < 0x80) {
      out.push_back(char(c));
    } else if (c < 0x800) {
      out.push_back(char(0xc0 | (c >> 6)));
      out.push_back(char(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
      out.push_back(char(0xe0 | (c >> 12)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(char(0x80 | (c & 0x3f)));
    } else {
      out.push_back(char(0xf0 | (c >> 18)));
      out.push_back(char(0x80 | ((c >> 12) & 0x3f)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(char(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

uint32_t keysymForCodepoint(char32_t c) {
  switch (c) {
    case '\n':
    case '\r':
      return 0xff0d;  // Return
    case '\t':
      return 0xff09;  // Tab
    case '\b':
      return 0xff08;  // BackSpace
    case 0x1b:
      return 0xff1b;  // Escape
    case 0x7f:
      return 0xffff;  // Delete
    default:
      break;
  }
  if (c < 0x20 || (c >= 0x80 && c < 0xa0)) return 0;               // other control characters
  if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;     // not a character
  if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe) return 0;  // non-characters
  if (c <= 0xff) return uint32_t(c);                                // Latin-1 keysyms are their code points
  return 0x01000000u | uint32_t(c);
}

char32_t codepointForKeysym(uint32_t keysym) {
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return keysym;
  if ((keysym & 0xff000000u) == 0x01000000u) {
    const char32_t c = keysym & 0x00ffffffu;
    if (c >= 0x20 && c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff)) return c;
    return 0;
  }
  const auto* end = std::end(kLegacyKeysyms);
  const auto* it = std::lower_bound(std::begin(kLegacyKeysyms), end, keysym,
                                    [](const LegacyKeysym& entry, uint32_t k) { return entry.keysym < k; });
  return it != end && it->keysym == keysym ? it->codepoint : 0;
}

}  // namespace tessera::capture
