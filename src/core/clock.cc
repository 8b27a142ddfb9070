#include "core/clock.h"

#include <cstdio>
#include <ctime>

namespace dragnet {

TimePoint SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string FormatW3c(TimePoint time, int fraction_digits) {
  auto micros = time.time_since_epoch().count();
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    seconds -= 1;
  }
  time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(buf, static_cast<size_t>(n));
  if (fraction_digits > 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%06lld", static_cast<long long>(fraction));
    out += '.';
    out.append(frac, static_cast<size_t>(std::min(fraction_digits, 6)));
  }
  out += 'Z';
  return out;
}

std::optional<TimePoint> ParseW3c(std::string_view text) {
  auto digits = [&](size_t pos, size_t count, int& value) {
    if (pos + count > text.size())
      return false;
    value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
      if (text[i] < '0' || text[i] > '9')
        return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  struct tm tm {};
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  if (!digits(0, 4, year))
    return std::nullopt;
  size_t pos = 4;
  if (pos < text.size()) {
    if (text[pos] != '-' || !digits(pos + 1, 2, month))
      return std::nullopt;
    pos += 3;
  }
  if (pos < text.size()) {
    if (text[pos] != '-' || !digits(pos + 1, 2, day))
      return std::nullopt;
    pos += 3;
  }
  if (pos < text.size()) {
    if ((text[pos] != 'T' && text[pos] != 't') || !digits(pos + 1, 2, hour) ||
        pos + 3 >= text.size() || text[pos + 3] != ':' || !digits(pos + 4, 2, minute)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(pos + 1, 2, second))
        return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int count = 0;
        int64_t scale = 100000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (count < 6) {
            micros += (text[pos] - '0') * scale;
            scale /= 10;
          }
          ++count;
          ++pos;
        }
        if (count == 0 || count > 9)
          return std::nullopt;
      }
    }
    if (pos + 1 != text.size() || (text[pos] != 'Z' && text[pos] != 'z'))
      return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t t = timegm(&tm);
  return TimePoint(std::chrono::microseconds(static_cast<int64_t>(t) * 1000000 + micros));
}

TimePoint FromUnixSeconds(int64_t seconds) {
  return TimePoint(std::chrono::microseconds(seconds * 1000000));
}

int64_t ToUnixSeconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace dragnet
