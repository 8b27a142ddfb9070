// Oracle test: every PGP public key block of the Dream Market 2016 seller profiles, read by
// Dragnet and by GnuPG (`gpg --show-keys --with-colons`). For every key gpg can read, Dragnet
// must report the same primary fingerprint and the same subkey fingerprints, in the same block.
//
// Blocks go to gpg in batches through one file, each block preceded by a separator key (made for
// this test, see kSeparatorKey), so that gpg's listing splits back into blocks even when gpg
// skips a block it cannot read or would otherwise run keys of two blocks together.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/shared_data_for_test.h"
#include "identify/selectors/pgp.h"

namespace dragnet::identify {
namespace {

namespace fs = std::filesystem;

fs::path SharedData() {
  return testing::SharedDataDir();
}

// An ed25519 key made with gpg for this test only ("dragnet oracle separator").
constexpr char kSeparatorKey[] = R"(-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawx46hYJKwYBBAHaRw8BAQdAnAZHIZxWUGQARQGJc9c/R4HI8jo1gAf6N6Ix
qB2/3bW0GGRyYWduZXQgb3JhY2xlIHNlcGFyYXRvcoiQBBMWCAA4FiEEQAfuBm0H
vC3r55O3Bt+GlVZeXV4FAmsMeOoCGwEFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AA
CgkQBt+GlVZeXV4qsAD9HjoOq0Mx0x9TiJCvjvPKHE2dTI4bKKBA76f9aCM24QMA
/1HEfzTl1JcWEZmyom7xLQZsAW9/hERvLfGyvsPwUp8K
=jR3T
-----END PGP PUBLIC KEY BLOCK-----
)";
constexpr char kSeparatorFingerprint[] = "4007EE066D07BC2DEBE793B706DF8695565E5D5E";

// RFC 4180 CSV: quoted fields with doubled quotes and embedded line breaks.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

struct Key {
  std::string primary;
  std::set<std::string> subkeys;
};

// One block as gpg listed it (--with-colons: a "fpr" record follows each "pub" and "sub").
using Listing = std::vector<Key>;

std::vector<Listing> SplitGpgListing(const std::string& colons) {
  std::vector<Listing> blocks;  // blocks[0] is what came before the first separator
  blocks.emplace_back();
  std::istringstream in(colons);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    const std::string type = line.substr(0, line.find(':'));
    if (type == "pub" || type == "sub" || type == "sec" || type == "ssb") {
      last = type;
      continue;
    }
    if (type != "fpr")
      continue;
    // fpr:::::::::FINGERPRINT:
    size_t field = 0, pos = 0;
    while (field < 9 && pos != std::string::npos) {
      pos = line.find(':', pos);
      if (pos != std::string::npos)
        ++pos;
      ++field;
    }
    if (pos == std::string::npos)
      continue;
    const std::string fpr = line.substr(pos, line.find(':', pos) - pos);
    if (last == "pub" || last == "sec") {
      if (fpr == kSeparatorFingerprint)
        blocks.emplace_back();
      else
        blocks.back().push_back({fpr, {}});
    } else if ((last == "sub" || last == "ssb") && !blocks.back().empty()) {
      blocks.back().back().subkeys.insert(fpr);
    }
    last.clear();
  }
  return blocks;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs gpg on `blocks`, each after a separator; returns one listing per block, or an empty vector
// when the output does not split into as many blocks (gpg stopped early). A single block goes
// alone, without separators: gpg is more lenient with the first block of a file (it reads
// damaged armour headers there that make it give up on a later block).
std::vector<Listing> GpgListings(const fs::path& dir, std::span<const std::string* const> blocks) {
  const fs::path input = dir / "batch.asc";
  const fs::path output = dir / "batch.out";
  const bool alone = blocks.size() == 1;
  {
    std::ofstream out(input, std::ios::binary);
    for (const std::string* block : blocks)
      out << (alone ? "" : kSeparatorKey) << "\n" << *block << "\n";
    if (!alone)
      out << kSeparatorKey;
  }
  const std::string command = "GNUPGHOME='" + (dir / "home").string() +
                              "' gpg --batch --no-tty --show-keys --with-colons '" +
                              input.string() + "' > '" + output.string() + "' 2>/dev/null";
  (void)std::system(command.c_str());  // gpg exits non-zero when some block is unreadable
  std::vector<Listing> listings = SplitGpgListing(ReadFile(output));
  if (alone)
    return {listings[0]};
  if (listings.size() != blocks.size() + 2)
    return {};
  return std::vector<Listing>(listings.begin() + 1, listings.end() - 1);
}

// Lists `blocks` in one gpg run, or, when gpg gives up inside, in halves.
void ListBlocks(const fs::path& dir, std::span<const std::string* const> blocks,
                std::vector<Listing>& out) {
  std::vector<Listing> listings = GpgListings(dir, blocks);
  if (!listings.empty()) {
    out.insert(out.end(), listings.begin(), listings.end());
    return;
  }
  const size_t half = blocks.size() / 2;
  ListBlocks(dir, blocks.first(half), out);
  ListBlocks(dir, blocks.subspan(half), out);
}

std::vector<Key> DragnetKeys(const std::string& text) {
  SelectorFindings found;
  FindPgp(text, found);
  std::vector<Key> keys;
  for (const Selector& s : found.selectors) {
    if (s.kind != SelectorKind::kPgpKey)
      continue;
    Key key{s.value, {}};
    const nlohmann::json details = nlohmann::json::parse(s.details);
    for (const auto& sub : details.at("subkeys"))
      key.subkeys.insert(sub.at("fingerprint").get<std::string>());
    keys.push_back(std::move(key));
  }
  return keys;
}

TEST(PgpGpgOracle, DreamMarketSellerKeysAgreeWithGnuPG) {
  const fs::path csv =
      SharedData() / "dev" / "dreammarket2016-sellers" / "DreamMarket2016_seller.csv";
  if (!fs::exists(csv))
    GTEST_SKIP() << "../shared absent";
  if (std::system("gpg --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "gpg absent";

  const std::vector<std::vector<std::string>> rows = ParseCsv(ReadFile(csv));
  ASSERT_GT(rows.size(), 1u);
  size_t pgp_column = rows[0].size();
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "pgp")
      pgp_column = i;
  }
  ASSERT_LT(pgp_column, rows[0].size());
  std::vector<const std::string*> blocks;
  for (size_t r = 1; r < rows.size(); ++r) {
    if (pgp_column < rows[r].size() &&
        rows[r][pgp_column].find("BEGIN PGP PUBLIC KEY BLOCK") != std::string::npos)
      blocks.push_back(&rows[r][pgp_column]);
  }
  ASSERT_GT(blocks.size(), 600u);  // 689 at the time of writing

  char dir_template[] = "/tmp/dragnet_pgp_gpg_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const fs::path dir = dir_template;
  fs::create_directory(dir / "home");
  fs::permissions(dir / "home", fs::perms::owner_all, fs::perm_options::replace);

  std::vector<Listing> gpg;
  constexpr size_t kBatch = 100;
  for (size_t start = 0; start < blocks.size(); start += kBatch) {
    ListBlocks(dir,
               std::span<const std::string* const>(blocks).subspan(
                   start, std::min(kBatch, blocks.size() - start)),
               gpg);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  ASSERT_EQ(gpg.size(), blocks.size());

  size_t compared = 0, agree = 0, disagree = 0, gpg_unread = 0, only_dragnet = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const std::vector<Key> ours = DragnetKeys(*blocks[b]);
    if (gpg[b].empty())
      ++gpg_unread;
    std::set<std::string> gpg_primaries;
    for (const Key& theirs : gpg[b]) {
      ++compared;
      gpg_primaries.insert(theirs.primary);
      const Key* match = nullptr;
      for (const Key& k : ours) {
        if (k.primary == theirs.primary)
          match = &k;
      }
      if (match != nullptr && match->subkeys == theirs.subkeys) {
        ++agree;
        continue;
      }
      ++disagree;
      ADD_FAILURE() << "block " << b << ": gpg key " << theirs.primary << " with "
                    << theirs.subkeys.size() << " subkeys; Dragnet "
                    << (match == nullptr
                            ? "did not report it"
                            : "reported " + std::to_string(match->subkeys.size()) + " subkeys");
    }
    for (const Key& k : ours) {
      if (gpg_primaries.count(k.primary) == 0)
        ++only_dragnet;
    }
  }
  std::cout << "gpg oracle: " << blocks.size() << " blocks, " << compared << " keys compared, "
            << agree << " agree, " << disagree << " disagree, " << gpg_unread
            << " keys gpg could not read, " << only_dragnet << " keys only Dragnet read"
            << std::endl;
  EXPECT_EQ(disagree, 0u);
  EXPECT_GT(compared, 600u);
}

}  // namespace
}  // namespace dragnet::identify
