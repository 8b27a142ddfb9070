// Differential test of the normaliser: the fast one in normalizer.cc against the plain one it
// replaced (kept below as ReferenceNormalize), field by field, on random strings drawn from an
// alphabet that touches every folding rule, on every lexicon name written the ways sellers
// obfuscate it, and on the golden identify inputs.

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "identify/lexicon.h"
#include "identify/normalizer.h"
#include "identify/utf8.h"

namespace dragnet::identify {
namespace {

enum class Kind : uint8_t { kSeparator, kSoft, kIgnorable, kLetter, kDigit, kEmoji };
enum class Script : uint8_t { kOther, kLatin, kCyrillic, kEachCharAWord };

// Russian, Ukrainian, Belarusian, Kazakh and Serbian Cyrillic in the Latin letters sellers use
// for Russian ("героин" -> "geroin", "шишки" -> "shishki"); y/j are folded to i afterwards.
// Written here rather than taken from ICU's Cyrillic-Latin transform, which follows ISO 9
// ("ш" -> "š" -> "s") and so would not meet the informal spellings found on markets.
constexpr std::array<std::pair<char16_t, const char*>, 52> kCyrillicToLatin = {{
    {u'а', "a"},  {u'б', "b"}, {u'в', "v"},  {u'г', "g"},  {u'д', "d"},  {u'е', "e"},  {u'ё', "e"},
    {u'ж', "zh"}, {u'з', "z"}, {u'и', "i"},  {u'й', "i"},  {u'к', "k"},  {u'л', "l"},  {u'м', "m"},
    {u'н', "n"},  {u'о', "o"}, {u'п', "p"},  {u'р', "r"},  {u'с', "s"},  {u'т', "t"},  {u'у', "u"},
    {u'ф', "f"},  {u'х', "h"}, {u'ц', "c"},  {u'ч', "ch"}, {u'ш', "sh"}, {u'щ', "sh"}, {u'ъ', ""},
    {u'ы', "i"},  {u'ь', ""},  {u'э', "e"},  {u'ю', "iu"}, {u'я', "ia"}, {u'є', "ie"}, {u'і', "i"},
    {u'ї', "i"},  {u'ґ', "g"}, {u'ў', "u"},  {u'ә', "a"},  {u'ғ', "g"},  {u'қ', "k"},  {u'ң', "n"},
    {u'ө', "o"},  {u'ұ', "u"}, {u'ү', "u"},  {u'һ', "h"},  {u'ј', "i"},  {u'ђ', "dj"}, {u'љ', "lj"},
    {u'њ', "nj"}, {u'ћ', "c"}, {u'џ', "dz"},
}};

constexpr std::array<std::pair<char16_t, const char*>, 24> kGreekToLatin = {{
    {u'α', "a"}, {u'β', "b"},  {u'γ', "g"}, {u'δ', "d"}, {u'ε', "e"},  {u'ζ', "z"},
    {u'η', "i"}, {u'θ', "th"}, {u'ι', "i"}, {u'κ', "k"}, {u'λ', "l"},  {u'μ', "m"},
    {u'ν', "n"}, {u'ξ', "x"},  {u'ο', "o"}, {u'π', "p"}, {u'ρ', "r"},  {u'σ', "s"},
    {u'τ', "t"}, {u'υ', "i"},  {u'φ', "f"}, {u'χ', "h"}, {u'ψ', "ps"}, {u'ω', "o"},
}};

// Latin and Cyrillic letters that look alike (a subset of Unicode TS #39 confusables.txt, the
// pairs sellers actually swap). A letter of the word's minority script is read as its twin.
constexpr std::array<std::pair<char16_t, char16_t>, 27> kConfusables = {{
    {u'a', u'а'}, {u'c', u'с'}, {u'e', u'е'}, {u'o', u'о'}, {u'p', u'р'}, {u'x', u'х'},
    {u'y', u'у'}, {u'k', u'к'}, {u'i', u'і'}, {u'j', u'ј'}, {u's', u'ѕ'}, {u'A', u'А'},
    {u'B', u'В'}, {u'C', u'С'}, {u'E', u'Е'}, {u'H', u'Н'}, {u'K', u'К'}, {u'M', u'М'},
    {u'O', u'О'}, {u'P', u'Р'}, {u'T', u'Т'}, {u'X', u'Х'}, {u'Y', u'У'}, {u'I', u'І'},
    {u'r', u'г'}, {u'n', u'п'}, {u'u', u'и'},
}};

// Leetspeak: digits that stand for letters when written between letters.
char LeetLetter(char digit) {
  switch (digit) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    default:
      return 0;
  }
}
struct CharInfo {
  Kind kind = Kind::kSeparator;
  Script script = Script::kOther;
  uint8_t steps = 0;
  uint8_t out_len = 0;
  uint8_t alt_len = 0;
  char out[11] = {};
  char alt[3] = {};  // the folded twin of a confusable letter ("р" -> "p", "p" -> "r")
};

struct Tables {
  std::vector<CharInfo> bmp;  // indexed by code point, U+0000..U+FFFF
  const icu::Normalizer2* nfkc_cf = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  // Supplementary-plane characters are rare (emoji, mathematical letters); computed on demand.
  mutable std::mutex supplementary_mutex;
  mutable std::deque<std::pair<UChar32, CharInfo>> supplementary;

