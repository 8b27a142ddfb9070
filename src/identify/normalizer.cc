#include "identify/normalizer.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "core/check.h"
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

}  // namespace

struct CharInfo {
  Kind kind = Kind::kSeparator;
  Script script = Script::kOther;
  uint8_t steps = 0;
  uint8_t out_len = 0;
  uint8_t alt_len = 0;
  char out[11] = {};
  char alt[3] = {};   // the folded twin of a confusable letter ("р" -> "p", "p" -> "r")
  uint8_t extra = 0;  // how many more bytes it may emit than its UTF-8 takes (sizes the output)
};

struct Normalizer::Tables {
  std::vector<CharInfo> bmp;             // indexed by code point, U+0000..U+FFFF
  std::array<bool, 256> ascii_letter{};  // A-Z, a-z: one byte, a Latin letter, nothing else
  const icu::Normalizer2* nfkc_cf = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  // Supplementary-plane characters are rare (emoji, mathematical letters); computed on demand.
  mutable std::mutex supplementary_mutex;
  mutable std::deque<std::pair<UChar32, CharInfo>> supplementary;

  CharInfo Compute(UChar32 c) const;
  const CharInfo& Lookup(UChar32 c) const {
    if (c >= 0 && c < 0x10000)
      return bmp[static_cast<size_t>(c)];
    return LookupSupplementary(c);
  }
  const CharInfo& LookupSupplementary(UChar32 c) const;
};

namespace {

void SetExtra(CharInfo& info, UChar32 c) {
  int most = std::max({int{info.out_len}, int{info.alt_len}, 1});
  info.extra = static_cast<uint8_t>(std::max(0, most - static_cast<int>(U8_LENGTH(c))));
}

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

}  // namespace

