#pragma once
// Generators of valid seller selectors for the simulated web: OpenPGP public keys (Ed25519 /
// Curve25519, the GnuPG "EdDSA legacy" form of RFC 9580 sections 5.5.5.5 and 11), wallet
// addresses of the coins Dragnet validates, and Tor onion v3 host names. Everything is
// deterministic from the caller's std::mt19937_64 (raw draws only, never std:: distributions,
// whose results differ between standard libraries), so one seed gives the same bytes everywhere.
//
// CorruptChecksum makes the "deliberately invalid" variants of the ground truth: one character
// changed within its alphabet, so that the text keeps its shape but fails its checksum.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::simnet {

// ---- OpenPGP -------------------------------------------------------------------------------

struct GeneratedPgpKey {
  std::string armored;             // "-----BEGIN PGP PUBLIC KEY BLOCK-----" ... with CRC-24 line
  std::vector<uint8_t> binary;     // the packets inside the armour
  std::string fingerprint;         // primary key, 40 upper-case hex digits
  std::string key_id;              // 16 upper-case hex digits (low 64 bits of the fingerprint)
  std::string subkey_fingerprint;  // the Curve25519 encryption subkey, 40 upper-case hex
  std::string user_id;
};

// A v4 transferable public key (RFC 4880 section 11.1): an Ed25519 primary key (algorithm 22)
// with one User ID and its positive certification (0x13), and a Curve25519 ECDH subkey
// (algorithm 18) with its binding signature (0x18); both signatures SHA-256, created `created`
// (seconds since the epoch) like the keys. Key material: libsodium from a 32-byte seed drawn
// from `rng`.
GeneratedPgpKey MakePgpKey(std::string_view user_id, uint32_t created, std::mt19937_64& rng);

// ---- Wallet addresses and onions -----------------------------------------------------------

enum class Coin : uint8_t {
  kBitcoinP2pkh,    // "1..."   base58check, version 0x00
  kBitcoinP2sh,     // "3..."   base58check, version 0x05
  kBitcoinP2wpkh,   // "bc1q..." bech32, 20-byte program (BIP-173)
  kBitcoinP2tr,     // "bc1p..." bech32m, 32-byte x-only secp256k1 key (BIP-341, BIP-350)
  kLitecoinP2pkh,   // "L..."   base58check, version 0x30
  kLitecoinP2wpkh,  // "ltc1q..."
  kBitcoinCash,     // "bitcoincash:q..." CashAddr P2PKH
  kEthereum,        // "0x" + 40 hex with the EIP-55 mixed-case checksum
  kTron,            // "T..."   base58check, version 0x41
  kMonero,          // "4..."   standard address, network tag 18
};

inline constexpr Coin kAllCoins[] = {
    Coin::kBitcoinP2pkh,  Coin::kBitcoinP2sh,    Coin::kBitcoinP2wpkh, Coin::kBitcoinP2tr,
    Coin::kLitecoinP2pkh, Coin::kLitecoinP2wpkh, Coin::kBitcoinCash,   Coin::kEthereum,
    Coin::kTron,          Coin::kMonero,
};

// "bitcoin_p2pkh", "monero", ... (stable ids for ground-truth files).
std::string_view CoinName(Coin coin);

// A fresh valid mainnet address. Ethereum addresses always hold both letter cases with at least
// two letters of one case, so that CorruptChecksum can flip a case and keep the text mixed-case.
std::string MakeAddress(Coin coin, std::mt19937_64& rng);

// "0x" + EIP-55 checksummed hex of a 20-byte account (EIP-55).
std::string EthereumAddress(std::span<const uint8_t, 20> account);

// "<56 base32>.onion" of an Ed25519 public key (tor rend-spec-v3 section 6).
std::string OnionHostFromKey(std::span<const uint8_t, 32> ed25519_public_key);
// The onion v3 host of an Ed25519 key made from a 32-byte seed drawn from `rng`.
std::string MakeOnionHost(std::mt19937_64& rng);

// Changes one character of `address` (any MakeAddress output or an onion v3 host) to another
// character of the same alphabet so that the checksum fails while the prefix, length and decoded
// version/network stay (an EIP-55 address gets one letter's case flipped instead). Empty when
// `address` is none of those forms.
std::string CorruptChecksum(std::string_view address, std::mt19937_64& rng);

}  // namespace dragnet::simnet
