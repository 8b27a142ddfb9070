// The simulated web: deterministic from its seed, complete (every page the truth names exists,
// every selector the truth plants is written in its page), and its world file validated.

#include "simnet/generator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "identify/selectors/crypto_address.h"

namespace dragnet::simnet {
namespace {

namespace fs = std::filesystem;

class GeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto lexicon = identify::LoadLexicon(identify::DefaultLexiconDirectory());
    ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
    lexicon_ = new identify::Lexicon(std::move(*lexicon));
    auto world = LoadWorld(DefaultWorldFile(), *lexicon_);
    ASSERT_TRUE(world.has_value()) << world.error().message();
    world_ = new World(std::move(*world));
    auto rates = identify::ExchangeRates::Load(identify::DefaultDataDirectory() / "rates" /
                                               "exchange_rates.csv");
    ASSERT_TRUE(rates.has_value());
    rates_ = new identify::ExchangeRates(std::move(*rates));
  }
  static void TearDownTestSuite() {
    delete lexicon_;
    delete world_;
    delete rates_;
  }
  static Result<SimnetSummary> Make(const fs::path& dir, uint64_t seed) {
    GenerateOptions options;
    options.seed = seed;
    options.listings_per_market = 40;
    return Generate(*lexicon_, *world_, *rates_, options, dir);
  }
  static identify::Lexicon* lexicon_;
  static World* world_;
  static identify::ExchangeRates* rates_;
};
identify::Lexicon* GeneratorTest::lexicon_ = nullptr;
World* GeneratorTest::world_ = nullptr;
identify::ExchangeRates* GeneratorTest::rates_ = nullptr;

TEST_F(GeneratorTest, SameSeedSameWebOtherSeedOtherWeb) {
  ScratchDir scratch("simnet_seed");
  auto a = Make(scratch.path() / "a", 7);
  auto b = Make(scratch.path() / "b", 7);
  auto c = Make(scratch.path() / "c", 8);
  ASSERT_TRUE(a.has_value()) << a.error().message();
  ASSERT_TRUE(b.has_value() && c.has_value());
  auto truth_a = ReadFile(scratch.path() / "a" / "truth" / "pages.jsonl");
  auto truth_b = ReadFile(scratch.path() / "b" / "truth" / "pages.jsonl");
  auto truth_c = ReadFile(scratch.path() / "c" / "truth" / "pages.jsonl");
  ASSERT_TRUE(truth_a.has_value() && truth_b.has_value() && truth_c.has_value());
  EXPECT_EQ(*truth_a, *truth_b);
  EXPECT_NE(*truth_a, *truth_c);
  auto summary = ReadSummary(scratch.path() / "a");
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(summary->seed, 7u);
  EXPECT_EQ(summary->hosts.size(), a->hosts.size());
  // No staging or old directories are left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(scratch.path()))
    ++entries;
  EXPECT_EQ(entries, 3);
}

