#include "identify/selectors/codecs.h"

#include <algorithm>
#include <cstring>

#include <nettle/sha3.h>
#include <openssl/evp.h>

namespace dragnet::identify {
namespace {

constexpr char kBase58Alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr char kBech32Charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr char kBase32Alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

// Reverse tables: -1 for characters outside the alphabet.
struct ReverseTable {
  int8_t value[256];
  constexpr ReverseTable(const char* alphabet, bool fold_case) : value() {
    for (int i = 0; i < 256; ++i)
      value[i] = -1;
    for (int i = 0; alphabet[i] != '\0'; ++i) {
      unsigned char c = static_cast<unsigned char>(alphabet[i]);
      value[c] = static_cast<int8_t>(i);
      if (fold_case && c >= 'a' && c <= 'z')
        value[c - 'a' + 'A'] = static_cast<int8_t>(i);
    }
  }
  int operator[](char c) const { return value[static_cast<unsigned char>(c)]; }
};

constexpr ReverseTable kBase58Values(kBase58Alphabet, false);
constexpr ReverseTable kBech32Values(kBech32Charset, true);
constexpr ReverseTable kBase32Values(kBase32Alphabet, true);

std::array<uint8_t, 32> EvpDigest(const EVP_MD* md, std::span<const uint8_t> bytes) {
  std::array<uint8_t, 32> out{};
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, md, nullptr) != 1)
    out.fill(0);  // a checksum compared against zeros simply fails
  return out;
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

// ---- Hashes --------------------------------------------------------------------------------

std::array<uint8_t, 32> DoubleSha256(std::span<const uint8_t> bytes) {
  auto first = EvpDigest(EVP_sha256(), bytes);
  return EvpDigest(EVP_sha256(), first);
}

std::array<uint8_t, 32> Sha3_256(std::span<const uint8_t> bytes) {
  return EvpDigest(EVP_sha3_256(), bytes);
}

std::array<uint8_t, 32> Keccak256(std::span<const uint8_t> bytes) {
  // FIPS 202 sponge with Keccak-f[1600] (Nettle's sha3_permute), rate 1088 bits = 136 bytes.
  // The state is 25 64-bit lanes; byte i of a block goes to lane i/8, little-endian.
  constexpr size_t kRate = 136;
  sha3_state state;
  std::memset(&state, 0, sizeof(state));
  auto absorb = [&state](const uint8_t* block) {
    for (size_t lane = 0; lane < kRate / 8; ++lane) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; --b)
        v = (v << 8) | block[lane * 8 + static_cast<size_t>(b)];
      state.a[lane] ^= v;
    }
    sha3_permute(&state);
  };
  size_t offset = 0;
  while (bytes.size() - offset >= kRate) {
    absorb(bytes.data() + offset);
    offset += kRate;
  }
  uint8_t last[kRate] = {};
  if (bytes.size() > offset)
    std::memcpy(last, bytes.data() + offset, bytes.size() - offset);
  last[bytes.size() - offset] ^= 0x01;  // Keccak padding (SHA-3 would be 0x06)
  last[kRate - 1] ^= 0x80;
  absorb(last);
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(state.a[i / 8] >> (8 * (i % 8)));
  return out;
}

