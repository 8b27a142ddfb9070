// Unicode full case folding of UTF-8 text, for matching words regardless of case.

#pragma once

#include <string>
#include <string_view>

namespace dragnet::parse {

// Full case folding (UAX #44 CaseFolding.txt, as ICU applies it): "Ships FROM" -> "ships from",
// "ОТЗЫВЫ" -> "отзывы", "Straße" -> "strasse". ASCII text is lower-cased without ICU; other text
// is folded by ICU straight in UTF-8 (ucasemap_utf8FoldCase), with no UTF-16 round trip.
// Meant for valid UTF-8 (pages are decoded first, parse/charset.h).
std::string FoldCase(std::string_view utf8);

}  // namespace dragnet::parse
