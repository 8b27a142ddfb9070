#pragma once
// Hostile or broken input is data, not an error: an Anomaly records what was wrong and where,
// and the stage keeps going.

#include <cstdint>
#include <string>
#include <vector>

namespace dragnet::model {

enum class Severity {
  kWarning,  // deviates from a "should" of the format; the content is still trustworthy
  kError,    // breaks a "shall": content may be missing, misplaced or not what it claims
};

struct Anomaly {
  Severity severity = Severity::kError;
  std::string kind;     // stable short id, e.g. "warc.truncated_block"
  std::string detail;   // human-readable, names the field or value concerned
  uint64_t offset = 0;  // byte offset in the input (for gzip: the member's offset)
};

// Collects anomalies with a cap, so a hostile file cannot exhaust memory with reports.
class AnomalyLog {
 public:
  explicit AnomalyLog(size_t max_kept = 1000) : max_kept_(max_kept) {}
  void Add(Severity severity, std::string kind, std::string detail, uint64_t offset) {
    if (severity == Severity::kError) {
      ++errors_;
    } else {
      ++warnings_;
    }
    if (items_.size() < max_kept_) {
      items_.push_back({severity, std::move(kind), std::move(detail), offset});
    }
  }
  const std::vector<Anomaly>& items() const { return items_; }
  uint64_t errors() const { return errors_; }
  uint64_t warnings() const { return warnings_; }
  void Clear() {
    items_.clear();
    errors_ = warnings_ = 0;
  }

 private:
  size_t max_kept_;
  std::vector<Anomaly> items_;
  uint64_t errors_ = 0;
  uint64_t warnings_ = 0;
};

}  // namespace dragnet::model
