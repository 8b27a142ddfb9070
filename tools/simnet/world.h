#pragma once
// What the simulated illicit web is made of: data/simnet/world.yaml (vendor handles, each site
// kind's catalogue by lexicon substance id, non-drug listings, dead-drop cities and districts,
// stash types, courier ads, descriptions). The loader names the file and line of every error.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "identify/lexicon.h"

namespace dragnet::simnet {

struct Product {
  std::string substance;  // lexicon id
  std::string form;       // "crystal 84%", "кристаллы"; may be empty
  std::string unit;       // g, pill, blotter
  std::vector<double> tiers;
  double usd = 0;  // per unit
  int line = 0;
};

struct City {
  std::string name;
  std::vector<std::string> districts;
  std::string currency;
};

struct World {
  std::vector<std::string> handles;
  std::map<std::string, std::vector<Product>> catalogues;    // site kind -> products
  std::map<std::string, std::vector<std::string>> non_drug;  // category id -> titles
  std::vector<City> cities;
  std::vector<std::string> stash_types;
  std::vector<std::string> recruitment;
  std::map<std::string, std::vector<std::string>> descriptions;  // language or site kind -> texts
};

// The world file beside the lexicon: <data>/simnet/world.yaml.
std::filesystem::path DefaultWorldFile();

// Loads and checks the world file: every substance id must be in `lexicon`, every category id
// one of DOMAIN.md's, every unit known. Errors read "file:line: message".
Result<World> LoadWorld(const std::filesystem::path& path, const identify::Lexicon& lexicon);

}  // namespace dragnet::simnet
