// SimHash fingerprints and the pigeonhole index over them (see near_duplicate.h; Charikar 2002;
// Manku, Jain, Das Sarma 2007).

#include "parse/near_duplicate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <new>
#include <string>

#include <sodium.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace dragnet::parse {
namespace {

constexpr size_t kMaxTokenBytes = 256;  // of input per token: a 1 MB "word" is one short feature
constexpr size_t kShingle = 3;

enum class CharClass { kSeparator, kIgnorable, kLetter, kMark, kDigit };

CharClass ClassifyWithIcu(UChar32 c) {
  if (c < 0)
    return CharClass::kSeparator;  // invalid UTF-8
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    return CharClass::kIgnorable;
  int8_t type = u_charType(c);
  if (type == U_DECIMAL_DIGIT_NUMBER)
    return CharClass::kDigit;
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC))
    return CharClass::kLetter;
  if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK)
    return CharClass::kMark;
  return CharClass::kSeparator;  // punctuation, symbols, emoji, spaces, controls, NUL
}

// U+0000..U+07FF (ASCII, Latin, Greek, Cyrillic, ...) looked up once: a third faster on ads.
CharClass Classify(UChar32 c) {
  static const auto* table = [] {
    static std::array<CharClass, 0x800> t;
    for (UChar32 i = 0; i < 0x800; ++i)
      t[static_cast<size_t>(i)] = ClassifyWithIcu(i);
    return &t;
  }();
  return c >= 0 && c < 0x800 ? (*table)[static_cast<size_t>(c)] : ClassifyWithIcu(c);
}

uint64_t FeatureHash(std::string_view feature) {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(feature.data()), feature.size(),
                   kSimHashKey);
  uint64_t h = 0;
  for (int i = crypto_shorthash_BYTES - 1; i >= 0; --i)
    h = (h << 8) | out[i];
  return h;
}

const icu::Normalizer2* FoldInstance() {
  static const icu::Normalizer2* fold = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? n : nullptr;  // without ICU data: ASCII case folding only
  }();
  return fold;
}

// One letter token (valid UTF-8) folded into `out`: NFKC_Casefold, or ASCII lower case.
void FoldToken(std::string_view raw, std::string& out) {
  out.clear();
  const icu::Normalizer2* fold = FoldInstance();
  bool ascii = std::all_of(raw.begin(), raw.end(), [](char c) { return (c & 0x80) == 0; });
  if (ascii || fold == nullptr) {
    for (char c : raw)
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out);
  fold->normalizeUTF8(0, icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())), sink,
                      nullptr, status);
  if (U_FAILURE(status) || out.empty())
    out.assign(raw);
}

// Calls on_token(is_number, begin, end, letters) for each maximal run of letters (with their
// marks) or of digits, in order: [begin, end) are its byte offsets in the text; `letters` are a
// letter token's bytes without the ignorable characters inside it, at most kMaxTokenBytes.
// Hand-written scan: ICU classifies code points but has no "runs of letters or digits" API whose
// word rules (UAX #29) keep "3200₽" or "0,5гр" apart the way we need.
template <typename OnToken>
void ForEachToken(std::string_view utf8_text, OnToken on_token) {
  const auto* s = reinterpret_cast<const uint8_t*>(utf8_text.data());
  const auto length = static_cast<int64_t>(utf8_text.size());
  CharClass run = CharClass::kSeparator;  // kLetter or kDigit while inside a token
  std::string letters;
  letters.reserve(kMaxTokenBytes);
  int64_t begin = 0;
  int64_t end = 0;
  auto flush = [&] {
    if (run == CharClass::kDigit || run == CharClass::kLetter)
      on_token(run == CharClass::kDigit, static_cast<size_t>(begin), static_cast<size_t>(end),
               std::string_view(letters));
    run = CharClass::kSeparator;
    letters.clear();
  };
  for (int64_t i = 0; i < length;) {
    const int64_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    CharClass cls = Classify(c);
    if (cls == CharClass::kIgnorable)
      continue;
    if (cls == CharClass::kMark) {  // part of a word; alone or after digits, nothing
      if (run != CharClass::kLetter)
        continue;
      cls = CharClass::kLetter;
    }
    if (cls != run)
      flush();
    if (cls == CharClass::kSeparator)
      continue;
    if (run == CharClass::kSeparator)
      begin = start;
    run = cls;
    end = i;
    if (cls == CharClass::kLetter &&
        letters.size() + static_cast<size_t>(i - start) <= kMaxTokenBytes)
      letters.append(utf8_text.data() + start, static_cast<size_t>(i - start));
  }
  flush();
}

