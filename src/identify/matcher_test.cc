#include "identify/matcher.h"

#include <algorithm>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/scratch_dir.h"

namespace dragnet::identify {
namespace {

const std::string kLexicon = std::string(DRAGNET_SOURCE_DIR) + "/src/identify/testdata/lexicon";

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lexicon = LoadLexicon(kLexicon);
    ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
    lexicon_ = std::move(*lexicon);
    auto matcher = LexiconMatcher::Build(lexicon_, normalizer_, "");
    ASSERT_TRUE(matcher.has_value()) << matcher.error().message();
    matcher_ = std::move(*matcher);
  }

  std::vector<std::string> Found(std::string_view text) {
    NormalizedText normalized;
    normalizer_.Normalize(text, normalized);
    auto session = matcher_->NewSession();
    EXPECT_TRUE(session.has_value());
    std::vector<NameHit> hits;
    EXPECT_TRUE((*session)->Scan(normalized, hits).ok());
    std::vector<std::string> names;
    for (const auto& hit : hits)
      names.push_back(lexicon_.names[static_cast<size_t>(hit.name)].text);
    std::sort(names.begin(), names.end());
    return names;
  }

  Lexicon lexicon_;
  Normalizer normalizer_;
  std::unique_ptr<LexiconMatcher> matcher_;
};

using ::testing::ElementsAre;

TEST_F(MatcherTest, FindsObfuscatedSpellings) {
  EXPECT_EQ(Found("A - P v P кристаллы"), std::vector<std::string>({"a-PVP"}));
  EXPECT_EQ(Found("α-PVP 1g"), std::vector<std::string>({"a-PVP"}));
  EXPECT_EQ(Found("альфа-пвп"), std::vector<std::string>({"alpha-PVP"}));  // one key
  EXPECT_EQ(Found("h3r0in"), std::vector<std::string>({"heroin"}));
  EXPECT_EQ(Found("Гeрoин"), std::vector<std::string>({"героин"}));
}

TEST_F(MatcherTest, NeedsWordBoundaries) {
  EXPECT_TRUE(Found("methodology").empty());
  EXPECT_TRUE(Found("icecream").empty());
  EXPECT_EQ(Found("meth-pipe"), std::vector<std::string>({"meth"}));
}

TEST_F(MatcherTest, AllowsInflectionEndingsOfTheNamesLanguage) {
  EXPECT_EQ(Found("продам героина"), std::vector<std::string>({"героин"}));
  EXPECT_EQ(Found("шишка"), std::vector<std::string>({"шишки"}));
  EXPECT_EQ(Found("марихуаной"), std::vector<std::string>({"марихуана"}));
  // Plural oblique cases.
  EXPECT_EQ(Found("с шишками"), std::vector<std::string>({"шишки"}));
  EXPECT_EQ(Found("о шишках"), std::vector<std::string>({"шишки"}));
  EXPECT_EQ(Found("cocaines"), std::vector<std::string>({"cocaine"}));
  EXPECT_TRUE(Found("cocainex").empty());
  // Adjectives made from the name, in any case.
  EXPECT_EQ(Found("героиновых"), std::vector<std::string>({"героин"}));
  EXPECT_EQ(Found("героиновая"), std::vector<std::string>({"героин"}));
  EXPECT_TRUE(Found("героиновщик").empty());
  // Not for short or ambiguous names: everyday adjectives stay everyday.
  for (const char* everyday : {"кокосовое масло", "кленовый сироп", "тестовый заказ",
                               "винтовая лестница", "солевой раствор", "ледовый дворец"})
    EXPECT_TRUE(Found(everyday).empty()) << everyday;
}

TEST_F(MatcherTest, DoubledLettersMayBeWrittenOnceOrStretched) {
  EXPECT_THAT(Found("canabis"), ElementsAre("cannabis"));
  EXPECT_THAT(Found("co-caine and cocaiiine"), ElementsAre("cocaine", "cocaine"));
  EXPECT_THAT(Found("crystal meeeth 1g"), ::testing::Contains("crystal meth"));
}

TEST_F(MatcherTest, MultiWordNamesWithOrWithoutTheSpace) {
  EXPECT_THAT(Found("OG Kush"), ElementsAre("OG Kush"));
  EXPECT_THAT(Found("ogkush"), ElementsAre("OG Kush"));
}

TEST_F(MatcherTest, CachesTheCompiledDatabase) {
  ScratchDir dir("matcher_cache");
  auto first = LexiconMatcher::Build(lexicon_, normalizer_, dir.path());
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE((*first)->loaded_from_cache());
  ASSERT_TRUE(std::filesystem::exists((*first)->cache_file()));
  auto second = LexiconMatcher::Build(lexicon_, normalizer_, dir.path());
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE((*second)->loaded_from_cache());
}

// Differential test: Hyperscan and a plain find() over every literal agree on generated text.
TEST_F(MatcherTest, HyperscanAgreesWithTheNaiveMatcher) {
  std::vector<std::string> pieces = {"героин", "cocaine", "A-PVP", "meth", " ",      "  ",
                                     "-",      "crystal", "OG",    "Kush", "шишки",  "ice",
                                     "1g",     "soль",    "нбоом", "h",    "e",      "r",
                                     "o",      "i",       "n",     ".",    "❄️", "x"};
  std::mt19937 rng(42);
  auto session = matcher_->NewSession();
  ASSERT_TRUE(session.has_value());
  NormalizedText normalized;
  for (int round = 0; round < 500; ++round) {
    std::string text;
    int count = static_cast<int>(rng() % 40);
    for (int i = 0; i < count; ++i)
      text += pieces[rng() % pieces.size()];
    normalizer_.Normalize(text, normalized);
    std::vector<NameHit> fast;
    std::vector<NameHit> naive;
    ASSERT_TRUE((*session)->Scan(normalized, fast).ok());
    matcher_->ScanNaive(normalized, naive);
    auto order = [](const NameHit& a, const NameHit& b) {
      return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
    };
    std::sort(fast.begin(), fast.end(), order);
    std::sort(naive.begin(), naive.end(), order);
    ASSERT_EQ(fast.size(), naive.size()) << text;
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].name, naive[i].name) << text;
      EXPECT_EQ(fast[i].begin, naive[i].begin) << text;
    }
  }
}

}  // namespace
}  // namespace dragnet::identify
