#include "core/clock.h"

#include <gtest/gtest.h>

namespace dragnet {
namespace {

TEST(Clock, FormatsAndParsesW3cWithFraction) {
  auto t = ParseW3c("2026-11-22T10:15:30.123456Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatW3c(*t), "2026-11-22T10:15:30.123456Z");
  EXPECT_EQ(FormatW3c(*t, 0), "2026-11-22T10:15:30Z");
  EXPECT_EQ(FormatW3c(*t, 3), "2026-11-22T10:15:30.123Z");
}

TEST(Clock, AcceptsReducedPrecisionForms) {
  EXPECT_TRUE(ParseW3c("2026"));
  EXPECT_TRUE(ParseW3c("2026-11"));
  EXPECT_TRUE(ParseW3c("2026-11-22T10:15Z"));
  EXPECT_TRUE(ParseW3c("2008-04-30t20:48:25z"));
}

TEST(Clock, RejectsMalformedDates) {
  EXPECT_FALSE(ParseW3c(""));
  EXPECT_FALSE(ParseW3c("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseW3c("2026-11-22 10:15:30"));
  EXPECT_FALSE(ParseW3c("2026-11-22T10:15:30"));
  EXPECT_FALSE(ParseW3c("2026-11-22T10:15:30.Z"));
  EXPECT_FALSE(ParseW3c("yesterday"));
}

TEST(Clock, UnixSecondsRoundTrip) {
  EXPECT_EQ(ToUnixSeconds(FromUnixSeconds(1700000000)), 1700000000);
  EXPECT_EQ(FormatW3c(FromUnixSeconds(0), 0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace dragnet