  CharInfo Compute(UChar32 c) const;
  const CharInfo& Lookup(UChar32 c) const;
};
const char* Transliterate(UChar32 c) {
  for (const auto& [from, to] : kCyrillicToLatin) {
    if (from == c)
      return to;
  }
  for (const auto& [from, to] : kGreekToLatin) {
    if (from == c)
      return to;
  }
  return nullptr;
}

bool IsSoftSeparator(UChar32 c) {
  switch (c) {
    case '-':
    case '_':
    case '\'':
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2212:
    case 0x2019:
    case 0x02BC:
    case 0x00B4:
    case 0x0060:
      return true;
    default:
      return false;
  }
}
CharInfo Tables::Compute(UChar32 c) const {
  CharInfo info;
  if (IsSoftSeparator(c)) {
    info.kind = Kind::kSoft;
    return info;
  }
  int8_t type = u_charType(c);
  if (c != ' ' && (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
                   type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK)) {
    info.kind = Kind::kIgnorable;
    return info;
  }
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) && c > 0x7F) {
    info.kind = Kind::kEmoji;
    std::string utf8;
    AppendUtf8(utf8, c);
    info.out_len = static_cast<uint8_t>(utf8.size());
    std::memcpy(info.out, utf8.data(), utf8.size());
    return info;
  }
  bool alpha = u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
  bool digit = type == U_DECIMAL_DIGIT_NUMBER;
  if (!alpha && !digit) {
    // Compatibility characters that fold to letters or digits (superscripts, "㎏", circled
    // letters) still count as word characters.
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString(c), status);
    if (U_FAILURE(status) || folded.isEmpty())
      return info;
    UChar32 first = folded.char32At(0);
    if (!u_hasBinaryProperty(first, UCHAR_ALPHABETIC) &&
        u_charType(first) != U_DECIMAL_DIGIT_NUMBER)
      return info;
    alpha = true;
  }
  info.kind = digit ? Kind::kDigit : Kind::kLetter;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &status);
  if (script == USCRIPT_LATIN) {
    info.script = Script::kLatin;
  } else if (script == USCRIPT_CYRILLIC) {
    info.script = Script::kCyrillic;
  } else if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
             script == USCRIPT_THAI || script == USCRIPT_LAO || script == USCRIPT_KHMER ||
             script == USCRIPT_MYANMAR) {
    info.script = Script::kEachCharAWord;
  }
  status = U_ZERO_ERROR;
  icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString(c), status);
  if (U_FAILURE(status))
    return info;
  icu::UnicodeString decomposed = nfd->normalize(folded, status);
  if (U_FAILURE(status))
    return info;
  if (folded != icu::UnicodeString(u_foldCase(c, U_FOLD_CASE_DEFAULT)))
    info.steps |= kFoldCase;
  std::string out;
  for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
    UChar32 d = decomposed.char32At(i);
    int8_t dtype = u_charType(d);
    if (dtype == U_NON_SPACING_MARK || dtype == U_ENCLOSING_MARK)
      continue;
    if (dtype == U_DECIMAL_DIGIT_NUMBER) {
      out.push_back(static_cast<char>('0' + u_charDigitValue(d)));
    } else if (const char* latin = Transliterate(d); latin != nullptr) {
      out += latin;
      info.steps |= kFoldTransliterate;
    } else {
      AppendUtf8(out, d);
    }
  }
  if (out.size() > sizeof(info.out))
    out.resize(sizeof(info.out));  // U+FDFA and the like
  info.out_len = static_cast<uint8_t>(out.size());
  std::memcpy(info.out, out.data(), out.size());
  return info;
}

