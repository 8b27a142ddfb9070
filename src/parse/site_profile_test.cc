#include "parse/site_profile.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "core/file.h"
#include "core/shared_data_for_test.h"

namespace dragnet::parse {
namespace {

constexpr const char* kNexus = R"(schema: 1
name: nexus
version: 2
match:
  title_contains: ["Nexus Bazaar"]
  hosts: ["*.nexus.example"]
listing:
  title: "//div[@class='card-header']/h2"
  vendor: "//dl[@class='meta']/dt[normalize-space()='Seller']/following-sibling::dd[1]"
  ships_from: "//dl[@class='meta']/dt[normalize-space()='Origin']/following-sibling::dd[1]"
vendor:
  vendor: "//div[@class='card']/h2"
)";

constexpr const char* kListing = R"(<html><head><title>Nexus Bazaar - MDMA 10 g</title></head>
<body><div class="card"><div class="card-header"><h2>MDMA   10 g</h2></div>
<dl class="meta"><dt>Seller</dt><dd><a href="/u/bob">bob</a></dd>
<dt>Origin</dt><dd>EU</dd><dt>Destination</dt><dd>EU, UK</dd></dl></div></body></html>)";

SiteProfiles Load(const std::string& yaml) {
  auto profiles = ParseSiteProfiles({{"nexus.yaml", yaml}});
  EXPECT_TRUE(profiles.has_value()) << profiles.error().message();
  return profiles.has_value() ? *std::move(profiles) : SiteProfiles();
}

TEST(SiteProfileTest, MatchesByTitleOrHost) {
  SiteProfiles profiles = Load(kNexus);
  ASSERT_EQ(profiles.profiles().size(), 1u);
  EXPECT_EQ(profiles.profiles()[0].Key(), "nexus/2");
  EXPECT_NE(profiles.Match("abc.onion", "Nexus Bazaar - MDMA"), nullptr);
  EXPECT_NE(profiles.Match("shop.nexus.example", ""), nullptr);
  EXPECT_NE(profiles.Match("nexus.example", ""), nullptr);
  EXPECT_EQ(profiles.Match("evilnexus.example", "Abacus"), nullptr);
  EXPECT_EQ(profiles.digest().size(), 16u);
}

TEST(SiteProfileTest, AppliesListingFields) {
  SiteProfiles profiles = Load(kNexus);
  ProfileExtraction got = ApplyProfile(&profiles.profiles()[0], "listing", kListing);
  EXPECT_EQ(got.tried, (std::vector<std::string>{"title", "vendor", "ships_from"}));
  ASSERT_EQ(got.fields.size(), 3u);
  EXPECT_EQ(got.fields[0].value, "MDMA 10 g");
  EXPECT_EQ(got.fields[1].value, "bob");
  EXPECT_EQ(got.fields[1].link, "/u/bob");
  EXPECT_EQ(got.fields[1].label, "profile nexus/2");
  EXPECT_EQ(got.fields[2].value, "EU");
  EXPECT_TRUE(ApplyProfile(&profiles.profiles()[0], "category", kListing).tried.empty());
}

TEST(SiteProfileTest, ChangedTemplateFillsNothingAndGenericTakesOver) {
  SiteProfiles profiles = Load(kNexus);
  const char* changed = R"(<html><head><title>Nexus Bazaar</title></head><body>
<ul class="facts"><li>Seller: <a href="/u/bob">bob</a></li><li>Origin: EU</li></ul></body></html>)";
  ProfileExtraction got = ApplyProfile(&profiles.profiles()[0], "listing", changed);
  EXPECT_EQ(got.tried.size(), 3u);
  EXPECT_TRUE(got.fields.empty());
  std::vector<Field> generic = {{"vendor", "Seller", "bob", "/u/bob"},
                                {"ships_from", "Origin", "EU", ""}};
  std::vector<Field> merged = MergeFields(got, generic);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].label, "Seller");
  // Profile values win over generic ones for the same field.
  ProfileExtraction full = ApplyProfile(&profiles.profiles()[0], "listing", kListing);
  merged = MergeFields(
      full, {{"vendor", "Seller", "someone else", ""}, {"price", "Price", "10 USD", ""}});
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[1].value, "bob");
  EXPECT_EQ(merged[3].id, "price");
}

