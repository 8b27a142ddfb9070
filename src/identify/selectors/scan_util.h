#pragma once
// Byte-level helpers the selector finders share. ASCII only on purpose: every selector syntax
// is ASCII, and bytes of UTF-8 sequences (>= 0x80) are never letters here.

#include <cstring>
#include <string>
#include <string_view>

namespace dragnet::identify {

inline bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsAsciiAlnum(char c) {
  return IsAsciiDigit(c) || IsAsciiAlpha(c);
}
inline bool IsHexDigit(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline char AsciiToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Same length as `text`, ASCII letters lower-cased, every other byte unchanged: offsets found in
// the copy are offsets in the text.
inline std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = AsciiToLower(c);
  return lower;
}

// The first occurrence of `needle` in `haystack` at or after `from`, or npos. glibc's memmem
// (two-way search) rather than string_view::find, which calls memcmp at every occurrence of the
// needle's first byte: ruinous for needles that start with a space or a digit.
inline size_t FindBytes(std::string_view haystack, std::string_view needle, size_t from = 0) {
  if (from > haystack.size() || needle.empty())
    return std::string_view::npos;
  const void* at =
      memmem(haystack.data() + from, haystack.size() - from, needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos
                       : static_cast<size_t>(static_cast<const char*>(at) - haystack.data());
}

}  // namespace dragnet::identify