std::array<uint8_t, 32> Keccak256(std::string_view bytes) {
  return Keccak256(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

// ---- Base58 --------------------------------------------------------------------------------

std::optional<std::vector<uint8_t>> Base58Decode(std::string_view text) {
  if (text.size() > kMaxBase58Chars)
    return std::nullopt;
  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1')
    ++zeros;
  // log(58) / log(256) = 0.7322...: enough room for the big-endian number.
  std::vector<uint8_t> number((text.size() - zeros) * 733 / 1000 + 1, 0);
  size_t used = 0;  // significant bytes at the end of `number`
  for (size_t i = zeros; i < text.size(); ++i) {
    int digit = kBase58Values[text[i]];
    if (digit < 0)
      return std::nullopt;
    uint32_t carry = static_cast<uint32_t>(digit);
    size_t k = 0;
    for (auto it = number.rbegin(); it != number.rend() && (carry != 0 || k < used); ++it, ++k) {
      carry += 58u * *it;
      *it = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    used = k;
  }
  auto first = number.end() - static_cast<std::ptrdiff_t>(used);
  while (first != number.end() && *first == 0)
    ++first;
  std::vector<uint8_t> out(zeros, 0);
  out.insert(out.end(), first, number.end());
  return out;
}

std::string Base58Encode(std::span<const uint8_t> bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0)
    ++zeros;
  // log(256) / log(58) = 1.3657...
  std::vector<uint8_t> digits((bytes.size() - zeros) * 138 / 100 + 1, 0);
  size_t used = 0;
  for (size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = bytes[i];
    size_t k = 0;
    for (auto it = digits.rbegin(); it != digits.rend() && (carry != 0 || k < used); ++it, ++k) {
      carry += 256u * *it;
      *it = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    used = k;
  }
  std::string out(zeros, '1');
  for (auto it = digits.end() - static_cast<std::ptrdiff_t>(used); it != digits.end(); ++it)
    out += kBase58Alphabet[*it];
  return out;
}

CodecStatus Base58CheckDecode(std::string_view text, std::vector<uint8_t>& payload) {
  payload.clear();
  auto decoded = Base58Decode(text);
  if (!decoded || decoded->size() < 4)
    return CodecStatus::kMalformed;
  std::span<const uint8_t> body(decoded->data(), decoded->size() - 4);
  auto hash = DoubleSha256(body);
  payload.assign(body.begin(), body.end());
  if (std::memcmp(hash.data(), decoded->data() + body.size(), 4) != 0)
    return CodecStatus::kBadChecksum;
  return CodecStatus::kOk;
}

std::string Base58CheckEncode(std::span<const uint8_t> payload) {
  std::vector<uint8_t> bytes(payload.begin(), payload.end());
  auto hash = DoubleSha256(payload);
  bytes.insert(bytes.end(), hash.begin(), hash.begin() + 4);
  return Base58Encode(bytes);
}

// ---- Monero base58 -------------------------------------------------------------------------

namespace {

constexpr size_t kMoneroFullBlock = 8;
constexpr size_t kMoneroFullEncoded = 11;
// Encoded size of a block of 0..8 bytes (Monero base58.cpp encoded_block_sizes).
constexpr size_t kMoneroEncodedSizes[] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

// Decodes one block of `chars` characters into `size` bytes, big-endian.
bool MoneroDecodeBlock(std::string_view chars, size_t size, std::vector<uint8_t>& out) {
  uint64_t value = 0;
  uint64_t order = 1;
  for (size_t i = chars.size(); i-- > 0;) {
    int digit = kBase58Values[chars[i]];
    if (digit < 0)
      return false;
    uint64_t product = 0;
    uint64_t sum = 0;
    if (__builtin_mul_overflow(order, static_cast<uint64_t>(digit), &product) ||
        __builtin_add_overflow(value, product, &sum)) {
      return false;
    }
    value = sum;
    order *= 58;  // 58^10 < 2^64; only the 11th character's order would overflow and is unused
  }
  if (size < kMoneroFullBlock && (uint64_t{1} << (8 * size)) <= value)
    return false;
  for (size_t i = size; i-- > 0;)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return true;
}

}  // namespace

std::optional<std::vector<uint8_t>> MoneroBase58Decode(std::string_view text) {
  if (text.size() > kMaxMoneroBase58Chars)
    return std::nullopt;
  const size_t full_blocks = text.size() / kMoneroFullEncoded;
  const size_t last_chars = text.size() % kMoneroFullEncoded;
  size_t last_size = 0;
  while (last_size <= kMoneroFullBlock && kMoneroEncodedSizes[last_size] != last_chars)
    ++last_size;
  if (last_size > kMoneroFullBlock)
    return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(full_blocks * kMoneroFullBlock + last_size);
  for (size_t b = 0; b < full_blocks; ++b) {
    if (!MoneroDecodeBlock(text.substr(b * kMoneroFullEncoded, kMoneroFullEncoded),
                           kMoneroFullBlock, out)) {
      return std::nullopt;
    }
  }
  if (last_chars > 0 &&
      !MoneroDecodeBlock(text.substr(full_blocks * kMoneroFullEncoded), last_size, out)) {
    return std::nullopt;
  }
  return out;
}

std::string MoneroBase58Encode(std::span<const uint8_t> bytes) {
  std::string out;
  for (size_t offset = 0; offset < bytes.size(); offset += kMoneroFullBlock) {
    size_t size = std::min(kMoneroFullBlock, bytes.size() - offset);
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i)
      value = (value << 8) | bytes[offset + i];
    std::string block(kMoneroEncodedSizes[size], kBase58Alphabet[0]);
    for (size_t i = block.size(); i-- > 0 && value != 0;) {
      block[i] = kBase58Alphabet[value % 58];
      value /= 58;
    }
    out += block;
  }
  return out;
}

bool ReadMoneroVarint(std::span<const uint8_t> bytes, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; pos < bytes.size(); shift += 7) {
    uint8_t byte = bytes[pos++];
    if (shift == 63 && byte > 1)
      return false;  // more than 64 bits
    if (shift > 0 && byte == 0)
      return false;  // redundant trailing zero: not the canonical encoding
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return true;
    if (shift == 63)
      return false;
  }
  return false;
}

CodecStatus MoneroDecodeAddress(std::string_view text, MoneroAddressData& out) {
  out = MoneroAddressData();
  auto decoded = MoneroBase58Decode(text);
  if (!decoded || decoded->size() <= 4)
    return CodecStatus::kMalformed;
  std::span<const uint8_t> body(decoded->data(), decoded->size() - 4);
  auto hash = Keccak256(body);
  bool checksum_ok = std::memcmp(hash.data(), decoded->data() + body.size(), 4) == 0;
  size_t pos = 0;
  if (!ReadMoneroVarint(body, pos, out.tag))
    return checksum_ok ? CodecStatus::kMalformed : CodecStatus::kBadChecksum;
  out.data.assign(body.begin() + static_cast<std::ptrdiff_t>(pos), body.end());
  return checksum_ok ? CodecStatus::kOk : CodecStatus::kBadChecksum;
}

std::string MoneroEncodeAddress(uint64_t tag, std::span<const uint8_t> data) {
  std::vector<uint8_t> bytes;
  do {
    uint8_t byte = tag & 0x7f;
    tag >>= 7;
    bytes.push_back(static_cast<uint8_t>(byte | (tag != 0 ? 0x80 : 0)));
  } while (tag != 0);
  bytes.insert(bytes.end(), data.begin(), data.end());
  auto hash = Keccak256(bytes);
  bytes.insert(bytes.end(), hash.begin(), hash.begin() + 4);
  return MoneroBase58Encode(bytes);
}

// ---- Bech32 --------------------------------------------------------------------------------

namespace {

constexpr uint32_t kBech32Const = 1;
constexpr uint32_t kBech32mConst = 0x2bc830a3;
constexpr size_t kBech32MaxLength = 90;

// BIP-173 "Checksum": BCH code over GF(32) with generator coefficients below.
uint32_t Bech32Polymod(uint32_t chk, uint8_t value) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t top = chk >> 25;
  chk = ((chk & 0x1ffffff) << 5) ^ value;
  for (int i = 0; i < 5; ++i) {
    if ((top >> i) & 1)
      chk ^= kGen[i];
  }
  return chk;
}

uint32_t Bech32HrpPolymod(std::string_view hrp) {
  uint32_t chk = 1;
  for (char c : hrp)
    chk = Bech32Polymod(chk, static_cast<uint8_t>(static_cast<unsigned char>(c) >> 5));
  chk = Bech32Polymod(chk, 0);
  for (char c : hrp)
    chk = Bech32Polymod(chk, static_cast<uint8_t>(static_cast<unsigned char>(c) & 31));
  return chk;
}

}  // namespace

