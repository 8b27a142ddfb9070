#include <gtest/gtest.h>

#include "capture/robots.h"
#include "capture/url.h"

namespace dragnet::capture {
namespace {

TEST(Url, CanonicalisesAsRfc3986Section6) {
  auto u = ParseUrl("HTTP://Market.Example.ONION:80/a/./b/../c/%7euser?q=%2a#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->url, "http://market.example.onion/a/c/~user?q=%2A");
  EXPECT_EQ(u->site(), "http://market.example.onion");
  EXPECT_TRUE(u->onion());
  EXPECT_EQ(ParseUrl("https://shop.example:8443")->url, "https://shop.example:8443/");
  EXPECT_EQ(ParseUrl("https://shop.example:443/x")->url, "https://shop.example/x");
  EXPECT_EQ(ParseUrl("  http://a.example/x y  ")->url, "http://a.example/x%20y");
}

TEST(Url, RejectsWhatIsNotHttp) {
  EXPECT_FALSE(ParseUrl("ftp://a.example/"));
  EXPECT_FALSE(ParseUrl("not a url"));
  EXPECT_FALSE(ParseUrl("http://"));
  EXPECT_FALSE(ParseUrl("http://a.example:99999/"));
}

TEST(Url, ResolvesRelativeLinks) {
  auto base = ParseUrl("http://m.example/shop/item/42?x=1");
  ASSERT_TRUE(base);
  EXPECT_EQ(ResolveUrl(*base, "../cat/5")->url, "http://m.example/shop/cat/5");
  EXPECT_EQ(ResolveUrl(*base, "/vendor/a")->url, "http://m.example/vendor/a");
  EXPECT_EQ(ResolveUrl(*base, "?page=2")->url, "http://m.example/shop/item/42?page=2");
  EXPECT_EQ(ResolveUrl(*base, "//other.example/p")->url, "http://other.example/p");
  EXPECT_FALSE(ResolveUrl(*base, "#top"));
  EXPECT_FALSE(ResolveUrl(*base, "javascript:void(0)"));
  EXPECT_FALSE(ResolveUrl(*base, "MAILTO:x@y.example"));
}

TEST(Robots, LongestMatchWinsAndAllowWinsTies) {
  auto rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /private\nAllow: /private/public\nDisallow: /*.pdf$\n", "dragnet");
  EXPECT_FALSE(rules.Allowed("/private/x"));
  EXPECT_TRUE(rules.Allowed("/private/public/x"));
  EXPECT_FALSE(rules.Allowed("/files/a.pdf"));
  EXPECT_TRUE(rules.Allowed("/files/a.pdf?download=1"));
  EXPECT_TRUE(rules.Allowed("/"));
  EXPECT_TRUE(rules.Allowed("/robots.txt"));
}

TEST(Robots, OurGroupBeatsTheWildcardGroup) {
  auto rules = RobotsRules::Parse(
      "User-agent: *\nDisallow: /\n\nUser-agent: Dragnet\nUser-agent: other\nDisallow: /admin\n"
      "Crawl-delay: 2.5\n",
      "dragnet");
  EXPECT_TRUE(rules.Allowed("/shop"));
  EXPECT_FALSE(rules.Allowed("/admin/x"));
  EXPECT_EQ(rules.crawl_delay_seconds(), 2.5);
}

TEST(Robots, MalformedLinesAreIgnoredAndUnreachableMeansNo) {
  auto rules =
      RobotsRules::Parse("garbage\nDisallow: /before-any-group\nUser-agent *\n", "dragnet");
  EXPECT_TRUE(rules.Allowed("/before-any-group"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/a"));
  EXPECT_TRUE(RobotsRules::AllowAll().Allowed("/a"));
}

}  // namespace
}  // namespace dragnet::capture
