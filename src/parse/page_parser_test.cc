#include "parse/page_parser.h"

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "parse/html_text.h"
#include "parse/near_duplicate.h"

namespace dragnet::parse {
namespace {

const std::filesystem::path kSource = DRAGNET_SOURCE_DIR;

// One page in two layouts of a profiled site and one unprofiled page.
constexpr const char* kProfile = R"(schema: 1
name: cards
version: 1
match:
  title_contains: ["Card Market"]
listing:
  vendor: "//dl[@class='meta']/dt[normalize-space()='Seller']/following-sibling::dd[1]"
  ships_from: "//dl[@class='meta']/dt[normalize-space()='Origin']/following-sibling::dd[1]"
)";

constexpr const char* kCard = R"(<!DOCTYPE html><html><head><title>MDMA 10 g - Card Market</title>
</head><body><div class="menu"><a href="/c/1">Drugs</a> <a href="/c/2">Other</a></div>
<div class="card"><h2>MDMA   crystals 10 g</h2>
<dl class="meta"><dt>Seller</dt><dd><a href="/u/bob">bob</a> <span>(4.9)</span></dd>
<dt>Origin</dt><dd>Netherlands</dd></dl>
<table><tr><th>Price</th><td>120 USD</td></tr><tr><th>Stock</th><td>7</td></tr></table>
<p>Pure  Dutch product.  Reship  once.</p>
<h3>Feedback</h3><ul><li>5/5 — fast</li><li>4/5 ok</li></ul></div></body></html>)";

PageParser Parser(const std::filesystem::path& profiles) {
  PageParserOptions options;
  options.profiles = profiles;
  auto parser = PageParser::Load(options);
  EXPECT_TRUE(parser.has_value()) << parser.error().message();
  return std::move(*parser);
}

TEST(PageParserTest, OnePassGivesWhatSeparatePassesGive) {
  ScratchDir dir("PageParserTest.OnePass");
  std::filesystem::create_directories(dir / "profiles");
  ASSERT_TRUE(WriteFileAtomic(dir / "profiles" / "cards.yaml", kProfile).ok());
  PageParser parser = Parser(dir / "profiles");
  auto vocabulary = LoadPageTypeVocabulary(DefaultParseDataFile("page_types.yaml"));
  auto labels = LoadFieldLabels(DefaultFieldLabelsFile());
  ASSERT_TRUE(vocabulary.has_value() && labels.has_value());

  std::vector<std::string> pages = {kCard};
  for (const auto& entry :
       std::filesystem::directory_iterator(kSource / "tests" / "golden" / "parse" / "layouts")) {
    auto html = ReadFile(entry.path());
    ASSERT_TRUE(html.has_value());
    pages.push_back(*html);
  }
  for (const std::string& page : pages) {
    const std::string url = "http://m.onion/item?id=1";
    ParsedPage one = parser.Parse(page, "text/html; charset=utf-8", url);
    HtmlText text = ExtractText(page);
    EXPECT_EQ(one.title, text.title);
    const std::vector<SimHashWord> words = SimHashWords(text.text);
    const std::vector<bool> slots = parser.slots().Slots(words, parser.places().Find(words));
    EXPECT_EQ(one.simhash, SimHash(words, &slots)) << page.substr(0, 200);
    EXPECT_EQ(one.text, text.text);
    PageType type = ClassifyPage(page, text.text, url, *vocabulary);
    EXPECT_EQ(one.type.type, type.type);
    EXPECT_EQ(one.type.reasons, type.reasons);
    // Every field the generic extractor finds alone is there, unless the profile filled it.
    ExtractedFields alone = ExtractFields(page, *labels);
    for (const Field& f : alone.fields) {
      auto it = std::find_if(one.fields.fields.begin(), one.fields.fields.end(),
                             [&](const Field& g) { return g.id == f.id; });
      ASSERT_NE(it, one.fields.fields.end()) << f.id;
      if (it->label.rfind("profile ", 0) != 0) {
        EXPECT_EQ(it->value, f.value) << f.id;
      }
    }
    EXPECT_EQ(one.fields.rows.size(), alone.rows.size());
  }
}