CodecStatus Bech32Decode(std::string_view text, Bech32Data& out) {
  out = Bech32Data();
  if (text.size() > kBech32MaxLength)
    return CodecStatus::kMalformed;
  bool lower = false;
  bool upper = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126)
      return CodecStatus::kMalformed;
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
  }
  if (lower && upper)
    return CodecStatus::kMalformed;
  size_t separator = text.rfind('1');
  if (separator == std::string_view::npos || separator == 0 || separator + 7 > text.size())
    return CodecStatus::kMalformed;
  std::string hrp;
  for (size_t i = 0; i < separator; ++i)
    hrp += Lower(text[i]);
  std::vector<uint8_t> values;
  values.reserve(text.size() - separator - 1);
  for (size_t i = separator + 1; i < text.size(); ++i) {
    int v = kBech32Values[text[i]];
    if (v < 0)
      return CodecStatus::kMalformed;
    values.push_back(static_cast<uint8_t>(v));
  }
  uint32_t chk = Bech32HrpPolymod(hrp);
  for (uint8_t v : values)
    chk = Bech32Polymod(chk, v);
  if (chk == kBech32Const) {
    out.encoding = Bech32Encoding::kBech32;
  } else if (chk == kBech32mConst) {
    out.encoding = Bech32Encoding::kBech32m;
  } else {
    out.hrp = std::move(hrp);
    return CodecStatus::kBadChecksum;
  }
  out.hrp = std::move(hrp);
  out.data.assign(values.begin(), values.end() - 6);
  return CodecStatus::kOk;
}

