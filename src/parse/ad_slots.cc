// The words that vary between copies of one ad (see ad_slots.h).

#include "parse/ad_slots.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "core/file.h"
#include "core/hash.h"

namespace dragnet::parse {

Result<std::map<std::string, std::vector<std::string>>> ParseStashTypes(const std::string& file,
                                                                        const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  auto at = [&](const YAML::Node& node) {
    return file + ":" + std::to_string(node.Mark().line + 1) + ": ";
  };
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || !root["schema"] || root["schema"].as<std::string>("") != "1")
      return InvalidArgument(file + ":1: expected a mapping with `schema: 1`");
    const YAML::Node types = root["stash_types"];
    if (!types.IsMap())
      return InvalidArgument(at(types ? types : root) +
                             "`stash_types` must map stash type ids to lists of words");
    for (const auto& entry : types) {
      std::string id = entry.first.as<std::string>("");
      if (id.empty() || !std::all_of(id.begin(), id.end(),
                                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
        return InvalidArgument(at(entry.first) + "a stash type id is lower-case letters and '_'");
      if (!entry.second.IsSequence() || entry.second.size() == 0)
        return InvalidArgument(at(entry.second) + "`" + id + "` must be a non-empty list");
      std::vector<std::string>& words = out[id];
      for (const YAML::Node& word : entry.second) {
        std::string value = word.IsScalar() ? word.Scalar() : "";
        if (value.empty() || value.size() > 100)
          return InvalidArgument(at(word) + "a word must be a string of 1 to 100 bytes");
        const std::vector<SimHashWord> tokens = SimHashWords(value);
        if (std::none_of(tokens.begin(), tokens.end(),
                         [](const SimHashWord& w) { return w.folded != "#"; }))
          return InvalidArgument(at(word) + "`" + value + "` has no letters");
        if (std::find(words.begin(), words.end(), value) != words.end())
          return InvalidArgument(at(word) + "`" + value + "` listed twice for " + id);
        words.push_back(std::move(value));
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return out;
}

Result<AdSlots> AdSlots::Load(const std::filesystem::path& places_dir,
                              const std::filesystem::path& stash_types_file) {
  AdSlots slots;
  DRAGNET_ASSIGN_OR_RETURN(slots.places_, LoadGazetteer(places_dir));
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(stash_types_file));
  DRAGNET_ASSIGN_OR_RETURN(slots.stash_types_, ParseStashTypes(stash_types_file.string(), text));
  for (const auto& [id, words] : slots.stash_types_) {
    slots.stash_ids_.push_back(id);
    for (const std::string& phrase : words)
      slots.stash_index_.Add(phrase, slots.stash_ids_.size() - 1);
  }
  slots.digest_ = Sha256Hex(slots.places_.digest() + '\0' + text).substr(0, 16);
  return slots;
}

std::vector<bool> AdSlots::Slots(const std::vector<SimHashWord>& words,
                                 const std::vector<PlaceMention>& places) const {
  std::vector<bool> slots(words.size(), false);
  // Both lists of spans are in text order, as the words are.
  auto mark = [&](size_t begin, size_t end, size_t& from) {
    while (from < words.size() && words[from].end <= begin)
      ++from;
    for (size_t i = from; i < words.size() && words[i].begin < end; ++i)
      slots[i] = true;
  };
  size_t from = 0;
  for (const PlaceMention& m : places)
    mark(m.begin, m.end, from);
  from = 0;
  for (const PhraseIndex::Match& m : FindStashTypes(words))
    mark(m.begin, m.end, from);
  return slots;
}

void FillDeadDropFields(const AdSlots& slots, std::string_view text,
                        const std::vector<SimHashWord>& words,
                        const std::vector<PlaceMention>& places, ExtractedFields& fields) {
  auto has = [&](std::string_view id) {
    return std::any_of(fields.fields.begin(), fields.fields.end(),
                       [&](const Field& f) { return f.id == id; });
  };
  auto written = [&](size_t begin, size_t end) {
    return begin < end && end <= text.size() ? std::string(text.substr(begin, end - begin))
                                             : std::string();
  };
  std::vector<PhraseIndex::Match> stashes = slots.FindStashTypes(words);
  if (stashes.empty() && !has("city") && !has("district") && !has("stash_type"))
    return;
  if (!stashes.empty() && !has("stash_type")) {
    std::string value = written(stashes.front().begin, stashes.front().end);
    if (!value.empty())
      fields.fields.push_back({"stash_type", "(stash types)", std::move(value), ""});
  }
  std::string city;
  std::string districts;
  std::vector<size_t> seen;  // districts already named
  for (const PlaceMention& m : places) {
    if (!slots.places().Reportable(m))
      continue;
    const std::string& kind = slots.places().places()[m.place].kind;
    std::string name = written(m.begin, m.end);
    if (kind == "city" && city.empty()) {
      city = std::move(name);
    } else if (kind == "district" && !name.empty() && districts.size() < kMaxFieldValueBytes / 2 &&
               std::find(seen.begin(), seen.end(), m.place) == seen.end()) {
      seen.push_back(m.place);
      districts += (districts.empty() ? "" : ", ") + name;
    }
  }
  if (!city.empty() && !has("city"))
    fields.fields.push_back({"city", "(gazetteer)", std::move(city), ""});
  if (!districts.empty() && !has("district"))
    fields.fields.push_back({"district", "(gazetteer)", std::move(districts), ""});
}

}  // namespace dragnet::parse
