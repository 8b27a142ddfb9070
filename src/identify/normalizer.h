#pragma once
// Folds text the way sellers obfuscate it, keeping every output character tied to the bytes of
// the original it came from, so a match in the folded text is reported at its original offsets.
//
// Steps, per word (docs/formats/lexicon.md, "Matching"):
//   1. NFKC + case folding (ICU), diacritics and default-ignorable characters (zero-width space,
//      variation selectors, soft hyphen...) dropped;
//   2. look-alike letters resolved by the word's majority script (Unicode TS #39 confusables
//      between Latin and Cyrillic: "Гeройн" with a Latin e is Cyrillic, "сocaine" with a Cyrillic
//      с is Latin);
//   3. Cyrillic (Russian, Ukrainian, Belarusian, Kazakh) and Greek transliterated to Latin, the
//      way sellers write Russian in Latin letters;
//   4. y, j -> i and ph -> f, so transliteration variants meet ("geroyn", "gerojn", "героин");
//   5. leetspeak digits between letters folded ("c0caine", "m3th"), codes like "3-MMC" kept;
//   6. runs of one letter collapsed ("нбооооом", "cannabiss");
//   7. hyphens, apostrophes and underscores inside a word, and the separators between spaced
//      single letters ("A - P v P", "m.d.m.a"), become soft boundaries: no character in the key,
//      but a word boundary a match may start or end at.
// Words are separated by one ' ' in the key. Han, kana and Thai characters are each a word.
// Emoji are kept as words of their own.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::identify {

// Which folding steps touched a key character (a bit set), reported as a finding's evidence.
enum FoldStep : uint8_t {
  kFoldCase = 1 << 0,        // NFKC or case folding changed it (fullwidth, ligatures, upper case)
  kFoldConfusable = 1 << 1,  // a look-alike letter of the other script
  kFoldTransliterate = 1 << 2,  // Cyrillic or Greek written in Latin letters
  kFoldLeet = 1 << 3,           // a digit or symbol standing for a letter
  kFoldStretch = 1 << 4,        // a repeated letter collapsed
  kFoldSpaced = 1 << 5,         // spaced or separated single letters joined
  kFoldIgnorable = 1 << 6,      // invisible characters removed inside the word
};

// Names of the steps set in `steps`, e.g. {"transliteration", "confusable"}.
std::vector<std::string> FoldStepNames(uint8_t steps);

struct NormalizedText {
  std::string key;              // the folded text (see above)
  std::vector<uint32_t> begin;  // begin[i]: first original byte of the character behind key[i]
  std::vector<uint32_t> end;    // end[i]: one past its last original byte
  std::vector<uint8_t> steps;   // steps[i]: FoldStep bits for key[i]
  std::vector<uint8_t> soft;    // soft[i] (size key.size() + 1): a soft boundary before key[i]

  void Clear();
  // True where a word may start or end: the ends of the key, next to ' ', or a soft boundary.
  bool BoundaryAt(size_t pos) const {
    return pos == 0 || pos >= key.size() || key[pos - 1] == ' ' || key[pos] == ' ' || soft[pos];
  }
  // FoldStep bits over key[first, last).
  uint8_t StepsIn(size_t first, size_t last) const;
};

class Normalizer {
 public:
  // Builds the per-character tables with ICU (a few milliseconds). Immutable afterwards: one
  // Normalizer may be shared by any number of threads.
  Normalizer();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Folds `text` (UTF-8; invalid bytes count as separators) into `out`, reusing its buffers.
  // Offsets are 32-bit and ICU's UTF-8 macros take int32_t lengths: only the first 2 GiB of a
  // larger text are read.
  void Normalize(std::string_view text, NormalizedText& out) const;

  // The key of a short string, e.g. a lexicon name.
  std::string Key(std::string_view text) const;

  struct Tables;

 private:
  std::unique_ptr<const Tables> tables_;
};

}  // namespace dragnet::identify
