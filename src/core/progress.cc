#include "core/progress.h"

#include <cstdio>

#include <unistd.h>

namespace dragnet {

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buf;
}

Progress::Progress(std::string what, bool quiet)
    : what_(std::move(what)),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (drawn_ && tty_)
    std::fputs("\n", stderr);
}

std::string Progress::Line(uint64_t items, uint64_t bytes, const std::string& detail) const {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %llu items, %s, %.1fs (%.0f items/s)", what_.c_str(),
                static_cast<unsigned long long>(items), HumanBytes(bytes).c_str(), seconds,
                seconds > 0 ? static_cast<double>(items) / seconds : 0.0);
  std::string line = buf;
  if (!detail.empty())
    line += ", " + detail;
  return line;
}

void Progress::Update(uint64_t items, uint64_t bytes, const std::string& detail) {
  if (quiet_)
    return;
  auto now = std::chrono::steady_clock::now();
  auto interval = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
  if (now - last_ < interval)
    return;
  last_ = now;
  std::string line = Line(items, bytes, detail);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    drawn_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

void Progress::Finish(uint64_t items, uint64_t bytes, const std::string& detail) {
  std::string line = Line(items, bytes, detail);
  if (tty_ && drawn_)
    std::fputs("\r\033[K", stderr);
  drawn_ = false;
  if (!quiet_)
    std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace dragnet
