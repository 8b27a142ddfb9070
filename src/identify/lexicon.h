#pragma once
// The lexicon: substances with their names, class-level terms, category vocabularies and the
// legal instruments statuses cite. Loaded from data/lexicon/ (docs/formats/lexicon.md); every
// error names its file and line. Immutable once loaded; share it between threads.

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dragnet::identify {

// The class ids of DOMAIN.md, in its order.
inline constexpr std::array<std::string_view, 15> kClassIds = {
    "cannabis",    "synthetic_cannabinoid", "stimulant",       "cathinone",      "entactogen",
    "psychedelic", "dissociative",          "opioid",          "benzodiazepine", "sedative",
    "steroid",     "prescription_other",    "tobacco_alcohol", "precursor",      "other"};

// The listing category ids of DOMAIN.md.
inline constexpr std::array<std::string_view, 11> kCategoryIds = {
    "drugs",    "weapons",     "counterfeits", "documents",     "fraud", "hacking",
    "services", "recruitment", "guides",       "paraphernalia", "other"};

bool IsClassId(std::string_view id);
bool IsCategoryId(std::string_view id);

enum class Ambiguity : uint8_t { kNone, kLow, kHigh };

// Where a name or term came from: "data/lexicon/substances/opioids.yaml:41".
struct SourceLine {
  std::string file;
  int line = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

struct LegalStatus {
  std::string instrument;  // an Instrument id
  std::string list;        // schedule, table, Anlage or class within it
  std::string since;       // year or ISO date; "" when not stated
};

struct Instrument {
  std::string id;
  std::string name;
  std::string jurisdiction;
  std::vector<std::string> lists;
};

struct Substance {
  std::string id;
  std::string name;
  std::string systematic;
  std::string class_id;
  std::string role;  // drug, nps, precursor, pre_precursor, reagent, medicine
  std::string group;
  std::vector<std::string> leads_to;
  std::vector<std::string> cas;
  int64_t pubchem = 0;
  std::string inchikey;
  std::vector<LegalStatus> status;
  SourceLine source;
};

// One written form that points to a substance, a class, or a category.
struct Name {
  enum class Target : uint8_t { kSubstance, kClass, kCategory };
  std::string text;
  std::string lang;    // ISO 639-1, "ru-Latn" or "*"
  std::string kind;    // inn, street, emoji, brand...
  std::string script;  // ISO 15924 of its letters: Latn, Cyrl, Grek, Zyyy (none), Mixed, ...
  Ambiguity ambiguity = Ambiguity::kNone;
  Target target = Target::kSubstance;
  int substance = -1;           // index into Lexicon::substances
  std::string class_id;         // kClass (and kSubstance: the substance's class)
  std::vector<int> candidates;  // kClass: substances it most often means
  std::string category;         // kCategory
  int category_index = -1;      // kCategory: index into kCategoryIds
  int weight = 0;               // kCategory: 1..3
  SourceLine source;
};

struct Lexicon {
  std::vector<Instrument> instruments;
  std::vector<Substance> substances;
  std::vector<Name> names;
  std::map<std::string, int, std::less<>> substance_index;  // id -> index
  std::string content_hash;  // SHA-256 over every file read, in order: keys the compiled cache
  std::vector<std::string> files;

  const Substance* FindSubstance(std::string_view id) const;
};

// Loads every *.yaml under `dir` (instruments.yaml, substances/, terms/, categories/). Returns
// an error listing up to 50 problems, each "file:line: message", when any file is invalid.
// With a `cache_dir`, a lexicon loaded before from the same files and the same loader is read
// from its binary cache there instead (lexicon_cache.h), and a newly loaded one is saved to it.
Result<Lexicon> LoadLexicon(const std::filesystem::path& dir,
                            const std::filesystem::path& cache_dir = {});

// The lexicon directory: $DRAGNET_LEXICON, else data/lexicon beside the binary's source tree
// (for builds), else the installed share/dragnet/lexicon.
std::filesystem::path DefaultLexiconDirectory();
std::filesystem::path DefaultDataDirectory();

}  // namespace dragnet::identify