TEST(PageParserTest, ProfileReadsTheTreeBuiltInTheSamePass) {
  ScratchDir dir("PageParserTest.Profile");
  std::filesystem::create_directories(dir / "profiles");
  ASSERT_TRUE(WriteFileAtomic(dir / "profiles" / "cards.yaml", kProfile).ok());
  PageParser parser = Parser(dir / "profiles");
  ParsedPage page = parser.Parse(kCard, "", "http://m.onion/item?id=1");
  EXPECT_EQ(page.type.type, "listing");
  EXPECT_EQ(page.profile, "cards/1");
  EXPECT_EQ(page.profile_fills,
            (std::vector<std::pair<std::string, bool>>{{"vendor", true}, {"ships_from", true}}));
  auto field = [&](std::string_view id) {
    for (const Field& f : page.fields.fields) {
      if (f.id == id)
        return f.value;
    }
    return std::string();
  };
  EXPECT_EQ(field("vendor"), "bob (4.9)") << "the profile's expression, as written";
  EXPECT_EQ(field("ships_from"), "Netherlands");
  EXPECT_EQ(field("price"), "120 USD") << "the generic extractor fills what the profile lacks";
  EXPECT_EQ(field("title"), "MDMA crystals 10 g") << "the main heading";
  ASSERT_EQ(page.feedback.size(), 2u);
  EXPECT_EQ(page.feedback[1].rating, "4/5");
  EXPECT_EQ(page.charset, "UTF-8");

  // The same page in windows-1251 with a declared charset: decoded first, then read alike.
  const char* cp1251 =
      "<html><head><meta charset=\"windows-1251\"><title>\xcc\xe5\xf4 - Card "
      "Market</title></head><body><dl class=\"meta\"><dt>Seller</dt><dd>"
      "\xe8\xe2\xe0\xed</dd></dl></body></html>";
  ParsedPage russian = parser.Parse(cp1251, "", "http://m.onion/item?id=2");
  EXPECT_EQ(russian.charset, "windows-1251");
  EXPECT_EQ(russian.charset_source, "meta");
  EXPECT_EQ(russian.title, "Меф - Card Market");
}

TEST(PageParserTest, CountBadgesGiveStockAndSales) {
  PageParser parser = Parser({});
  const char* page = R"(<html><head><title>AXA TREN 1MG</title></head><body>
<h2>AXA TREN 1MG</h2><div>35 EUR 0.003834</div><div>99 In stock</div>
<div>1 items sold since Sep 2019</div><div>2019 was a good year</div>
<table><tr><th>Vendor</th><td>pharma</td></tr></table><button>Buy now</button></body></html>)";
  ParsedPage p = parser.Parse(page, "", "http://m.onion/listing/1");
  ASSERT_EQ(p.type.type, "listing");
  std::map<std::string, std::string> got;
  for (const Field& f : p.fields.fields)
    got.emplace(f.id, f.value);
  EXPECT_EQ(got["stock"], "99");
  EXPECT_EQ(got["sales"], "1");
  // A label wins over a badge.
  ParsedPage labelled = parser.Parse(
      "<h1>x</h1><p>Stock: 5</p><p>99 in stock</p><p>Price: 10 USD</p><button>Buy</button>", "",
      "http://m.onion/listing/2");
  for (const Field& f : labelled.fields.fields) {
    if (f.id == "stock") {
      EXPECT_EQ(f.value, "5");
    }
  }
}