// Tokens in, features hashed and voted; keeps the last kShingle tokens.
class Voter {
 public:
  Voter() {
    for (std::string& token : window_)
      token.reserve(kMaxTokenBytes * 4);
    feature_.reserve(kMaxTokenBytes * 16);
  }

  // `raw` is one letter token (valid UTF-8) or "#".
  void Token(std::string_view raw) {
    if (raw == "#") {
      Folded(raw);
    } else {
      FoldToken(raw, folded_);
      Folded(folded_);
    }
  }

  // One token already folded (FoldToken), "#" for a number or "@" for a slot word.
  void Folded(std::string_view folded) {
    // "2 900", "0,5": one number; "Москва, Арбат": one place.
    if ((folded == "#" || folded == "@") && tokens_ > 0 && Last() == folded)
      return;
    window_[tokens_ % kShingle].assign(folded);
    ++tokens_;
    if (tokens_ >= kShingle) {
      feature_.clear();
      for (size_t i = tokens_ - kShingle; i < tokens_; ++i) {
        if (i != tokens_ - kShingle)
          feature_.push_back(' ');
        feature_ += window_[i % kShingle];
      }
      Vote(FeatureHash(feature_));
    }
  }

  uint64_t Finish() {
    if (tokens_ < kShingle) {  // short texts: the words themselves
      for (size_t i = 0; i < tokens_; ++i)
        Vote(FeatureHash(window_[i]));
    }
    Spill();
    uint64_t hash = 0;
    for (int bit = 0; bit < 64; ++bit) {
      if (2 * ones_[bit] > features_)  // more +1 votes than -1 votes
        hash |= uint64_t{1} << bit;
    }
    return hash;
  }

 private:
  const std::string& Last() const { return window_[(tokens_ - 1) % kShingle]; }
  // Counting ones is the same vote. Eight bits at a time into byte-wide counters, spilled before
  // they overflow: the 64-step loop per feature was half the running time.
  void Vote(uint64_t h) {
    static constexpr auto kSpread = [] {
      std::array<uint64_t, 256> t{};
      for (uint64_t i = 0; i < 256; ++i) {
        for (int j = 0; j < 8; ++j)
          t[i] |= ((i >> j) & 1) << (8 * j);
      }
      return t;
    }();
    for (int b = 0; b < 8; ++b)
      packed_[b] += kSpread[(h >> (8 * b)) & 0xff];
    if (++features_ % 255 == 0)
      Spill();
  }
  void Spill() {
    for (int bit = 0; bit < 64; ++bit)
      ones_[bit] += (packed_[bit / 8] >> (8 * (bit % 8))) & 0xff;
    packed_ = {};
  }

  std::string folded_;
  std::array<std::string, kShingle> window_;
  std::string feature_;
  size_t tokens_ = 0;
  uint64_t features_ = 0;
  std::array<uint64_t, 8> packed_{};  // 8 counters of 8 bits each
  std::array<uint64_t, 64> ones_{};
};

void InitSodium() {
  static const bool sodium_ready = sodium_init() >= 0;  // SipHash needs no state; the rule does
  (void)sodium_ready;
}

}  // namespace

uint64_t SimHash(std::string_view utf8_text) {
  InitSodium();
  try {
    Voter voter;
    ForEachToken(utf8_text, [&](bool number, size_t, size_t, std::string_view letters) {
      voter.Token(number ? std::string_view("#") : letters);
    });
    return voter.Finish();
  } catch (const std::bad_alloc&) {
    return 0;  // only small bounded buffers are allocated; out of memory reads as "no text"
  }
}

