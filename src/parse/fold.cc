// Case folding for word matching (see fold.h).

#include "parse/fold.h"

#include <algorithm>
#include <memory>

#include <unicode/ucasemap.h>
#include <unicode/unistr.h>

namespace dragnet::parse {

std::string FoldCase(std::string_view utf8) {
  std::string out(utf8);
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return (c & 0x80) == 0; })) {
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c + ('a' - 'A'));
    }
    return out;
  }
  struct Close {
    void operator()(UCaseMap* map) const { ucasemap_close(map); }
  };
  // One case map per thread: opening one loads nothing, but costs an allocation per call.
  thread_local std::unique_ptr<UCaseMap, Close> map = [] {
    UErrorCode status = U_ZERO_ERROR;
    return std::unique_ptr<UCaseMap, Close>(ucasemap_open("", U_FOLD_CASE_DEFAULT, &status));
  }();
  // Folding grows text by at most three times ("ﬃ" -> "ffi"); one retry covers any case.
  for (int attempt = 0; map != nullptr && attempt < 2; ++attempt) {
    UErrorCode status = U_ZERO_ERROR;
    out.resize(attempt == 0 ? utf8.size() + utf8.size() / 4 + 16 : out.size());
    int32_t n = ucasemap_utf8FoldCase(map.get(), out.data(), static_cast<int32_t>(out.size()),
                                      utf8.data(), static_cast<int32_t>(utf8.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      out.resize(static_cast<size_t>(n));
      continue;
    }
    if (U_FAILURE(status))
      break;
    out.resize(static_cast<size_t>(n));
    return out;
  }
  // No case map (out of memory): ICU's UTF-16 path.
  out.clear();
  icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())))
      .foldCase()
      .toUTF8String(out);
  return out;
}

}  // namespace dragnet::parse
