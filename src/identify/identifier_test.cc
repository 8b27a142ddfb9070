#include "identify/identifier.h"

#include <set>

#include <gtest/gtest.h>

namespace dragnet::identify {
namespace {

const std::string kTestData = std::string(DRAGNET_SOURCE_DIR) + "/src/identify/testdata";

class IdentifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    IdentifierOptions options;
    options.lexicon_dir = kTestData + "/lexicon";
    options.rates_file = kTestData + "/rates.csv";
    options.use_cache = false;
    auto identifier = Identifier::Create(options);
    ASSERT_TRUE(identifier.has_value()) << identifier.error().message();
    identifier_ = std::move(*identifier).release();
  }
  static void TearDownTestSuite() { delete identifier_; }

  nlohmann::json Identify(std::string_view text) {
    auto session = identifier_->NewSession();
    EXPECT_TRUE(session.has_value());
    Identification result;
    EXPECT_TRUE((*session)->Identify(text, "2024-07-01", result).ok());
    return identifier_->ToJson(result, text);
  }

  // The substance ids found in `text`.
  std::set<std::string> Ids(std::string_view text) {
    std::set<std::string> out;
    nlohmann::json json = Identify(text);
    for (const auto& s : json["substances"])
      out.insert(s["id"].get<std::string>());
    return out;
  }

  static Identifier* identifier_;
};
Identifier* IdentifierTest::identifier_ = nullptr;

TEST_F(IdentifierTest, TheIssueExample) {
  auto out = Identify("A - P v P кристаллы синие 3,5гр 3200₽");
  ASSERT_EQ(out["substances"].size(), 1u) << out.dump(2);
  EXPECT_EQ(out["substances"][0]["id"], "a-pvp");
  EXPECT_EQ(out["substances"][0]["class"], "cathinone");
  EXPECT_EQ(out["substances"][0]["matched"], "A - P v P");
  EXPECT_EQ(out["substances"][0]["status"][0]["instrument"], "un1971");
  EXPECT_EQ(out["category"], "drugs");
  ASSERT_EQ(out["price_per_gram"].size(), 1u);
  EXPECT_EQ(out["price_per_gram"][0]["per"], "g");
  EXPECT_GT(out["price_per_gram"][0]["usd"].get<double>(), 5);
  EXPECT_LT(out["price_per_gram"][0]["usd"].get<double>(), 30);
}

TEST_F(IdentifierTest, AmbiguousWordsNeedContext) {
  EXPECT_TRUE(Identify("snow in the mountains")["substances"].empty());
  EXPECT_EQ(Identify("snow 1g 80$")["substances"].size(), 1u);
  EXPECT_TRUE(Identify("морская соль для ванн")["terms"].empty());
  auto salt = Identify("соль 0.5 гр");
  ASSERT_EQ(salt["terms"].size(), 1u);
  EXPECT_EQ(salt["terms"][0]["class"], "cathinone");
  EXPECT_EQ(salt["classes"], nlohmann::json::array({"cathinone"}));
}

// Everyday words beside a substance named outright describe it; they name a second drug only
// with their own amount right after them.
TEST_F(IdentifierTest, EverydayWordsBesideANamedSubstanceDescribeIt) {
  EXPECT_EQ(Ids("heroin 1g, snow quality"), std::set<std::string>{"heroin"});
  EXPECT_EQ(Ids("snow white MDMA crystals 1g"), std::set<std::string>{"mdma"});
  EXPECT_EQ(Ids("heroin 1g, snow 2g"), (std::set<std::string>{"cocaine", "heroin"}));
  EXPECT_EQ(Ids("snow 1g 80$"), std::set<std::string>{"cocaine"});  // alone, the amount decides
}

// A drug word glued into a user name names the account.
TEST_F(IdentifierTest, DrugWordsInsideHandlesAreNotProducts) {
  EXPECT_EQ(Ids("Vendor: coke_express. MDMA 1g"), std::set<std::string>{"mdma"});
  EXPECT_EQ(Ids("Vendor сирец24: MDMA 1g"), std::set<std::string>{"mdma"});
  EXPECT_EQ(Ids("coke 1g"), std::set<std::string>{"cocaine"});
  EXPECT_EQ(Ids("meth2g 100$"), std::set<std::string>{"methamphetamine"});
  EXPECT_EQ(Ids("MDMA84% 1g"), std::set<std::string>{"mdma"});
  EXPECT_EQ(Ids("Vendor coke.express: MDMA 1g"), std::set<std::string>{"mdma"});
}

// A class word beside a named substance describes it; alone it gives its class.
TEST_F(IdentifierTest, ClassWordsBesideASubstanceDescribeIt) {
  EXPECT_EQ(Identify("MDMA ice 1g")["classes"], nlohmann::json::array({"entactogen"}));
  EXPECT_EQ(Identify("ice 1g")["classes"], nlohmann::json::array({"stimulant"}));
}

TEST_F(IdentifierTest, LongerNamesCoverShorterOnes) {
  auto out = Identify("crystal meth 1g");
  ASSERT_EQ(out["substances"].size(), 1u);
  EXPECT_EQ(out["substances"][0]["matched"], "crystal meth");
}

TEST_F(IdentifierTest, AGuideAboutADrugIsAGuide) {
  auto out = Identify("Secret of Methamphetamine Manufacture 8th Edition");
  EXPECT_EQ(out["category"], "guides");
  EXPECT_EQ(out["substances"].size(), 1u);
  EXPECT_EQ(Identify("Glock 19 with ammo")["category"], "weapons");
  EXPECT_EQ(Identify("hello world")["category"], "other");
}

TEST_F(IdentifierTest, UnknownNamesWithAnNpsShapeAreCandidates) {
  auto out = Identify("new 3-XMC crystals and MDMB-7en-PINACA, also 2-fluoro-nitazene");
  ASSERT_EQ(out["nps_candidates"].size(), 3u) << out.dump(2);
  EXPECT_EQ(out["nps_candidates"][0]["matched"], "3-XMC");
  EXPECT_EQ(out["nps_candidates"][0]["class"], "cathinone");
  EXPECT_EQ(out["nps_candidates"][1]["class"], "synthetic_cannabinoid");
  EXPECT_EQ(out["nps_candidates"][2]["class"], "opioid");
}

TEST_F(IdentifierTest, EvidenceSaysHowTheTextWasFolded) {
  auto out = Identify("Гeрoин 1г");
  ASSERT_EQ(out["substances"].size(), 1u);
  auto steps = out["substances"][0]["evidence"]["normalisation"];
  EXPECT_NE(std::find(steps.begin(), steps.end(), "confusable"), steps.end()) << steps.dump();
}

TEST_F(IdentifierTest, APageOfNothingButNamesIsCutAndSaysSo) {
  std::string page;
  for (int i = 0; i < 30000; ++i)
    page += "MDMA heroin ";
  auto out = Identify(page);
  EXPECT_TRUE(out.contains("anomaly"));
  EXPECT_EQ(out["category"], "drugs");
}

TEST_F(IdentifierTest, HostileInputIsHandled) {
  std::string hostile(100000, '\xff');
  hostile += std::string(50000, '1') + "g$$$ " + std::string(3000, '-');
  auto out = Identify(hostile);
  EXPECT_EQ(out["category"], "other");
}

}  // namespace
}  // namespace dragnet::identify