uint64_t SimHash(const std::vector<SimHashWord>& words, const std::vector<bool>* slots) {
  InitSodium();
  try {
    Voter voter;
    for (size_t i = 0; i < words.size(); ++i) {
      bool slot = slots != nullptr && i < slots->size() && (*slots)[i];
      voter.Folded(slot ? std::string_view("@") : std::string_view(words[i].folded));
    }
    return voter.Finish();
  } catch (const std::bad_alloc&) {
    return 0;  // as above
  }
}

std::vector<SimHashWord> SimHashWords(std::string_view utf8_text) {
  std::vector<SimHashWord> words;
  words.reserve(utf8_text.size() / 6);
  ForEachToken(utf8_text, [&](bool number, size_t begin, size_t end, std::string_view letters) {
    SimHashWord& word = words.emplace_back();
    word.begin = begin;
    word.end = end;
    if (number)
      word.folded = "#";
    else
      FoldToken(letters, word.folded);
  });
  return words;
}

int HammingDistance(uint64_t a, uint64_t b) {
  return std::popcount(a ^ b);
}

NearDuplicateIndex::NearDuplicateIndex(int max_distance)
    : max_distance_(std::clamp(max_distance, 0, 15)), blocks_(max_distance_ + 1) {
  int bit = 0;
  for (int b = 0; b < blocks_; ++b) {
    int width = 64 / blocks_ + (b < 64 % blocks_ ? 1 : 0);
    shift_.push_back(bit);
    mask_.push_back(width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1);
    bit += width;
  }
  tables_.resize(static_cast<size_t>(blocks_));
}

uint64_t NearDuplicateIndex::Block(uint64_t simhash, int table) const {
  return (simhash >> shift_[table]) & mask_[table];
}

std::optional<uint32_t> NearDuplicateIndex::FindIndex(uint64_t simhash) const {
  uint32_t best = kNone;
  const int budget = kMaxCandidatesPerLookup / blocks_;
  for (int t = 0; t < blocks_; ++t) {
    auto it = tables_[t].find(Block(simhash, t));
    if (it == tables_[t].end())
      continue;
    int read = 0;
    // Chains run oldest first, so the first hit in a table is that table's earliest.
    for (uint32_t doc = it->second.head; doc != kNone && doc < best && read < budget;
         doc = next_[size_t{doc} * blocks_ + t], ++read) {
      if (HammingDistance(docs_[doc].simhash, simhash) <= max_distance_) {
        best = doc;
        break;
      }
    }
  }
  return best == kNone ? std::nullopt : std::optional<uint32_t>(best);
}

std::optional<int64_t> NearDuplicateIndex::Find(uint64_t simhash) const {
  std::optional<uint32_t> doc = FindIndex(simhash);
  return doc ? std::optional<int64_t>(docs_[*doc].id) : std::nullopt;
}

std::optional<int64_t> NearDuplicateIndex::Add(int64_t id, uint64_t simhash) {
  std::optional<int64_t> found = Find(simhash);
  if (docs_.size() >= kNone)
    return found;  // 4 billion documents: the numbering is full
  const auto doc = static_cast<uint32_t>(docs_.size());
  try {
    // Everything that can throw first (an empty chain left behind is harmless), then the
    // updates that cannot, so a failed Add leaves the index as it was.
    std::array<Chain*, 16> chains;  // blocks_ <= 16
    for (int t = 0; t < blocks_; ++t)
      chains[t] = &tables_[t][Block(simhash, t)];
    if (docs_.size() == docs_.capacity())
      docs_.reserve(std::max<size_t>(64, docs_.size() * 2));
    if (next_.size() + blocks_ > next_.capacity())
      next_.reserve(std::max<size_t>(64 * blocks_, next_.capacity() * 2));
    docs_.push_back({id, simhash});
    for (int t = 0; t < blocks_; ++t) {
      next_.push_back(kNone);
      Chain& chain = *chains[t];
      if (chain.tail == kNone)
        chain.head = doc;
      else
        next_[size_t{chain.tail} * blocks_ + t] = doc;
      chain.tail = doc;
    }
  } catch (const std::bad_alloc&) {
  }
  return found;
}

}  // namespace dragnet::parse
