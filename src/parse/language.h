#pragma once
// The language and the scripts of a captured page's text, so that analyzers pick the right
// lexicon and analysts can filter ("Kazakh-language shops", "listings mixing Cyrillic and Latin").
//
// Language: Google's Compact Language Detector 2 (CLD2, Dick Sites 2013; Debian's libcld2 with
// the small "Chrome" tables of 83 languages, which have ru, uk, kk, pl, de, en, zh). CLD2 scores
// quadgrams per run of one script. Script shares: ICU's Script property (Unicode UAX #24), with
// ISO 15924 codes.
//
// What CLD2 does with the texts Dragnet meets (language_test.cc): one to three sentences of
// Russian, Ukrainian, Kazakh (Cyrillic), English, German or Polish are detected reliably; short
// phrases of two or three words often come back unknown, or as a neighbour ("доставка по місту"
// is "bg" without hints, "uk" with content_language_hint "uk"); Russian written in Latin letters
// ("MEFEDRON KRISTAL 1gr dostavka po gorodu") is unknown. CLD2's best-effort mode is not used: it
// calls that transliterated Russian Welsh, reliably.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dragnet::parse {

struct ScriptShare {
  std::string script;  // ISO 15924 code as ICU spells it: "Cyrl", "Latn", "Arab", "Hani"...
  double share = 0;    // fraction of the text's letters in this script, 0..1
};

struct LanguageGuess {
  // BCP 47 / ISO 639-1 code as CLD2 gives it ("ru", "en", "uk", "kk", "zh-Hant"...); "" when CLD2
  // says unknown (empty text, too short, no language it knows, transliterations) or names only a
  // script ("xx-Cyrl") or a joke language. When English leads a text without dominating it, CLD2
  // names the other language, so this may be top3[1].
  std::string language;
  bool reliable = false;  // CLD2's is_reliable; always false when language is ""
  int percent = 0;        // percent of the text (by bytes of letters) CLD2 gives `language`
  // CLD2's top three languages with their percentages, unknown entries dropped. May be non-empty
  // when `language` is "" (a language with a small share of an otherwise unknown text).
  std::vector<std::pair<std::string, int>> top3;
  // Scripts of the letters (general category L*), Common and Inherited (digits, punctuation,
  // emoji, combining marks) ignored; by share descending, then code ascending. Empty without
  // letters.
  std::vector<ScriptShare> scripts;
  // Two or more scripts each hold at least 10% of the letters: "Мефедрон crystal 1г VHQ".
  bool mixed_scripts = false;
};

// Only the first kMaxLanguageBytes of the text are read (CLD2 samples long texts anyway), for
// both the language and the script shares.
inline constexpr size_t kMaxLanguageBytes = size_t{256} << 10;

// Guesses the language of plain UTF-8 text (not HTML: extract it first, see html_text.h).
// content_language_hint: an HTTP Content-Language value or <html lang>, "uk" or "ru,en";
// tld_hint: the host's top-level domain without the dot, "ru", "ua", "kz". Hints tip close calls
// (a short phrase both Russian and Ukrainian could write) and may make CLD2 answer unknown where
// the text contradicts them. Invalid UTF-8 is replaced by U+FFFD before CLD2 sees it; never
// throws. Thread-safe.
LanguageGuess DetectLanguage(std::string_view utf8_text,
                             std::string_view content_language_hint = "",
                             std::string_view tld_hint = "");

}  // namespace dragnet::parse
