#include "identify/matcher.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>

#include <hs/hs.h>

#include "core/file.h"
#include "core/hash.h"

namespace dragnet::identify {
namespace {

struct DatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* scratch) const { hs_free_scratch(scratch); }
};
struct CompileErrorDeleter {
  void operator()(hs_compile_error_t* error) const { hs_free_compile_error(error); }
};
struct MiscDeleter {
  void operator()(char* bytes) const { std::free(bytes); }
};

// Inflection endings, in folded form (y/j already i), tried longest first. Russian, Ukrainian,
// Belarusian, Kazakh loanword and Polish case endings.
constexpr std::array<std::string_view, 41> kSlavicEndings = {
    "iami", "ami", "imi", "iah", "ach", "ogo", "ego", "omu", "emu", "iam", "iem",
    "iiu",  "owi", "aia", "uiu", "oi",  "ei",  "om",  "em",  "ah",  "ih",  "im",
    "ov",   "ev",  "ow",  "ia",  "iu",  "ie",  "ii",  "oe",  "ee",  "am",  "a",
    "u",    "e",   "i",   "o",   "s",   "it",  "at",  ""};
// Adjectives a Russian or Ukrainian noun makes with -ов-/-ев- ("героиновых", "кокаиновый",
// "мефедронова"), in every case; tried before the noun's own endings, longest first ("ov" alone
// is the noun's genitive plural).
constexpr std::array<std::string_view, 32> kSlavicAdjectiveEndings = {
    "ovimi", "ovogo", "ovomu", "evimi", "evogo", "evomu", "ovaia", "ovuiu",
    "evaia", "evuiu", "ovii",  "ovoe",  "ovie",  "ovih",  "ovoi",  "ovim",
    "ovom",  "evii",  "evoe",  "evie",  "evih",  "evoi",  "evim",  "evom",
    "ova",   "ove",   "ovi",   "ovu",   "eva",   "eve",   "evi",   "evu"};
constexpr std::array<std::string_view, 3> kPluralEndings = {"es", "s", ""};

bool SlavicLanguage(const std::string& lang) {
  return lang == "ru" || lang == "uk" || lang == "be" || lang == "kk" || lang == "pl" ||
         lang == "ru-Latn" || lang == "cs" || lang == "sk";
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool AllLowerAscii(std::string_view key) {
  return std::all_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// The spellings of a name as they may appear in the key: each inner boundary (a space, or a
// hyphen that became a soft boundary) written or left out. All combinations up to three
// boundaries; beyond that, all written or none.
std::vector<std::string> Variants(const NormalizedText& name) {
  std::string key = name.key;
  while (!key.empty() && key.back() == ' ')
    key.pop_back();
  std::string joined;
  std::vector<size_t> gaps;  // positions in `joined` where a boundary was
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == ' ') {
      gaps.push_back(joined.size());
      continue;
    }
    if (i > 0 && name.soft[i] && key[i - 1] != ' ')
      gaps.push_back(joined.size());
    joined.push_back(key[i]);
  }
  std::vector<std::string> variants;
  size_t combinations = gaps.size() <= 3 ? (size_t{1} << gaps.size()) : 0;
  for (size_t mask = 0; mask < combinations; ++mask) {
    std::string variant;
    size_t g = 0;
    for (size_t i = 0; i < joined.size(); ++i) {
      if (g < gaps.size() && gaps[g] == i) {
        if (mask & (size_t{1} << g))
          variant.push_back(' ');
        ++g;
      }
      variant.push_back(joined[i]);
    }
    variants.push_back(std::move(variant));
  }
  if (combinations == 0) {
    variants.push_back(joined);
    std::string spaced;
    size_t g = 0;
    for (size_t i = 0; i < joined.size(); ++i) {
      if (g < gaps.size() && gaps[g] == i) {
        spaced.push_back(' ');
        ++g;
      }
      spaced.push_back(joined[i]);
    }
    variants.push_back(std::move(spaced));
  }
  return variants;
}

}  // namespace

struct LexiconMatcher::Database {
  std::unique_ptr<hs_database_t, DatabaseDeleter> db;
};

