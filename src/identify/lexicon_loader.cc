// Loads and validates data/lexicon/ (docs/formats/lexicon.md). yaml-cpp throws; every call into
// it is wrapped here and turned into "file:line: message" problems.

#include <algorithm>
#include <cstdlib>
#include <set>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <yaml-cpp/yaml.h>

#include "core/encoding.h"
#include "core/file.h"
#include "core/hash.h"
#include "identify/lexicon.h"
#include "identify/lexicon_cache.h"

namespace dragnet::identify {
namespace {

const std::set<std::string, std::less<>> kLanguages = {
    "en", "ru", "uk", "kk", "pl", "de", "nl", "fr", "es", "it", "tr", "ka", "ru-Latn", "*", "be",
    "uz", "ky", "tg", "az", "hy", "ro", "cs", "sk", "lt", "lv", "et", "sv", "pt",      "zh"};
const std::set<std::string, std::less<>> kKinds = {
    "inn",    "systematic",  "abbreviation", "code",  "trade",   "common",
    "street", "misspelling", "brand",        "emoji", "category"};
const std::set<std::string, std::less<>> kRoles = {"drug",          "nps",     "precursor",
                                                   "pre_precursor", "reagent", "medicine"};

bool ValidId(std::string_view id) {
  if (id.empty())
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// The ISO 15924 code of a name's letters, "Zyyy" when it has none, "Mixed" for several.
std::string ScriptOf(std::string_view text) {
  std::set<std::string> scripts;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0 || !u_hasBinaryProperty(c, UCHAR_ALPHABETIC))
      continue;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (U_FAILURE(status) || script == USCRIPT_COMMON || script == USCRIPT_INHERITED)
      continue;
    scripts.insert(uscript_getShortName(script));
  }
  if (scripts.empty())
    return "Zyyy";
  if (scripts.size() > 1)
    return "Mixed";
  return *scripts.begin();
}

class Loader {
 public:
  explicit Loader(Lexicon& lexicon) : lexicon_(lexicon) {}

  void Error(const std::string& file, const YAML::Node& node, const std::string& message) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    if (line <= 0) {
      errors_.push_back(file + ": " + message);
    } else {
      errors_.push_back(file + ":" + std::to_string(line) + ": " + message);
    }
  }

  // Parses one file's contents; nullopt (with the problem recorded) when it is not valid YAML.
  std::optional<YAML::Node> Parse(const std::string& contents, const std::string& label) {
    try {
      YAML::Node root = YAML::Load(contents);
      if (!root.IsMap()) {
        errors_.push_back(label + ": expected a mapping with `schema: 1` at the top");
        return std::nullopt;
      }
      if (!root["schema"] || root["schema"].as<std::string>("") != "1") {
        errors_.push_back(label + ":1: `schema: 1` is missing or not 1");
        return std::nullopt;
      }
      return root;
    } catch (const YAML::Exception& e) {
      errors_.push_back(label + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
      return std::nullopt;
    }
  }

  // A string field; "" (and an error when `required`) when absent or not a scalar.
  std::string Text(const std::string& file, const YAML::Node& map, const char* key, bool required) {
    YAML::Node value = map[key];
    if (!value || value.IsNull()) {
      if (required)
        Error(file, map, std::string("missing `") + key + "`");
      return "";
    }
    if (!value.IsScalar()) {
      Error(file, value, std::string("`") + key + "` must be a single value");
      return "";
    }
    return value.Scalar();
  }

  std::vector<std::string> List(const std::string& file, const YAML::Node& map, const char* key) {
    std::vector<std::string> out;
    YAML::Node value = map[key];
    if (!value)
      return out;
    if (value.IsScalar()) {
      out.push_back(value.Scalar());
      return out;
    }
    if (!value.IsSequence()) {
      Error(file, value, std::string("`") + key + "` must be a list");
      return out;
    }
    for (const auto& item : value) {
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      } else {
        Error(file, item, std::string("`") + key + "` entries must be single values");
      }
    }
    return out;
  }