TEST(SiteProfileTest, ReportsFileAndLineOfErrors) {
  auto bad = ParseSiteProfiles({{"sites/x.yaml", R"(schema: 1
name: x
version: 1
colour: red
match:
  title_contains: [X]
listing:
  vendor: "//dl[@class='meta'"
  shoe_size: "//p"
)"}});
  ASSERT_FALSE(bad.has_value());
  const std::string& m = bad.error().message();
  EXPECT_NE(m.find("sites/x.yaml:4: unknown key `colour`"), std::string::npos) << m;
  EXPECT_NE(m.find("sites/x.yaml:8: field `vendor`: not a valid XPath"), std::string::npos) << m;
  EXPECT_NE(m.find("sites/x.yaml:9: unknown field id `shoe_size`"), std::string::npos) << m;

  auto no_match = ParseSiteProfiles({{"y.yaml", "schema: 1\nname: y\nversion: 1\n"}});
  ASSERT_FALSE(no_match.has_value());
  EXPECT_NE(no_match.error().message().find("missing `match`"), std::string::npos);

  auto twice = ParseSiteProfiles({{"a.yaml", kNexus}, {"b.yaml", kNexus}});
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().message().find("b.yaml:2: a profile named `nexus` is defined twice"),
            std::string::npos)
      << twice.error().message();
  EXPECT_FALSE(ParseSiteProfiles({{"z.yaml", "schema: 2\n"}}).has_value());
  EXPECT_FALSE(ParseSiteProfiles({{"z.yaml", "[unclosed"}}).has_value());
}

TEST(SiteProfileTest, HostileHtmlFillsNothing) {
  SiteProfiles profiles = Load(kNexus);
  std::string deep(200000, '<');
  EXPECT_TRUE(ApplyProfile(&profiles.profiles()[0], "listing", deep).fields.empty());
  std::string garbage = "\xff\xfe<dl class='meta'><dt>Seller</dt><dd>\xc3</dd></dl>";
  ProfileExtraction got = ApplyProfile(&profiles.profiles()[0], "listing", garbage);
  EXPECT_LE(got.fields.size(), 1u);
  EXPECT_TRUE(ApplyProfile(&profiles.profiles()[0], "listing", "").fields.empty());
}

TEST(SiteProfileTest, ReadsFeedbackByProfileOrGenerically) {
  const char* vendor_page = R"(<html><head><title>bob | Market</title></head><body>
<h1>Vendor profile: bob</h1><h2>PGP</h2><pre>key</pre>
<h2>Feedback</h2><ul class="feedback"><li>5/5 — fast delivery</li><li>4.5 / 5 ok (b***2)</li>
<li>no stars, late</li></ul><h2>Other</h2><ul><li>not feedback</li></ul></body></html>)";
  ProfileExtraction generic = ApplyProfile(nullptr, "vendor", vendor_page);
  ASSERT_EQ(generic.feedback.size(), 3u);
  EXPECT_EQ(generic.feedback[0].rating, "5/5");
  EXPECT_EQ(generic.feedback[0].text, "5/5 — fast delivery");
  EXPECT_EQ(generic.feedback[1].rating, "4.5/5");
  EXPECT_EQ(generic.feedback[2].rating, "");
  EXPECT_TRUE(generic.tried.empty());
  EXPECT_TRUE(ApplyProfile(nullptr, "category", vendor_page).feedback.empty());

  const char* russian = R"(<div><h3>Отзывы (2)</h3><table><tr><th>Оценка</th></tr>
<tr><td>10/10</td><td>всё на месте</td></tr><tr><td>9/10</td><td>норм</td></tr></table></div>)";
  ProfileExtraction ru = ApplyProfile(nullptr, "listing", russian);
  ASSERT_EQ(ru.feedback.size(), 2u);
  EXPECT_EQ(ru.feedback[0].rating, "10/10");

  auto profiles =
      ParseSiteProfiles({{"m.yaml",
                          "schema: 1\nname: m\nversion: 1\nmatch: {hosts: [m.onion]}\n"
                          "feedback: \"//ul[@class='feedback']/li[position() < 3]\"\n"}});
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message();
  EXPECT_EQ(ApplyProfile(&profiles->profiles()[0], "vendor", vendor_page).feedback.size(), 2u);
}