CharInfo Normalizer::Tables::Compute(UChar32 c) const {
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

const CharInfo& Normalizer::Tables::LookupSupplementary(UChar32 c) const {
  std::lock_guard<std::mutex> lock(supplementary_mutex);
  for (const auto& [code, info] : supplementary) {
    if (code == c)
      return info;
  }
  CharInfo info = Compute(c);
  SetExtra(info, c);
  supplementary.emplace_back(c, info);
  return supplementary.back().second;
}

Normalizer::Normalizer() {
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
  for (UChar32 c = 0; c < 0x10000; ++c)
    SetExtra(tables->bmp[static_cast<size_t>(c)], c);
  for (size_t c = 0; c < 0x80; ++c) {
    const CharInfo& info = tables->bmp[c];
    tables->ascii_letter[c] = info.kind == Kind::kLetter && info.script == Script::kLatin &&
                              info.out_len == 1 && c != '@' && c != '$';
  }
  tables_ = std::move(tables);
}

Normalizer::~Normalizer() = default;

void NormalizedText::Clear() {
  key.clear();
  begin.clear();
  end.clear();
  steps.clear();
  soft.clear();
}

uint8_t NormalizedText::StepsIn(size_t first, size_t last) const {
  uint8_t result = 0;
  for (size_t i = first; i < last && i < steps.size(); ++i)
    result |= steps[i];
  for (size_t i = first + 1; i < last && i < soft.size(); ++i) {
    if (soft[i] == 2)
      result |= kFoldSpaced;
  }
  return result;
}

std::vector<std::string> FoldStepNames(uint8_t steps) {
  static constexpr std::pair<uint8_t, const char*> kNames[] = {
      {kFoldCase, "compatibility"},
      {kFoldConfusable, "confusable"},
      {kFoldTransliterate, "transliteration"},
      {kFoldLeet, "leetspeak"},
      {kFoldStretch, "stretched"},
      {kFoldSpaced, "spaced"},
      {kFoldIgnorable, "invisible"},
  };
  std::vector<std::string> names;
  for (const auto& [bit, name] : kNames) {
    if (steps & bit)
      names.emplace_back(name);
  }
  return names;
}
namespace {

// One decoded code point (16 bytes; kind and script are copies of info's, read in every pass
// without chasing the pointer).
struct Cp {
  uint32_t begin;
  uint8_t length;  // in bytes, 1..4 (3 for an invalid sequence at most)
  Kind kind;
  Script script;
  const CharInfo* info;

  uint32_t end() const { return begin + length; }
};

struct Token {
  uint32_t first;  // index into cps
  uint32_t last;   // one past
  uint32_t units;  // letters and digits
  uint32_t latin;  // letters and digits of each script
  uint32_t cyrillic;
  bool digits;
  bool each_char_word;
  bool emoji;
  bool join_next;  // the separator after it joins spaced letters
  bool plain;      // letters only, each folding to something, nothing between them
};

// Scratch memory a thread keeps between calls: sized once to the largest text seen, never
// initialised (every slot used is written first).
template <typename T>
class Scratch {
 public:
  T* Reserve(size_t n) {
    if (n > capacity_) {
      data_ = std::make_unique_for_overwrite<T[]>(n);
      capacity_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<T[]> data_;
  size_t capacity_ = 0;
};

// Writes output bytes for letters and digits, applying the y/j, ph and repeat folds, straight
// into the arrays of NormalizedText, sized beforehand to an upper bound of the output.
class Emitter {
 public:
  explicit Emitter(NormalizedText& out)
      : key_(out.key.data()),
        begin_(out.begin.data()),
        end_(out.end.data()),
        steps_(out.steps.data()),
        soft_(out.soft.data()),
        capacity_(out.key.size()) {}

  size_t size() const { return n_; }

  // Inlined everywhere so that the emitter's state stays in registers: stores through the
  // char arrays could alias its members otherwise.
  [[gnu::always_inline]] void Byte(char byte, uint32_t cp_begin, uint32_t cp_end, uint8_t steps,
                                   bool letter) {
    if (letter && (byte == 'y' || byte == 'j'))
      byte = 'i';
    size_t n = n_;
    bool continues_word = in_word_ && n > 0 && !soft_[n];
    if (!continues_word || !last_was_letter_)
      run_ = 1;
    if (letter && continues_word && last_was_letter_) {
      char last = key_[n - 1];
      if (byte == 'h' && last == 'p') {
        key_[n - 1] = 'f';
        end_[n - 1] = cp_end;
        return;
      }
      // A run of three or more of one letter is stretched ("нбооооом", "weeeed") and becomes one
      // letter; a double ("pmma", "speed") stays, since it can tell names apart. Codes keep
      // every letter.
      if (byte == last && static_cast<unsigned char>(byte) < 0x80 && !code_word_) {
        ++run_;
        if (run_ == 3 && n >= 2) {
          end_[n - 2] = cp_end;
          steps_[n - 2] |= kFoldStretch;
          // Drop key[n - 1]; the slot before it (0, or the word would not continue) becomes
          // the slot after the last character.
          --n_;
          soft_[n_] = 0;
          return;
        }
        if (run_ > 3) {
          end_[n - 1] = cp_end;
          return;
        }
      } else {
        run_ = 1;
      }
    }
    DRAGNET_DCHECK(n < capacity_);
    key_[n] = byte;
    begin_[n] = cp_begin;
    end_[n] = cp_end;
    steps_[n] = steps | pending_steps_;
    soft_[n + 1] = 0;
    n_ = n + 1;
    pending_steps_ = 0;
    in_word_ = true;
    last_was_letter_ = letter;
  }
  // A word boundary that leaves no character: a hyphen, a joined gap between spaced letters
  // (marked 2 so evidence can say so), a change between letters and digits.
  [[gnu::always_inline]] void Soft(uint8_t mark = 1) {
    if (n_ > 0 && soft_[n_] == 0)
      soft_[n_] = mark;
  }
  [[gnu::always_inline]] void Space(uint32_t at) {
    if (n_ == 0 || key_[n_ - 1] == ' ')
      return;
    DRAGNET_DCHECK(n_ < capacity_);
    key_[n_] = ' ';
    begin_[n_] = at;
    end_[n_] = at;
    steps_[n_] = 0;
    soft_[n_ + 1] = 0;
    ++n_;
    in_word_ = false;
    last_was_letter_ = false;
    pending_steps_ = 0;
  }
  void Pending(uint8_t steps) { pending_steps_ |= steps; }
  void Extend(uint32_t cp_end) {
    if (in_word_ && n_ > 0 && key_[n_ - 1] != ' ')
      end_[n_ - 1] = cp_end;
  }
  // Words with digits are codes ("3-MMC", "AB-PINACA"): their doubled letters are kept.
  void CodeWord(bool code) { code_word_ = code; }
  bool LastWasLetter() const { return in_word_ && last_was_letter_; }
  bool InWord() const { return in_word_; }

  // The letters of a plain word (Token::plain, of one script): Byte for each byte they fold
  // to, with what Byte finds after the first one known: the word goes on, the last byte was a
  // letter, no steps are pending, and the word is no code.
  void PlainWord(const Cp* cp, const Cp* last) {
    const CharInfo* info = cp->info;
    Byte(info->out[0], cp->begin, cp->end(), info->steps, true);
    uint8_t b = 1;  // the next byte of cp's folded form
    if (!(in_word_ && last_was_letter_ && soft_[n_] == 0 && pending_steps_ == 0 && !code_word_)) {
      // Not reached: a word's first letter never joins the one before.
      for (;;) {
        for (; b < info->out_len; ++b)
          Byte(info->out[b], cp->begin, cp->end(), info->steps, true);
        if (++cp == last)
          return;
        info = cp->info;
        b = 0;
      }
    }
    size_t n = n_;
    int run = run_;
    for (;;) {
      uint32_t cp_begin = cp->begin;
      uint32_t cp_end = cp->end();
      uint8_t steps = info->steps;
      for (; b < info->out_len; ++b) {
        char byte = info->out[b];
        if (byte == 'y' || byte == 'j')
          byte = 'i';
        char before = key_[n - 1];
        if (byte == 'h' && before == 'p') {
          key_[n - 1] = 'f';
          end_[n - 1] = cp_end;
          continue;
        }
        if (byte == before && static_cast<unsigned char>(byte) < 0x80) {
          ++run;
          if (run == 3 && n >= 2) {
            end_[n - 2] = cp_end;
            steps_[n - 2] |= kFoldStretch;
            --n;
            soft_[n] = 0;
            continue;
          }
          if (run > 3) {
            end_[n - 1] = cp_end;
            continue;
          }
        } else {
          run = 1;
        }
        DRAGNET_DCHECK(n < capacity_);
        key_[n] = byte;
        begin_[n] = cp_begin;
        end_[n] = cp_end;
        steps_[n] = steps;
        soft_[n + 1] = 0;
        ++n;
      }
      if (++cp == last)
        break;
      info = cp->info;
      b = 0;
    }
    n_ = n;
    run_ = run;
  }

 private:
  char* key_;
  uint32_t* begin_;
  uint32_t* end_;
  uint8_t* steps_;
  uint8_t* soft_;
  size_t capacity_;  // of key, begin, end and steps; soft has one slot more
  size_t n_ = 0;
  bool in_word_ = false;
  bool last_was_letter_ = false;
  uint8_t pending_steps_ = 0;
  bool code_word_ = false;
  int run_ = 1;  // length of the current run of one letter
};

}  // namespace

void Normalizer::Normalize(std::string_view text, NormalizedText& out) const {
  thread_local Scratch<Cp> cp_scratch;
  // Grown as needed: one per byte, the most there can be, would take 28 bytes a byte.
  thread_local std::vector<Token> tokens;
  static const CharInfo kLeetAt{Kind::kLetter, Script::kLatin, kFoldLeet, 1, 0, {'a'}, {}};
  static const CharInfo kLeetS{Kind::kLetter, Script::kLatin, kFoldLeet, 1, 0, {'s'}, {}};
  static const CharInfo kInvalid{};
  const Tables& t = *tables_;
  // ICU's UTF-8 macros take int32_t lengths: the first 2 GiB are read (normalizer.h).
  text = text.substr(0, std::min<size_t>(text.size(), INT32_MAX));

  // 1. Decode and find the words in one pass. A code point emits at most max(out_len, alt_len,
  // 1) bytes, so at most `extra` more than it takes ("ѕ" for a Latin "s" in a Cyrillic word):
  // `bound` counts them.
  //
  // Words are runs of letters and digits, with soft separators and invisible characters inside
  // when a letter or digit follows them; Han, kana and Thai characters are each a word, with the
  // invisible characters right after them; emoji are words of their own.
  Cp* cps = cp_scratch.Reserve(text.size());
  tokens.clear();
  size_t ncps = 0;
  size_t bound = text.size();
  enum class In : uint8_t { kNothing, kWord, kCharacter } in = In::kNothing;
  Token word{};          // the word or character being read
  bool between = false;  // soft or invisible characters after the word's last letter or digit
  auto close = [&] {
    if (in != In::kNothing)
      tokens.push_back(word);
    in = In::kNothing;
    between = false;
  };
  auto add = [&](const Cp& cp) __attribute__((always_inline)) {
    auto k = static_cast<uint32_t>(ncps);
    cps[ncps++] = cp;
    bound += cp.info->extra;
    switch (cp.kind) {
      case Kind::kLetter:
      case Kind::kDigit:
        if (cp.script == Script::kEachCharAWord) {
          close();
          word = Token{};
          word.first = k;
          word.last = k + 1;
          word.units = 1;
          word.each_char_word = true;
          in = In::kCharacter;
          return;
        }
        if (in == In::kWord) {
          word.plain &= !between;
          between = false;
        } else {
          close();
          word = Token{};
          word.first = k;
          word.plain = true;
          in = In::kWord;
        }
        ++word.units;
        word.latin += cp.script == Script::kLatin;
        word.cyrillic += cp.script == Script::kCyrillic;
        word.digits |= cp.kind == Kind::kDigit;
        word.plain &= cp.kind == Kind::kLetter && cp.info->out_len > 0;
        word.last = k + 1;
        return;
      case Kind::kIgnorable:
        if (in == In::kWord)
          between = true;
        else if (in == In::kCharacter)
          word.last = k + 1;
        return;
      case Kind::kSoft:
        if (in == In::kWord)
          between = true;
        else
          close();
        return;
      case Kind::kEmoji:
        close();
        word = Token{};
        word.first = k;
        word.last = k + 1;
        word.emoji = true;
        tokens.push_back(word);
        return;
      case Kind::kSeparator:
        close();
        return;
    }
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  // The kind of the code point at `at`, for the look-ahead of '@' and '$'.
  auto kind_at = [&](int32_t at) {
    if (at >= length)
      return Kind::kSeparator;
    if (bytes[at] < 0x80)
      return t.bmp[bytes[at]].kind;
    UChar32 c;
    U8_NEXT(bytes, at, length, c);
    return c < 0 ? Kind::kSeparator : t.Lookup(c).kind;
  };
  for (int32_t i = 0; i < length;) {
    auto start = static_cast<uint32_t>(i);
    uint8_t byte = bytes[i];
    if (byte < 0x80) {
      // The common case first: more ASCII letters of a word.
      if (in == In::kWord && !between) {
        while (t.ascii_letter[byte]) {
          const CharInfo* info = &t.bmp[byte];
          cps[ncps] = {static_cast<uint32_t>(i), 1, Kind::kLetter, Script::kLatin, info};
          bound += info->extra;
          ++word.units;
          ++word.latin;
          ++ncps;
          if (++i == length)
            break;
          byte = bytes[i];
        }
        word.last = static_cast<uint32_t>(ncps);
        if (i == length)
          break;
        if (byte >= 0x80)
          continue;
        start = static_cast<uint32_t>(i);
      }
      const CharInfo* info = &t.bmp[byte];
      // '@' and '$' between letters stand for a and s ("xan@x"; "$peed" is left alone).
      if ((byte == '@' || byte == '$') && ncps > 0 && cps[ncps - 1].kind == Kind::kLetter &&
          kind_at(i + 1) == Kind::kLetter) {
        add({start, 1, Kind::kLetter, Script::kLatin, byte == '@' ? &kLeetAt : &kLeetS});
      } else {
        add({start, 1, info->kind, info->script, info});
      }
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    const CharInfo* info = c < 0 ? &kInvalid : &t.Lookup(c);
    add({start, static_cast<uint8_t>(static_cast<uint32_t>(i) - start), info->kind, info->script,
         info});
  }
  close();
  const size_t ntokens = tokens.size();

  // 3. Spaced single letters ("m d m a", "A - P v P", "M.D.M.A"): three or more one-character
  // words, at least two of them letters, separated by at most three spaces, dots, hyphens,
  // underscores, slashes or asterisks.
  auto joinable_gap = [&](const Token& a, const Token& b) {
    if (b.first - a.last > 3)
      return false;
    for (size_t k = a.last; k < b.first; ++k) {
      char c = cps[k].length == 1 ? text[cps[k].begin] : '\0';
      if (c != ' ' && c != '.' && c != '-' && c != '_' && c != '/' && c != '*' &&
          cps[k].kind != Kind::kIgnorable) {
        return false;
      }
    }
    return true;
  };
  auto single = [](const Token& token) {
    return token.units == 1 && !token.emoji && !token.each_char_word;
  };
  for (size_t i = 0; i < ntokens;) {
    if (!single(tokens[i])) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    int letters = cps[tokens[i].first].kind == Kind::kLetter ? 1 : 0;
    while (j < ntokens && single(tokens[j]) && joinable_gap(tokens[j - 1], tokens[j])) {
      letters += cps[tokens[j].first].kind == Kind::kLetter ? 1 : 0;
      ++j;
    }
    if (j - i >= 3 && letters >= 2) {
      for (size_t k = i; k + 1 < j; ++k)
        tokens[k].join_next = true;
    }
    i = j;
  }

  // 4. Emit each word, into arrays sized once: a space at most before each word and after each
  // emoji, besides the bytes counted in `bound`.
  bound += 2 * ntokens + 1;
  out.key.resize(bound);
  out.begin.resize(bound);
  out.end.resize(bound);
  out.steps.resize(bound);
  out.soft.resize(bound + 1);
  out.soft[0] = 0;  // soft has one more slot than key: the position after the last byte
  Emitter emit(out);
  for (size_t ti = 0; ti < ntokens; ++ti) {
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
        emit.Byte(cp.info->out[b], cp.begin, cp.end(), 0, false);
      if (token.emoji)
        emit.Space(cp.end());
      continue;
    }
    emit.CodeWord(token.digits);
    if (token.plain && (token.latin == 0 || token.cyrillic == 0)) {
      // The common word ("quality", "качество"): letters of one script and nothing between
      // them, so no look-alike, leetspeak or boundary rule applies; only Byte's folds do.
      emit.PlainWord(cps + token.first, cps + token.last);
      continue;
    }
    Script minority = Script::kOther;
    if (token.latin > 0 && token.cyrillic > 0)
      minority = token.cyrillic > token.latin ? Script::kLatin : Script::kCyrillic;

    bool seen_unit = false;
    for (size_t k = token.first; k < token.last; ++k) {
      const Cp& cp = cps[k];
      if (cp.kind == Kind::kIgnorable) {
        if (seen_unit)
          emit.Pending(kFoldIgnorable);  // ignorable characters have no output
        continue;
      }
      if (cp.kind == Kind::kSoft) {
        emit.Soft();
        continue;
      }
      const CharInfo& info = *cp.info;
      if (cp.kind == Kind::kDigit) {
        char digit = info.out_len > 0 ? info.out[0] : '0';
        char leet = LeetLetter(digit);
        bool between_letters = false;
        if (leet != 0 && k > token.first && k + 1 < token.last) {
          const Cp& prev = cps[k - 1];
          const Cp& next = cps[k + 1];
          between_letters = prev.kind == Kind::kLetter && next.kind == Kind::kLetter &&
                            prev.script == Script::kLatin && next.script == Script::kLatin;
        }
        if (between_letters) {
          emit.Byte(leet, cp.begin, cp.end(), kFoldLeet, true);
        } else {
          if (emit.LastWasLetter())
            emit.Soft();
          emit.Byte(digit, cp.begin, cp.end(), info.steps, false);
        }
        seen_unit = true;
        continue;
      }
      // A letter.
      if (seen_unit && !emit.LastWasLetter() && emit.InWord())
        emit.Soft();
      bool use_alt = cp.script == minority && info.alt_len > 0;
      const char* bytes_out = use_alt ? info.alt : info.out;
      uint8_t count = use_alt ? info.alt_len : info.out_len;
      uint8_t steps = info.steps | (use_alt ? kFoldConfusable : 0);
      if (count == 0)
        emit.Extend(cp.end());  // "ь", "ъ": no letter, but part of the word's span
      for (uint8_t b = 0; b < count; ++b)
        emit.Byte(bytes_out[b], cp.begin, cp.end(), steps, true);
      seen_unit = true;
    }
  }
  size_t n = emit.size();
  out.key.resize(n);
  out.begin.resize(n);
  out.end.resize(n);
  out.steps.resize(n);
  out.soft.resize(n + 1);
}

std::string Normalizer::Key(std::string_view text) const {
  NormalizedText normalized;
  Normalize(text, normalized);
  std::string key = std::move(normalized.key);
  while (!key.empty() && key.back() == ' ')
    key.pop_back();
  return key;
}

}  // namespace dragnet::identify
