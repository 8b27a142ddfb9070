// Loads data/simnet/world.yaml (see world.h).

#include "simnet/world.h"

#include <yaml-cpp/yaml.h>

#include "core/file.h"

namespace dragnet::simnet {
namespace {

class Loader {
 public:
  explicit Loader(std::string label) : label_(std::move(label)) {}

  void Fail(const YAML::Node& node, const std::string& message) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    errors_.push_back(label_ + ":" + std::to_string(line) + ": " + message);
  }

  std::vector<std::string> Strings(const YAML::Node& node, const char* what) {
    std::vector<std::string> out;
    if (!node.IsSequence() || node.size() == 0) {
      Fail(node, std::string("`") + what + "` must be a non-empty list of strings");
      return out;
    }
    for (const YAML::Node& item : node) {
      if (!item.IsScalar() || item.as<std::string>().empty()) {
        Fail(item, std::string("`") + what + "`: expected a non-empty string");
        continue;
      }
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  Product LoadProduct(const YAML::Node& node, const identify::Lexicon& lexicon) {
    Product p;
    p.line = node.Mark().line + 1;
    if (!node.IsMap()) {
      Fail(node, "a product is a mapping {substance, form, unit, tiers, usd}");
      return p;
    }
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (key != "substance" && key != "form" && key != "unit" && key != "tiers" && key != "usd")
        Fail(kv.first, "unknown key `" + key + "`");
    }
    p.substance = node["substance"].as<std::string>("");
    if (lexicon.FindSubstance(p.substance) == nullptr)
      Fail(node, "substance `" + p.substance + "` is not in the lexicon");
    p.form = node["form"].as<std::string>("");
    p.unit = node["unit"].as<std::string>("");
    if (p.unit != "g" && p.unit != "pill" && p.unit != "blotter" && p.unit != "ml")
      Fail(node, "unit `" + p.unit + "` is not one of g, pill, blotter, ml");
    if (!node["tiers"].IsSequence() || node["tiers"].size() == 0) {
      Fail(node, "`tiers` must be a non-empty list of quantities");
    } else {
      for (const YAML::Node& t : node["tiers"]) {
        double v = t.as<double>(0);
        if (v <= 0)
          Fail(t, "a tier must be a positive number");
        p.tiers.push_back(v);
      }
    }
    p.usd = node["usd"].as<double>(0);
    if (p.usd <= 0)
      Fail(node, "`usd` (price per unit) must be positive");
    return p;
  }

  World Load(const YAML::Node& root, const identify::Lexicon& lexicon) {
    World w;
    w.handles = Strings(root["handles"], "handles");
    if (w.handles.size() < 8)
      Fail(root["handles"], "at least 8 handles are needed");
    for (const auto& kv : root["catalogues"]) {
      auto& list = w.catalogues[kv.first.as<std::string>()];
      for (const YAML::Node& p : kv.second)
        list.push_back(LoadProduct(p, lexicon));
    }
    for (const char* kind : {"darknet_en", "deaddrop_ru", "forum_de", "rc_shop", "pharmacy"}) {
      if (w.catalogues[kind].empty())
        Fail(root["catalogues"], std::string("catalogue `") + kind + "` is missing or empty");
    }
    for (const auto& kv : root["non_drug"]) {
      std::string category = kv.first.as<std::string>();
      if (!identify::IsCategoryId(category) || category == "drugs")
        Fail(kv.first, "`" + category + "` is not a non-drug category id of DOMAIN.md");
      w.non_drug[category] = Strings(kv.second, "non_drug titles");
    }
    if (!root["cities"].IsSequence())
      Fail(root, "`cities` must be a list");
    for (const YAML::Node& c : root["cities"]) {
      City city;
      city.name = c["name"].as<std::string>("");
      city.currency = c["currency"].as<std::string>("");
      if (city.name.empty() || city.currency.empty())
        Fail(c, "a city needs name and currency");
      city.districts = Strings(c["districts"], "districts");
      w.cities.push_back(std::move(city));
    }
    w.stash_types = Strings(root["stash_types"], "stash_types");
    w.recruitment = Strings(root["recruitment"], "recruitment");
    for (const auto& kv : root["descriptions"])
      w.descriptions[kv.first.as<std::string>()] = Strings(kv.second, "descriptions");
    for (const char* lang : {"en", "ru", "de", "pharmacy", "rc_shop"}) {
      if (w.descriptions[lang].empty())
        Fail(root["descriptions"], std::string("descriptions for `") + lang + "` are missing");
    }
    return w;
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string label_;
  std::vector<std::string> errors_;
};

}  // namespace

std::filesystem::path DefaultWorldFile() {
  return identify::DefaultDataDirectory() / "simnet" / "world.yaml";
}

Result<World> LoadWorld(const std::filesystem::path& path, const identify::Lexicon& lexicon) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Loader loader(path.string());
  World world;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || root["schema"].as<std::string>("") != "1")
      return InvalidArgument(path.string() + ":1: expected a mapping with `schema: 1`");
    world = loader.Load(root, lexicon);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!loader.errors().empty()) {
    std::string message;
    for (const std::string& e : loader.errors())
      message += (message.empty() ? "" : "\n") + e;
    return InvalidArgument(message);
  }
  return world;
}

}  // namespace dragnet::simnet