// The tree walk finds the list the XPath of the generic rule selects, on pages made to tell them
// apart (case, length, leaf or not, nesting, lists that are not the next sibling) and on the real
// market pages when ../shared is there.
TEST(SiteProfileTest, GenericFeedbackWalkAgreesWithItsXPath) {
  std::vector<std::string> pages = {
      "<h2>Feedback</h2><p>x</p><ul><li>a</li></ul><ul><li>b</li></ul>",
      "<h2>FeEdBack</h2><ul><li>a</li></ul>",
      "<h2>REVIEWS</h2><table><tr><td>a</td></tr></table>",
      "<h2>Customer feedback for this vendor, all of it, every word</h2><ul><li>a</li></ul>",
      "<h2><b>Feedback</b></h2><ul><li>a</li></ul><div>Отзывы</div><ol><li>b</li></ol>",
      "<div><h3>Feedback</h3><div><span>Відгуки</span><ul id=inner><li>x</li></ul></div>"
      "<ul id=outer><li>y</li></ul></div>",
      "<span>Bewertungen (3)</span><p>none</p>",
      "<h1>Avisos</h1><ol><li>a</li></ol>",
      "<h4>  feed\nback  </h4><ul><li>a</li></ul><h5>Pikirler</h5><table></table>",
      "<p>Feedback</p><ul><li>a</li></ul>",
      "<div>Opinie <!-- c --> klientów</div><ul><li>a</li></ul>",
      "<div><span>Reviews</span><span>Feedback</span><ol id=a></ol><span>Отзывы</span>"
      "<ul id=b></ul></div><h2>Feedback</h2><table></table>",
  };
  // A thousand sibling headings before one list (the XPath takes quadratic time on more).
  std::string many;
  for (int i = 0; i < 1000; ++i)
    many += "<span>Feedback</span>";
  pages.push_back("<div>" + many + "<ul><li>x</li></ul></div>");
  std::error_code ec;
  std::filesystem::path real = testing::SharedDataDir() / "dev" / "market-pages" / "html";
  for (const auto& e : std::filesystem::recursive_directory_iterator(real, ec)) {
    if (auto html = ReadFile(e.path()); e.is_regular_file() && html)
      pages.push_back(*html);
  }
  xmlXPathCompExprPtr expr =
      xmlXPathCompile(reinterpret_cast<const xmlChar*>(GenericFeedbackListXPath().c_str()));
  ASSERT_NE(expr, nullptr);
  int found = 0;
  for (const std::string& page : pages) {
    htmlDocPtr doc = htmlReadMemory(
        page.data(), static_cast<int>(page.size()), nullptr, "UTF-8",
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    ASSERT_NE(doc, nullptr);
    xmlXPathOrderDocElems(doc);
    xmlXPathContextPtr context = xmlXPathNewContext(doc);
    xmlXPathObjectPtr result = xmlXPathCompiledEval(expr, context);
    xmlNode* want =
        result != nullptr && result->nodesetval != nullptr && result->nodesetval->nodeNr > 0
            ? result->nodesetval->nodeTab[0]
            : nullptr;
    EXPECT_EQ(FindGenericFeedbackList(doc), want) << page.substr(0, 120);
    found += want != nullptr ? 1 : 0;
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(context);
    xmlFreeDoc(doc);
  }
  xmlXPathFreeCompExpr(expr);
  EXPECT_GE(found, 7);  // the cases above are mostly found, not mostly empty

  // A hostile page of 200,000 sibling headings: the walk looks at each once (it used to scan
  // the rest of the siblings from each, as the XPath does: minutes).
  many.clear();
  for (int i = 0; i < 200000; ++i)
    many += "<span>Feedback</span>";
  many = "<div>" + many + "<ul id=x><li>x</li></ul></div>";
  htmlDocPtr doc = htmlReadMemory(
      many.data(), static_cast<int>(many.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  ASSERT_NE(doc, nullptr);
  xmlXPathOrderDocElems(doc);
  xmlNode* list = FindGenericFeedbackList(doc);
  ASSERT_NE(list, nullptr);
  EXPECT_STREQ(reinterpret_cast<const char*>(list->name), "ul");
  xmlFreeDoc(doc);
}

TEST(SiteProfileTest, DetectsDriftOnlyWhenAFieldStopsFilling) {
  std::map<std::string, FillCount> before = {
      {"vendor", {20, 20}}, {"ships_from", {20, 19}}, {"title", {20, 10}}, {"price", {3, 3}}};
  std::map<std::string, FillCount> after = {
      {"vendor", {18, 0}}, {"ships_from", {18, 17}}, {"title", {18, 0}}, {"price", {18, 0}}};
  std::vector<DriftAlert> alerts = DetectDrift(before, after);
  // title filled only half the time before; price had too few pages to judge.
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].field, "vendor");
  EXPECT_DOUBLE_EQ(alerts[0].previous_fill, 1.0);
  EXPECT_DOUBLE_EQ(alerts[0].fill, 0.0);
  EXPECT_EQ(alerts[0].pages, 18);
  EXPECT_TRUE(DetectDrift(after, before).empty());
  EXPECT_TRUE(DetectDrift({}, after).empty());
}

}  // namespace
}  // namespace dragnet::parse
