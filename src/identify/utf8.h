#pragma once
// UTF-8 helpers shared by the identify stage's text code.

#include <string>

#include <unicode/utf8.h>

namespace dragnet::identify {

// Appends code point `c` as UTF-8; invalid code points append nothing.
inline void AppendUtf8(std::string& out, UChar32 c) {
  char buffer[4];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, 4, c, error);
  if (!error)
    out.append(buffer, static_cast<size_t>(length));
}

}  // namespace dragnet::identify