TEST_F(GeneratorTest, TruthMatchesTheFiles) {
  ScratchDir scratch("simnet_truth");
  auto summary = Make(scratch.path() / "web", 3);
  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  fs::path dir = scratch.path() / "web";
  int onions = 0;
  for (const SimnetHost& h : summary->hosts) {
    if (!h.onion)
      continue;
    ++onions;
    EXPECT_TRUE(identify::ValidateOnion(h.host).has_value()) << h.host;
  }
  EXPECT_GE(onions, 5);  // four onion sites and a mirror

  auto truth = ReadFile(dir / "truth" / "pages.jsonl");
  ASSERT_TRUE(truth.has_value());
  std::set<std::string> categories, kinds, page_types;
  size_t lines = 0, checked = 0, invalid = 0;
  std::string telegram;
  ASSERT_TRUE(ReadFile(dir / summary->telegram_dir / "result.json").has_value());
  telegram = *ReadFile(dir / summary->telegram_dir / "result.json");
  for (size_t start = 0; start < truth->size();) {
    size_t end = truth->find('\n', start);
    auto j = nlohmann::json::parse(truth->substr(start, end - start));
    start = end + 1;
    ++lines;
    page_types.insert(j["page_type"].get<std::string>());
    if (j.contains("category"))
      categories.insert(j["category"].get<std::string>());
    std::string url = j["url"];
    std::string body;
    if (url.rfind("https://t.me/", 0) == 0) {
      body = telegram;
    } else {
      std::string rest = url.substr(7);  // after http://
      std::string host = rest.substr(0, rest.find('/'));
      std::string path = rest.substr(host.size());
      if (path.empty() || path.back() == '/')
        path += "index.html";
      std::replace(path.begin(), path.end(), '?', '@');
      auto file = ReadFile(dir / "sites" / "epoch-1" / host / path.substr(1));
      ASSERT_TRUE(file.has_value()) << url;
      body = *file;
      ASSERT_TRUE(ReadFile(dir / "sites" / "epoch-2" / host / path.substr(1)).has_value());
    }
    for (const auto& s : j["selectors"]) {
      kinds.insert(s["kind"].get<std::string>());
      std::string value = s["value"];
      if (s["kind"] == "pgp" || s["kind"] == "phone")
        continue;  // written as an armoured key or grouped digits
      if (value.find("@dnmx.example") != std::string::npos)
        continue;  // the user id inside the armoured key
      EXPECT_NE(body.find(value), std::string::npos) << url << " lacks " << value;
      ++checked;
    }
    if (j.contains("invalid_selectors")) {
      for (const auto& s : j["invalid_selectors"]) {
        ++invalid;
        EXPECT_NE(body.find(s["value"].get<std::string>()), std::string::npos);
        EXPECT_FALSE(identify::ValidateAddress(s["value"].get<std::string>()).has_value());
      }
    }
    for (const auto& id : j["substances"])
      EXPECT_NE(lexicon_->FindSubstance(id.get<std::string>()), nullptr) << id;
  }
  EXPECT_EQ(lines, summary->pages + summary->posts);
  EXPECT_GT(checked, 50u);
  EXPECT_GE(invalid, 1u);
  for (const char* c : {"drugs", "recruitment", "weapons"})
    EXPECT_EQ(categories.count(c), 1u) << c;
  for (const char* k : {"pgp", "bitcoin", "monero", "onion", "telegram", "email", "phone"})
    EXPECT_EQ(kinds.count(k), 1u) << k;
  for (const char* t : {"listing", "vendor", "category", "forum_thread", "post"})
    EXPECT_EQ(page_types.count(t), 1u) << t;
  // Prices change between the two crawls.
  auto first =
      ReadFile(dir / "sites" / "epoch-1" / summary->hosts[0].host / "listing" / "1000.html");
  auto second =
      ReadFile(dir / "sites" / "epoch-2" / summary->hosts[0].host / "listing" / "1000.html");
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_NE(*first, *second);
}

TEST_F(GeneratorTest, WorldFileErrorsNameFileAndLine) {
  ScratchDir scratch("simnet_world");
  fs::path file = scratch.path() / "world.yaml";
  auto text = ReadFile(DefaultWorldFile());
  ASSERT_TRUE(text.has_value());
  std::string broken = *text;
  size_t at = broken.find("{substance: cocaine,");
  ASSERT_NE(at, std::string::npos);
  broken.replace(at, 20, "{substance: no-such-drug,");
  size_t line = 1 + static_cast<size_t>(std::count(broken.begin(), broken.begin() + at, '\n'));
  ASSERT_TRUE(WriteFileAtomic(file, broken).ok());
  auto world = LoadWorld(file, *lexicon_);
  ASSERT_FALSE(world.has_value());
  EXPECT_NE(world.error().message().find(file.string() + ":" + std::to_string(line) +
                                         ": substance `no-such-drug` is not in the lexicon"),
            std::string::npos)
      << world.error().message();
}

}  // namespace
}  // namespace dragnet::simnet