std::string Bech32Encode(std::string_view hrp, std::span<const uint8_t> data5,
                         Bech32Encoding encoding) {
  std::string lower_hrp;
  for (char c : hrp)
    lower_hrp += Lower(c);
  uint32_t chk = Bech32HrpPolymod(lower_hrp);
  for (uint8_t v : data5)
    chk = Bech32Polymod(chk, v & 31);
  for (int i = 0; i < 6; ++i)
    chk = Bech32Polymod(chk, 0);
  chk ^= (encoding == Bech32Encoding::kBech32 ? kBech32Const : kBech32mConst);
  std::string out = lower_hrp + "1";
  for (uint8_t v : data5)
    out += kBech32Charset[v & 31];
  for (int i = 0; i < 6; ++i)
    out += kBech32Charset[(chk >> (5 * (5 - i))) & 31];
  return out;
}

bool ConvertBits(std::span<const uint8_t> in, int from_bits, int to_bits, bool pad,
                 std::vector<uint8_t>& out) {
  out.clear();
  if (from_bits < 1 || from_bits > 8 || to_bits < 1 || to_bits > 8)
    return false;
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t max_out = (1u << to_bits) - 1;
  for (uint8_t v : in) {
    if ((v >> from_bits) != 0)
      return false;
    acc = ((acc << from_bits) | v) & 0xffff;
    bits += from_bits;
    while (bits >= to_bits) {
      bits -= to_bits;
      out.push_back(static_cast<uint8_t>((acc >> bits) & max_out));
    }
  }
  if (pad) {
    if (bits > 0)
      out.push_back(static_cast<uint8_t>((acc << (to_bits - bits)) & max_out));
  } else if (bits >= from_bits || ((acc << (to_bits - bits)) & max_out) != 0) {
    return false;
  }
  return true;
}

