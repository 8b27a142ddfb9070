// The gazetteer's loader and name finder (see places.h).

#include "parse/places.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "core/file.h"
#include "core/hash.h"
#include "parse/fields.h"
#include "parse/near_duplicate.h"

namespace dragnet::parse {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr const char* kKinds[] = {"country", "region", "city", "district", "district-name"};

bool ValidId(std::string_view id, std::string_view country) {
  if (id.size() < 4 || id.size() > 100 || id.substr(0, 2) != country || id[2] != '-')
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

Result<Gazetteer> ParseGazetteer(const std::vector<std::pair<std::string, std::string>>& files) {
  Gazetteer out;
  std::vector<std::string> errors;
  std::string all;
  std::unordered_map<std::string, size_t> by_id;            // of the places kept
  std::unordered_map<std::string, std::string> id_sources;  // of every id seen
  std::vector<std::pair<size_t, std::string>> parents;      // place, "file:line" of its `in`
  for (const auto& entry_file : files) {
    // Named, not bound: clang 14 cannot capture structured bindings in lambdas.
    const std::string& file = entry_file.first;
    const std::string& text = entry_file.second;
    all += file + '\0' + text + '\0';
    auto at = [&file](const YAML::Node& node) {
      return file + ":" + std::to_string(node.Mark().line + 1);
    };
    auto error = [&](const YAML::Node& node, const std::string& message) {
      errors.push_back(at(node) + ": " + message);
    };
    try {
      YAML::Node root = YAML::Load(text);
      if (!root.IsMap() || !root["schema"] || root["schema"].as<std::string>("") != "1") {
        errors.push_back(file + ":1: expected a mapping with `schema: 1`");
        continue;
      }
      std::string country = root["country"] ? root["country"].as<std::string>("") : "";
      if (country.size() != 2 || !std::all_of(country.begin(), country.end(),
                                              [](char c) { return c >= 'A' && c <= 'Z'; })) {
        error(root["country"] ? root["country"] : root,
              "`country` must be an ISO 3166-1 alpha-2 code in upper case (\"RU\")");
        continue;
      }
      std::string prefix = {static_cast<char>(country[0] - 'A' + 'a'),
                            static_cast<char>(country[1] - 'A' + 'a')};
      const YAML::Node places = root["places"];
      if (!places.IsSequence()) {
        error(places ? places : root, "`places` must be a list");
        continue;
      }
      for (const YAML::Node& entry : places) {
        if (!entry.IsMap()) {
          error(entry, "a place must be a mapping with id, kind and names");
          continue;
        }
        Place place;
        place.country = country;
        place.source = at(entry);
        bool ok = true;
        for (const auto& field : entry) {
          std::string key = field.first.as<std::string>("");
          if (key != "id" && key != "kind" && key != "in" && key != "names") {
            error(field.first, "unknown key `" + key + "` (id, kind, in, names)");
            ok = false;
          }
        }
        place.id = entry["id"] && entry["id"].IsScalar() ? entry["id"].Scalar() : "";
        if (!ValidId(place.id, prefix)) {
          error(entry["id"] ? entry["id"] : entry,
                "`id` must be lower-case letters, digits and '-', starting with `" + prefix +
                    "-`: got `" + place.id + "`");
          ok = false;
        } else if (auto [it, inserted] = id_sources.emplace(place.id, place.source); !inserted) {
          error(entry["id"], "duplicate id `" + place.id + "` (first at " + it->second + ")");
          ok = false;
        }
        place.kind = entry["kind"] && entry["kind"].IsScalar() ? entry["kind"].Scalar() : "";
        if (std::find(std::begin(kKinds), std::end(kKinds), place.kind) == std::end(kKinds)) {
          error(entry["kind"] ? entry["kind"] : entry,
                "`kind` must be country, region, city, district or district-name: got `" +
                    place.kind + "`");
          ok = false;
        }
        if (entry["in"]) {
          if (!entry["in"].IsScalar() || entry["in"].Scalar().empty()) {
            error(entry["in"], "`in` must be the id of another place");
            ok = false;
          } else {
            place.in = entry["in"].Scalar();
          }
        }
        const YAML::Node names = entry["names"];
        if (!names.IsSequence() || names.size() == 0) {
          error(names ? names : entry, "`names` must be a non-empty list");
          ok = false;
        } else {
          for (const YAML::Node& name : names) {
            std::string value = name.IsScalar() ? name.Scalar() : "";
            const std::vector<SimHashWord> words = SimHashWords(value);
            if (value.empty() || value.size() > kMaxNameBytes) {
              error(name, "a name must be a string of 1 to 200 bytes");
              ok = false;
            } else if (std::find(place.names.begin(), place.names.end(), value) !=
                       place.names.end()) {
              error(name, "name `" + value + "` listed twice for " + place.id);
              ok = false;
            } else if (std::none_of(words.begin(), words.end(),
                                    [](const SimHashWord& w) { return w.folded != "#"; })) {
              error(name, "name `" + value + "` has no letters");
              ok = false;
            } else {
              place.names.push_back(std::move(value));
            }
          }
        }
        if (!ok)
          continue;
        if (!place.in.empty())
          parents.emplace_back(out.places_.size(), at(entry["in"]));
        by_id.emplace(place.id, out.places_.size());
        out.places_.push_back(std::move(place));
      }
    } catch (const YAML::Exception& e) {
      errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }
  for (const auto& [index, source] : parents) {
    const Place& place = out.places_[index];
    auto it = by_id.find(place.in);
    if (it == by_id.end() || it->second == index)
      errors.push_back(source + ": `in: " + place.in + "` names no other place");
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors)
      message += (message.empty() ? "" : "\n") + e;
    return InvalidArgument(message);
  }
  for (size_t p = 0; p < out.places_.size(); ++p) {
    for (const std::string& name : out.places_[p].names)
      out.names_.Add(name, p);  // a name shared by several places gives the first listed
  }
  out.digest_ = Sha256Hex(all).substr(0, 16);
  return out;
}

bool PhraseIndex::Add(std::string_view phrase, size_t value) {
  std::vector<std::string> words;
  for (SimHashWord& w : SimHashWords(phrase))
    words.push_back(std::move(w.folded));
  if (words.empty())
    return false;
  auto& candidates = first_words_[words.front()];
  if (std::any_of(candidates.begin(), candidates.end(),
                  [&](const auto& c) { return c.first == words; }))
    return true;
  // Longest first, so that "Нижний Новгород" is tried before "Нижний".
  auto at = std::find_if(candidates.begin(), candidates.end(),
                         [&](const auto& c) { return c.first.size() < words.size(); });
  candidates.emplace(at, std::move(words), value);
  return true;
}

std::vector<PhraseIndex::Match> PhraseIndex::Find(const std::vector<SimHashWord>& words) const {
  std::vector<Match> matches;
  if (first_words_.empty())
    return matches;
  for (size_t i = 0; i < words.size();) {
    size_t matched = 0;
    if (auto it = first_words_.find(words[i].folded); it != first_words_.end()) {
      for (const auto& candidate : it->second) {
        const std::vector<std::string>& phrase = candidate.first;
        if (i + phrase.size() > words.size())
          continue;
        bool same = true;
        for (size_t k = 1; k < phrase.size() && same; ++k)
          same = words[i + k].folded == phrase[k];
        if (same) {
          matches.push_back({candidate.second, words[i].begin, words[i + phrase.size() - 1].end});
          matched = phrase.size();
          break;
        }
      }
    }
    i += matched > 0 ? matched : 1;
  }
  return matches;
}

std::vector<PlaceMention> Gazetteer::Find(std::string_view text) const {
  if (names_.empty())
    return {};
  return Find(SimHashWords(text));
}

std::vector<PlaceMention> Gazetteer::Find(const std::vector<SimHashWord>& words) const {
  std::vector<PlaceMention> mentions;
  for (const PhraseIndex::Match& m : names_.Find(words))
    mentions.push_back({m.value, m.begin, m.end});
  return mentions;
}

Result<Gazetteer> LoadGazetteer(const std::filesystem::path& dir) {
  DRAGNET_ASSIGN_OR_RETURN(auto files, ReadDirectoryFiles(dir, ".yaml"));
  return ParseGazetteer(files);
}

std::filesystem::path DefaultGazetteerDir() {
  return DefaultParseDataFile("labels.yaml").parent_path() / "places";
}

}  // namespace dragnet::parse
