#pragma once
// Text encodings and hashes of cryptocurrency and onion addresses. The codecs are written here
// by hand because no Debian library offers them (base58, Monero's block base58, bech32/bech32m,
// CashAddr, unpadded RFC 4648 base32 for onions); the hashes come from real libraries: SHA-256
// and SHA3-256 from OpenSSL EVP, the Keccak-f[1600] permutation from Nettle (legacy Keccak-256
// is SHA-3 with the original 0x01 padding, which OpenSSL 3.0 does not expose).
//
// Every decoder takes hostile text: it never throws, never reads out of bounds, and bounds its
// own work (inputs longer than the formats allow are refused before any arithmetic).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::identify {

enum class CodecStatus : uint8_t {
  kOk,
  kMalformed,    // alphabet, length, padding or structure is wrong: not this encoding at all
  kBadChecksum,  // well-formed, but the checksum does not match (a typo or an altered address)
};

// ---- Hashes --------------------------------------------------------------------------------

// SHA-256(SHA-256(bytes)), the Base58Check checksum hash (Bitcoin Core base58.cpp).
std::array<uint8_t, 32> DoubleSha256(std::span<const uint8_t> bytes);
// FIPS 202 SHA3-256 via OpenSSL EVP_sha3_256 (tor rend-spec-v3 section 6 onion checksum).
std::array<uint8_t, 32> Sha3_256(std::span<const uint8_t> bytes);
// Keccak-256 as submitted to the SHA-3 competition (pad10*1 with domain byte 0x01, not SHA-3's
// 0x06), rate 136 bytes: the hash of Ethereum (EIP-55) and Monero (cn_fast_hash).
std::array<uint8_t, 32> Keccak256(std::span<const uint8_t> bytes);
std::array<uint8_t, 32> Keccak256(std::string_view bytes);

// ---- Base58 (Bitcoin alphabet) and Base58Check ----------------------------------------------
// Alphabet "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"; each leading '1' is a
// leading zero byte (Bitcoin Core src/base58.cpp, the de-facto specification).

inline constexpr size_t kMaxBase58Chars = 256;  // longer input is refused (work is quadratic)

std::optional<std::vector<uint8_t>> Base58Decode(std::string_view text);
std::string Base58Encode(std::span<const uint8_t> bytes);
// Decodes `text`, splits the trailing 4-byte checksum (first 4 bytes of DoubleSha256 of the
// rest) and puts the rest (version bytes + data) in `payload`, also when the checksum fails, so
// that the caller can tell which kind of address was mistyped.
CodecStatus Base58CheckDecode(std::string_view text, std::vector<uint8_t>& payload);
std::string Base58CheckEncode(std::span<const uint8_t> payload);

// ---- Monero base58 -------------------------------------------------------------------------
// Monero src/common/base58.cpp: the Bitcoin alphabet over 8-byte big-endian blocks, each encoded
// as exactly 11 characters; the last block of 0..7 bytes uses 0,2,3,5,6,7,9,10 characters.

inline constexpr size_t kMaxMoneroBase58Chars = 1100;

std::optional<std::vector<uint8_t>> MoneroBase58Decode(std::string_view text);
std::string MoneroBase58Encode(std::span<const uint8_t> bytes);

// Monero address framing (base58::decode_addr): varint(tag) || data || checksum, where checksum
// is the first 4 bytes of Keccak-256 of what precedes it.
struct MoneroAddressData {
  uint64_t tag = 0;
  std::vector<uint8_t> data;  // after the tag, without the checksum
};
// On kBadChecksum, `out` still holds the tag and data when the varint could be read.
CodecStatus MoneroDecodeAddress(std::string_view text, MoneroAddressData& out);
std::string MoneroEncodeAddress(uint64_t tag, std::span<const uint8_t> data);

// Unsigned LEB128 varint as Monero writes it (common/varint.h): at most 64 bits, no redundant
// trailing zero byte. Advances `pos`; false when truncated, overlong or non-canonical.
bool ReadMoneroVarint(std::span<const uint8_t> bytes, size_t& pos, uint64_t& value);

// ---- Bech32 / Bech32m (BIP-173, BIP-350) and segwit addresses ------------------------------

enum class Bech32Encoding : uint8_t { kBech32, kBech32m };

struct Bech32Data {
  std::string hrp;            // lower-case
  std::vector<uint8_t> data;  // 5-bit values, checksum removed
  Bech32Encoding encoding = Bech32Encoding::kBech32;
};

// BIP-173 "Bech32": at most 90 characters, HRP of 1..83 characters in 33..126, separator = last
// '1', at least 6 data characters, no mixed case. The checksum constant tells bech32 (1) from
// bech32m (0x2bc830a3, BIP-350).
CodecStatus Bech32Decode(std::string_view text, Bech32Data& out);
// Encodes lower-case; `data5` values must be < 32 (others are masked).
std::string Bech32Encode(std::string_view hrp, std::span<const uint8_t> data5,
                         Bech32Encoding encoding);

// Regroups bits (BIP-173 convertbits). Without `pad`, fails on more than from-1 bits of leftover
// or on non-zero padding bits.
bool ConvertBits(std::span<const uint8_t> in, int from_bits, int to_bits, bool pad,
                 std::vector<uint8_t>& out);

struct SegwitAddress {
  std::string hrp;
  int witness_version = 0;
  std::vector<uint8_t> program;
  Bech32Encoding encoding = Bech32Encoding::kBech32;
};

// BIP-173/BIP-350 segwit address rules for any HRP: witness version 0..16, program 2..40 bytes,
// version 0 programs of 20 or 32 bytes; version 0 must use bech32 and version 1+ bech32m (a
// string whose checksum is valid only for the other constant gives kBadChecksum).
CodecStatus DecodeSegwitAddress(std::string_view text, SegwitAddress& out);
// nullopt when the version or program length breaks the rules above.
std::optional<std::string> EncodeSegwitAddress(std::string_view hrp, int witness_version,
                                               std::span<const uint8_t> program);

// ---- CashAddr (Bitcoin Cash, spec "cashaddr.md", 2017) --------------------------------------

struct CashAddrData {
  std::string prefix;  // lower-case, "bitcoincash" when the text had none
  uint8_t type = 0;    // version byte bits 3..6: 0 = P2PKH, 1 = P2SH (2, 3: CashTokens forms)
  std::vector<uint8_t> hash;
};

// "prefix:payload" or bare payload (then `default_prefix` enters the checksum). Base32 with the
// bech32 alphabet, 40-bit BCH checksum over the prefix's low 5 bits, a 0 separator and payload;
// version byte with reserved bit 7 = 0 and size code 0..7 = 160,192,224,256,320,384,448,512 bits.
// Mixed case is refused.
CodecStatus CashAddrDecode(std::string_view text, CashAddrData& out,
                           std::string_view default_prefix = "bitcoincash");
// "prefix:payload" lower-case; empty when the hash size has no size code or type > 15.
std::string CashAddrEncode(std::string_view prefix, uint8_t type, std::span<const uint8_t> hash);

// ---- RFC 4648 section 6 base32, unpadded, case-insensitive (onion addresses) ----------------

// Length mod 8 must be 0, 2, 4, 5 or 7 and the unused trailing bits zero (canonical encoding).
std::optional<std::vector<uint8_t>> Base32Decode(std::string_view text);
std::string Base32Encode(std::span<const uint8_t> bytes);  // lower-case, no padding

}  // namespace dragnet::identify
