#pragma once
// The words a shop swaps between copies of one ad: the place it is posted for (the gazetteer,
// places.h) and the stash type (data/parse/stash_types.yaml). A dead-drop shop posts the same
// offer for every district and stash type; near-duplicate detection (near_duplicate.h) reads every
// one of these words as one word, "@", so the copies hash alike.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "parse/fields.h"
#include "parse/near_duplicate.h"
#include "parse/places.h"

namespace dragnet::parse {

class AdSlots {
 public:
  // Loads the gazetteer directory and the stash types file; errors name the file and line.
  static Result<AdSlots> Load(const std::filesystem::path& places_dir,
                              const std::filesystem::path& stash_types_file);

  const Gazetteer& places() const { return places_; }
  // Stash type id -> its words and phrases as written in the file.
  const std::map<std::string, std::vector<std::string>>& stash_types() const {
    return stash_types_;
  }
  // One flag per word of a text (its SimHashWords): the words of the places it names (`places`,
  // from places().Find) and of the stash types it names, for SimHash(words, slots).
  std::vector<bool> Slots(const std::vector<SimHashWord>& words,
                          const std::vector<PlaceMention>& places) const;
  // A digest of every file read, for the parse analyzer's key.
  const std::string& digest() const { return digest_; }

  // The stash types a text names (its SimHashWords): value indexes stash_type_ids().
  std::vector<PhraseIndex::Match> FindStashTypes(const std::vector<SimHashWord>& words) const {
    return stash_index_.Find(words);
  }
  const std::vector<std::string>& stash_type_ids() const { return stash_ids_; }

 private:
  Gazetteer places_;
  std::map<std::string, std::vector<std::string>> stash_types_;
  std::vector<std::string> stash_ids_;
  PhraseIndex stash_index_;
  std::string digest_;
};

// Dead-drop fields from free text where no label gave them: `city` and `district` (every
// district named, in order, joined by ", ") from the places the text names, and `stash_type`
// from the stash types it names, each as written. Only in a text that names a stash type or
// already has a dead-drop field (city, district, stash_type): elsewhere a city in a description
// is no dead drop. `words` are the text's SimHashWords, `places` its gazetteer mentions.
void FillDeadDropFields(const AdSlots& slots, std::string_view text,
                        const std::vector<SimHashWord>& words,
                        const std::vector<PlaceMention>& places, ExtractedFields& fields);

// Parses a stash types file (`schema: 1`, `stash_types: {id: [words...]}`); errors read
// "file:line: message".
Result<std::map<std::string, std::vector<std::string>>> ParseStashTypes(const std::string& file,
                                                                        const std::string& text);

}  // namespace dragnet::parse
