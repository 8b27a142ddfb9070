// Fuzzes the whole selectors analyzer (PGP, addresses, onions, contacts, phones) with arbitrary
// bytes as text, and checks that every selector's offsets lie in the text and that the JSON it
// writes parses.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "identify/selectors/selectors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dragnet::identify::SelectorFindings found;
  dragnet::identify::FindSelectors(text, {}, found);
  for (const auto& s : found.selectors) {
    if (s.begin > s.end || s.end > size || s.value.empty())
      std::abort();
  }
  for (const auto& a : found.anomalies) {
    if (a.begin > a.end || a.end > size)
      std::abort();
  }
  std::string json;
  dragnet::JsonWriter w(json);
  w.BeginObject();
  dragnet::identify::AppendSelectorsJson(found, text, w);
  w.EndObject();
  if (nlohmann::json::parse(json, nullptr, false).is_discarded())
    std::abort();
  return 0;
}
