#include "parse/html_links.h"

#include <gtest/gtest.h>

namespace dragnet::parse {
namespace {

TEST(ExtractLinks, FindsLinksInBrokenMarkupLikeABrowser) {
  auto links = ExtractLinks(
      "<html><body><a href='/a'>A<a href=\"b?x=1&amp;y=2\">B</a><img src=/i.png>"
      "<form action='/search'><iframe src='//other.example/f'></iframe><a>no href</a>"
      "<table><tr><td><a href='/in-table'>");
  EXPECT_EQ(links, (std::vector<std::string>{"/a", "b?x=1&y=2", "/i.png", "/search",
                                             "//other.example/f", "/in-table"}));
}

TEST(ExtractLinks, BaseHrefComesFirst) {
  auto links = ExtractLinks("<head><base href='http://m.example/sub/'></head><a href='x'>x</a>");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0], "http://m.example/sub/");
}

TEST(ExtractLinks, DeepNestingAndLimitsAreSafe) {
  std::string deep;
  for (int i = 0; i < 20000; ++i)
    deep += "<div>";
  deep += "<a href='/deep'>x</a>";
  EXPECT_EQ(ExtractLinks(deep), (std::vector<std::string>{"/deep"}));
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += "<a href='/p" + std::to_string(i) + "'>";
  EXPECT_EQ(ExtractLinks(many, 10).size(), 10u);
  EXPECT_TRUE(ExtractLinks("").empty());
  EXPECT_TRUE(ExtractLinks(std::string("\0\xff\xfe<a", 5)).empty());
}

TEST(AnchorExtractionTest, AnchorsWithTextsAndImagesWithAlts) {
  AnchorExtraction extraction;
  SaxSink sink = extraction.Sink();
  ASSERT_TRUE(ParseHtmlSaxFanout(
      "<p><a href=\"/vendor/bob\">  bob <b>(4.9)</b>\n</a> <a name=x>no href</a>"
      "<a href=\"/l/1\"><img src=\"/i/1.jpg\" alt=\"Red Bull pills\">Red  Bull</a>"
      "<img src=\"/i/2.jpg\"><a href=\"\">empty</a><a href=\"/n\">outer <a href=/in>inner</a></a>",
      std::span<SaxSink>(&sink, 1)));
  AnchorsAndImages got = extraction.Finish();
  ASSERT_EQ(got.anchors.size(), 4u);
  EXPECT_EQ(got.anchors[0].href, "/vendor/bob");
  EXPECT_EQ(got.anchors[0].text, "bob (4.9)");
  EXPECT_EQ(got.anchors[1].text, "Red Bull");
  EXPECT_EQ(got.anchors[2].href, "/n");
  EXPECT_EQ(got.anchors[3].href, "/in") << "libxml2 closes the outer anchor first";
  ASSERT_EQ(got.images.size(), 2u);
  EXPECT_EQ(got.images[0].alt, "Red Bull pills");
  EXPECT_EQ(got.images[1].src, "/i/2.jpg");
  EXPECT_EQ(got.images[1].alt, "");
}

TEST(AnchorExtractionTest, LongTextsAreCutOnACharacterBoundary) {
  AnchorExtraction extraction;
  SaxSink sink = extraction.Sink();
  std::string page = "<a href=/x>" + std::string(255, 'a');
  for (int i = 0; i < 10; ++i)
    page += "\xd0\x96";  // Ж
  page += "</a>";
  ASSERT_TRUE(ParseHtmlSaxFanout(page, std::span<SaxSink>(&sink, 1)));
  AnchorsAndImages got = extraction.Finish();
  ASSERT_EQ(got.anchors.size(), 1u);
  EXPECT_EQ(got.anchors[0].text, std::string(255, 'a'));
}

}  // namespace
}  // namespace dragnet::parse
