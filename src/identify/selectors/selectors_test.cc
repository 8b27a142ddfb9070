#include "identify/selectors/selectors.h"

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dragnet::identify {
namespace {

nlohmann::json Json(std::string_view text, const SelectorOptions& options = {}) {
  SelectorFindings found;
  FindSelectors(text, options, found);
  std::string json;
  JsonWriter w(json);
  w.BeginObject();
  AppendSelectorsJson(found, text, w);
  w.EndObject();
  return nlohmann::json::parse(json);
}

TEST(SelectorsTest, EveryFinderRunsAndResultsAreInTextOrder) {
  std::string text =
      "Магазин. Оплата BTC: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, "
      "USDT TRC20 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t. Оператор @klad_operator, "
      "звонить 8 (916) 123-45-67, зеркало http://example.com/shop";
  nlohmann::json j = Json(text);
  std::vector<std::string> kinds;
  uint64_t last = 0;
  for (const auto& s : j["selectors"]) {
    kinds.push_back(s["kind"].get<std::string>() + " " + s["value"].get<std::string>());
    EXPECT_GE(s["begin"].get<uint64_t>(), last);
    last = s["begin"].get<uint64_t>();
    auto begin = s["begin"].get<size_t>();
    auto end = s["end"].get<size_t>();
    EXPECT_EQ(s["raw"].get<std::string>(), text.substr(begin, end - begin));
  }
  std::vector<std::string> expected = {
      "bitcoin bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
      "tron TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
      "telegram klad_operator",
      "phone +79161234567",
      "url http://example.com/shop",
      "domain example.com",
  };
  EXPECT_EQ(kinds, expected);
}

TEST(SelectorsTest, RepeatsAreKeptOnceAndADomainOncePerDocument) {
  // Few selectors take the short path of the dedupe, many (over 64) the long one: same result.
  for (int copies : {2, 40}) {
    std::string text;
    for (int i = 0; i < copies; ++i)
      text += "http://example.com/a" + std::to_string(i) + " mail shop" + std::to_string(i) +
              "@example.org ";
    nlohmann::json j = Json(text);
    int urls = 0;
    int domains = 0;
    int emails = 0;
    for (const auto& s : j["selectors"]) {
      std::string kind = s["kind"];
      urls += kind == "url";
      domains += kind == "domain";
      emails += kind == "email";
    }
    EXPECT_EQ(urls, copies);
    EXPECT_EQ(emails, copies);
    EXPECT_EQ(domains, 1) << copies;
  }
  // Values short enough to live inside the selector (no heap buffer), moved during the long
  // path's compaction: every domain still once.
  std::string text = "http://a.io/ http://a.io/ http://b.io/x http://b.io/y ";
  for (int i = 0; i < 40; ++i)
    text += "http://c" + std::to_string(i) + ".io/ ";
  std::map<std::string, int> domains;
  const nlohmann::json found = Json(text);
  for (const auto& s : found["selectors"]) {
    if (s["kind"] == "domain")
      ++domains[s["value"].get<std::string>()];
  }
  EXPECT_EQ(domains.size(), 42u);
  for (const auto& [domain, count] : domains)
    EXPECT_EQ(count, 1) << domain;
}

TEST(SelectorsTest, TheCallerMayGiveThePhoneRegion) {
  nlohmann::json j = Json("tel 0612345678", SelectorOptions{"NL"});
  ASSERT_EQ(j["selectors"].size(), 1u);
  EXPECT_EQ(j["selectors"][0]["value"], "+31612345678");
  EXPECT_TRUE(Json("tel 0612345678")["selectors"].empty());
}

TEST(SelectorsTest, RepeatedDomainsAreKeptOnceAndRepeatedSelectorsAtEachPlace) {
  nlohmann::json j =
      Json("http://example.com/a http://example.com/b wa.me/79161234567 wa.me/79161234567");
  int domains = 0;
  int whatsapp = 0;
  for (const auto& s : j["selectors"]) {
    domains += s["kind"] == "domain";
    whatsapp += s["kind"] == "whatsapp";
  }
  EXPECT_EQ(domains, 1);
  EXPECT_EQ(whatsapp, 2);
}

TEST(SelectorsTest, MaskingBlanksWalletsAndUrlQueriesButNotUrlPaths) {
  const std::string text =
      "get https://files.example.com/mdma-crystals?hash=9f86d0&ice=1#speed and "
      "pay bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 now";
  SelectorFindings found;
  std::string masked;
  std::string_view seen = FindSelectorsAndMask(text, {}, found, masked);
  ASSERT_EQ(seen.size(), text.size());
  EXPECT_NE(seen.find("/mdma-crystals"), std::string_view::npos);
  EXPECT_EQ(seen.find("hash"), std::string_view::npos);
  EXPECT_EQ(seen.find("ice"), std::string_view::npos);
  EXPECT_EQ(seen.find("speed"), std::string_view::npos);
  EXPECT_EQ(seen.find("bc1q"), std::string_view::npos);
  EXPECT_NE(seen.find(" and "), std::string_view::npos);
  EXPECT_NE(seen.find(" now"), std::string_view::npos);
}

TEST(SelectorsTest, HostileTextGivesValidJson) {
  std::string text = "@@@@ http://\xff\xfe.com/\xc3 bc1" + std::string(5000, 'q') + " +7 " +
                     std::string(100, '9') + " [at] [dot]";
  nlohmann::json j = Json(text);
  EXPECT_TRUE(j["selectors"].is_array());
}

}  // namespace
}  // namespace dragnet::identify
