// Fuzzes the normaliser and the quantity and price parser with arbitrary bytes as text: the
// two parsers of untrusted text in the substances analyzer. Checks their invariants too.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identify/normalizer.h"
#include "identify/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dragnet::identify::Normalizer normalizer;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dragnet::identify::NormalizedText normalized;
  normalizer.Normalize(text, normalized);
  const size_t n = normalized.key.size();
  if (normalized.begin.size() != n || normalized.end.size() != n || normalized.steps.size() != n ||
      normalized.soft.size() != n + 1) {
    std::abort();
  }
  for (size_t i = 0; i < n; ++i) {
    if (normalized.begin[i] > normalized.end[i] || normalized.end[i] > size)
      std::abort();
  }
  dragnet::identify::QuantityFindings found;
  dragnet::identify::ParseQuantities(text, found, 64);
  for (const auto& q : found.quantities) {
    if (q.begin > q.end || q.end > size)
      std::abort();
  }
  for (const auto& p : found.prices) {
    if (p.begin > p.end || p.end > size)
      std::abort();
  }
  for (const auto& t : found.tiers) {
    if (t.quantity >= found.quantities.size() || t.price >= found.prices.size())
      std::abort();
  }
  return 0;
}
