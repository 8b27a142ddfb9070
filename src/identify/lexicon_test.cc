#include "identify/lexicon.h"

#include <gtest/gtest.h>

namespace dragnet::identify {
namespace {

const std::string kTestData = std::string(DRAGNET_SOURCE_DIR) + "/src/identify/testdata";

TEST(Lexicon, LoadsSubstancesTermsAndCategories) {
  auto lexicon = LoadLexicon(kTestData + "/lexicon");
  ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
  const Substance* apvp = lexicon->FindSubstance("a-pvp");
  ASSERT_NE(apvp, nullptr);
  EXPECT_EQ(apvp->class_id, "cathinone");
  ASSERT_EQ(apvp->status.size(), 1u);
  EXPECT_EQ(apvp->status[0].instrument, "un1971");
  bool found_term = false;
  for (const Name& name : lexicon->names) {
    if (name.text == "соль") {
      found_term = true;
      EXPECT_EQ(name.target, Name::Target::kClass);
      EXPECT_EQ(name.script, "Cyrl");
      ASSERT_EQ(name.candidates.size(), 1u);
    }
  }
  EXPECT_TRUE(found_term);
  EXPECT_EQ(lexicon->content_hash.size(), 64u);
}

TEST(Lexicon, EveryErrorNamesItsFileAndLine) {
  auto lexicon = LoadLexicon(kTestData + "/bad");
  ASSERT_FALSE(lexicon.has_value());
  const std::string& message = lexicon.error().message();
  EXPECT_NE(message.find("substances/broken.yaml:11: unknown class `not_a_class`"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("unknown language `xx`"), std::string::npos) << message;
  EXPECT_NE(message.find("has no list `VII`"), std::string::npos) << message;
  EXPECT_NE(message.find("substances/broken.yaml:17: duplicate substance id `one`"),
            std::string::npos)
      << message;
}

TEST(Lexicon, MissingDirectoryIsNotFound) {
  auto lexicon = LoadLexicon(kTestData + "/absent");
  ASSERT_FALSE(lexicon.has_value());
  EXPECT_EQ(lexicon.error().code(), ErrorCode::kNotFound);
}

// The shipped lexicon must always load: CI's schema check.
TEST(Lexicon, ShippedLexiconIsValid) {
  auto lexicon = LoadLexicon(std::string(DRAGNET_SOURCE_DIR) + "/data/lexicon");
  ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
  EXPECT_GT(lexicon->substances.size(), 0u);
}

}  // namespace
}  // namespace dragnet::identify
