#include "core/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace dragnet {
namespace {

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is not one (RFC 3629 section 4:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  auto continuation = [&](size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF)
    return continuation(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!continuation(i + 1) || !continuation(i + 2))
      return 0;
    if (c == 0xE0 && byte(i + 1) < 0xA0)
      return 0;  // overlong
    if (c == 0xED && byte(i + 1) >= 0xA0)
      return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3))
      return 0;
    if (c == 0xF0 && byte(i + 1) < 0x90)
      return 0;
    if (c == 0xF4 && byte(i + 1) >= 0x90)
      return 0;
    return 4;
  }
  return 0;
}

// Bytes copied as they are: printable ASCII but for '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c)
    plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

bool Plain(char c) {
  return kPlain[static_cast<unsigned char>(c)];
}

// The length of the run of plain bytes at the start of `text`.
size_t PlainPrefix(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && Plain(text[i]))
    ++i;
  return i;
}

}  // namespace

void JsonWriter::Escape(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (kPlain[c]) {
      size_t run = i + 1 + PlainPrefix(text.substr(i + 1));
      out.append(text.data() + i, run - i);
      i = run;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
      }
      ++i;
      continue;
    }
    size_t length = Utf8Length(text, i);
    if (length == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD for a byte that starts no valid sequence
      ++i;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
}

void JsonWriter::SetTopFirst(bool first) {
  if (depth_ <= 64) {
    uint64_t bit = uint64_t{1} << (depth_ - 1);
    first_ = first ? first_ | bit : first_ & ~bit;
  } else {
    deep_.back() = first;
  }
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (!TopFirst())
      out_.push_back(',');
    else
      SetTopFirst(false);
  }
}

void JsonWriter::Open(char bracket) {
  Separate();
  out_.push_back(bracket);
  ++depth_;
  if (depth_ > 64)
    deep_.push_back(true);
  else
    SetTopFirst(true);
}

void JsonWriter::Close(char bracket) {
  out_.push_back(bracket);
  if (depth_ == 0)
    return;
  if (depth_ > 64)
    deep_.pop_back();
  --depth_;
}

bool JsonWriter::IsPlainLiteral(const char* key, size_t length) {
  return std::strlen(key) == length && PlainPrefix(std::string_view(key, length)) == length;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  Quoted(key);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  Quoted(value);
}

void JsonWriter::Quoted(std::string_view text) {
  if (PlainPrefix(text) == text.size()) {
    // Keys and most values have nothing to escape: one resize, one copy.
    size_t at = out_.size();
    out_.resize(at + text.size() + 2);
    char* p = out_.data() + at;
    *p++ = '"';
    if (!text.empty())  // an empty view's data() may be null
      std::memcpy(p, text.data(), text.size());
    p[text.size()] = '"';
    return;
  }
  out_.push_back('"');
  Escape(text, out_);
  out_.push_back('"');
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, end);
}

void JsonWriter::Double(double value) {
  if (!std::isfinite(value)) {
    Null();
    return;
  }
  Separate();
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, end);
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

}  // namespace dragnet
