// Language and script detection (see language.h): CLD2 for the language, ICU for the scripts.

#include "parse/language.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>  // compact_lang_det.h uses FILE without including <cstdio>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace dragnet::parse {
namespace {

constexpr double kMixedScriptShare = 0.10;
constexpr size_t kMaxHintBytes = 64;

// One pass over the capped text: a copy CLD2 may read, and the letters counted per script.
struct Scan {
  std::string clean;
  std::vector<std::pair<UScriptCode, int64_t>> letters;  // script -> letters, first seen first
  int64_t total_letters = 0;
};

// Whether CLD2 accepts the code point: its ...CheckUTF8 entry points stop at C0/C1 controls
// other than tab, LF, FF and CR, at DEL and at noncharacters (U+FDD0..U+FDEF, U+xxFFFE/F) as
// not "interchange valid" (cld2/internal/utf8acceptinterchange.h); we turn those into spaces.
bool Interchangeable(UChar32 c) {
  if (c < 0x20)
    return c == '\t' || c == '\n' || c == '\f' || c == '\r';
  if (c >= 0x7F && c <= 0x9F)
    return false;
  return !U_IS_UNICODE_NONCHAR(c);
}

void AppendUtf8(std::string& out, UChar32 c) {
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(buf, n, U8_MAX_LENGTH, c, error);
  if (!error)
    out.append(buf, static_cast<size_t>(n));
}

// CLD2's scanner assumes valid UTF-8 (compact_lang_det.h: "never trust raw user-supplied
// bytes"), so every ill-formed sequence (ICU's U8_NEXT: overlong, surrogate, truncated or stray
// bytes, > U+10FFFF) becomes U+FFFD, as that header recommends. One ICU-macro loop rather than
// u_strFromUTF8WithSub and back: it cleans and counts scripts in the same pass, no UTF-16 copy.
Scan ScanText(std::string_view text) {
  Scan scan;
  text = text.substr(0, kMaxLanguageBytes);
  scan.clean.reserve(text.size() + 16);
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  UScriptCode last_script = USCRIPT_INVALID_CODE;
  size_t last_index = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      AppendUtf8(scan.clean, 0xFFFD);
      continue;
    }
    if (!Interchangeable(c)) {
      scan.clean.push_back(' ');
      continue;
    }
    scan.clean.append(text.data() + start, static_cast<size_t>(i - start));
    UScriptCode script = USCRIPT_LATIN;
    if (c < 0x80) {
      // ASCII, most of any page: its letters are Latin, the rest is no letter. ICU's property
      // lookups per character were a fifth of the language step.
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        continue;
    } else {
      if (!u_isalpha(c))
        continue;
      UErrorCode status = U_ZERO_ERROR;
      script = uscript_getScript(c, &status);
      if (U_FAILURE(status) || script == USCRIPT_COMMON || script == USCRIPT_INHERITED ||
          script == USCRIPT_UNKNOWN)
        continue;
    }
    ++scan.total_letters;
    if (script != last_script) {  // runs of one script are the rule: skip the search then
      auto it = std::find_if(scan.letters.begin(), scan.letters.end(),
                             [script](const auto& entry) { return entry.first == script; });
      if (it == scan.letters.end()) {
        scan.letters.emplace_back(script, 0);
        it = scan.letters.end() - 1;
      }
      last_script = script;
      last_index = static_cast<size_t>(it - scan.letters.begin());
    }
    ++scan.letters[last_index].second;
  }
  return scan;
}

std::vector<ScriptShare> Shares(const Scan& scan) {
  std::vector<ScriptShare> shares;
  if (scan.total_letters == 0)
    return shares;
  for (const auto& [script, count] : scan.letters) {
    const char* name = uscript_getShortName(script);
    shares.push_back({name != nullptr ? name : "Zzzz",
                      static_cast<double>(count) / static_cast<double>(scan.total_letters)});
  }
  std::sort(shares.begin(), shares.end(), [](const ScriptShare& a, const ScriptShare& b) {
    return a.share != b.share ? a.share > b.share : a.script < b.script;
  });
  return shares;
}

// CLD2 takes hints as C strings and parses them itself; keep language-tag characters only
// (letters, digits, '-', '_', ',', ' ') and a short prefix, so hostile header values cannot reach
// it.
std::string CleanHint(std::string_view hint) {
  std::string out;
  for (char c : hint.substr(0, kMaxHintBytes)) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == ',' || c == ' ')
      out.push_back(c);
  }
  return out;
}

// The extended results past the real languages are not languages to us: the joke ones (Pig
// Latin, Elmer Fudd, Bork, Hacker, Klingon) and the script-only "xx-Cyrl", "xx-Qaai" (CLD2's
// answer for a text of emoji variation selectors), which LanguageGuess::scripts already covers.
std::string Code(CLD2::Language language) {
  if (language == CLD2::UNKNOWN_LANGUAGE || language >= CLD2::X_BORK_BORK_BORK)
    return "";
  const char* code = CLD2::LanguageCode(language);
  return code != nullptr ? code : "";
}

}  // namespace

LanguageGuess DetectLanguage(std::string_view utf8_text, std::string_view content_language_hint,
                             std::string_view tld_hint) {
  LanguageGuess guess;
  try {
    const Scan scan = ScanText(utf8_text);
    guess.scripts = Shares(scan);
    guess.mixed_scripts = guess.scripts.size() >= 2 && guess.scripts[1].share >= kMixedScriptShare;
    if (scan.clean.empty())
      return guess;

    const std::string content_hint = CleanHint(content_language_hint);
    const std::string tld = CleanHint(tld_hint);
    const CLD2::CLDHints hints = {content_hint.empty() ? nullptr : content_hint.c_str(),
                                  tld.empty() ? nullptr : tld.c_str(), CLD2::UNKNOWN_ENCODING,
                                  CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language language3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE,
                                   CLD2::UNKNOWN_LANGUAGE};
    int percent3[3] = {0, 0, 0};
    double normalized_score3[3] = {0, 0, 0};
    int text_bytes = 0;
    bool reliable = false;
    int valid_prefix_bytes = 0;
    // The checking entry point once more: should the cleaning above miss something CLD2 rejects,
    // it answers unknown instead of reading invalid input. is_plain_text: no tag skipping.
    const CLD2::Language language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
        scan.clean.data(), static_cast<int>(scan.clean.size()), /*is_plain_text=*/true, &hints,
        /*flags=*/0, language3, percent3, normalized_score3, /*resultchunkvector=*/nullptr,
        &text_bytes, &reliable, &valid_prefix_bytes);

    guess.language = Code(language);
    guess.reliable = reliable && !guess.language.empty();
    for (int k = 0; k < 3; ++k) {
      const std::string code = Code(language3[k]);
      if (code.empty())
        continue;
      guess.top3.emplace_back(code, percent3[k]);
      if (language3[k] == language)
        guess.percent = percent3[k];
    }
    if (guess.language.empty())
      guess.percent = 0;
  } catch (...) {  // std::bad_alloc: report what we have rather than let it escape
  }
  return guess;
}

}  // namespace dragnet::parse
