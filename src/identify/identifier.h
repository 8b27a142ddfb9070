#pragma once
// The substances analyzer: names the substances, classes, quantities, prices, price per gram,
// NPS candidates and listing category of one document. Built once (lexicon, Hyperscan database,
// exchange rates) and shared; each worker thread identifies with its own IdentifierSession.
//
// Offsets are byte offsets into the UTF-8 text given to Identify.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"
#include "core/result.h"
#include "identify/lexicon.h"
#include "identify/matcher.h"
#include "identify/normalizer.h"
#include "identify/quantity.h"
#include "identify/rates.h"

namespace dragnet::identify {

inline constexpr std::string_view kIdentifierName = "substances";
// Bump whenever the output for the same input and lexicon can change.
inline constexpr int kIdentifierVersion = 1;

struct IdentifierOptions {
  std::filesystem::path lexicon_dir;  // empty = DefaultLexiconDirectory()
  std::filesystem::path rates_file;   // empty = <data>/rates/exchange_rates.csv
  std::filesystem::path cache_dir;    // empty = LexiconMatcher::DefaultCacheDirectory()
  bool use_cache = true;
};

// A name of the lexicon found in the text.
struct NameFinding {
  int name = 0;  // index into Lexicon::names
  uint32_t begin = 0;
  uint32_t end = 0;
  uint8_t steps = 0;  // FoldStep bits: how the text had to be folded to meet the name
  double confidence = 0;
};

struct NpsCandidate {
  std::string family;
  std::string class_id;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A class suggested by the shape of the listing rather than by a name: a dose in micrograms
// is a psychedelic (LSD and the NBOMes are dosed so; nothing else sold on markets is).
struct ClassHint {
  std::string class_id;
  std::string reason;
  uint32_t begin = 0;  // the text that suggested it
  uint32_t end = 0;
  double confidence = 0;
};

struct PricePerUnit {
  size_t tier = 0;  // index into quantities.tiers
  std::string per;  // "g" or "unit"
  double usd = 0;
  double eur = 0;
};

struct Identification {
  std::vector<NameFinding> substances;  // names that point to one substance
  std::vector<NameFinding> terms;       // names that point to a class
  std::vector<NameFinding> category_terms;
  std::vector<std::string> classes;  // sorted, unique
  std::string primary_class;         // the class with the most evidence; "" when none
  QuantityFindings quantities;
  std::vector<PricePerUnit> price_per_unit;
  std::vector<NpsCandidate> nps_candidates;
  std::vector<ClassHint> hints;  // only when no name was found
  bool truncated = false;        // the text held more names than kMaxHitsPerDocument
  std::string category;          // a DOMAIN.md listing category id
  std::vector<std::string> category_evidence;
  void Clear();
};

class IdentifierSession;

class Identifier {
 public:
  static Result<std::unique_ptr<Identifier>> Create(const IdentifierOptions& options);
  ~Identifier();

  const Lexicon& lexicon() const { return lexicon_; }
  const LexiconMatcher& matcher() const { return *matcher_; }
  const Normalizer& normalizer() const { return normalizer_; }
  const ExchangeRates& rates() const { return rates_; }

  Result<std::unique_ptr<IdentifierSession>> NewSession() const;

  // Appends the JSON object `dragnet identify` prints for one document to `out`, with `id_json`
  // (a JSON value, already serialised) as its "id" unless empty. Written straight into the
  // string: this runs once per document.
  void AppendJson(const Identification& result, std::string_view text, std::string_view id_json,
                  std::string& out) const;
  // The same, with `more` writing further fields (other analyzers' findings) into the object.
  void AppendJson(const Identification& result, std::string_view text, std::string_view id_json,
                  std::string& out, const std::function<void(JsonWriter&)>& more) const;
  // The same object as a tree, for callers that pick fields from it.
  nlohmann::json ToJson(const Identification& result, std::string_view text) const;

 private:
  Identifier() = default;
  Lexicon lexicon_;
  Normalizer normalizer_;
  std::unique_ptr<LexiconMatcher> matcher_;
  ExchangeRates rates_;
  std::vector<double> base_confidence_;  // per lexicon name: what it says alone
  friend class IdentifierSession;
};

// Per-thread state: normalisation buffers and Hyperscan scratch. Not thread-safe.
class IdentifierSession {
 public:
  IdentifierSession(const Identifier& identifier, std::unique_ptr<LexiconMatcher::Session> scan)
      : identifier_(identifier), scan_(std::move(scan)) {}

  // Identifies `text`; `date` (YYYY-MM-DD, "" = latest rates) picks the exchange rates.
  // Hostile text never fails; an error means Hyperscan itself failed.
  [[nodiscard]] Status Identify(std::string_view text, std::string_view date, Identification& out);

 private:
  void Resolve(std::string_view text, Identification& out);
  void FindNpsCandidates(Identification& out);
  void HintFromDoses(Identification& out);
  void Categorize(Identification& out);
  // The primary class and the classes of the substances and terms found.
  void AssignClasses(Identification& out) const;
  // Drops drug words that count only in context from a listing of another category.
  void DropThemeWords(Identification& out) const;
  void PricePerUnitOf(std::string_view date, Identification& out);

  const Identifier& identifier_;
  std::unique_ptr<LexiconMatcher::Session> scan_;
  NormalizedText normalized_;
  std::vector<NameHit> hits_;
};

}  // namespace dragnet::identify
