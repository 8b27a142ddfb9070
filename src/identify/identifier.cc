#include "identify/identifier.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/json_writer.h"

namespace dragnet::identify {
namespace {

// How much a name alone says, by its kind; ambiguous and folded matches say less.
double BaseConfidence(const Name& name) {
  double confidence = 0.95;
  if (name.kind == "misspelling")
    confidence = 0.85;
  if (name.kind == "street")
    confidence = 0.8;
  if (name.kind == "brand")
    confidence = 0.7;
  if (name.kind == "emoji")
    confidence = 0.5;
  if (name.ambiguity == Ambiguity::kLow)
    confidence -= 0.1;
  if (name.ambiguity == Ambiguity::kHigh)
    confidence = std::min(confidence, 0.6);
  return confidence;
}

// How close (in bytes) an amount or an unambiguous drug word must be to confirm an everyday
// word as a drug name: "ICE 14g", "соль 0.5 гр" but not "chat with us ... 1g" in a long post.
// A price alone confirms nothing: every listing has one ("Supreme hoodie 45 EUR").
constexpr uint32_t kAmountWindow = 24;
constexpr uint32_t kDrugWordWindow = 160;
// "hash 5g", "white 1g": an amount that follows a word at once (a space or two between).
constexpr uint32_t kAdjacentAmount = 3;
// Titles and one-line ads are shorter than this (normalised bytes); pages are longer. In a
// title an amount anywhere confirms an everyday drug word: "Кристаллы Синие мощные 3гр" is
// 40 bytes from word to amount in Cyrillic, "Шишки(всегда подъезд) 5G" as many.
constexpr size_t kTitleLength = 240;

// A drug word inside a user name or handle names the account, not a product: "kush_kingdom",
// "molly_lab", "sirets24" (digits glued on, not a dose like "xanax2mg" or a purity "mdma84%").
bool InsideHandle(std::string_view text, uint32_t begin, uint32_t end) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (begin > 0 && text[begin - 1] == '_')
    return true;
  if (end < text.size() && text[end] == '_')
    return true;
  // "kush.kingdom", "www.kush.shop": glued to a word by a dot, as in user and host names.
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  if (end + 1 < text.size() && text[end] == '.' && lower(text[end + 1]))
    return true;
  if (begin >= 2 && text[begin - 1] == '.' && is_alnum(text[begin - 2]))
    return true;
  if (end < text.size() && digit(text[end]) && end > begin && !digit(text[end - 1])) {
    size_t i = end;
    while (i < text.size() && digit(text[i]))
      ++i;
    // "sirets24" ends the word after its digits; "xanax2mg", "mdma84%", "coke1.5g" go on.
    if (i == text.size() ||
        (!is_alnum(text[i]) && text[i] != '%' && text[i] != '.' && text[i] != ','))
      return true;
  }
  return false;
}

bool Near(uint32_t a_begin, uint32_t a_end, uint32_t b_begin, uint32_t b_end, uint32_t window) {
  if (a_end + window < b_begin)
    return false;
  if (b_end + window < a_begin)
    return false;
  return true;
}

bool EndsWith(std::string_view word, std::string_view suffix) {
  return word.size() > suffix.size() && word.substr(word.size() - suffix.size()) == suffix;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLetters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Name shapes of NPS families (DOMAIN.md), tested on a folded word (hyphens gone, y -> i,
// ph -> f): a word with the shape that no lexicon name covers is a candidate for review.
struct NpsShape {
  const char* family;
  const char* class_id;
  bool (*matches)(std::string_view word);
};

constexpr NpsShape kNpsShapes[] = {
    {"ring-substituted cathinone", "cathinone",
     [](std::string_view w) {  // 3-MMC, 4-CMC, 3-XMC, 2-FMC
       return w.size() >= 4 && w.size() <= 5 && w[0] >= '2' && w[0] <= '4' && EndsWith(w, "mc") &&
              IsLetters(w.substr(1));
     }},
    {"pyrrolidinophenone", "cathinone",
     [](std::string_view w) {  // a-PVP, alpha-PHP, 4F-PVP, a-PiHP
       for (std::string_view prefix : {"alfa", "a"}) {
         if (w.substr(0, prefix.size()) == prefix) {
           std::string_view rest = w.substr(prefix.size());
           if (rest.size() >= 3 && rest.size() <= 5 && rest.front() == 'p' && rest.back() == 'p' &&
               IsLetters(rest)) {
             return true;
           }
         }
       }
       return w.size() >= 4 && w.size() <= 7 && IsDigit(w[0]) &&
              (EndsWith(w, "pvp") || EndsWith(w, "php"));
     }},
    {"synthetic cannabinoid", "synthetic_cannabinoid",
     [](std::string_view w) {
       for (std::string_view suffix :
            {"pinaca", "binaca", "butinaca", "chminaca", "fubinaca", "pica", "fubica", "chmica",
             "inaca", "pegaclone", "peginaca", "pentinaca", "hexinaca"}) {
         if (EndsWith(w, suffix) && w.size() >= suffix.size() + 2)
           return true;
       }
       return false;
     }},
    {"nitazene", "opioid",
     [](std::string_view w) { return w.find("nitaze") != std::string_view::npos && w.size() > 8; }},
    {"fentanyl analogue", "opioid",
     [](std::string_view w) { return EndsWith(w, "fentanil") && w.size() >= 10; }},
    {"NBOMe / NBOH", "psychedelic",
     [](std::string_view w) {
       return w.size() >= 6 && IsDigit(w[0]) && IsDigit(w[1]) &&
              (EndsWith(w, "nbome") || EndsWith(w, "nboh") || EndsWith(w, "nbf"));
     }},
    {"2C-x phenethylamine", "psychedelic",
     [](std::string_view w) {
       return w.size() >= 3 && w.size() <= 5 && w[0] == '2' && w[1] == 'c' && w[2] >= 'a' &&
              w[2] <= 'z';
     }},
    {"designer benzodiazepine", "benzodiazepine",
     [](std::string_view w) {
       return (EndsWith(w, "azolam") || EndsWith(w, "azepam")) && w.size() >= 9 && IsLetters(w);
     }},
    {"tryptamine", "psychedelic",
     [](std::string_view w) {  // 4-AcO-DMT, 5-MeO-DALT, 4-HO-MET
       if (w.size() < 5 || !IsDigit(w[0]))
         return false;
       for (std::string_view middle : {"aco", "meo", "ho"}) {
         if (w.substr(1, middle.size()) == middle) {
           std::string_view rest = w.substr(1 + middle.size());
           return rest.size() >= 2 && rest.size() <= 5 && IsLetters(rest) &&
                  (EndsWith(rest, "t") || rest == "dalt" || rest == "dmt");
         }
       }
       return false;
     }},
    {"arylcyclohexylamine", "dissociative",
     [](std::string_view w) {  // 3-MeO-PCP, 3-HO-PCE, 2F-DCK
       if (EndsWith(w, "dck") && w.size() <= 6)
         return true;
       return w.size() >= 6 && w.size() <= 8 && IsDigit(w[0]) &&
              (EndsWith(w, "pcp") || EndsWith(w, "pce") || EndsWith(w, "pcmo"));
     }},
    {"fluorinated amphetamine", "stimulant",
     [](std::string_view w) {  // 4-FA, 2-FMA, 3-FEA
       return (w == "2fa" || w == "3fa" || w == "4fa" || w == "2fma" || w == "3fma" ||
               w == "4fma" || w == "3fea" || w == "4fea");
     }},
};

// Whether class word `term` can describe a substance of `class_id`: an everyday form word can
// describe any ("3-CMC crystals"); a firm one only its class or the substances it most often
// means ("microdots" are LSD).
bool Describes(const Name& term, int substance, std::string_view class_id) {
  return term.ambiguity == Ambiguity::kHigh || term.class_id == class_id ||
         std::find(term.candidates.begin(), term.candidates.end(), substance) !=
             term.candidates.end();
}

// The words of a normalised key, as [begin, end) index pairs.
std::vector<std::pair<size_t, size_t>> KeyWords(std::string_view key) {
  std::vector<std::pair<size_t, size_t>> words;
  for (size_t at = 0; at < key.size();) {
    size_t space = key.find(' ', at);
    if (space == std::string_view::npos)
      space = key.size();
    if (space > at)
      words.emplace_back(at, space);
    at = space + 1;
  }
  return words;
}

// "Learn Python in 7 days", "за 30 дней", "in 10 minutes a day": the promise of a course or a
// book, a weak cue for guides (normalised key: folded case, y to i).
bool PromisesTimeSpan(std::string_view key) {
  std::vector<std::string_view> words;
  for (const auto& [begin, end] : KeyWords(key))
    words.push_back(key.substr(begin, end - begin));
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    if (words[i] != "in" && words[i] != "za")
      continue;
    if (!std::all_of(words[i + 1].begin(), words[i + 1].end(), IsDigit))
      continue;
    std::string_view unit = words[i + 2];
    for (std::string_view stem :
         {"dai", "hour", "minut", "week", "month", "dn", "chas", "nedel", "mesiats"}) {
      if (unit.substr(0, stem.size()) == stem)
        return true;
    }
  }
  return false;
}

// "(88GB)", "2 TB", "700MB": the size of a download or a disk: media, software or electronics.
bool NamesDataSize(std::string_view key) {
  for (size_t at = 0; at < key.size(); ++at) {
    if (!IsDigit(key[at]) || (at > 0 && IsDigit(key[at - 1])))
      continue;
    size_t end = at;
    while (end < key.size() && (IsDigit(key[end]) || key[end] == '.' || key[end] == ','))
      ++end;
    if (end < key.size() && key[end] == ' ')
      ++end;
    std::string_view unit = key.substr(end, 2);
    bool word_end = end + 2 >= key.size() || key[end + 2] == ' ';
    if (word_end && (unit == "gb" || unit == "tb" || unit == "mb"))
      return true;
  }
  return false;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

// A count of pills in a title: a number, then within six words a word for pills, tablets,
// capsules, blotters or stamps ("100 Audemars Piguet (very heavy pills)", "250 X WHITE ... PILLS",
// "Five (5) Stamps", "10 колес"). The count goes to `count`.
bool PillCount(std::string_view key, double& count) {
  static constexpr std::string_view kPillWords[] = {
      "pill",      "pills",   "pils",     "tab",      "tabs",     "tablet",  "tablets",
      "tabletten", "pillen",  "tabletok", "tabletki", "tabletek", "pigulok", "pigulki",
      "caps",      "capsule", "capsules", "kapsul",   "kapsuli",  "blotter", "blotters",
      "bloter",    "bloters", "stamps",   "koles",    "kolesa"};
  auto words = KeyWords(key);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view number = key.substr(words[i].first, words[i].second - words[i].first);
    if (!AllDigits(number) || number.size() > 6 ||
        number.find_first_not_of('0') == std::string_view::npos)
      continue;
    for (size_t j = i + 1; j < words.size() && j <= i + 6; ++j) {
      std::string_view word = key.substr(words[j].first, words[j].second - words[j].first);
      if (std::find(std::begin(kPillWords), std::end(kPillWords), word) != std::end(kPillWords)) {
        count = std::stod(std::string(number));
        return true;
      }
    }
  }
  return false;
}

// A weight written without its unit, or a multiplier, within two words of key[begin, end): "0.2
// crack", "альфа крис 0,3" (the normaliser splits "0.3" into two numbers one byte apart in the
// original), "Blues x100".
bool BareAmountBeside(const NormalizedText& text, size_t begin, size_t end) {
  auto words = KeyWords(text.key);
  auto word = [&](size_t k) {
    return std::string_view(text.key).substr(words[k].first, words[k].second - words[k].first);
  };
  auto multiplier = [&](size_t k) {
    std::string_view w = word(k);
    return w.size() >= 2 && ((w.front() == 'x' && AllDigits(w.substr(1))) ||
                             (w.back() == 'x' && AllDigits(w.substr(0, w.size() - 1))));
  };
  auto decimal = [&](size_t k) {  // words k and k + 1
    return k + 1 < words.size() && AllDigits(word(k)) && AllDigits(word(k + 1)) &&
           word(k).size() <= 2 && word(k + 1).size() <= 3 &&
           text.begin[words[k + 1].first] == text.end[words[k].second - 1] + 1;
  };
  size_t first = words.size();
  size_t last = 0;
  for (size_t k = 0; k < words.size(); ++k) {
    if (words[k].first <= begin && begin < words[k].second + 1)
      first = std::min(first, k);
    if (words[k].first < end && end <= words[k].second + 1)
      last = k;
  }
  if (first == words.size())
    return false;
  for (size_t k = first >= 2 ? first - 2 : 0; k < first; ++k) {
    if (multiplier(k) || (k + 1 == first - 1 && decimal(k)))
      return true;
  }
  for (size_t k = last + 1; k < words.size() && k <= last + 2; ++k) {
    if (multiplier(k) || (k == last + 1 && decimal(k)))
      return true;
  }
  return false;
}

// Where a title's first word begins (a byte offset into the original text): past leading
// punctuation, a leading number and "top N" ("7 Methods To ...", "TOP 120 Onion ...", "10
// способов ..."), so that the word after them opens the title. `ranked`: it opened with "top N"
// ("топ N" folds to the same key), the shape of a list or a ranking.
uint32_t TitleOpening(const NormalizedText& text, bool& ranked) {
  const std::string& key = text.key;
  auto word_end = [&](size_t at) {
    size_t end = key.find(' ', at);
    return end == std::string::npos ? key.size() : end;
  };
  auto digits = [&](size_t at, size_t end) {
    return end > at && std::all_of(key.begin() + static_cast<std::ptrdiff_t>(at),
                                   key.begin() + static_cast<std::ptrdiff_t>(end), IsDigit);
  };
  ranked = false;
  size_t at = 0;
  while (at < key.size() && key[at] == ' ')
    ++at;
  size_t end = word_end(at);
  if (key.compare(at, end - at, "top") == 0 && end + 1 < key.size() &&
      digits(end + 1, word_end(end + 1))) {
    ranked = true;
    at = end + 1;
    end = word_end(at);
  }
  if (digits(at, end) && end + 1 < key.size())
    at = end + 1;
  return at < key.size() ? text.begin[at] : UINT32_MAX;
}

}  // namespace

void Identification::Clear() {
  substances.clear();
  terms.clear();
  category_terms.clear();
  classes.clear();
  primary_class.clear();
  quantities.Clear();
  price_per_unit.clear();
  nps_candidates.clear();
  hints.clear();
  truncated = false;
  category.clear();
  category_evidence.clear();
}

Identifier::~Identifier() = default;

Result<std::unique_ptr<Identifier>> Identifier::Create(const IdentifierOptions& options) {
  std::unique_ptr<Identifier> identifier(new Identifier());
  std::filesystem::path lexicon_dir =
      options.lexicon_dir.empty() ? DefaultLexiconDirectory() : options.lexicon_dir;
  // One cache directory for the loaded lexicon and its compiled Hyperscan database.
  std::filesystem::path cache_dir;
  if (options.use_cache) {
    cache_dir =
        options.cache_dir.empty() ? LexiconMatcher::DefaultCacheDirectory() : options.cache_dir;
  }
  DRAGNET_ASSIGN_OR_RETURN(identifier->lexicon_, LoadLexicon(lexicon_dir, cache_dir));
  std::filesystem::path rates_file = options.rates_file.empty()
                                         ? DefaultDataDirectory() / "rates" / "exchange_rates.csv"
                                         : options.rates_file;
  auto rates = ExchangeRates::Load(rates_file);
  if (!rates.has_value())
    return std::move(rates).error().WithContext("loading exchange rates");
  identifier->rates_ = std::move(rates).value();
  for (const Name& name : identifier->lexicon_.names) {
    identifier->base_confidence_.push_back(BaseConfidence(name));
  }
  DRAGNET_ASSIGN_OR_RETURN(
      identifier->matcher_,
      LexiconMatcher::Build(identifier->lexicon_, identifier->normalizer_, cache_dir));
  return identifier;
}

Result<std::unique_ptr<IdentifierSession>> Identifier::NewSession() const {
  DRAGNET_ASSIGN_OR_RETURN(auto scan, matcher_->NewSession());
  return std::make_unique<IdentifierSession>(*this, std::move(scan));
}

Status IdentifierSession::Identify(std::string_view text, std::string_view date,
                                   Identification& out) {
  out.Clear();
  // Offsets are 32-bit; a single document beyond 1 GiB is cut (the caller reports it).
  if (text.size() > (size_t{1} << 30))
    text = text.substr(0, size_t{1} << 30);
  identifier_.normalizer_.Normalize(text, normalized_);
  hits_.clear();
  DRAGNET_RETURN_IF_ERROR(scan_->Scan(normalized_, hits_));
  out.truncated = hits_.size() >= kMaxHitsPerDocument;
  ParseQuantities(text, out.quantities);
  Resolve(text, out);
  FindNpsCandidates(out);
  HintFromDoses(out);
  PricePerUnitOf(date, out);
  Categorize(out);
  DropThemeWords(out);
  return Status::Ok();
}

void IdentifierSession::DropThemeWords(Identification& out) const {
  // On a listing of another category, a word that is a drug only in context ("test" beside "20
  // pieces" in "passes pen test, 20 pieces" of counterfeit notes; "ice" on a cooler) names no
  // drug: the page sells something else and the amount counts that. So does a class guessed
  // from an amount alone ("1oz" of silver bullion, "125 ug" of a supplement).
  if (out.category == "drugs" || out.category == "paraphernalia")
    return;
  if (!out.hints.empty()) {
    out.hints.clear();
    out.classes.clear();
    out.primary_class.clear();
  }
  const Lexicon& lexicon = identifier_.lexicon_;
  auto ambiguous = [&](const NameFinding& f) {
    return lexicon.names[static_cast<size_t>(f.name)].ambiguity == Ambiguity::kHigh;
  };
  size_t before = out.substances.size() + out.terms.size();
  std::erase_if(out.substances, ambiguous);
  std::erase_if(out.terms, ambiguous);
  if (out.substances.size() + out.terms.size() != before)
    AssignClasses(out);
}

void IdentifierSession::Resolve(std::string_view text, Identification& out) {
  const Lexicon& lexicon = identifier_.lexicon_;
  // Longest first at each start; a hit inside a longer one is part of it ("crystal meth"
  // covers "meth"). Of names on the same span the least ambiguous comes first ("хмурь" before
  // the street word "хмурый" that its folded form also meets), then the lexicon's order, so the
  // outcome does not depend on how the sort breaks ties. Category words are judged on their own.
  std::sort(hits_.begin(), hits_.end(), [&lexicon](const NameHit& a, const NameHit& b) {
    if (a.begin != b.begin)
      return a.begin < b.begin;
    if (a.end != b.end)
      return a.end > b.end;
    auto ambiguity_a = lexicon.names[static_cast<size_t>(a.name)].ambiguity;
    auto ambiguity_b = lexicon.names[static_cast<size_t>(b.name)].ambiguity;
    if (ambiguity_a != ambiguity_b)
      return ambiguity_a < ambiguity_b;
    return a.name < b.name;
  });
  // A name inside a quantity or a price is a unit or a multiplier ("14g", "10 X 200mg"), not a
  // drug ("G", "X").
  auto inside_amount = [&](uint32_t begin, uint32_t end) {
    // Quantities and prices are in text order and do not overlap one another.
    auto inside = [&](const auto& spans) {
      auto after = std::upper_bound(spans.begin(), spans.end(), begin,
                                    [](uint32_t at, const auto& span) { return at < span.begin; });
      return after != spans.begin() && std::prev(after)->end >= end;
    };
    return inside(out.quantities.quantities) || inside(out.quantities.prices);
  };
  std::vector<NameHit> drug_hits;
  std::vector<NameHit> category_hits;
  for (const NameHit& hit : hits_) {
    const Name& name = lexicon.names[static_cast<size_t>(hit.name)];
    if (inside_amount(normalized_.begin[hit.begin], normalized_.end[hit.end - 1]))
      continue;
    if (name.target != Name::Target::kCategory &&
        InsideHandle(text, normalized_.begin[hit.begin], normalized_.end[hit.end - 1]))
      continue;
    if (name.target == Name::Target::kCategory) {
      // Overlapping words of one category count once, the longest ("Glock 19" and "glock").
      bool duplicate =
          std::any_of(category_hits.begin(), category_hits.end(), [&](const NameHit& k) {
            return k.begin < hit.end && hit.begin < k.end &&
                   lexicon.names[static_cast<size_t>(k.name)].category == name.category;
          });
      if (duplicate)
        continue;
      category_hits.push_back(hit);
      NameFinding finding{hit.name, normalized_.begin[hit.begin], normalized_.end[hit.end - 1],
                          normalized_.StepsIn(hit.begin, hit.end),
                          name.ambiguity == Ambiguity::kHigh ? 0.5 : 1.0};
      out.category_terms.push_back(finding);
      continue;
    }
    bool covered = false;
    for (const NameHit& kept : drug_hits) {
      if (kept.begin <= hit.begin && hit.end <= kept.end &&
          (kept.begin != hit.begin || kept.end != hit.end)) {
        covered = true;
        break;
      }
      // The same span: a substance name wins over a class-level term, and a name is kept once.
      if (kept.begin == hit.begin && kept.end == hit.end) {
        const Name& other = lexicon.names[static_cast<size_t>(kept.name)];
        bool same_meaning = other.target == name.target && other.substance == name.substance &&
                            other.class_id == name.class_id;
        if (kept.name == hit.name || same_meaning ||
            (other.target == Name::Target::kSubstance && name.target == Name::Target::kClass)) {
          covered = true;
          break;
        }
      }
    }
    if (!covered)
      drug_hits.push_back(hit);
  }

  // Everyday words ("ice", "speed", "соль") count only next to an amount or near another
  // drug word that is not itself ambiguous.
  auto make_finding = [&](const NameHit& hit) {
    uint8_t steps = normalized_.StepsIn(hit.begin, hit.end);
    double confidence = identifier_.base_confidence_[static_cast<size_t>(hit.name)];
    if (steps & (kFoldConfusable | kFoldLeet))
      confidence *= 0.95;
    return NameFinding{hit.name, normalized_.begin[hit.begin], normalized_.end[hit.end - 1], steps,
                       confidence};
  };
  std::vector<NameFinding> firm;
  std::vector<NameFinding> ambiguous;
  for (const NameHit& hit : drug_hits) {
    const Name& name = lexicon.names[static_cast<size_t>(hit.name)];
    (name.ambiguity == Ambiguity::kHigh ? ambiguous : firm).push_back(make_finding(hit));
  }
  // An everyday word that would name a substance ("white", "powder", "molly", "Nexus") beside a
  // different substance named outright describes that one ("white ketamine", "crystalline
  // powder") or is something else (a market's name); it names a second drug only when an amount
  // follows it at once ("hash 5g").
  // So does a class word of another class that cannot mean it: "Brown Microdots" are LSD of a
  // colour, not heroin.
  auto names_other_substance = [&](const NameFinding& finding) {
    const Name& name = lexicon.names[static_cast<size_t>(finding.name)];
    if (name.target != Name::Target::kSubstance)
      return false;
    return std::any_of(firm.begin(), firm.end(), [&](const NameFinding& f) {
      const Name& other = lexicon.names[static_cast<size_t>(f.name)];
      if (other.target == Name::Target::kSubstance)
        return other.substance != name.substance;
      return other.target == Name::Target::kClass &&
             !Describes(other, name.substance, name.class_id);
    });
  };
  const bool title = normalized_.key.size() <= kTitleLength;
  for (const NameFinding& finding : ambiguous) {
    bool confirmed = false;
    bool strict = names_other_substance(finding);
    for (const Quantity& q : out.quantities.quantities) {
      if (q.kind == Quantity::Kind::kPercent)
        continue;
      if (strict ? q.begin >= finding.end && q.begin <= finding.end + kAdjacentAmount
                 : title || Near(finding.begin, finding.end, q.begin, q.end, kAmountWindow)) {
        confirmed = true;
        break;
      }
    }
    for (size_t i = 0; !confirmed && !strict && i < firm.size(); ++i) {
      confirmed = Near(finding.begin, finding.end, firm[i].begin, firm[i].end, kDrugWordWindow);
    }
    if (confirmed)
      firm.push_back(finding);
  }
  std::sort(firm.begin(), firm.end(),
            [](const NameFinding& a, const NameFinding& b) { return a.begin < b.begin; });
  // The primary class comes from named substances when there are any: a class-level word
  // ("crystals", "white", "pills") beside "MDMA" describes it rather than naming another drug.
  for (const NameFinding& finding : firm) {
    const Name& name = lexicon.names[static_cast<size_t>(finding.name)];
    (name.target == Name::Target::kSubstance ? out.substances : out.terms).push_back(finding);
  }
  AssignClasses(out);
}

void IdentifierSession::AssignClasses(Identification& out) const {
  const Lexicon& lexicon = identifier_.lexicon_;
  std::map<std::string, double> substance_weight;
  std::map<std::string, double> term_weight;
  for (const auto* list : {&out.substances, &out.terms}) {
    for (const NameFinding& finding : *list) {
      const Name& name = lexicon.names[static_cast<size_t>(finding.name)];
      (list == &out.substances ? substance_weight : term_weight)[name.class_id] +=
          finding.confidence;
    }
  }
  out.primary_class.clear();
  const auto& deciding = substance_weight.empty() ? term_weight : substance_weight;
  double best = 0;
  for (const auto& [class_id, weight] : deciding) {
    if (weight > best) {
      best = weight;
      out.primary_class = class_id;
    }
  }
  std::set<std::string> classes;
  for (const auto& [class_id, weight] : substance_weight)
    classes.insert(class_id);
  // A class word beside a named substance it can mean describes it ("MDMA crystal", "мефедрон
  // крис"): its class is the substance's, not a second one. Alone, or beside a substance it
  // cannot mean, it gives its class.
  for (const NameFinding& term : out.terms) {
    const Name& term_name = lexicon.names[static_cast<size_t>(term.name)];
    bool describes =
        std::any_of(out.substances.begin(), out.substances.end(), [&](const NameFinding& s) {
          const Name& substance = lexicon.names[static_cast<size_t>(s.name)];
          return Near(term.begin, term.end, s.begin, s.end, kDrugWordWindow) &&
                 Describes(term_name, substance.substance, substance.class_id);
        });
    if (!describes)
      classes.insert(lexicon.names[static_cast<size_t>(term.name)].class_id);
  }
  out.classes.assign(classes.begin(), classes.end());
}

void IdentifierSession::FindNpsCandidates(Identification& out) {
  const std::string& key = normalized_.key;
  size_t start = 0;
  while (start < key.size() && out.nps_candidates.size() < 64) {
    size_t stop = key.find(' ', start);
    if (stop == std::string::npos)
      stop = key.size();
    std::string_view word(key.data() + start, stop - start);
    size_t word_start = start;
    start = stop + 1;
    if (word.size() < 3 || word.size() > 40)
      continue;
    // Every shape has a digit, starts with "a" (a-PVP) or ends like a family suffix
    // (-pinaca, -pegaclone, -nitazene, -fentanil, -azolam, -azepam).
    char last = word.back();
    bool may_be_code =
        word[0] == 'a' || std::any_of(word.begin(), word.end(), IsDigit) ||
        (word.size() >= 6 && (last == 'a' || last == 'e' || last == 'l' || last == 'm'));
    if (!may_be_code)
      continue;
    // What one of kNpsShapes needs (keep in step with them): a leading digit, a family's last
    // letter (-pvp, -pinaca, -pegaclone, -fentanil, -azolam, -dck) or "nitaze". Most words
    // have none, and are not tried against every shape.
    bool may_match = IsDigit(word[0]) || last == 'p' || last == 'a' || last == 'e' || last == 'l' ||
                     last == 'm' || last == 'k' ||
                     (word.size() > 8 && word.find("nitaze") != std::string_view::npos);
    if (!may_match)
      continue;
    const NpsShape* match = nullptr;
    for (const NpsShape& shape : kNpsShapes) {
      if (shape.matches(word)) {
        match = &shape;
        break;
      }
    }
    if (match == nullptr)
      continue;
    uint32_t begin = normalized_.begin[word_start];
    uint32_t end = normalized_.end[stop - 1];
    bool known = false;
    for (const auto* list : {&out.substances, &out.terms}) {
      for (const NameFinding& f : *list) {
        if (f.begin < end && begin < f.end)
          known = true;
      }
    }
    if (!known)
      out.nps_candidates.push_back({match->family, match->class_id, begin, end});
  }
}

namespace {

// A weight written in ounces or pounds ("1/8 oz", "QP 4oz", "1/2 lb"): the units of the
// English-language cannabis trade (eighth, quarter, half, zip, pound). Other drugs are sold by
// the gram, or named when sold by the ounce.
bool ImperialWeight(const Quantity& q) {
  for (std::string_view imperial : {"oz", "ounce", "ounces", "lb", "lbs", "pound", "pounds", "qp",
                                    "qps", "eighth", "eighths"}) {
    if (q.kind == Quantity::Kind::kMass && q.written_unit == imperial)
      return true;
  }
  return false;
}

}  // namespace

void IdentifierSession::HintFromDoses(Identification& out) {
  if (!out.substances.empty() || !out.terms.empty())
    return;
  auto hint = [&](const char* class_id, const char* why, const Quantity& q, double confidence) {
    out.hints.push_back({class_id, why, q.begin, q.end, confidence});
    out.classes.push_back(class_id);
    out.primary_class = class_id;
  };
  for (const Quantity& q : out.quantities.quantities) {
    // 10 to 999 micrograms.
    if (q.kind == Quantity::Kind::kMass && q.value >= 1e-5 && q.value < 1e-3) {
      hint("psychedelic", "microgram dose", q, 0.6);
      return;
    }
  }
  for (const Quantity& q : out.quantities.quantities) {
    if (ImperialWeight(q)) {
      hint("cannabis", "weight in ounces or pounds", q, 0.4);
      return;
    }
  }
}

void IdentifierSession::PricePerUnitOf(std::string_view date, Identification& out) {
  const ExchangeRates& rates = identifier_.rates_;
  for (size_t t = 0; t < out.quantities.tiers.size(); ++t) {
    const Tier& tier = out.quantities.tiers[t];
    const Quantity& quantity = out.quantities.quantities[tier.quantity];
    const Price& price = out.quantities.prices[tier.price];
    // Doses sold by the piece ("150ug x10", "10 x 200mg" pills) are priced per unit; bulk by
    // the gram.
    bool per_dose = quantity.kind == Quantity::Kind::kCount ||
                    (quantity.kind == Quantity::Kind::kMass && quantity.multiplier > 1 &&
                     quantity.value < 0.05);
    double amount = per_dose ? (quantity.kind == Quantity::Kind::kCount ? quantity.Total()
                                                                        : quantity.multiplier)
                             : quantity.Total();
    if (!(amount > 0))
      continue;
    auto usd = rates.Convert(price.amount, price.currency, "USD", date);
    auto eur = rates.Convert(price.amount, price.currency, "EUR", date);
    if (!usd || !eur)
      continue;
    out.price_per_unit.push_back({t, per_dose ? "unit" : "g", *usd / amount, *eur / amount});
  }
}

void IdentifierSession::Categorize(Identification& out) {
  const Lexicon& lexicon = identifier_.lexicon_;
  constexpr size_t kCategories = kCategoryIds.size();
  auto index_of = [](std::string_view id) {
    return static_cast<size_t>(std::find(kCategoryIds.begin(), kCategoryIds.end(), id) -
                               kCategoryIds.begin());
  };
  static const size_t kDrugs = index_of("drugs");
  static const size_t kGuides = index_of("guides");
  static const size_t kRecruitment = index_of("recruitment");
  static const size_t kParaphernalia = index_of("paraphernalia");
  static const size_t kOther = index_of("other");
  // A word said again and again on one page ("Login", "how to", "of course" in every post) is
  // one piece of evidence: each name counts at most kRepeats times.
  constexpr int kRepeats = 3;
  std::map<int, int> seen;
  auto counts = [&](const NameFinding& f) { return ++seen[f.name] <= kRepeats; };
  std::array<double, kCategories> score{};
  // A word that decides alone (weight 3, not an everyday word): "tutorial", "e-book",
  // "курьер-закладчик".
  std::array<bool, kCategories> decisive{};
  // A category named by at least one word that is not an everyday one.
  std::array<bool, kCategories> firm{};
  // A category named by a maker's name (`kind: brand`: "Rolex", "Louis Vuitton"), and one named
  // by other words too.
  std::array<bool, kCategories> branded{};
  std::array<bool, kCategories> unbranded{};
  // Words that count only where a title opens (`position: start`: "Get back ...", "Cashing out
  // ...", "Заработай ..."); elsewhere, or in a page, they are everyday words and are dropped.
  bool ranked = false;
  uint32_t opening = TitleOpening(normalized_, ranked);
  bool title = normalized_.key.size() <= kTitleLength;
  std::erase_if(out.category_terms, [&](const NameFinding& f) {
    return lexicon.names[static_cast<size_t>(f.name)].kind == "opener" &&
           !(title && f.begin == opening);
  });
  const NameFinding* opener = nullptr;
  for (const NameFinding& finding : out.category_terms) {
    const Name& name = lexicon.names[static_cast<size_t>(finding.name)];
    if (name.kind == "opener") {
      opener = &finding;  // weighed below, once the other evidence is known
      continue;
    }
    if (counts(finding))
      score[static_cast<size_t>(name.category_index)] += name.weight * finding.confidence;
    (name.kind == "brand" ? branded : unbranded)[static_cast<size_t>(name.category_index)] = true;
    if (name.weight >= 3 && name.ambiguity != Ambiguity::kHigh)
      decisive[static_cast<size_t>(name.category_index)] = true;
    if (name.ambiguity != Ambiguity::kHigh)
      firm[static_cast<size_t>(name.category_index)] = true;
  }
  // A drug name inside a longer word of another category is part of that word: "DOB" in "SSN
  // with DOB" (fraud), "crack" in "crack pipe" (paraphernalia).
  auto inside_category_word = [&](const NameFinding& f) {
    return std::any_of(
        out.category_terms.begin(), out.category_terms.end(), [&](const NameFinding& c) {
          return c.begin <= f.begin && f.end <= c.end && c.end - c.begin > f.end - f.begin;
        });
  };
  double drugs = 0;
  for (const NameFinding& f : out.substances) {
    if (!inside_category_word(f) && counts(f))
      drugs += 3 * f.confidence;
  }
  for (const NameFinding& f : out.terms) {
    if (!inside_category_word(f) && counts(f))
      drugs += 2 * f.confidence;
  }
  for (const ClassHint& h : out.hints)
    drugs += 2 * h.confidence;
  // A name with the shape of an NPS family ("MDMB-7en-PINACA", "N-cyclohexyl-nitazene") is a
  // new drug no list has yet: evidence like a class word.
  for (size_t i = 0; i < out.nps_candidates.size() && i < kRepeats; ++i)
    drugs += 2 * 0.75;
  bool drug_amount = false;
  bool any_amount = false;  // also a volume: tinctures, GHB, injectable steroids
  // The first amount a drug listing could be sold by: a weight from a microgram to a bale
  // ("300mg", "3.5g", "1/8 oz", "1 kg") or a count of pieces ("100 pills", "10 шт").
  const Quantity* sold_amount = nullptr;
  for (const Quantity& q : out.quantities.quantities) {
    if (q.kind == Quantity::Kind::kMass || q.kind == Quantity::Kind::kCount)
      drug_amount = true;
    if (q.kind != Quantity::Kind::kPercent)
      any_amount = true;
    bool plausible = q.kind == Quantity::Kind::kCount ||
                     (q.kind == Quantity::Kind::kMass && q.Total() >= 1e-6 && q.Total() <= 25000);
    if (plausible && sold_amount == nullptr)
      sold_amount = &q;
  }
  int weight_tiers = 0;  // prices for a weight
  for (const Tier& tier : out.quantities.tiers) {
    if (out.quantities.quantities[tier.quantity].kind == Quantity::Kind::kMass)
      ++weight_tiers;
  }
  // Weak evidence of a drug in a title, taken only when no firm word of another category is there:
  // a count of pills ("100 Audemars Piguet (very heavy pills)": the watch brand is a pill press),
  // and an everyday drug word beside a weight written without its unit ("0.2 crack", "альфа крис
  // 0,3") or a multiplier ("Blues x100"), as Russian-language shops write them.
  bool other_firm = false;
  for (size_t c = 0; c < kCategories; ++c)
    other_firm = other_firm || (c != kGuides && c != kDrugs && firm[c]);
  std::vector<std::string> drug_evidence;
  Quantity pills;
  if (title && !other_firm && !drug_amount && PillCount(normalized_.key, pills.value)) {
    pills.kind = Quantity::Kind::kCount;
    pills.unit = "unit";
    drug_amount = any_amount = true;
    if (sold_amount == nullptr)
      sold_amount = &pills;
    if (drugs == 0)
      drugs = 2 * 0.6;
    char count[64];
    std::snprintf(count, sizeof count, "count of pills: %.0f", pills.value);
    drug_evidence.push_back(count);
  }
  if (title && !other_firm) {
    std::set<int> taken;
    std::vector<NameFinding> bare;
    for (const NameHit& hit : hits_) {
      const Name& name = lexicon.names[static_cast<size_t>(hit.name)];
      if (name.target == Name::Target::kCategory || name.ambiguity != Ambiguity::kHigh ||
          taken.contains(hit.name))
        continue;
      uint32_t begin = normalized_.begin[hit.begin];
      bool confirmed = false;
      for (const auto* list : {&out.substances, &out.terms}) {
        for (const NameFinding& f : *list)
          confirmed = confirmed || f.begin == begin;
      }
      NameFinding finding{hit.name, begin, normalized_.end[hit.end - 1], 0, 0.6};
      if (confirmed || inside_category_word(finding) ||
          !BareAmountBeside(normalized_, hit.begin, hit.end))
        continue;
      taken.insert(hit.name);
      drugs += 2 * 0.6;
      drug_amount = true;
      drug_evidence.push_back(name.text + " (beside a bare amount)");
      finding.steps = normalized_.StepsIn(hit.begin, hit.end);
      finding.confidence = 0.6 * identifier_.base_confidence_[static_cast<size_t>(hit.name)];
      bare.push_back(finding);
    }
    // Where nothing else named a drug, the words that made this a drug listing give its class
    // ("0.2 crack" is a stimulant, "альфа крис 0,3" a cathinone), in place of a guess from the
    // amount alone.
    if (!bare.empty() && out.substances.empty() && out.terms.empty()) {
      for (const NameFinding& finding : bare) {
        const Name& name = lexicon.names[static_cast<size_t>(finding.name)];
        (name.target == Name::Target::kSubstance ? out.substances : out.terms).push_back(finding);
      }
      out.hints.clear();
      out.classes.clear();
      AssignClasses(out);
    }
  }
  if (drugs > 0 && drug_amount)
    drugs += 1;
  score[kDrugs] = drugs;
  // The best score of a category other than drugs and `except`.
  auto strongest_but = [&](size_t except) {
    size_t best = kCategories;
    for (size_t c = 0; c < kCategories; ++c) {
      if (c != kDrugs && c != except && (best == kCategories || score[c] > score[best]))
        best = c;
    }
    return best;
  };
  // A title that opens like a promise or a how-to ("Increase ...", "Cashing out ...", "7 Methods
  // ...", "Как ...") is an information product when nothing else tells: weak evidence, so no
  // drug, no amount for sale and no firm word of another category.
  bool opens_like_guide = false;
  if (opener != nullptr || (ranked && title)) {
    opens_like_guide = drugs == 0 && !drug_amount && !other_firm;
    if (opens_like_guide) {
      score[kGuides] +=
          opener != nullptr
              ? lexicon.names[static_cast<size_t>(opener->name)].weight * opener->confidence
              : 2;
      firm[kGuides] = true;
    }
    if (opener != nullptr && !opens_like_guide)
      out.category_terms.erase(out.category_terms.begin() + (opener - out.category_terms.data()));
  }
  size_t strongest = strongest_but(kDrugs);
  double strongest_other = score[strongest];
  // A guide, a job offer or a pipe wins over the drugs it mentions (below), and over the words of
  // another category only when it scores more or names itself outright: "carding tutorial" is a
  // guide, "fake notes ... how to order" is counterfeits.
  // Everyday words alone ("of course", "theory", "privacy" on a shop's blog) never override the
  // drugs a page names: at least one firm word of the category must be there.
  auto overrides = [&](size_t c, double ratio) {
    return score[c] >= 3 && ratio * score[c] >= drugs && (firm[c] || drugs == 0) &&
           (decisive[c] || score[c] >= score[strongest_but(c)]);
  };

  size_t decided = kOther;
  bool by_amount = false;
  // A guide, a job offer or a pipe that mentions a drug is not a drug listing. A page that
  // names drugs far more often than it says "guide" or "how to" sells them.
  if (overrides(kGuides, 2)) {
    decided = kGuides;
  } else if (score[kGuides] >= 2 && !drug_amount && 2 * score[kGuides] >= drugs &&
             score[kGuides] >= score[strongest_but(kGuides)]) {
    // "Amphetamine synthesis guide", "DMT documentary": a drug named without an amount to sell
    // beside a word for information.
    decided = kGuides;
  } else if (overrides(kRecruitment, 2)) {
    decided = kRecruitment;
  } else if (score[kParaphernalia] >= 3 && !(drug_amount && drugs >= 3 * score[kParaphernalia])) {
    decided = kParaphernalia;
  } else if (!any_amount && strongest_other >= 3 && 2 * strongest_other >= drugs) {
    // Drugs named with no amount beside a firm word of another category are its theme, not the
    // product: "marijuana leaf socks", "weed killer", "cocaine-themed poster".
    decided = strongest;
  } else {
    double best_score = 0;
    for (size_t c = 0; c < kCategories; ++c) {
      // Drugs first on a tie: the order of kCategoryIds.
      if (score[c] > best_score) {
        decided = c;
        best_score = score[c];
      }
    }
    if (decided != kDrugs && decided != kOther && !firm[decided] && weight_tiers >= 2 &&
        sold_amount != nullptr) {
      // Only everyday words of another category ("магнит", "пакет": how a stash is hidden) on a
      // page with a price list by weight: a shop page of a drug (named or not).
      decided = kDrugs;
      by_amount = drugs == 0;
    } else if (!title && decided != kDrugs && decided != kOther && !firm[decided]) {
      // A page (not a title) with only everyday words of a category, however often ("PayPal",
      // "refund" on every shop's payment and returns text), sells nothing of it.
      decided = kOther;
    } else if (title && decided != kDrugs && decided != kOther && branded[decided] &&
               !unbranded[decided] && drug_amount && sold_amount != nullptr) {
      // Only a maker's name beside a weight or a count ("Balenciaga 220mg", "Ролексы 10 шт"):
      // a pill press brand, not the maker's goods.
      decided = kDrugs;
      by_amount = drugs == 0;
    } else if (best_score < 1.0) {
      decided = kOther;
      // A short title that sells nothing by amount or price and says only a weak word for
      // information ("Learn ...", "... secrets", "Обучение ...") or promises a time span ("in 7
      // days") is a book or a course: two weak cues together, never one alone of another kind.
      bool short_title = normalized_.key.size() <= kTitleLength;
      bool bare = !any_amount && out.quantities.prices.empty() && drugs == 0 &&
                  !NamesDataSize(normalized_.key);
      bool time_span = PromisesTimeSpan(normalized_.key);
      if (short_title && bare && (score[kGuides] > 0 || time_span) &&
          score[kGuides] >= score[strongest_but(kGuides)]) {
        decided = kGuides;
        if (time_span)
          out.category_evidence.push_back("title shape: time span");
        else
          out.category_evidence.push_back("title shape: no amount, no price");
      }
      // Nothing names what is sold, but it is sold by the gram or the piece ("Sour OG 1oz",
      // "1/8 oz - Golden Fire", "Doctor Jamaica 5G"): on a market that is a drug listing far
      // more often than anything else. Weak evidence, so any firm word of another category wins,
      // and only in a title or a short ad, or on a page with a price list by weight ("0,5г
      // 3700₽, 1г 6950₽"): a long page with a weight and no drug word is a shop page of
      // something else.
      if (sold_amount != nullptr && (normalized_.key.size() <= kTitleLength || weight_tiers >= 2)) {
        decided = kDrugs;
        by_amount = true;
      }
      // A maker's name in a title that names no drug and sells nothing by weight or piece
      // ("Louis Vuitton Neverfull", "Omega Seamaster"): on a market that is the maker's goods
      // (a copy), even at half weight; beside an amount the same names are pill brands.
      size_t maker = strongest_but(kDrugs);
      if (title && decided == kOther && drugs == 0 && !drug_amount && branded[maker] &&
          score[maker] > score[kOther])
        decided = maker;
    }
  }
  out.category = kCategoryIds[decided];
  if (by_amount) {
    char amount[64];
    bool mass = sold_amount->kind == Quantity::Kind::kMass;
    std::snprintf(amount, sizeof amount, "amount: %.4g %s", sold_amount->Total(),
                  mass ? "g" : (sold_amount->Total() == 1 ? "piece" : "pieces"));
    out.category_evidence.push_back(amount);
    return;
  }
  if (decided == kDrugs) {
    for (const auto* list : {&out.substances, &out.terms}) {
      for (const NameFinding& f : *list) {
        out.category_evidence.push_back(lexicon.names[static_cast<size_t>(f.name)].text);
      }
    }
    for (const NpsCandidate& c : out.nps_candidates)
      out.category_evidence.push_back("NPS shape: " + c.family);
    for (const ClassHint& h : out.hints)
      out.category_evidence.push_back(h.reason);
    for (std::string& e : drug_evidence)
      out.category_evidence.push_back(std::move(e));
    return;
  }
  for (const NameFinding& f : out.category_terms) {
    const Name& name = lexicon.names[static_cast<size_t>(f.name)];
    if (static_cast<size_t>(name.category_index) == decided) {
      out.category_evidence.push_back(name.kind == "opener" ? "title opens: " + name.text
                                                            : name.text);
    }
  }
  if (decided == kGuides && opens_like_guide && opener == nullptr)
    out.category_evidence.push_back("title shape: top N");
}

void Identifier::AppendJson(const Identification& result, std::string_view text,
                            std::string_view id_json, std::string& out) const {
  AppendJson(result, text, id_json, out, {});
}

void Identifier::AppendJson(const Identification& result, std::string_view text,
                            std::string_view id_json, std::string& out,
                            const std::function<void(JsonWriter&)>& more) const {
  JsonWriter w(out);
  auto span = [&](uint32_t begin, uint32_t end) {
    if (begin > text.size() || end > text.size() || end < begin)
      return std::string_view();
    return text.substr(begin, end - begin);
  };
  // Rounded by an exact power of ten so the shortest form prints as written ("0.95", not
  // "0.9500000000000001").
  auto round = [](double v, double unit) {
    double scale = std::round(1 / unit);
    return std::round(v * scale) / scale;
  };
  auto offsets = [&](uint32_t begin, uint32_t end) {
    w.Field("matched", span(begin, end));
    w.FieldInt("begin", begin);
    w.FieldInt("end", end);
  };
  auto strings = [&](std::string_view key, const std::vector<std::string>& values) {
    w.Key(key);
    w.BeginArray();
    for (const auto& v : values)
      w.String(v);
    w.EndArray();
  };
  auto evidence = [&](const NameFinding& f) {
    const Name& name = lexicon_.names[static_cast<size_t>(f.name)];
    w.Key("evidence");
    w.BeginObject();
    w.Field("name", name.text);
    w.Field("lang", name.lang);
    w.Field("script", name.script);
    w.Field("kind", name.kind);
    w.Field("source", name.source.ToString());
    strings("normalisation", FoldStepNames(f.steps));
    if (name.ambiguity == Ambiguity::kHigh)
      w.Field("context", "confirmed");
    w.EndObject();
  };
  w.BeginObject();
  if (!id_json.empty()) {
    w.Key("id");
    w.Raw(id_json);
  }
  w.Field("category", result.category);
  strings("category_evidence", result.category_evidence);
  strings("classes", result.classes);
  w.Key("substances");
  w.BeginArray();
  for (const NameFinding& f : result.substances) {
    const Name& name = lexicon_.names[static_cast<size_t>(f.name)];
    const Substance& s = lexicon_.substances[static_cast<size_t>(name.substance)];
    w.BeginObject();
    w.Field("id", s.id);
    w.Field("name", s.name);
    w.Field("class", s.class_id);
    w.Field("role", s.role);
    offsets(f.begin, f.end);
    w.FieldDouble("confidence", round(f.confidence, 0.01));
    w.Key("status");
    w.BeginArray();
    for (const LegalStatus& legal : s.status) {
      w.BeginObject();
      w.Field("instrument", legal.instrument);
      w.Field("list", legal.list);
      if (!legal.since.empty())
        w.Field("since", legal.since);
      w.EndObject();
    }
    w.EndArray();
    evidence(f);
    w.EndObject();
  }
  w.EndArray();
  w.Key("terms");
  w.BeginArray();
  for (const NameFinding& f : result.terms) {
    const Name& name = lexicon_.names[static_cast<size_t>(f.name)];
    w.BeginObject();
    w.Field("class", name.class_id);
    w.Key("candidates");
    w.BeginArray();
    for (int c : name.candidates)
      w.String(lexicon_.substances[static_cast<size_t>(c)].id);
    w.EndArray();
    offsets(f.begin, f.end);
    w.FieldDouble("confidence", round(f.confidence, 0.01));
    evidence(f);
    w.EndObject();
  }
  w.EndArray();
  w.Key("quantities");
  w.BeginArray();
  for (const Quantity& q : result.quantities.quantities) {
    w.BeginObject();
    w.Field("kind", QuantityKindName(q.kind));
    w.FieldDouble("value", round(q.value, 1e-6));
    w.Field("unit", q.unit);
    offsets(q.begin, q.end);
    if (q.multiplier != 1) {
      w.FieldDouble("multiplier", q.multiplier);
      w.FieldDouble("total", round(q.Total(), 1e-6));
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("prices");
  w.BeginArray();
  for (const Price& p : result.quantities.prices) {
    w.BeginObject();
    w.FieldDouble("amount", round(p.amount, 1e-8));
    w.Field("currency", p.currency);
    offsets(p.begin, p.end);
    w.EndObject();
  }
  w.EndArray();
  w.Key("price_per_gram");
  w.BeginArray();
  for (const PricePerUnit& p : result.price_per_unit) {
    const Tier& tier = result.quantities.tiers[p.tier];
    w.BeginObject();
    w.Field("per", p.per);
    w.FieldDouble("usd", round(p.usd, 0.01));
    w.FieldDouble("eur", round(p.eur, 0.01));
    w.FieldInt("quantity", static_cast<int64_t>(tier.quantity));
    w.FieldInt("price", static_cast<int64_t>(tier.price));
    w.EndObject();
  }
  w.EndArray();
  w.Key("nps_candidates");
  w.BeginArray();
  for (const NpsCandidate& c : result.nps_candidates) {
    w.BeginObject();
    offsets(c.begin, c.end);
    w.Field("family", c.family);
    w.Field("class", c.class_id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("hints");
  w.BeginArray();
  for (const ClassHint& h : result.hints) {
    w.BeginObject();
    w.Field("class", h.class_id);
    w.Field("reason", h.reason);
    offsets(h.begin, h.end);
    w.FieldDouble("confidence", h.confidence);
    w.EndObject();
  }
  w.EndArray();
  if (result.truncated)
    w.Field("anomaly", "more names than the per-document limit; the rest was not read");
  w.Key("analyzer");
  w.BeginObject();
  w.Field("name", kIdentifierName);
  w.FieldInt("version", kIdentifierVersion);
  w.Field("lexicon", std::string_view(lexicon_.content_hash).substr(0, 16));
  w.EndObject();
  if (more)
    more(w);
  w.EndObject();
}

nlohmann::json Identifier::ToJson(const Identification& result, std::string_view text) const {
  std::string out;
  AppendJson(result, text, "", out);
  return nlohmann::json::parse(out);
}

}  // namespace dragnet::identify
