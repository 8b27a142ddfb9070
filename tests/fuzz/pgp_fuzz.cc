// Fuzzes the OpenPGP selector finder: the bytes as text to FindPgp (armour with its damage and
// HTML escapes, signatures, fingerprints and key ids written as text), and the same bytes as
// binary packets to ParsePgpPackets. Checks the invariants of both.

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "identify/selectors/pgp.h"

namespace {

bool IsUpperHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
      return false;
  }
  return !s.empty();
}

void CheckKey(const dragnet::identify::PgpSubkey& key) {
  const size_t n = key.fingerprint.size();
  if (!IsUpperHex(key.fingerprint) || (n != 32 && n != 40 && n != 64))
    std::abort();
  if (!IsUpperHex(key.key_id) || key.key_id.size() != 16)
    std::abort();
  if (key.version < 2 || key.version > 6 || key.algorithm.empty() || key.created < 0)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dragnet::identify::SelectorKind;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  dragnet::identify::SelectorFindings found;
  dragnet::identify::FindPgp(text, found);
  for (const auto& s : found.selectors) {
    if (s.begin > s.end || s.end > size || s.value.empty() || s.validation.empty())
      std::abort();
    if (!(s.confidence > 0.0 && s.confidence <= 1.0))
      std::abort();
    switch (s.kind) {
      case SelectorKind::kPgpKey:
        if (!IsUpperHex(s.value) || s.details.empty() || s.details.front() != '{')
          std::abort();
        break;
      case SelectorKind::kPgpFingerprint:
      case SelectorKind::kPgpKeyId:
        if (!IsUpperHex(s.value))
          std::abort();
        break;
      case SelectorKind::kEmail:
        if (s.value.find('@') == std::string::npos)
          std::abort();
        break;
      default:
        std::abort();
    }
  }
  for (const auto& a : found.anomalies) {
    if (a.begin > a.end || a.end > size || a.kind.rfind("pgp.", 0) != 0)
      std::abort();
  }

  const dragnet::identify::PgpParse parse =
      dragnet::identify::ParsePgpPackets(std::span<const uint8_t>(data, size));
  if (parse.problems.size() > 32 || parse.keys.size() > 1024)
    std::abort();
  for (const auto& key : parse.keys) {
    CheckKey(key.primary);
    for (const auto& sub : key.subkeys)
      CheckKey(sub);
    if (key.user_ids.size() > 256 || key.subkeys.size() > 256)
      std::abort();
  }
  return 0;
}