  void CheckKeys(const std::string& file, const YAML::Node& map,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& entry : map) {
      const std::string& key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Error(file, entry.first, "unknown field `" + key + "`");
      }
    }
  }

  Ambiguity ParseAmbiguity(const std::string& file, const YAML::Node& map) {
    std::string value = Text(file, map, "ambiguity", false);
    if (value.empty() || value == "none")
      return Ambiguity::kNone;
    if (value == "low")
      return Ambiguity::kLow;
    if (value == "high")
      return Ambiguity::kHigh;
    Error(file, map["ambiguity"], "ambiguity must be none, low or high, not `" + value + "`");
    return Ambiguity::kNone;
  }

  // Fields every name shares; false when it is unusable.
  bool NameFields(const std::string& file, const YAML::Node& node, Name& name) {
    name.source = {file, node.Mark().line + 1};
    name.text = Text(file, node, "text", true);
    name.lang = Text(file, node, "lang", true);
    if (!name.lang.empty() && !kLanguages.contains(name.lang)) {
      Error(file, node["lang"], "unknown language `" + name.lang + "`");
    }
    name.ambiguity = ParseAmbiguity(file, node);
    name.script = ScriptOf(name.text);
    return !name.text.empty();
  }

  // The entries of the list under `key`, each a mapping; what is not is reported.
  // An optional list may be absent, but not something other than a list.
  std::vector<YAML::Node> Entries(const std::string& file, const YAML::Node& root, const char* key,
                                  const char* what, bool required = true) {
    std::vector<YAML::Node> entries;
    YAML::Node list = root[key];
    if (!list && !required)
      return entries;
    if (!list || !list.IsSequence()) {
      Error(file, list ? list : root, std::string("expected `") + key + ":` with a list");
      return entries;
    }
    for (const auto& node : list) {
      if (node.IsMap()) {
        entries.push_back(node);
      } else {
        Error(file, node, std::string(what) + " must be a mapping");
      }
    }
    return entries;
  }

  // The required `kind` of a name, checked against the kinds of the schema.
  std::string KindOf(const std::string& file, const YAML::Node& entry) {
    std::string kind = Text(file, entry, "kind", true);
    if (!kind.empty() && !kKinds.contains(kind))
      Error(file, entry["kind"], "unknown kind `" + kind + "`");
    return kind;
  }

  void LoadInstruments(const std::string& file, const YAML::Node& root) {
    CheckKeys(file, root, {"schema", "instruments"});
    for (const auto& node : Entries(file, root, "instruments", "an instrument")) {
      CheckKeys(file, node, {"id", "name", "jurisdiction", "lists"});
      Instrument instrument;
      instrument.id = Text(file, node, "id", true);
      instrument.name = Text(file, node, "name", true);
      instrument.jurisdiction = Text(file, node, "jurisdiction", true);
      instrument.lists = List(file, node, "lists");
      if (!ValidId(instrument.id))
        Error(file, node, "instrument id must be [a-z0-9_-]+");
      if (instrument.lists.empty())
        Error(file, node, "`lists` must name at least one list");
      lexicon_.instruments.push_back(std::move(instrument));
    }
  }

  void LoadSubstances(const std::string& file, const YAML::Node& root) {
    CheckKeys(file, root, {"schema", "substances", "family"});
    for (const auto& node : Entries(file, root, "substances", "a substance")) {
      CheckKeys(file, node,
                {"id", "name", "systematic", "class", "role", "group", "leads_to", "ids", "status",
                 "names"});
      Substance substance;
      substance.source = {file, node.Mark().line + 1};
      substance.id = Text(file, node, "id", true);
      substance.name = Text(file, node, "name", true);
      substance.systematic = Text(file, node, "systematic", false);
      substance.class_id = Text(file, node, "class", true);
      substance.role = Text(file, node, "role", true);
      substance.group = Text(file, node, "group", false);
      substance.leads_to = List(file, node, "leads_to");
      if (!ValidId(substance.id)) {
        Error(file, node, "substance id `" + substance.id + "` must be [a-z0-9_-]+");
        continue;
      }
      if (!substance.class_id.empty() && !IsClassId(substance.class_id)) {
        Error(file, node["class"], "unknown class `" + substance.class_id + "`");
      }
      if (!substance.role.empty() && !kRoles.contains(substance.role)) {
        Error(file, node["role"], "unknown role `" + substance.role + "`");
      }
      if (YAML::Node ids = node["ids"]; ids) {
        if (!ids.IsMap()) {
          Error(file, ids, "`ids` must be a mapping");
        } else {
          CheckKeys(file, ids, {"cas", "pubchem", "inchikey"});
          substance.cas = List(file, ids, "cas");
          substance.inchikey = Text(file, ids, "inchikey", false);
          if (ids["pubchem"]) {
            try {
              substance.pubchem = ids["pubchem"].as<int64_t>();
            } catch (const YAML::Exception&) {
              Error(file, ids["pubchem"], "`pubchem` must be a number");
            }
          }
        }
      }
      for (const auto& entry : Entries(file, node, "status", "a status", false)) {
        CheckKeys(file, entry, {"instrument", "list", "since", "note"});
        LegalStatus legal{Text(file, entry, "instrument", true), Text(file, entry, "list", true),
                          Text(file, entry, "since", false)};
        statuses_to_check_.push_back({legal, file, entry});
        substance.status.push_back(std::move(legal));
      }
      int index = static_cast<int>(lexicon_.substances.size());
      auto [it, inserted] = lexicon_.substance_index.emplace(substance.id, index);
      if (!inserted) {
        Error(file, node,
              "duplicate substance id `" + substance.id + "` (first at " +
                  lexicon_.substances[static_cast<size_t>(it->second)].source.ToString() + ")");
        continue;
      }
      for (const auto& target : substance.leads_to) {
        references_.push_back({target, file, node["leads_to"]});
      }
      std::vector<YAML::Node> names =
          Entries(file, node, "names", "a name like {text: ..., lang: .., kind: ..}");
      if (names.empty() && node["names"]) {
        Error(file, node, "substance `" + substance.id + "` needs at least one name");
      }
      for (const auto& entry : names) {
        CheckKeys(file, entry, {"text", "lang", "kind", "ambiguity"});
        Name name;
        if (!NameFields(file, entry, name))
          continue;
        name.kind = KindOf(file, entry);
        name.target = Name::Target::kSubstance;
        name.substance = index;
        name.class_id = substance.class_id;
        lexicon_.names.push_back(std::move(name));
      }
      lexicon_.substances.push_back(std::move(substance));
    }
  }

  void LoadTerms(const std::string& file, const YAML::Node& root) {
    CheckKeys(file, root, {"schema", "terms"});
    for (const auto& entry : Entries(file, root, "terms", "a term")) {
      CheckKeys(file, entry,
                {"text", "lang", "kind", "ambiguity", "class", "substance", "candidates"});
      Name name;
      if (!NameFields(file, entry, name))
        continue;
      name.kind = KindOf(file, entry);
      std::string class_id = Text(file, entry, "class", false);
      std::string substance = Text(file, entry, "substance", false);
      if (class_id.empty() == substance.empty()) {
        Error(file, entry, "a term needs exactly one of `class` or `substance`");
        continue;
      }
      if (!class_id.empty()) {
        if (!IsClassId(class_id))
          Error(file, entry["class"], "unknown class `" + class_id + "`");
        name.target = Name::Target::kClass;
        name.class_id = class_id;
      } else {
        name.target = Name::Target::kSubstance;
        pending_substance_.push_back({lexicon_.names.size(), substance, file, entry["substance"]});
      }
      for (const auto& candidate : List(file, entry, "candidates")) {
        pending_candidates_.push_back(
            {lexicon_.names.size(), candidate, file, entry["candidates"]});
      }
      lexicon_.names.push_back(std::move(name));
    }
  }

  void LoadCategory(const std::string& file, const YAML::Node& root) {
    CheckKeys(file, root, {"schema", "category", "terms"});
    std::string category = Text(file, root, "category", true);
    if (!IsCategoryId(category) || category == "drugs") {
      Error(file, root["category"], "`category` must be a category id other than drugs");
      return;
    }
    for (const auto& entry : Entries(file, root, "terms", "a term")) {
      CheckKeys(file, entry, {"text", "lang", "weight", "ambiguity", "kind", "position"});
      Name name;
      if (!NameFields(file, entry, name))
        continue;
      // `position: start`: the word counts only where a title opens ("Get back ...", "Заработай
      // ..."); the name records it as its kind, `opener`.
      std::string position = Text(file, entry, "position", false);
      if (!position.empty() && position != "start" && position != "any") {
        Error(file, entry["position"], "`position` must be start or any, not `" + position + "`");
        continue;
      }
      // `kind: brand`: a maker's name ("Rolex", "Louis Vuitton") that says what a title sells only
      // when nothing else does; no other kind is given to a category term.
      std::string kind = Text(file, entry, "kind", false);
      if (!kind.empty() && kind != "brand") {
        Error(file, entry["kind"], "`kind` of a category term must be brand, not `" + kind + "`");
        continue;
      }
      if (kind == "brand" && position == "start") {
        Error(file, entry, "a brand cannot have `position: start`");
        continue;
      }
      name.kind = position == "start" ? "opener" : kind == "brand" ? "brand" : "category";
      name.target = Name::Target::kCategory;
      name.category = category;
      name.category_index = static_cast<int>(
          std::find(kCategoryIds.begin(), kCategoryIds.end(), category) - kCategoryIds.begin());
      std::string weight = Text(file, entry, "weight", true);
      if (weight != "1" && weight != "2" && weight != "3") {
        Error(file, entry, "`weight` must be 1, 2 or 3");
        continue;
      }
      name.weight = weight[0] - '0';
      lexicon_.names.push_back(std::move(name));
    }
  }

  // Cross-references that need the whole lexicon.
  void Resolve() {
    for (const auto& [status, file, node] : statuses_to_check_) {
      const std::string& instrument =
          status.instrument;  // lambdas cannot capture bindings in C++20
      auto it = std::find_if(lexicon_.instruments.begin(), lexicon_.instruments.end(),
                             [&](const Instrument& i) { return i.id == instrument; });
      if (it == lexicon_.instruments.end()) {
        Error(file, node, "unknown instrument `" + status.instrument + "` (see instruments.yaml)");
      } else if (std::find(it->lists.begin(), it->lists.end(), status.list) == it->lists.end()) {
        Error(file, node,
              "instrument `" + status.instrument + "` has no list `" + status.list + "`");
      }
    }
    for (const auto& [id, file, node] : references_) {
      if (!lexicon_.substance_index.contains(id)) {
        Error(file, node, "unknown substance `" + id + "`");
      }
    }
    for (const auto& [name_index, id, file, node] : pending_substance_) {
      auto it = lexicon_.substance_index.find(id);
      if (it == lexicon_.substance_index.end()) {
        Error(file, node, "unknown substance `" + id + "`");
        continue;
      }
      Name& name = lexicon_.names[name_index];
      name.substance = it->second;
      name.class_id = lexicon_.substances[static_cast<size_t>(it->second)].class_id;
    }
    for (const auto& [name_index, id, file, node] : pending_candidates_) {
      auto it = lexicon_.substance_index.find(id);
      if (it == lexicon_.substance_index.end()) {
        Error(file, node, "unknown candidate substance `" + id + "`");
        continue;
      }
      lexicon_.names[name_index].candidates.push_back(it->second);
    }
  }

  std::vector<std::string>& errors() { return errors_; }

 private:
  struct StatusRef {
    LegalStatus status;
    std::string file;
    YAML::Node node;
  };
  struct Reference {
    std::string id;
    std::string file;
    YAML::Node node;
  };
  struct PendingName {
    size_t name;
    std::string id;
    std::string file;
    YAML::Node node;
  };
  Lexicon& lexicon_;
  std::vector<std::string> errors_;
  std::vector<StatusRef> statuses_to_check_;
  std::vector<Reference> references_;
  std::vector<PendingName> pending_substance_;
  std::vector<PendingName> pending_candidates_;
};