namespace {

class HyperscanSession final : public LexiconMatcher::Session {
 public:
  HyperscanSession(const hs_database_t* db, hs_scratch_t* scratch, const LexiconMatcher* matcher)
      : db_(db), scratch_(scratch), matcher_(matcher) {}

  Status Scan(const NormalizedText& text, std::vector<NameHit>& hits) override {
    if (text.key.empty())
      return Status::Ok();
    struct Context {
      const LexiconMatcher* matcher;
      const NormalizedText* text;
      std::vector<NameHit>* hits;
    } context{matcher_, &text, &hits};
    auto on_match = [](unsigned id, unsigned long long /*from*/, unsigned long long to,
                       unsigned /*flags*/, void* ctx) -> int {
      auto* c = static_cast<Context*>(ctx);
      c->matcher->OnLiteral(*c->text, id, static_cast<uint32_t>(to), *c->hits);
      // A hostile page of nothing but names stops here rather than filling memory.
      return c->hits->size() >= kMaxHitsPerDocument ? 1 : 0;
    };
    hs_error_t error = hs_scan(db_, text.key.data(), static_cast<unsigned>(text.key.size()), 0,
                               scratch_.get(), on_match, &context);
    if (error != HS_SUCCESS && error != HS_SCAN_TERMINATED) {
      return Internal("Hyperscan scan failed (hs_error_t " + std::to_string(error) + ")");
    }
    return Status::Ok();
  }

 private:
  const hs_database_t* db_;
  std::unique_ptr<hs_scratch_t, ScratchDeleter> scratch_;
  const LexiconMatcher* matcher_;
};

std::string HexOf(const std::array<uint8_t, 32>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 15]);
  }
  return hex;
}

}  // namespace

LexiconMatcher::~LexiconMatcher() = default;

std::filesystem::path LexiconMatcher::DefaultCacheDirectory() {
  if (const char* env = std::getenv("DRAGNET_CACHE"); env != nullptr && *env != '\0')
    return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "dragnet";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".cache" / "dragnet";
  }
  return {};
}