const CharInfo& Tables::Lookup(UChar32 c) const {
  if (c >= 0 && c < 0x10000)
    return bmp[static_cast<size_t>(c)];
  std::lock_guard<std::mutex> lock(supplementary_mutex);
  for (const auto& [code, info] : supplementary) {
    if (code == c)
      return info;
  }
  supplementary.emplace_back(c, Compute(c));
  return supplementary.back().second;
}

std::unique_ptr<const Tables> BuildTables() {
  auto tables = std::make_unique<Tables>();
  UErrorCode status = U_ZERO_ERROR;
  tables->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  tables->nfd = icu::Normalizer2::getNFDInstance(status);
  // ICU's data is linked into libicuuc; failing to get a built-in instance is a broken install.
  if (U_FAILURE(status))
    std::abort();
  tables->bmp.resize(0x10000);
  for (UChar32 c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    tables->bmp[static_cast<size_t>(c)] = tables->Compute(c);
  }
  for (const auto& [latin, cyrillic] : kConfusables) {
    // Each twin's alt is what the other letter folds to.
    CharInfo& l = tables->bmp[latin];
    CharInfo& k = tables->bmp[cyrillic];
    std::memcpy(l.alt, k.out, k.out_len);
    l.alt_len = k.out_len;
    std::memcpy(k.alt, l.out, l.out_len);
    k.alt_len = l.out_len;
  }
  return tables;
}
struct Cp {
  uint32_t begin;
  uint32_t end;
  const CharInfo* info;
  Kind kind;  // copies of info's, read in every pass without chasing the pointer
  Script script;
};

struct Token {
  size_t first;   // index into cps
  size_t last;    // one past
  int units = 0;  // letters and digits
  bool each_char_word = false;
  bool emoji = false;
  bool join_next = false;  // the separator after it joins spaced letters
};

// Appends one output byte for a letter or digit, applying the y/j, ph and repeat folds.
class Emitter {
 public:
  explicit Emitter(NormalizedText& out) : out_(out) {}

