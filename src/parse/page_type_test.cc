// Page types on pages written in the layouts markets use, and on the real market pages of
// ../shared/data/dev/market-pages (skipped when absent).

#include "parse/page_type.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "core/shared_data_for_test.h"
#include "parse/html_text.h"

namespace dragnet::parse {
namespace {

const std::filesystem::path kVocabulary =
    std::filesystem::path(DRAGNET_SOURCE_DIR) / "data" / "parse" / "page_types.yaml";

class PageTypeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = LoadPageTypeVocabulary(kVocabulary);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
    vocabulary_ = new PageTypeVocabulary(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete vocabulary_; }
  static PageType Classify(const std::string& html, const std::string& url) {
    return ClassifyPage(html, ExtractText(html).text, url, *vocabulary_);
  }
  static PageTypeVocabulary* vocabulary_;
};
PageTypeVocabulary* PageTypeTest::vocabulary_ = nullptr;

TEST_F(PageTypeTest, AListingPage) {
  auto t = Classify(
      "<html><body><h1>Cocaine 90% 1g</h1><table><tr><th>Vendor</th><td><a href=\"/vendor/x\">x"
      "</a></td></tr><tr><th>Price</th><td>USD 85.00</td></tr><tr><th>Ships from</th><td>NL</td>"
      "</tr></table><button>Add to cart</button></body></html>",
      "http://m.onion/listing/17.html");
  EXPECT_EQ(t.type, "listing");
  EXPECT_GT(t.confidence, 0.5);
  EXPECT_FALSE(t.reasons.empty());
}

TEST_F(PageTypeTest, ACategoryPage) {
  std::string html = "<html><body><h1>Stimulants</h1><ul>";
  for (int i = 0; i < 20; ++i)
    html += "<li><a href=\"/listing/" + std::to_string(100 + i) + ".html\">Item " +
            std::to_string(i) + "</a> $" + std::to_string(10 + i) + "</li>";
  html += "</ul></body></html>";
  auto t = Classify(html, "http://m.onion/category/stimulants.html");
  EXPECT_EQ(t.type, "category");
  EXPECT_NE(t.reasons[0].find("links to pages like /listing/N.html"), std::string::npos)
      << t.reasons[0];
}

TEST_F(PageTypeTest, AShortCategoryPageWhoseItemsNamePrices) {
  const std::string html =
      "<html><body><h1>counterfeits</h1><ul><li><a href=\"/listing/1004.html\">Counterfeit 50 "
      "EUR notes, 20 pieces</a></li><li><a href=\"/listing/1039.html\">Rolex replica</a></li>"
      "</ul></body></html>";
  auto t = Classify(html, "http://m.onion/category/counterfeits.html");
  EXPECT_EQ(t.type, "category");
  // The same page at a listing's address stays a listing: the URL decides between the two.
  EXPECT_EQ(Classify(html, "http://m.onion/listing/7.html").type, "listing");
}

TEST_F(PageTypeTest, AVendorProfile) {
  auto t = Classify(
      "<html><body><h1>nordic_drop</h1><p>Member since 2025-01-10. Sales: 120. Rating 4.9</p>"
      "<pre>-----BEGIN PGP PUBLIC KEY BLOCK-----\nxjMEZ...\n-----END PGP PUBLIC KEY BLOCK-----"
      "</pre><h2>Feedback</h2></body></html>",
      "http://m.onion/vendor/nordic_drop.html");
  EXPECT_EQ(t.type, "vendor");
}

TEST_F(PageTypeTest, AForumThread) {
  auto t = Classify(
      "<html><body><h1>[Biete] Speed Paste</h1><div class=\"post\"><div class=\"author\">a</div>"
      "Biete an, Versand aus DE</div><div class=\"post\"><div class=\"author\">b</div>Danke!"
      "</div><a href=\"#\">Antworten</a> <a href=\"#\">Zitat</a></body></html>",
      "http://f.onion/thread/12.html");
  EXPECT_EQ(t.type, "forum_thread");
}

TEST_F(PageTypeTest, ALoginWall) {
  auto t = Classify(
      "<html><body><form><input name=u><input type=password name=p><img src=\"/captcha.png\">"
      "<button>Login</button></form></body></html>",
      "http://m.onion/login");
  EXPECT_EQ(t.type, "login");
  EXPECT_EQ(Classify("<html><body><p>Welcome</p></body></html>", "http://x.onion/").type, "other");
}

TEST_F(PageTypeTest, HostileInputIsHandled) {
  std::string html(1 << 20, '<');
  EXPECT_FALSE(Classify(html, "").type.empty());
  EXPECT_FALSE(Classify(std::string("\xff\xfe<a href=\"\x80\">", 12), "\xc3").type.empty());
}

TEST_F(PageTypeTest, VocabularyErrorsNameTheFileAndLine) {
  ScratchDir scratch("page_types");
  auto file = scratch.path() / "page_types.yaml";
  ASSERT_TRUE(WriteFileAtomic(
                  file, "schema: 1\ntypes:\n  listing:\n    words: [buy]\n  shop:\n    words: []\n")
                  .ok());
  auto loaded = LoadPageTypeVocabulary(file);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message().find(file.string() + ":5: unknown page type `shop`"),
            std::string::npos)
      << loaded.error().message();
}

// The real pages: a product page and a vendor page of one market, a product page of another.
TEST_F(PageTypeTest, RealMarketPages) {
  auto dir = testing::SharedDataDir() / "dev" / "market-pages" / "html";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << "../shared absent";
  struct Case {
    const char* file;
    const char* type;
  } cases[] = {
      {"2019_09_11/drugsmedicine_1g_of_pure_uncut_peruvian_cocaine.htm", "listing"},
      {"2019_09_11/2019_09_11_drugsmedicine_fredthebaker_2.htm", "vendor"},
      {"2021_08_02/2019_09_11_berlusconi_c=listings&a=product&code=0a07869e4f96&tab=2.htm",
       "listing"},
  };
  for (const Case& c : cases) {
    auto html = ReadFile(dir / c.file);
    ASSERT_TRUE(html.has_value()) << c.file;
    auto t = Classify(*html, std::string("http://market.onion/") + c.file);
    std::string reasons;
    for (const auto& r : t.reasons)
      reasons += r + "; ";
    EXPECT_EQ(t.type, c.type) << c.file << ": " << reasons;
  }
}

}  // namespace
}  // namespace dragnet::parse