TEST(PageParserTest, BreadcrumbsGiveTheCategory) {
  PageParser parser = Parser({});
  auto category = [&](const std::string& crumbs) {
    std::string page = "<html><head><title>AXA TREN 1MG</title></head><body>" + crumbs +
                       "<h2>AXA TREN 1MG</h2><div>Price: 35 EUR</div><div>Vendor: pharma</div>"
                       "<button>Buy now</button></body></html>";
    ParsedPage p = parser.Parse(page, "", "http://m.onion/listing/1");
    EXPECT_EQ(p.type.type, "listing");
    for (const Field& f : p.fields.fields) {
      if (f.id == "category")
        return f.label + ": " + f.value;
    }
    return std::string();
  };
  // A list whose last item is the page itself, separators as text, the listing linked too.
  EXPECT_EQ(category(R"(<ol class="breadcrumb"><li><a href="/">Home</a></li>
<li><a href="/c/7">Drugs &amp; Chemicals</a></li><li><a href="/c/14">Steroids</a></li>
<li class="active">AXA TREN 1MG</li></ol>)"),
            "(breadcrumb): Steroids");
  EXPECT_EQ(category(R"(<nav aria-label="Breadcrumb"><a href="/">Market</a> &raquo;
<a href="/c/1">Drugs</a> &raquo; <a href="/c/2">Opioids</a> &raquo; <a href="/l/1">AXA TREN 1MG</a></nav>)"),
            "(breadcrumb): Opioids");
  EXPECT_EQ(
      category(R"(<div id="breadcrumbs"><a href="/">Главная</a> › <a href="/c/3">Стимуляторы</a>
› AXA TREN 1MG</div>)"),
      "(breadcrumb): Стимуляторы");
  // Only the site's home before the listing: no category. A label wins over the trail.
  EXPECT_EQ(
      category(R"(<ul class="breadcrumb"><li><a href="/">Home</a></li><li>AXA TREN 1MG</li></ul>)"),
      "");
  EXPECT_EQ(
      category(
          R"(<ul class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/c">Pills</a></li></ul>
<p>Category: Benzos</p>)"),
      "Category: Benzos");
  EXPECT_EQ(category("<div class=\"crumbs\"><a href=\"/\">Home</a> <a href=\"/c\">Pills</a></div>"),
            "");
  // A page-wide class naming breadcrumbs is no trail: <body> holds every link of the page.
  {
    ParsedPage p = parser.Parse(
        "<html><body class=\"with-breadcrumbs\"><a href=\"/\">Home</a> <a href=\"/c\">Pills</a>"
        "<h2>AXA TREN 1MG</h2><div>Price: 35 EUR</div><button>Buy now</button></body></html>",
        "", "http://m.onion/listing/1");
    for (const Field& f : p.fields.fields)
      EXPECT_NE(f.id, "category");
  }
  // The listing's own crumb in other case, or linking to the page; a page-wide class that only
  // contains the word; an icon named breadcrumb before the trail.
  EXPECT_EQ(
      category(
          R"(<ul class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/c/2">Pills</a></li>
<li><a href="/l/9">AXA Tren 1mg</a></li></ul>)"),
      "(breadcrumb): Pills");
  EXPECT_EQ(
      category(
          R"(<ul class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/c/2">Pills</a></li>
<li><a href="http://m.onion/listing/1">Item</a></li></ul>)"),
      "(breadcrumb): Pills");
  EXPECT_EQ(
      category(
          R"(<section class="main"><div class="nobreadcrumb"><a href="/">Home</a> <a href="/c">Pills</a></div></section>)"),
      "");
  EXPECT_EQ(
      category(
          R"(<span class="breadcrumb-icon">›</span><nav class="breadcrumbs"><a href="/">Home</a>
<a href="/c/5">Opioids</a><span>AXA TREN 1MG</span></nav>)"),
      "(breadcrumb): Opioids");
}

TEST(PageParserTest, HostileBytesGiveAPageType) {
  PageParser parser = Parser({});
  for (std::string bytes : {std::string(), std::string(100000, '<'), std::string("\xff\xfe\x00<"),
                            std::string("<title>x</title><title>y")}) {
    ParsedPage page = parser.Parse(bytes, "text/html; charset=nonsense", "not a url");
    EXPECT_FALSE(page.type.type.empty());
  }
}

}  // namespace
}  // namespace dragnet::parse
