#pragma once
// A progress line on stderr for long work. On a terminal it redraws one line at most five times
// a second; otherwise (CI logs, pipes) it prints a plain line every ten seconds.

#include <chrono>
#include <cstdint>
#include <string>

namespace dragnet {

class Progress {
 public:
  // `what` names the work ("ingest"); `quiet` suppresses everything but Finish's line.
  Progress(std::string what, bool quiet);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  // Cheap to call per item: formats and prints only when the interval has passed.
  void Update(uint64_t items, uint64_t bytes, const std::string& detail = "");
  // Prints the final line with totals and rates.
  void Finish(uint64_t items, uint64_t bytes, const std::string& detail = "");

 private:
  std::string Line(uint64_t items, uint64_t bytes, const std::string& detail) const;
  std::string what_;
  bool quiet_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

// "1.5 MiB", "12.0 GiB"
std::string HumanBytes(uint64_t bytes);

}  // namespace dragnet
