// Fuzzes the wallet and onion address finders and every codec under them with arbitrary bytes as
// text. Invariants: offsets inside the text; every reported selector re-validates, alone, to the
// same kind and value; every decoder that accepts its input re-encodes it to the same text (all
// of these encodings are canonical, so decode is one-to-one).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "identify/selectors/codecs.h"
#include "identify/selectors/crypto_address.h"

namespace {

using namespace dragnet::identify;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void CheckFinders(std::string_view text) {
  SelectorFindings found;
  FindCryptoAddresses(text, found);
  FindOnions(text, found);
  for (const auto& s : found.selectors) {
    if (s.begin > s.end || s.end > text.size())
      std::abort();
    std::string_view token = text.substr(s.begin, s.end - s.begin);
    auto again = s.kind == SelectorKind::kOnion ? ValidateOnion(token) : ValidateAddress(token);
    if (!again || again->kind != s.kind || again->value != s.value)
      std::abort();
    if (s.details.empty() || s.details.front() != '{' || s.details.back() != '}')
      std::abort();
    if (s.confidence <= 0 || s.confidence > 1 || s.validation.empty())
      std::abort();
  }
  for (const auto& a : found.anomalies) {
    if (a.begin > a.end || a.end > text.size() || a.kind.empty())
      std::abort();
  }
  // The token alone, as a caller holding a candidate would pass it.
  if (auto s = ValidateAddress(text); s && (s->begin != 0 || s->end != text.size()))
    std::abort();
  if (auto s = ValidateOnion(text); s && s->kind != SelectorKind::kOnion)
    std::abort();
}

void CheckCodecs(std::string_view text) {
  if (auto bytes = Base58Decode(text); bytes && Base58Encode(*bytes) != text)
    std::abort();
  std::vector<uint8_t> payload;
  if (Base58CheckDecode(text, payload) == CodecStatus::kOk && Base58CheckEncode(payload) != text)
    std::abort();
  if (auto bytes = MoneroBase58Decode(text); bytes && MoneroBase58Encode(*bytes) != text)
    std::abort();
  MoneroAddressData monero;
  if (MoneroDecodeAddress(text, monero) == CodecStatus::kOk &&
      MoneroEncodeAddress(monero.tag, monero.data) != text) {
    std::abort();
  }
  Bech32Data bech;
  if (Bech32Decode(text, bech) == CodecStatus::kOk &&
      Bech32Encode(bech.hrp, bech.data, bech.encoding) != Lower(text)) {
    std::abort();
  }
  SegwitAddress segwit;
  if (DecodeSegwitAddress(text, segwit) == CodecStatus::kOk &&
      EncodeSegwitAddress(segwit.hrp, segwit.witness_version, segwit.program) != Lower(text)) {
    std::abort();
  }
  CashAddrData cash;
  if (CashAddrDecode(text, cash) == CodecStatus::kOk) {
    std::string expected = Lower(text);
    if (text.find(':') == std::string_view::npos)
      expected = "bitcoincash:" + expected;
    if (CashAddrEncode(cash.prefix, cash.type, cash.hash) != expected)
      std::abort();
  }
  if (auto bytes = Base32Decode(text); bytes && Base32Encode(*bytes) != Lower(text))
    std::abort();
  std::span<const uint8_t> raw(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  if (Keccak256(raw) != Keccak256(text))
    std::abort();
  (void)Sha3_256(raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckFinders(text);
  CheckCodecs(text);
  return 0;
}
