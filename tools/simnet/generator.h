#pragma once
// The simulated illicit web: from a seed, the sites, pages, a Telegram channel export and the
// ground truth of everything in them, written to one directory.
//
//   DIR/simnet.json                  what was generated (seed, generator version, hosts, counts)
//   DIR/seeds.txt                    one start URL per site, for `dragnet crawl --seeds`
//   DIR/sites/epoch-N/HOST/PATH      each site's files as served in crawl N (prices change)
//   DIR/telegram/CHANNEL/result.json a channel in Telegram Desktop's export format, with photos
//   DIR/truth/pages.jsonl            per page or post: type, category, substances, classes,
//                                    selectors (and the invalid ones planted), actor, prices
//   DIR/truth/actors.jsonl           per actor: accounts (site, name) and selectors
//
// Markets in English with different layouts (one with a mirror), a Russian dead-drop shop, a
// German vendor forum, an open-web research-chemical shop, a rogue pharmacy. Actors sell on
// several of them under different names and share selectors (PGP key, wallet, phone, photo).
// Product names come from data/lexicon and are obfuscated as sellers write them; PGP keys,
// wallets and onion names are valid, except those the truth lists as invalid.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "identify/lexicon.h"
#include "identify/rates.h"
#include "simnet/world.h"

namespace dragnet::simnet {

// Bump when the same seed would give different output.
inline constexpr int kGeneratorVersion = 1;

struct SimnetHost {
  std::string host;
  std::string site;  // site id; a mirror has its site's id
  std::string kind;  // darknet_en, deaddrop_ru, forum_de, rc_shop, pharmacy
  bool onion = false;
  bool mirror = false;
};

struct SimnetSummary {
  uint64_t seed = 0;
  int version = 0;
  std::vector<SimnetHost> hosts;
  int epochs = 2;
  uint64_t pages = 0;  // per epoch, mirrors included
  uint64_t listings = 0;
  uint64_t posts = 0;  // Telegram messages
  uint64_t actors = 0;
  uint64_t selectors = 0;  // distinct valid selectors planted
  std::string telegram_dir;
};

struct GenerateOptions {
  uint64_t seed = 1;
  int listings_per_market = 40;
};

// Writes the simulated web to `out`, replacing what is there only once everything is written
// (generated in a sibling directory, then renamed).
// Prices shown in several currencies are converted at `rates`.
Result<SimnetSummary> Generate(const identify::Lexicon& lexicon, const World& world,
                               const identify::ExchangeRates& rates, const GenerateOptions& options,
                               const std::filesystem::path& out);

// Reads DIR/simnet.json; an error when it is missing or not ours.
Result<SimnetSummary> ReadSummary(const std::filesystem::path& dir);

}  // namespace dragnet::simnet