Result<std::unique_ptr<LexiconMatcher>> LexiconMatcher::Build(
    const Lexicon& lexicon, const Normalizer& normalizer, const std::filesystem::path& cache_dir) {
  std::unique_ptr<LexiconMatcher> matcher(new LexiconMatcher());
  std::map<std::string, uint32_t, std::less<>> literal_index;
  NormalizedText normalized;
  for (size_t n = 0; n < lexicon.names.size(); ++n) {
    const Name& name = lexicon.names[n];
    normalizer.Normalize(name.text, normalized);
    std::vector<std::string> variants = Variants(normalized);
    for (std::string& variant : variants) {
      // One ASCII letter or digit ("X", "G", "H") is everywhere: sizes, units, multipliers.
      if (variant.empty() || (variant.size() == 1 && static_cast<unsigned char>(variant[0]) < 0x80))
        continue;
      Endings endings = Endings::kNone;
      const std::string form = variant;
      // Codes and abbreviations are exact; words, brands included, take endings ("viagras").
      bool codeish = name.kind == "emoji" || name.kind == "code" || name.kind == "abbreviation" ||
                     !AllLowerAscii(variant);
      if (!codeish && SlavicLanguage(name.lang) && variant.size() >= 3) {
        endings = Endings::kSlavic;
        // The stem: "шишки" -> "shishk" so that "шишка", "шишками" match too. Not for makers'
        // names, foreign words Russian does not decline: "Картье" cut to "kart" met "карты".
        if (variant.size() >= 5 && IsVowel(variant.back()) && name.kind != "brand") {
          variant.pop_back();
          if (variant.size() >= 5 && variant.back() == 'i')
            variant.pop_back();
        }
        if (variant.size() >= 5 && name.ambiguity == Ambiguity::kNone &&
            name.target == Name::Target::kSubstance)
          endings = Endings::kSlavicAdjective;
      } else if (!codeish && variant.size() >= 4) {
        endings = Endings::kPlural;
      }
      auto [it, inserted] =
          literal_index.emplace(variant, static_cast<uint32_t>(matcher->literals_.size()));
      if (inserted) {
        matcher->literals_.push_back(variant);
        matcher->refs_.emplace_back();
      }
      auto& refs = matcher->refs_[it->second];
      Ref ref{
          static_cast<int>(n), static_cast<uint32_t>(variant.size()), endings, form, -1, "", false};
      // Two names with one key and one meaning ("a-PVP", "α-PVP", "альфа-ПВП") are one hit; the
      // first name in lexicon order is its evidence.
      auto same = std::find_if(refs.begin(), refs.end(), [&](const Ref& r) {
        const Name& other = lexicon.names[static_cast<size_t>(r.name)];
        return r.name == ref.name ||
               (other.target == name.target && other.substance == name.substance &&
                other.class_id == name.class_id && other.category == name.category);
      });
      if (same == refs.end()) {
        refs.push_back(ref);
        continue;
      }
      // "Amfetamin" (de) and "amfetamina" (pl): both apply; adjectives only if both allow them.
      bool slavic = ref.endings == Endings::kSlavic || ref.endings == Endings::kSlavicAdjective;
      bool same_slavic =
          same->endings == Endings::kSlavic || same->endings == Endings::kSlavicAdjective;
      if (slavic && !same_slavic)
        same->endings = ref.endings;
      else if (slavic && ref.endings != same->endings)
        same->endings = Endings::kSlavic;
      const Name& kept = lexicon.names[static_cast<size_t>(same->name)];
      if (same->name != ref.name && same->alt_name < 0 && kept.ambiguity != name.ambiguity &&
          same->form != form) {
        same->alt_name = ref.name;
        same->alt_form = form;
        same->alt_more_ambiguous = name.ambiguity > kept.ambiguity;
      }
    }
  }
  if (matcher->literals_.empty())
    return InvalidArgument("the lexicon has no usable names");
  // Each name also matches with its doubled letters written once ("canabis", "pils"), unless
  // that spelling is another name ("pma" is PMA, not PMMA). Codes with digits are exact.
  size_t primaries = matcher->literals_.size();
  for (size_t i = 0; i < primaries; ++i) {
    const std::string literal = matcher->literals_[i];
    if (!AllLowerAscii(literal))
      continue;
    std::string single;
    for (char c : literal) {
      if (single.empty() || single.back() != c)
        single.push_back(c);
    }
    if (single == literal || single.size() < 3)
      continue;
    auto [it, inserted] =
        literal_index.emplace(single, static_cast<uint32_t>(matcher->literals_.size()));
    if (!inserted && it->second < primaries)
      continue;
    size_t target = it->second;
    if (inserted) {
      matcher->literals_.push_back(single);
      matcher->refs_.emplace_back();
    }
    for (Ref ref : std::vector<Ref>(matcher->refs_[i])) {
      ref.length = static_cast<uint32_t>(single.size());
      matcher->refs_[target].push_back(ref);
    }
  }

  // The cache key covers everything the compiled database depends on.
  Hasher hasher(DigestAlgorithm::kSha256);
  hasher.Update(std::string_view(hs_version()));
  for (const auto& literal : matcher->literals_) {
    hasher.Update(std::string_view("\n", 1));
    hasher.Update(literal);
  }
  auto digest = hasher.Finish();
  std::array<uint8_t, 32> key{};
  std::copy_n(digest.begin(), key.size(), key.begin());
  if (!cache_dir.empty()) {
    matcher->cache_file_ = cache_dir / ("names-" + HexOf(key).substr(0, 32) + ".hsdb");
  }

  matcher->database_ = std::make_unique<Database>();
  if (!matcher->cache_file_.empty()) {
    if (auto bytes = ReadFile(matcher->cache_file_); bytes.has_value()) {
      hs_database_t* db = nullptr;
      if (hs_deserialize_database(bytes->data(), bytes->size(), &db) == HS_SUCCESS) {
        matcher->database_->db.reset(db);
        matcher->loaded_from_cache_ = true;
      }
    }
  }
  if (!matcher->database_->db) {
    std::vector<const char*> expressions;
    std::vector<size_t> lengths;
    std::vector<unsigned> ids;
    std::vector<unsigned> flags(matcher->literals_.size(), 0);
    for (size_t i = 0; i < matcher->literals_.size(); ++i) {
      expressions.push_back(matcher->literals_[i].data());
      lengths.push_back(matcher->literals_[i].size());
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_error = nullptr;
    hs_error_t error = hs_compile_lit_multi(
        expressions.data(), flags.data(), ids.data(), lengths.data(),
        static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db, &raw_error);
    std::unique_ptr<hs_compile_error_t, CompileErrorDeleter> compile_error(raw_error);
    if (error != HS_SUCCESS) {
      std::string message = compile_error ? compile_error->message : "unknown error";
      if (compile_error && compile_error->expression >= 0) {
        const Name& name = lexicon.names[static_cast<size_t>(
            matcher->refs_[static_cast<size_t>(compile_error->expression)].front().name)];
        message += " (name `" + name.text + "` at " + name.source.ToString() + ")";
      }
      return Internal("compiling the lexicon with Hyperscan: " + message);
    }
    matcher->database_->db.reset(db);
    if (!matcher->cache_file_.empty()) {
      char* raw_bytes = nullptr;
      size_t size = 0;
      if (hs_serialize_database(db, &raw_bytes, &size) == HS_SUCCESS) {
        std::unique_ptr<char, MiscDeleter> bytes(raw_bytes);
        std::error_code ignored;
        std::filesystem::create_directories(cache_dir, ignored);
        // A cache that cannot be written only costs the next start a compile.
        // Older databases (another lexicon, another Hyperscan) go, all but the last few.
        if (WriteFileAtomic(matcher->cache_file_, std::string_view(bytes.get(), size)).ok())
          PruneCacheFiles(matcher->cache_file_, "names-", ".hsdb", 4);
      }
    }
  }
  return matcher;
}

Result<std::unique_ptr<LexiconMatcher::Session>> LexiconMatcher::NewSession() const {
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database_->db.get(), &scratch) != HS_SUCCESS) {
    return Internal("Hyperscan could not allocate scratch space");
  }
  return std::unique_ptr<Session>(new HyperscanSession(database_->db.get(), scratch, this));
}

