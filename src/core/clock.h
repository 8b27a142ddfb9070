#pragma once
// Time as Dragnet records it: UTC, W3C-ISO8601 (the WARC-Date form). A Clock is injected so that
// tests are deterministic.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dragnet {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// A clock that returns a fixed time, advanced by tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Advance(std::chrono::microseconds by) { now_ += by; }

 private:
  TimePoint now_;
};

// "2026-11-22T10:15:30.123456Z" with `fraction_digits` (0 or 1..6) digits of fraction.
std::string FormatW3c(TimePoint time, int fraction_digits = 6);
// Parses the W3C-ISO8601 profile used by WARC: YYYY[-MM[-DD[Thh:mm[:ss[.f+]]Z]]].
std::optional<TimePoint> ParseW3c(std::string_view text);
TimePoint FromUnixSeconds(int64_t seconds);
int64_t ToUnixSeconds(TimePoint time);

}  // namespace dragnet
