#pragma once
// Writes JSON text straight into a string, for output produced per document on hot paths
// (`dragnet identify` prints one object per line): building an nlohmann::json tree and dumping
// it cost four times the analysis itself. Strings are escaped per RFC 8259 section 7; bytes
// that are not UTF-8 become U+FFFD, so the output is always valid JSON.
//
// Usage: JsonWriter w(out); w.BeginObject(); w.Key("id"); w.Int(7); w.EndObject();
// The writer inserts commas; it does not check that keys and values alternate.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"

namespace dragnet {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  // A key written as a string literal of plain ASCII (no quote, backslash or control
  // character; checked in debug builds): copied with its quotes and colon in one append, no
  // scan. Callers writing many small objects (identify's findings) spend a third of their
  // JSON time in keys otherwise.
  template <size_t N>
  void Key(const char (&key)[N]) {
    static_assert(N >= 1 && N <= 64, "a key literal");
    DRAGNET_DCHECK(IsPlainLiteral(key, N - 1));
    Separate();
    char quoted[N + 2];
    quoted[0] = '"';
    std::memcpy(quoted + 1, key, N - 1);
    quoted[N] = '"';
    quoted[N + 1] = ':';
    out_.append(quoted, N + 2);
    after_key_ = true;
  }
  void String(std::string_view value);
  void Int(int64_t value);
  // Finite doubles in shortest round-trip form; NaN and infinities as null.
  void Double(double value);
  void Bool(bool value);
  void Null();
  // A value that is already JSON text, copied as it is.
  void Raw(std::string_view json);

  // Key + value in one call.
  template <typename K>
  void Field(const K& key, std::string_view value) {
    Key(key);
    String(value);
  }
  template <typename K>
  void FieldInt(const K& key, int64_t value) {
    Key(key);
    Int(value);
  }
  template <typename K>
  void FieldDouble(const K& key, double value) {
    Key(key);
    Double(value);
  }

  // Appends `text` as a JSON string body (no quotes), escaped.
  static void Escape(std::string_view text, std::string& out);

 private:
  static bool IsPlainLiteral(const char* key, size_t length);
  void Open(char bracket);
  void Close(char bracket);
  void Separate();
  void Quoted(std::string_view text);  // `text` in quotes, escaped

  // Per open container, whether nothing was written in it yet: bit d - 1 of first_ for the
  // container at depth d <= 64 (no writer goes deeper in practice), the rest in deep_. A writer is
  // made per document and per selector's details: it must not allocate.
  bool TopFirst() const { return depth_ <= 64 ? (first_ >> (depth_ - 1)) & 1 : deep_.back(); }
  void SetTopFirst(bool first);

  std::string& out_;
  uint64_t first_ = 0;
  size_t depth_ = 0;
  std::vector<bool> deep_;
  bool after_key_ = false;
};

}  // namespace dragnet