std::vector<std::filesystem::path> YamlFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml")
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

bool IsClassId(std::string_view id) {
  return std::find(kClassIds.begin(), kClassIds.end(), id) != kClassIds.end();
}

bool IsCategoryId(std::string_view id) {
  return std::find(kCategoryIds.begin(), kCategoryIds.end(), id) != kCategoryIds.end();
}

const Substance* Lexicon::FindSubstance(std::string_view id) const {
  auto it = substance_index.find(id);
  return it == substance_index.end() ? nullptr : &substances[static_cast<size_t>(it->second)];
}

Result<Lexicon> LoadLexicon(const std::filesystem::path& dir,
                            const std::filesystem::path& cache_dir) {
  if (!std::filesystem::is_directory(dir)) {
    return NotFound("lexicon directory " + dir.string() + " does not exist");
  }
  Lexicon lexicon;
  Loader loader(lexicon);
  Hasher hasher(DigestAlgorithm::kSha256);
  // Files are named relative to the folder above data/, e.g. "data/lexicon/terms/emoji.yaml".
  std::filesystem::path base = std::filesystem::absolute(dir).lexically_normal();
  if (base.filename().empty())
    base = base.parent_path();
  auto label = [&](const std::filesystem::path& path) {
    return std::filesystem::absolute(path)
        .lexically_normal()
        .lexically_relative(base.parent_path().parent_path())
        .string();
  };
  // Every file is read (and hashed) first: the hash names the cache of the loaded lexicon.
  enum class Part { kInstruments, kSubstances, kTerms, kCategories };
  struct File {
    Part part;
    std::string label;
    std::string contents;
  };
  std::vector<File> files;
  auto read = [&](Part part, const std::filesystem::path& path) {
    auto contents = ReadFile(path);
    if (!contents.has_value()) {
      loader.errors().push_back(label(path) + ": " + contents.error().message());
      return;
    }
    File& file = files.emplace_back(File{part, label(path), std::move(*contents)});
    hasher.Update(file.label);
    hasher.Update(std::string_view("\0", 1));
    hasher.Update(file.contents);
    lexicon.files.push_back(file.label);
  };
  read(Part::kInstruments, dir / "instruments.yaml");
  for (const auto& path : YamlFiles(dir / "substances"))
    read(Part::kSubstances, path);
  for (const auto& path : YamlFiles(dir / "terms"))
    read(Part::kTerms, path);
  for (const auto& path : YamlFiles(dir / "categories"))
    read(Part::kCategories, path);
  std::string content_hash = HexEncode(hasher.Finish());
  std::filesystem::path cache_file;
  if (!cache_dir.empty() && loader.errors().empty()) {
    cache_file = LexiconCacheFile(cache_dir, content_hash);
    if (auto cached = ReadLexiconCache(cache_file, content_hash))
      return std::move(*cached);
  }
  for (const File& file : files) {
    auto root = loader.Parse(file.contents, file.label);
    if (!root)
      continue;
    switch (file.part) {
      case Part::kInstruments:
        loader.LoadInstruments(file.label, *root);
        break;
      case Part::kSubstances:
        loader.LoadSubstances(file.label, *root);
        break;
      case Part::kTerms:
        loader.LoadTerms(file.label, *root);
        break;
      case Part::kCategories:
        loader.LoadCategory(file.label, *root);
        break;
    }
  }
  loader.Resolve();
  if (lexicon.substances.empty() && loader.errors().empty()) {
    loader.errors().push_back((dir / "substances").string() + ": no substances");
  }
  if (!loader.errors().empty()) {
    const auto& errors = loader.errors();
    std::string message = std::to_string(errors.size()) + " problem(s) in lexicon " + dir.string();
    for (size_t i = 0; i < errors.size() && i < 50; ++i)
      message += "\n  " + errors[i];
    if (errors.size() > 50)
      message += "\n  ...";
    return InvalidArgument(message);
  }
  lexicon.content_hash = std::move(content_hash);
  // The cache only saves time: a read-only or full cache directory costs the next run the same
  // YAML parse again, nothing else.
  if (!cache_file.empty())
    (void)WriteLexiconCache(cache_file, lexicon);
  return lexicon;
}

std::filesystem::path DefaultDataDirectory() {
  if (const char* env = std::getenv("DRAGNET_DATA"); env != nullptr && *env != '\0')
    return env;
#ifdef DRAGNET_SOURCE_DATA_DIR
  if (std::filesystem::is_directory(DRAGNET_SOURCE_DATA_DIR))
    return DRAGNET_SOURCE_DATA_DIR;
#endif
#ifdef DRAGNET_INSTALL_DATA_DIR
  return DRAGNET_INSTALL_DATA_DIR;
#else
  return "data";
#endif
}

std::filesystem::path DefaultLexiconDirectory() {
  if (const char* env = std::getenv("DRAGNET_LEXICON"); env != nullptr && *env != '\0')
    return env;
  return DefaultDataDirectory() / "lexicon";
}

}  // namespace dragnet::identify