CodecStatus DecodeSegwitAddress(std::string_view text, SegwitAddress& out) {
  out = SegwitAddress();
  Bech32Data bech;
  CodecStatus status = Bech32Decode(text, bech);
  out.hrp = bech.hrp;
  if (status != CodecStatus::kOk)
    return status;
  if (bech.data.empty() || bech.data[0] > 16)
    return CodecStatus::kMalformed;
  std::vector<uint8_t> program;
  if (!ConvertBits(std::span(bech.data).subspan(1), 5, 8, false, program))
    return CodecStatus::kMalformed;
  if (program.size() < 2 || program.size() > 40)
    return CodecStatus::kMalformed;
  const int version = bech.data[0];
  if (version == 0 && program.size() != 20 && program.size() != 32)
    return CodecStatus::kMalformed;
  // BIP-350: version 0 uses the bech32 constant, versions 1..16 the bech32m one.
  const Bech32Encoding expected = version == 0 ? Bech32Encoding::kBech32 : Bech32Encoding::kBech32m;
  if (bech.encoding != expected)
    return CodecStatus::kBadChecksum;
  out.witness_version = version;
  out.program = std::move(program);
  out.encoding = bech.encoding;
  return CodecStatus::kOk;
}

std::optional<std::string> EncodeSegwitAddress(std::string_view hrp, int witness_version,
                                               std::span<const uint8_t> program) {
  if (witness_version < 0 || witness_version > 16 || program.size() < 2 || program.size() > 40)
    return std::nullopt;
  if (witness_version == 0 && program.size() != 20 && program.size() != 32)
    return std::nullopt;
  // BIP-173: encoders output lower case only; an HRP in another case is the caller's error.
  if (hrp.empty() || !std::all_of(hrp.begin(), hrp.end(), [](char c) {
        return c >= 33 && c <= 126 && !(c >= 'A' && c <= 'Z');
      })) {
    return std::nullopt;
  }
  std::vector<uint8_t> data{static_cast<uint8_t>(witness_version)};
  std::vector<uint8_t> converted;
  ConvertBits(program, 8, 5, true, converted);
  data.insert(data.end(), converted.begin(), converted.end());
  std::string out = Bech32Encode(
      hrp, data, witness_version == 0 ? Bech32Encoding::kBech32 : Bech32Encoding::kBech32m);
  if (out.size() > kBech32MaxLength)
    return std::nullopt;
  return out;
}

// ---- CashAddr ------------------------------------------------------------------------------

namespace {

constexpr size_t kCashAddrMaxPayload = 112;  // (8 + 512 bits) / 5 rounded up, + 8 checksum
constexpr size_t kCashAddrMaxPrefix = 32;

// CashAddr spec "Checksum": BCH code over GF(32), 40-bit result, generators below.
uint64_t CashAddrPolymod(std::span<const uint8_t> values) {
  uint64_t c = 1;
  for (uint8_t d : values) {
    uint8_t c0 = static_cast<uint8_t>(c >> 35);
    c = ((c & 0x07ffffffffULL) << 5) ^ d;
    if (c0 & 0x01)
      c ^= 0x98f2bc8e61ULL;
    if (c0 & 0x02)
      c ^= 0x79b76d99e2ULL;
    if (c0 & 0x04)
      c ^= 0xf33e5fb3c4ULL;
    if (c0 & 0x08)
      c ^= 0xae2eabe2a8ULL;
    if (c0 & 0x10)
      c ^= 0x1e4f43e470ULL;
  }
  return c ^ 1;
}

// Hash size in bytes for the 3-bit size code of the version byte.
constexpr size_t kCashAddrHashSizes[8] = {20, 24, 28, 32, 40, 48, 56, 64};

}  // namespace

