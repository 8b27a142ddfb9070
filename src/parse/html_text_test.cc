#include "parse/html_text.h"

#include <gtest/gtest.h>

namespace dragnet::parse {
namespace {

TEST(HtmlTextTest, TextTitleAndAltTexts) {
  HtmlText t = ExtractText(
      "<html><head><title>MDMA | Market</title><style>p{}</style></head><body><p>Pure  "
      "crystals</p><img alt=\"Red Bull pills\"><script>var x=1;</script><p>10 g</p></body>");
  EXPECT_EQ(t.title, "MDMA | Market");
  EXPECT_EQ(t.text, "MDMA | Market\nPure crystals\n [Red Bull pills] \n10 g");
}

TEST(HtmlTextTest, HeadingIsTheFirstH1ElseH2ElseH3) {
  EXPECT_EQ(
      ExtractText("<h3>small</h3><h2>Product <b>name</b>\n  here</h2><h2>second</h2>").heading,
      "Product name here");
  EXPECT_EQ(ExtractText("<h2>sub</h2><h1> Main </h1><h1>other</h1>").heading, "Main");
  EXPECT_EQ(ExtractText("<h3>fredthebaker</h3>").heading, "fredthebaker");
  EXPECT_EQ(ExtractText("<h4>no</h4><p>text</p>").heading, "");
  // An unclosed heading does not swallow the page beyond its cap.
  std::string open = "<h1>" + std::string(10000, 'x');
  EXPECT_EQ(ExtractText(open).heading.size(), 512u);
}

}  // namespace
}  // namespace dragnet::parse
