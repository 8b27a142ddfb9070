#pragma once
// The gazetteer: the countries, regions, cities and districts that shops name, from
// data/parse/places/*.yaml (format: docs/formats/places.md). Dead-drop shops post one ad per city
// and district, so near-duplicate detection (near_duplicate.h) reads every place name as one
// word, and the parse stage reports the places a page names.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/result.h"
#include "parse/near_duplicate.h"

namespace dragnet::parse {

struct Place {
  std::string id;       // "ru-moscow-arbat"
  std::string kind;     // country, region, city, district or district-name
  std::string country;  // ISO 3166-1 alpha-2, upper case
  std::string in;       // id of the place it lies in; empty for none
  std::vector<std::string> names;
  std::string source;  // "file:line" of its entry
};

// A place named in a text: `place` indexes Gazetteer::places(); [begin, end) are byte offsets
// into the text.
struct PlaceMention {
  size_t place = 0;
  size_t begin = 0;
  size_t end = 0;
};

// Phrases matched as whole words of a text (SimHashWords), longest first where they overlap.
class PhraseIndex {
 public:
  struct Match {
    size_t value = 0;  // what the phrase was added with
    size_t begin = 0;  // byte offsets into the text
    size_t end = 0;
  };
  // Adds `phrase` (folded as SimHash folds words) for `value`; a phrase added before keeps its
  // first value. False when the phrase has no words.
  bool Add(std::string_view phrase, size_t value);
  std::vector<Match> Find(const std::vector<SimHashWord>& words) const;
  bool empty() const { return first_words_.empty(); }

 private:
  // First word -> (the phrase's words, value), longest phrases first.
  std::unordered_map<std::string, std::vector<std::pair<std::vector<std::string>, size_t>>>
      first_words_;
};

class Gazetteer {
 public:
  const std::vector<Place>& places() const { return places_; }
  // A digest of every file's content, for the parse analyzer's key.
  const std::string& digest() const { return digest_; }

  // The places `text` names, left to right, longest name first where names overlap ("Нижний
  // Новгород", not "Новгород"); a name matches whole words only. A name shared by several places
  // gives the first place listed with it. Names of kind district-name ("Центральный", a district
  // of many cities) are found too: they say where an ad is, but not which city's district; use
  // Reportable() before reporting a mention as a place.
  std::vector<PlaceMention> Find(std::string_view text) const;
  // The same over the text's words (near_duplicate.h, SimHashWords).
  std::vector<PlaceMention> Find(const std::vector<SimHashWord>& words) const;
  // Whether a mention names one place (not a district-name).
  bool Reportable(const PlaceMention& m) const { return places_[m.place].kind != "district-name"; }

 private:
  friend Result<Gazetteer> ParseGazetteer(
      const std::vector<std::pair<std::string, std::string>>& files);
  std::vector<Place> places_;
  PhraseIndex names_;  // value: the place's index
  std::string digest_;
};

// Parses gazetteer files given as (file name, content); every error, each as "file:line:
// message", is reported at once.
Result<Gazetteer> ParseGazetteer(const std::vector<std::pair<std::string, std::string>>& files);

// Loads every *.yaml of `dir` in name order. A missing directory gives an empty gazetteer.
Result<Gazetteer> LoadGazetteer(const std::filesystem::path& dir);

// data/parse/places beside the other parse data (see DefaultParseDataFile).
std::filesystem::path DefaultGazetteerDir();

}  // namespace dragnet::parse
