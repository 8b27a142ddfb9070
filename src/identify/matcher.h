#pragma once
// Finds every lexicon name in normalised text. All names are folded by the Normalizer into
// literal keys and compiled into one Hyperscan literal database (hs_compile_lit_multi); a hit is
// kept when it starts and ends on word boundaries, allowing the inflection endings of the name's
// language ("героина", "kokainy", "pills"). The compiled database is cached on disk, keyed by the
// literal set and the Hyperscan version, so a second start skips the compile.
//
// The matcher is immutable and shared; each thread scans with its own Session (Hyperscan
// scratch space is per thread).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "identify/lexicon.h"
#include "identify/normalizer.h"

namespace dragnet::identify {

// Names kept per document at most; a scan stops there (and says so in Identification).
inline constexpr size_t kMaxHitsPerDocument = 20000;

// A name found in the key: key[begin, end) (end includes an inflection ending).
struct NameHit {
  int name = 0;  // index into Lexicon::names
  uint32_t begin = 0;
  uint32_t end = 0;
};

class LexiconMatcher {
 public:
  // Compiles (or loads from `cache_dir`, when not empty) the database of `lexicon`'s names.
  // `lexicon` and `normalizer` must outlive the matcher.
  static Result<std::unique_ptr<LexiconMatcher>> Build(const Lexicon& lexicon,
                                                       const Normalizer& normalizer,
                                                       const std::filesystem::path& cache_dir);
  ~LexiconMatcher();

  class Session {
   public:
    virtual ~Session() = default;
    // Appends every hit in `text`, ordered by end offset, up to kMaxHitsPerDocument in all.
    // Fails only when Hyperscan does.
    [[nodiscard]] virtual Status Scan(const NormalizedText& text, std::vector<NameHit>& hits) = 0;
  };
  Result<std::unique_ptr<Session>> NewSession() const;

  // The same hits found with std::string::find over every literal: the reference the
  // Hyperscan path is tested against.
  void ScanNaive(const NormalizedText& text, std::vector<NameHit>& hits) const;

  size_t literal_count() const { return literals_.size(); }
  bool loaded_from_cache() const { return loaded_from_cache_; }
  const std::filesystem::path& cache_file() const { return cache_file_; }

  // Where the compiled database is cached: $DRAGNET_CACHE, else $XDG_CACHE_HOME/dragnet, else
  // ~/.cache/dragnet.
  static std::filesystem::path DefaultCacheDirectory();

  // Checks the boundaries of every name behind literal `literal` found ending at key offset
  // `end`, and appends the hits that hold. Called by sessions for each raw literal match.
  void OnLiteral(const NormalizedText& text, uint32_t literal, uint32_t end,
                 std::vector<NameHit>& hits) const;

  struct Database;

 private:
  // kSlavicAdjective: the case endings and the adjectives made with -ов-/-ев- ("героиновых"),
  // for unambiguous substance names of five letters or more only ("кокосовое" is no cocaine).
  enum class Endings : uint8_t { kNone, kPlural, kSlavic, kSlavicAdjective };
  struct Ref {
    int name;
    uint32_t length;
    Endings endings;
    // Two names of one meaning and one stem but of different ambiguity ("хмурь", low; "хмурый",
    // high) are one literal: a hit written exactly as one of them is that name, an inflected
    // form is the more ambiguous one (so "хмурый день" still needs a drug nearby).
    std::string form;      // the name as written, folded (before the stem was cut)
    int alt_name = -1;     // the other name, or -1
    std::string alt_form;  // its form
    bool alt_more_ambiguous = false;
  };
  LexiconMatcher() = default;

  std::vector<std::string> literals_;
  std::vector<std::vector<Ref>> refs_;  // per literal
  std::unique_ptr<Database> database_;
  bool loaded_from_cache_ = false;
  std::filesystem::path cache_file_;
};

}  // namespace dragnet::identify
