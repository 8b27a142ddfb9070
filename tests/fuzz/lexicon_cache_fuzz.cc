// Fuzzes the lexicon cache decoder (identify/lexicon_cache.h). The cache file sits in a
// directory the user can write to, so a damaged or planted file must decode to nothing, never
// crash or allocate without bound. Random bytes rarely get past the file's header, so the input
// is a list of edits to a valid encoding of a small lexicon: cuts, overwritten bytes and words
// (lengths and counts), inserted bytes. What still decodes must hold valid indexes and encode
// back to what was read.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "identify/lexicon.h"
#include "identify/lexicon_cache.h"

namespace {

using dragnet::identify::Ambiguity;
using dragnet::identify::Lexicon;
using dragnet::identify::Name;

constexpr std::string_view kHash = "fuzz";

Lexicon Small() {
  Lexicon lexicon;
  lexicon.content_hash = std::string(kHash);
  lexicon.files = {"substances/stimulants.yaml", "terms/slang-ru.yaml"};
  auto& un = lexicon.instruments.emplace_back();
  un.id = "un1971";
  un.name = "Convention on Psychotropic Substances, 1971";
  un.jurisdiction = "UN";
  un.lists = {"I", "II", "III", "IV"};
  for (const char* id : {"a-pvp", "cocaine"}) {
    auto& s = lexicon.substances.emplace_back();
    s.id = id;
    s.name = id;
    s.class_id = id[0] == 'a' ? "cathinone" : "stimulant";
    s.role = "drug";
    s.cas = {"13415-86-6"};
    s.pubchem = 11148;
    s.status.push_back({"un1971", "II", "2020"});
    s.source = {"substances/stimulants.yaml", 12};
    lexicon.substance_index[s.id] = static_cast<int>(lexicon.substances.size()) - 1;
  }
  auto& alpha = lexicon.names.emplace_back();
  alpha.text = "альфа-ПВП";
  alpha.lang = "ru";
  alpha.kind = "abbreviation";
  alpha.script = "Cyrl";
  alpha.substance = 0;
  alpha.class_id = "cathinone";
  auto& crystals = lexicon.names.emplace_back();
  crystals.text = "кристаллы";
  crystals.lang = "ru";
  crystals.kind = "street";
  crystals.ambiguity = Ambiguity::kHigh;
  crystals.target = Name::Target::kClass;
  crystals.class_id = "cathinone";
  crystals.candidates = {0, 1};
  auto& courier = lexicon.names.emplace_back();
  courier.text = "курьер";
  courier.lang = "ru";
  courier.target = Name::Target::kCategory;
  courier.category = "recruitment";
  courier.category_index = 7;
  courier.weight = 3;
  courier.source = {"categories/recruitment.yaml", 4};
  return lexicon;
}

uint32_t Word(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  std::memcpy(&v, p, n < 4 ? n : 4);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kValid = dragnet::identify::EncodeLexicon(Small());
  std::string bytes = kValid;
  // Edits: an opcode byte, a position (2 bytes, modulo the current size) and operands.
  for (size_t i = 0; i + 3 <= size && bytes.size() < 2 * kValid.size();) {
    uint8_t op = data[i] % 4;
    size_t at = bytes.empty() ? 0 : Word(data + i + 1, 2) % bytes.size();
    i += 3;
    if (op == 0) {
      bytes.resize(at);
    } else if (op == 1 && i < size && !bytes.empty()) {
      bytes[at] = static_cast<char>(data[i++]);
    } else if (op == 2 && i < size) {
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(data[i++]));
    } else if (op == 3 && i + 8 <= size && at + 8 <= bytes.size()) {
      std::memcpy(bytes.data() + at, data + i, 8);  // a length, a count or an index
      i += 8;
    }
  }
  auto decoded = dragnet::identify::DecodeLexicon(bytes, kHash);
  if (!decoded)
    return 0;
  const auto substances = static_cast<int>(decoded->substances.size());
  for (const Name& name : decoded->names) {
    if (name.substance < -1 || name.substance >= substances)
      std::abort();
    for (int c : name.candidates) {
      if (c < 0 || c >= substances)
        std::abort();
    }
    if (name.category_index >= static_cast<int>(dragnet::identify::kCategoryIds.size()))
      std::abort();
  }
  if (dragnet::identify::EncodeLexicon(*decoded) != bytes)
    std::abort();  // one encoding per lexicon: what decodes is what was written
  return 0;
}
