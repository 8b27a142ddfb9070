#include "capture/site_config.h"

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::capture {
namespace {

class SiteConfigTest : public ::testing::Test {
 protected:
  std::filesystem::path Put(const std::string& name, const std::string& text) {
    EXPECT_TRUE(WriteFileAtomic(dir_ / name, text).ok());
    return dir_ / name;
  }
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(SiteConfigTest, LoadsEveryFieldAndPicksTheMostSpecificHost) {
  Put("cookies.txt",
      "# Netscape HTTP Cookie File\n.market.onion\tTRUE\t/\tFALSE\t0\tsession\tabc\n"
      "#HttpOnly_shop.market.onion\tFALSE\t/\tTRUE\t1999999999\tid\t1\n");
  auto path = Put("sites.yaml", R"(version: 1
sites:
  - host: market.onion
    cookies: cookies.txt
    headers: ["Accept-Language: ru"]
    user_agent: "Mozilla/5.0"
    rate: 0.5
    concurrency: 1
    allow_paths: [/listing/, /vendor/]
    deny_paths: [/logout]
    robots: false
    recrawl_hours: 6
    session_expired: {status: [401, 403], url_contains: /login, body_contains: "войти"}
  - host: shop.market.onion
    rate: 2
)");
  auto configs = SiteConfigs::Load(path);
  ASSERT_TRUE(configs.has_value()) << configs.error().message();
  const SiteConfig* c = configs->For("www.market.onion");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->host, "market.onion");
  EXPECT_EQ(c->cookie_file, (dir_ / "cookies.txt").string());
  EXPECT_EQ(c->rate, 0.5);
  EXPECT_EQ(c->robots, false);
  EXPECT_EQ(c->session_expired.statuses, (std::vector<int>{401, 403}));
  EXPECT_EQ(c->session_expired.body_contains, "войти");
  EXPECT_EQ(configs->For("shop.market.onion")->rate, 2.0);
  EXPECT_EQ(configs->For("notmarket.onion"), nullptr);
}

TEST_F(SiteConfigTest, ErrorsNameTheFileAndLine) {
  auto unknown = SiteConfigs::Load(Put("a.yaml", "sites:\n  - host: x.onion\n    speed: 3\n"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("a.yaml:3"), std::string::npos)
      << unknown.error().message();
  auto broken = SiteConfigs::Load(Put("b.yaml", "sites:\n  - host: [unclosed\n"));
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message().find("b.yaml:"), std::string::npos);
  auto no_host = SiteConfigs::Load(Put("c.yaml", "sites:\n  - rate: 1\n"));
  ASSERT_FALSE(no_host.has_value());
  EXPECT_NE(no_host.error().message().find("without `host`"), std::string::npos);
  auto bad_rate = SiteConfigs::Load(Put("d.yaml", "sites:\n  - host: a\n    rate: -1\n"));
  EXPECT_FALSE(bad_rate.has_value());
}

TEST_F(SiteConfigTest, CookieFileErrorsNameTheLine) {
  auto ok = CheckCookieFile(Put("ok.txt", "# comment\n\na.example\tTRUE\t/\tFALSE\t0\tk\tv\n"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 1u);
  auto bad = CheckCookieFile(Put("bad.txt", "a.example\tTRUE\t/\tFALSE\t0\tk\tv\nname=value\n"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("bad.txt:2"), std::string::npos);
}

}  // namespace
}  // namespace dragnet::capture