  void Byte(char byte, const Cp& cp, uint8_t steps, bool letter) {
    if (letter && (byte == 'y' || byte == 'j'))
      byte = 'i';
    size_t n = out_.key.size();
    bool continues_word = in_word_ && n > 0 && !out_.soft[n];
    if (!continues_word || !last_was_letter_)
      run_ = 1;
    if (letter && continues_word && last_was_letter_) {
      char last = out_.key[n - 1];
      if (byte == 'h' && last == 'p') {
        out_.key[n - 1] = 'f';
        out_.end[n - 1] = cp.end;
        return;
      }
      // A run of three or more of one letter is stretched ("нбооооом", "weeeed") and becomes one
      // letter; a double ("pmma", "speed") stays, since it can tell names apart. Codes keep
      // every letter.
      if (byte == last && static_cast<unsigned char>(byte) < 0x80 && !code_word_) {
        ++run_;
        if (run_ == 3 && n >= 2) {
          out_.end[n - 2] = cp.end;
          out_.steps[n - 2] |= kFoldStretch;
          Pop();
          return;
        }
        if (run_ > 3) {
          out_.end[n - 1] = cp.end;
          return;
        }
      } else {
        run_ = 1;
      }
    }
    out_.key.push_back(byte);
    out_.begin.push_back(cp.begin);
    out_.end.push_back(cp.end);
    out_.steps.push_back(steps | pending_steps_);
    out_.soft.push_back(0);
    pending_steps_ = 0;
    in_word_ = true;
    last_was_letter_ = letter;
  }
  // A word boundary that leaves no character: a hyphen, a joined gap between spaced letters
  // (marked 2 so evidence can say so), a change between letters and digits.
  void Soft(uint8_t mark = 1) {
    if (!out_.key.empty() && out_.soft.back() == 0)
      out_.soft.back() = mark;
  }
  void Space(uint32_t at) {
    if (out_.key.empty() || out_.key.back() == ' ')
      return;
    out_.key.push_back(' ');
    out_.begin.push_back(at);
    out_.end.push_back(at);
    out_.steps.push_back(0);
    out_.soft.push_back(0);
    in_word_ = false;
    last_was_letter_ = false;
    pending_steps_ = 0;
  }
  void Pending(uint8_t steps) { pending_steps_ |= steps; }
  void Extend(const Cp& cp) {
    if (in_word_ && !out_.key.empty() && out_.key.back() != ' ')
      out_.end.back() = cp.end;
  }
  void Pop() {
    out_.key.pop_back();
    out_.begin.pop_back();
    out_.end.pop_back();
    out_.steps.pop_back();
    out_.soft.pop_back();
    out_.soft.back() = 0;
  }
  // Words with digits are codes ("3-MMC", "AB-PINACA"): their doubled letters are kept.
  void CodeWord(bool code) { code_word_ = code; }
  bool LastWasLetter() const { return in_word_ && last_was_letter_; }
  bool InWord() const { return in_word_; }

 private:
  NormalizedText& out_;
  bool in_word_ = false;
  bool last_was_letter_ = false;
  uint8_t pending_steps_ = 0;
  bool code_word_ = false;
  int run_ = 1;  // length of the current run of one letter
};

