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

}  // namespace
}  // namespace dragnet::parse