CodecStatus CashAddrDecode(std::string_view text, CashAddrData& out,
                           std::string_view default_prefix) {
  out = CashAddrData();
  bool lower = false;
  bool upper = false;
  for (char c : text) {
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
  }
  if (lower && upper)
    return CodecStatus::kMalformed;
  std::string prefix;
  std::string_view payload = text;
  size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    for (size_t i = 0; i < colon; ++i)
      prefix += Lower(text[i]);
    payload = text.substr(colon + 1);
  } else {
    for (char c : default_prefix)
      prefix += Lower(c);
  }
  if (prefix.empty() || prefix.size() > kCashAddrMaxPrefix || payload.size() < 8 + 2 ||
      payload.size() > kCashAddrMaxPayload) {
    return CodecStatus::kMalformed;
  }
  for (char c : prefix) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return CodecStatus::kMalformed;
  }
  std::vector<uint8_t> values;
  values.reserve(prefix.size() + 1 + payload.size());
  for (char c : prefix)
    values.push_back(static_cast<uint8_t>(c & 0x1f));
  values.push_back(0);
  const size_t payload_start = values.size();
  for (char c : payload) {
    int v = kBech32Values[c];
    if (v < 0)
      return CodecStatus::kMalformed;
    values.push_back(static_cast<uint8_t>(v));
  }
  out.prefix = prefix;
  if (CashAddrPolymod(values) != 0)
    return CodecStatus::kBadChecksum;
  std::vector<uint8_t> bytes;
  std::span<const uint8_t> data(values.data() + payload_start, payload.size() - 8);
  if (!ConvertBits(data, 5, 8, false, bytes) || bytes.empty())
    return CodecStatus::kMalformed;
  const uint8_t version = bytes[0];
  if (version & 0x80)
    return CodecStatus::kMalformed;
  if (bytes.size() - 1 != kCashAddrHashSizes[version & 0x07])
    return CodecStatus::kMalformed;
  out.type = static_cast<uint8_t>((version >> 3) & 0x0f);
  out.hash.assign(bytes.begin() + 1, bytes.end());
  return CodecStatus::kOk;
}

std::string CashAddrEncode(std::string_view prefix, uint8_t type, std::span<const uint8_t> hash) {
  const size_t* code =
      std::find(std::begin(kCashAddrHashSizes), std::end(kCashAddrHashSizes), hash.size());
  if (code == std::end(kCashAddrHashSizes) || type > 15)
    return "";
  std::vector<uint8_t> bytes{
      static_cast<uint8_t>((type << 3) | (code - std::begin(kCashAddrHashSizes)))};
  bytes.insert(bytes.end(), hash.begin(), hash.end());
  std::vector<uint8_t> data;
  ConvertBits(bytes, 8, 5, true, data);
  std::string lower_prefix;
  std::vector<uint8_t> values;
  for (char c : prefix) {
    lower_prefix += Lower(c);
    values.push_back(static_cast<uint8_t>(Lower(c) & 0x1f));
  }
  values.push_back(0);
  values.insert(values.end(), data.begin(), data.end());
  values.insert(values.end(), 8, 0);
  uint64_t checksum = CashAddrPolymod(values);
  std::string out = lower_prefix + ":";
  for (uint8_t v : data)
    out += kBech32Charset[v];
  for (int i = 0; i < 8; ++i)
    out += kBech32Charset[(checksum >> (5 * (7 - i))) & 0x1f];
  return out;
}

// ---- Base32 --------------------------------------------------------------------------------

std::optional<std::vector<uint8_t>> Base32Decode(std::string_view text) {
  switch (text.size() % 8) {
    case 1:
    case 3:
    case 6:
      return std::nullopt;  // no whole number of bytes ends there (RFC 4648 section 6)
    default:
      break;
  }
  std::vector<uint8_t> out;
  out.reserve(text.size() * 5 / 8);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = kBase32Values[c];
    if (v < 0)
      return std::nullopt;
    acc = ((acc << 5) | static_cast<uint32_t>(v)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;  // non-zero unused bits: not the canonical encoding
  return out;
}

std::string Base32Encode(std::span<const uint8_t> bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32Alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0)
    out += kBase32Alphabet[(acc << (5 - bits)) & 31];
  return out;
}

}  // namespace dragnet::identify
