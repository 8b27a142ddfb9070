#pragma once
// Seller selectors: the identifiers that tie a listing to a person (PGP keys, wallets, onion
// addresses, messenger handles, phones, e-mails). Every selector Dragnet reports has been
// validated (checksum, packet structure, numbering plan or, for weak forms, context) and carries
// one canonical value, so two spellings of the same selector compare equal.
//
// Each finder scans UTF-8 text and appends to a SelectorFindings. Hostile or broken input is
// never an error: what looked like a selector but failed validation in a way worth telling
// (a PGP block with a bad checksum, an address with a wrong checksum) is an anomaly.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::identify {

enum class SelectorKind : uint8_t {
  kPgpKey,          // an armoured public key block; value = primary key fingerprint
  kPgpFingerprint,  // a fingerprint written as text; value = upper-case hex without spaces
  kPgpKeyId,        // a 16-hex-digit key id written as text (weak: ids collide)
  kBitcoin,
  kLitecoin,
  kBitcoinCash,
  kEthereum,  // also ERC-20 tokens (USDT) on Ethereum
  kTron,      // also TRC-20 tokens
  kMonero,
  kZcash,
  kDash,
  kOnion,
  kUrl,
  kDomain,
  kEmail,
  kPhone,
  kTelegram,
  kSession,
  kThreema,
  kWickr,
  kSignal,
  kWhatsapp,
  kXmpp,
  kDiscord,
};

// Stable ids used in JSON and the store: "pgp_key", "pgp_fingerprint", "pgp_key_id", "bitcoin",
// "litecoin", "bitcoin_cash", "ethereum", "tron", "monero", "zcash", "dash", "onion", "url",
// "domain", "email", "phone", "telegram", "session", "threema", "wickr", "signal", "whatsapp",
// "xmpp", "discord".
std::string_view SelectorKindName(SelectorKind kind);

struct Selector {
  SelectorKind kind = SelectorKind::kUrl;
  std::string value;   // canonical: lower-case bech32, EIP-55 ETH, E.164 phone, ...
  uint32_t begin = 0;  // byte offsets of the raw text in the scanned text
  uint32_t end = 0;
  // What was checked, e.g. "base58check", "bech32m", "eip55", "onion-v3-checksum",
  // "openpgp-packets", "libphonenumber", "syntax", "context".
  std::string validation;
  // A JSON object with kind-specific facts ({"network":"testnet","type":"p2sh"}, PGP user ids,
  // algorithms and subkeys...), or empty.
  std::string details;
  double confidence = 1.0;  // 1 = validated by checksum or structure; lower for weak forms
};

// Something that looked like a selector and failed in a way an analyst should see.
struct SelectorAnomaly {
  std::string kind;    // stable short id: "pgp.bad_crc24", "pgp.truncated", "bitcoin.bad_checksum"
  std::string detail;  // human-readable
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct SelectorFindings {
  std::vector<Selector> selectors;
  std::vector<SelectorAnomaly> anomalies;
  void Clear() {
    selectors.clear();
    anomalies.clear();
  }
};

}  // namespace dragnet::identify