void LexiconMatcher::OnLiteral(const NormalizedText& text, uint32_t literal, uint32_t end,
                               std::vector<NameHit>& hits) const {
  for (const Ref& ref : refs_[literal]) {
    uint32_t begin = end - ref.length;
    if (!text.BoundaryAt(begin))
      continue;
    std::string_view rest(text.key.data() + end, text.key.size() - end);
    // Which of two names sharing this literal the hit is (see Ref::alt_name).
    auto name_of = [&](uint32_t hit_end) {
      if (ref.alt_name < 0)
        return ref.name;
      std::string_view written(text.key.data() + begin, hit_end - begin);
      if (written == ref.form)
        return ref.name;
      if (written == ref.alt_form)
        return ref.alt_name;
      return ref.alt_more_ambiguous ? ref.alt_name : ref.name;
    };
    auto try_endings = [&](auto const& endings) {
      for (std::string_view ending : endings) {
        if (rest.substr(0, ending.size()) == ending && text.BoundaryAt(end + ending.size())) {
          uint32_t hit_end = static_cast<uint32_t>(end + ending.size());
          hits.push_back({name_of(hit_end), begin, hit_end});
          return;
        }
      }
    };
    switch (ref.endings) {
      case Endings::kNone:
        if (text.BoundaryAt(end))
          hits.push_back({name_of(end), begin, end});
        break;
      case Endings::kPlural:
        try_endings(kPluralEndings);
        break;
      case Endings::kSlavic:
        try_endings(kSlavicEndings);
        break;
      case Endings::kSlavicAdjective: {
        size_t before = hits.size();
        try_endings(kSlavicAdjectiveEndings);
        if (hits.size() == before)
          try_endings(kSlavicEndings);
        break;
      }
    }
  }
}

void LexiconMatcher::ScanNaive(const NormalizedText& text, std::vector<NameHit>& hits) const {
  for (size_t i = 0; i < literals_.size(); ++i) {
    const std::string& literal = literals_[i];
    for (size_t at = text.key.find(literal); at != std::string::npos;
         at = text.key.find(literal, at + 1)) {
      OnLiteral(text, static_cast<uint32_t>(i), static_cast<uint32_t>(at + literal.size()), hits);
    }
  }
}

}  // namespace dragnet::identify