bool IsUnit(const Cp& cp) {
  return cp.kind == Kind::kLetter || cp.kind == Kind::kDigit;
}
// The normaliser as it was before it was made fast (commit 7c617dd), kept word for word as the
// oracle for the one in normalizer.cc.
void ReferenceNormalize(std::string_view text, NormalizedText& out) {
  static const std::unique_ptr<const Tables> tables_ = BuildTables();
  out.Clear();
  out.key.reserve(text.size() + 1);
  out.begin.reserve(text.size() + 1);
  out.end.reserve(text.size() + 1);
  out.steps.reserve(text.size() + 1);
  out.soft.reserve(text.size() + 2);
  out.soft.push_back(0);  // soft has one more slot than key: the position after the last byte

  thread_local std::vector<Cp> cps;
  thread_local std::vector<Token> tokens;
  thread_local CharInfo leet_at{Kind::kLetter, Script::kLatin, kFoldLeet, 1, 0, {'a'}, {}};
  thread_local CharInfo leet_s{Kind::kLetter, Script::kLatin, kFoldLeet, 1, 0, {'s'}, {}};
  cps.clear();
  tokens.clear();
  const Tables& t = *tables_;
  static const CharInfo kInvalid{};

  // 1. Decode.
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    auto start = static_cast<uint32_t>(i);
    if (bytes[i] < 0x80) {
      const CharInfo* info = &t.bmp[bytes[i]];
      cps.push_back({start, start + 1, info, info->kind, info->script});
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    const CharInfo* info = c < 0 ? &kInvalid : &t.Lookup(c);
    cps.push_back({start, static_cast<uint32_t>(i), info, info->kind, info->script});
  }
  // '@' and '$' between letters stand for a and s ("xan@x", "$peed" is left alone).
  for (size_t i = 1; i + 1 < cps.size(); ++i) {
    char byte = text[cps[i].begin];
    if ((byte == '@' || byte == '$') && cps[i].end - cps[i].begin == 1 &&
        cps[i - 1].kind == Kind::kLetter && cps[i + 1].kind == Kind::kLetter) {
      cps[i].info = byte == '@' ? &leet_at : &leet_s;
      cps[i].kind = Kind::kLetter;
      cps[i].script = Script::kLatin;
    }
  }

  // 2. Words: runs of letters and digits, with soft separators and invisible characters inside.
  for (size_t i = 0; i < cps.size();) {
    Kind kind = cps[i].kind;
    if (kind == Kind::kEmoji) {
      tokens.push_back({i, i + 1, 0, false, true});
      ++i;
      continue;
    }
    if (kind != Kind::kLetter && kind != Kind::kDigit) {
      ++i;
      continue;
    }
    if (cps[i].script == Script::kEachCharAWord) {
      size_t last = i + 1;
      while (last < cps.size() && cps[last].kind == Kind::kIgnorable)
        ++last;
      tokens.push_back({i, last, 1, true, false});
      i = last;
      continue;
    }
    Token token{i, i, 0};
    size_t j = i;
    while (j < cps.size()) {
      Kind k = cps[j].kind;
      if ((k == Kind::kLetter || k == Kind::kDigit) && cps[j].script != Script::kEachCharAWord) {
        ++token.units;
        ++j;
        token.last = j;
      } else if (k == Kind::kIgnorable || k == Kind::kSoft) {
        // Inside the word only when a letter or digit follows.
        size_t next = j;
        while (next < cps.size() &&
               (cps[next].kind == Kind::kIgnorable || cps[next].kind == Kind::kSoft)) {
          ++next;
        }
        if (next < cps.size() && IsUnit(cps[next]) && cps[next].script != Script::kEachCharAWord) {
          j = next;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    tokens.push_back(token);
    i = j > i ? j : i + 1;
  }

  // 3. Spaced single letters ("m d m a", "A - P v P", "M.D.M.A"): three or more one-character
  // words, at least two of them letters, separated by at most three spaces, dots, hyphens,
  // underscores, slashes or asterisks.
  auto joinable_gap = [&](const Token& a, const Token& b) {
    if (b.first - a.last > 3)
      return false;
    for (size_t k = a.last; k < b.first; ++k) {
      uint32_t at = cps[k].begin;
      char c = cps[k].end - at == 1 ? text[at] : '\0';
      if (c != ' ' && c != '.' && c != '-' && c != '_' && c != '/' && c != '*' &&
          cps[k].kind != Kind::kIgnorable) {
        return false;
      }
    }
    return true;
  };
  for (size_t i = 0; i < tokens.size();) {
    if (tokens[i].units != 1 || tokens[i].emoji || tokens[i].each_char_word) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    int letters = cps[tokens[i].first].kind == Kind::kLetter ? 1 : 0;
    while (j < tokens.size() && tokens[j].units == 1 && !tokens[j].emoji &&
           !tokens[j].each_char_word && joinable_gap(tokens[j - 1], tokens[j])) {
      letters += cps[tokens[j].first].kind == Kind::kLetter ? 1 : 0;
      ++j;
    }
    if (j - i >= 3 && letters >= 2) {
      for (size_t k = i; k + 1 < j; ++k)
        tokens[k].join_next = true;
    }
    i = j;
  }

  // 4. Emit each word.
  Emitter emit(out);
  for (size_t ti = 0; ti < tokens.size(); ++ti) {
    const Token& token = tokens[ti];
    if (ti > 0 && tokens[ti - 1].join_next) {
      emit.Soft(2);
    } else if (ti > 0 && token.each_char_word && tokens[ti - 1].each_char_word &&
               tokens[ti - 1].last == token.first) {
      emit.Soft();  // Han, kana, Thai: every character may start a word
    } else if (ti > 0) {
      emit.Space(cps[token.first].begin);
    }
    if (token.emoji || token.each_char_word) {
      const Cp& cp = cps[token.first];
      for (uint8_t b = 0; b < cp.info->out_len; ++b)
        emit.Byte(cp.info->out[b], cp, 0, false);
      if (token.emoji)
        emit.Space(cp.end);
      continue;
    }
    int latin = 0;
    int cyrillic = 0;
    bool digits = false;
    for (size_t k = token.first; k < token.last; ++k) {
      if (cps[k].script == Script::kLatin)
        ++latin;
      if (cps[k].script == Script::kCyrillic)
        ++cyrillic;
      if (cps[k].kind == Kind::kDigit)
        digits = true;
    }
    emit.CodeWord(digits);
    Script minority = Script::kOther;
    if (latin > 0 && cyrillic > 0)
      minority = cyrillic > latin ? Script::kLatin : Script::kCyrillic;

    bool seen_unit = false;
    for (size_t k = token.first; k < token.last; ++k) {
      const Cp& cp = cps[k];
      const CharInfo& info = *cp.info;
      if (info.kind == Kind::kIgnorable) {
        if (seen_unit && info.out_len == 0)
          emit.Pending(kFoldIgnorable);
        continue;
      }
      if (info.kind == Kind::kSoft) {
        emit.Soft();
        continue;
      }
      if (info.kind == Kind::kDigit) {
        char digit = info.out_len > 0 ? info.out[0] : '0';
        char leet = LeetLetter(digit);
        bool between_letters = false;
        if (leet != 0 && k > token.first && k + 1 < token.last) {
          const CharInfo& prev = *cps[k - 1].info;
          const CharInfo& next = *cps[k + 1].info;
          between_letters = prev.kind == Kind::kLetter && next.kind == Kind::kLetter &&
                            prev.script == Script::kLatin && next.script == Script::kLatin;
        }
        if (between_letters) {
          emit.Byte(leet, cp, kFoldLeet, true);
        } else {
          if (emit.LastWasLetter())
            emit.Soft();
          emit.Byte(digit, cp, info.steps, false);
        }
        seen_unit = true;
        continue;
      }
      // A letter.
      if (seen_unit && !emit.LastWasLetter() && emit.InWord())
        emit.Soft();
      bool use_alt = info.script == minority && info.alt_len > 0;
      const char* bytes_out = use_alt ? info.alt : info.out;
      uint8_t count = use_alt ? info.alt_len : info.out_len;
      uint8_t steps = info.steps | (use_alt ? kFoldConfusable : 0);
      if (count == 0)
        emit.Extend(cp);  // "ь", "ъ": no letter, but part of the word's span
      for (uint8_t b = 0; b < count; ++b)
        emit.Byte(bytes_out[b], cp, steps, true);
      seen_unit = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The comparison.

const Normalizer& Fast() {
  static const Normalizer normalizer;
  return normalizer;
}

std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// Normalises `text` with both and reports the first field that differs. `reused` carries the
// previous call's buffers, as a session does.
::testing::AssertionResult SameAsReference(std::string_view text, NormalizedText& reused) {
  NormalizedText want;
  ReferenceNormalize(text, want);
  Fast().Normalize(text, reused);
  const NormalizedText& got = reused;
  auto fail = [&](const char* field, size_t at) {
    return ::testing::AssertionFailure()
           << field << " differs at " << at << " for \"" << Printable(text) << "\"\n  want key \""
           << Printable(want.key) << "\"\n  got  key \"" << Printable(got.key) << "\"";
  };
  if (got.key != want.key) {
    size_t at = 0;
    while (at < got.key.size() && at < want.key.size() && got.key[at] == want.key[at])
      ++at;
    return fail("key", at);
  }
  auto first_diff = [](const auto& a, const auto& b) {
    size_t at = 0;
    while (at < a.size() && at < b.size() && a[at] == b[at])
      ++at;
    return at;
  };
  if (got.begin != want.begin)
    return fail("begin", first_diff(got.begin, want.begin));
  if (got.end != want.end)
    return fail("end", first_diff(got.end, want.end));
  if (got.steps != want.steps)
    return fail("steps", first_diff(got.steps, want.steps));
  if (got.soft != want.soft)
    return fail("soft", first_diff(got.soft, want.soft));
  return ::testing::AssertionSuccess();
}

// Pieces that each exercise a rule; random strings are runs of them.
const char* const kPieces[] = {
    // ASCII letters, digits, y/j and ph folds, leetspeak digits
    "a", "b", "c", "e", "h", "i", "j", "k", "m", "o", "p", "s", "t", "x", "y", "z", "A", "M", "P",
    "H", "Y", "J", "ph", "PH", "Ph", "0", "1", "3", "4", "5", "7", "2", "9", "mdma", "c0ca1ne",
    "m3th", "3-MMC", "4-FA", "AB-PINACA", "speed", "pmma", "weed", "25I", "x4",
    // separators and soft separators
    " ", " ", " ", ".", "/", "*", "-", "_", "'", ",", "!", "\t", "\n", "  ", " - ", ". ", "@", "$",
    "@@", "$$", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\u2019", "\u02bc",
    "\u00b4", "`", "+", "(", ")", "#", "%", "&",
    // Cyrillic, Ukrainian, Belarusian, Kazakh, Serbian, upper case
    "а", "б", "г", "е", "ё", "ж", "и", "й", "к", "о", "р", "с", "у", "х", "ц", "ч", "ш", "щ", "ъ",
    "ы", "ь", "э", "ю", "я", "є", "і", "ї", "ґ", "ў", "ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "ј",
    "ђ", "љ", "њ", "ћ", "џ", "ѕ", "А", "В", "Е", "Н", "К", "М", "О", "Р", "С", "Т", "Х", "У", "І",
    "Ё", "Ж", "героин", "мефедрон", "шишки",
    // Greek
    "α", "β", "γ", "η", "θ", "λ", "μ", "ξ", "π", "σ", "ς", "φ", "χ", "ψ", "ω", "Α", "Ω", "ά",
    // Latin with diacritics, compatibility forms, ligatures, expansions
    "é", "ï", "ß", "ø", "ł", "İ", "ǅ", "ŉ", "ﬁ", "ﬀ", "ｍ", "Ｍ", "１", "²", "³", "㎏", "①", "Ⓜ",
    "\ufdfa", "ℌ", "Å", "K", "µ", "٣", "३", "Ⅻ",
    // invisible characters and combining marks
    "\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\ufe0f", "\u034f", "\u0301",
    "\u0308", "\u0327", "\u20dd", "\u0489",
    // emoji, incl. the supplementary plane, and mathematical letters
    "🔥", "✅", "😀", "👍", "🏽", "❄", "☘", "💊", "🍄", "\U0001d400", "\U0001d55e", "\U0001f1f7", "©",
    "™",
    // Han, kana, Thai, Hangul, Arabic
    "中", "国", "药", "ひ", "カ", "ー", "ไ", "ท", "ย", "한", "م", "ا",
    // invalid UTF-8: stray continuation bytes, truncated sequences, surrogates, overlongs
    "\x80", "\xbf", "\xff", "\xfe", "\xc3", "\xe2\x80", "\xf0\x9f\x94", "\xed\xa0\x80", "\xc0\xaf",
    "\xe0\x80\x80", "\xf4\x90\x80\x80", "\xc3\x28"};

std::string RandomText(std::mt19937& rng) {
  std::string text;
  int pieces = static_cast<int>(rng() % 40);
  for (int p = 0; p < pieces; ++p) {
    switch (rng() % 12) {
      case 0: {  // a long run of one letter
        const char* letters[] = {"o", "e", "s", "а", "о", "m", "ph", "y", "1", "0", "ъ"};
        const char* letter = letters[rng() % std::size(letters)];
        for (int n = 2 + static_cast<int>(rng() % 8); n > 0; --n)
          text += letter;
        break;
      }
      case 1: {  // spaced single characters
        const char* gaps[] = {" ",   ".",      " - ", "/",    "*", "_", "  ",      "...",
                              " . ", "\u200b", ". ",  "    ", "-", ",", " \u00ad "};
        int count = 2 + static_cast<int>(rng() % 5);
        for (int n = 0; n < count; ++n) {
          if (n > 0)
            text += gaps[rng() % std::size(gaps)];
          text += kPieces[rng() % 60];
        }
        break;
      }
      default:
        text += kPieces[rng() % std::size(kPieces)];
    }
  }
  return text;
}

TEST(NormalizerDiff, RandomStringsMatchTheReference) {
  std::mt19937 rng(20261130);
  NormalizedText reused;
  for (int i = 0; i < 30000; ++i) {
    std::string text = RandomText(rng);
    ASSERT_TRUE(SameAsReference(text, reused));
  }
}

TEST(NormalizerDiff, RandomBytesMatchTheReference) {
  std::mt19937 rng(7);
  NormalizedText reused;
  for (int i = 0; i < 5000; ++i) {
    std::string text(rng() % 64, '\0');
    for (char& c : text) {
      // Mostly ASCII letters and spaces, some high bytes.
      unsigned r = rng() % 8;
      c = static_cast<char>(r < 4 ? 'a' + rng() % 26 : r < 5 ? ' ' : rng() % 256);
    }
    ASSERT_TRUE(SameAsReference(text, reused));
  }
}

// Every name of the shipped lexicon, as written and obfuscated the ways the bench corpus does,
// in filler like a listing's.
TEST(NormalizerDiff, LexiconNamesAndListingsMatchTheReference) {
  auto lexicon = LoadLexicon(std::string(DRAGNET_SOURCE_DIR) + "/data/lexicon");
  ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
  const char* const filler[] = {"top",
                                "quality",
                                "stealth",
                                "качество",
                                "закладка",
                                "Москва",
                                "Київ",
                                "Qualität",
                                "wysyłka",
                                "EU",
                                "BTC",
                                "!!!",
                                "—",
                                "|",
                                "✅",
                                "🔥",
                                "(VHQ)",
                                "24/7",
                                "1g",
                                "0.5g",
                                "3,5гр",
                                "5G",
                                "300mg",
                                "100шт.",
                                "10 x 200mg",
                                "20+2 gr",
                                "1000ug/ml",
                                "40$",
                                "€45",
                                "3200₽",
                                "1 500 грн",
                                "0.002 BTC",
                                "бот t.me/klad_shop_bot",
                                "mail vendor [at] protonmail [dot] com",
                                "Wickr ID....shop2020"};
  std::mt19937 rng(20261129);
  NormalizedText reused;
  std::string listing;
  for (const Name& name : lexicon->names) {
    std::string spaced;
    for (char c : name.text) {
      spaced.push_back(c);
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
        spaced.push_back(' ');
    }
    std::string cyrillic_o = name.text;
    for (size_t at = cyrillic_o.find('o'); at != std::string::npos;
         at = cyrillic_o.find('o', at + 2)) {
      cyrillic_o.replace(at, 1, "\xd0\xbe");
    }
    std::string stretched =
        name.text.empty() ? name.text : name.text + std::string(3, name.text.back());
    for (const std::string& form : {name.text, spaced, cyrillic_o, stretched}) {
      ASSERT_TRUE(SameAsReference(form, reused));
      listing.clear();
      for (int w = static_cast<int>(rng() % 6); w > 0; --w)
        listing += std::string(filler[rng() % std::size(filler)]) + " ";
      listing += form;
      for (int w = static_cast<int>(rng() % 6); w > 0; --w)
        listing += std::string(" ") + filler[rng() % std::size(filler)];
      ASSERT_TRUE(SameAsReference(listing, reused));
    }
  }
}

// The golden inputs, line by line and each file whole.
TEST(NormalizerDiff, GoldenInputsMatchTheReference) {
  namespace fs = std::filesystem;
  NormalizedText reused;
  int files = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(DRAGNET_SOURCE_DIR) / "tests/golden/identify")) {
    if (entry.path().extension() != ".txt")
      continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream whole;
    whole << in.rdbuf();
    std::string text = whole.str();
    ASSERT_TRUE(SameAsReference(text, reused)) << entry.path();
    for (size_t start = 0; start < text.size();) {
      size_t stop = text.find('\n', start);
      if (stop == std::string::npos)
        stop = text.size();
      ASSERT_TRUE(SameAsReference(std::string_view(text).substr(start, stop - start), reused))
          << entry.path();
      start = stop + 1;
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace dragnet::identify
