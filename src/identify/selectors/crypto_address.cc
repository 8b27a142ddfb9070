#include "identify/selectors/crypto_address.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "core/encoding.h"
#include "core/json_writer.h"
#include "identify/selectors/codecs.h"
#include "identify/selectors/scan_util.h"

namespace dragnet::identify {
namespace {

constexpr size_t kMaxTextBytes = 0xffffffffu;  // offsets are uint32_t
constexpr size_t kMaxUriQuery = 2048;
constexpr size_t kMaxUriField = 256;
constexpr size_t kShortestAddress = 14;

bool IsAlnum(char c) {
  return IsAsciiAlnum(c);
}
bool IsDigit(char c) {
  return IsAsciiDigit(c);
}
bool IsHex(char c) {
  return IsHexDigit(c);
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = Lower(c);
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i]))
      return false;
  }
  return true;
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

// What a token decodes to, before offsets and URI facts are attached.
struct Address {
  SelectorKind kind = SelectorKind::kBitcoin;
  std::string value;
  std::string validation;
  double confidence = 1.0;
  std::string network;
  std::string type;
  int witness_version = -1;
  std::string payment_id;
};

// A valid address, or the anomaly of a token that had an address's shape but failed.
struct Verdict {
  std::optional<Address> address;
  std::string anomaly;
  std::string anomaly_detail;
};

Verdict BadChecksum(std::string_view coin, std::string detail) {
  Verdict v;
  v.anomaly = std::string(coin) + ".bad_checksum";
  v.anomaly_detail = std::move(detail);
  return v;
}

// ---- Base58Check coins ---------------------------------------------------------------------

struct Base58Version {
  uint16_t version;
  uint8_t version_size;
  SelectorKind kind;
  const char* coin;
  const char* network;
  const char* type;
};

// Version bytes: Bitcoin Core chainparams.cpp (0x00, 0x05; testnet 0x6f, 0xc4), Litecoin
// chainparams.cpp (0x30, 0x32; testnet P2SH 0x3a; its legacy P2SH 0x05 is Bitcoin's and reported
// as Bitcoin), TRON (0x41, "T"), Dash chainparams.cpp (0x4c, 0x10; testnet 0x8c, 0x13), Zcash
// protocol spec section 5.6.1.1 (t1 0x1cb8, t3 0x1cbd; testnet tm 0x1d25, t2 0x1cba).
constexpr Base58Version kBase58Versions[] = {
    {0x00, 1, SelectorKind::kBitcoin, "bitcoin", "mainnet", "p2pkh"},
    {0x05, 1, SelectorKind::kBitcoin, "bitcoin", "mainnet", "p2sh"},
    {0x6f, 1, SelectorKind::kBitcoin, "bitcoin", "testnet", "p2pkh"},
    {0xc4, 1, SelectorKind::kBitcoin, "bitcoin", "testnet", "p2sh"},
    {0x30, 1, SelectorKind::kLitecoin, "litecoin", "mainnet", "p2pkh"},
    {0x32, 1, SelectorKind::kLitecoin, "litecoin", "mainnet", "p2sh"},
    {0x3a, 1, SelectorKind::kLitecoin, "litecoin", "testnet", "p2sh"},
    {0x41, 1, SelectorKind::kTron, "tron", "mainnet", "account"},
    {0x4c, 1, SelectorKind::kDash, "dash", "mainnet", "p2pkh"},
    {0x10, 1, SelectorKind::kDash, "dash", "mainnet", "p2sh"},
    {0x8c, 1, SelectorKind::kDash, "dash", "testnet", "p2pkh"},
    {0x13, 1, SelectorKind::kDash, "dash", "testnet", "p2sh"},
    {0x1cb8, 2, SelectorKind::kZcash, "zcash", "mainnet", "p2pkh"},
    {0x1cbd, 2, SelectorKind::kZcash, "zcash", "mainnet", "p2sh"},
    {0x1d25, 2, SelectorKind::kZcash, "zcash", "testnet", "p2pkh"},
    {0x1cba, 2, SelectorKind::kZcash, "zcash", "testnet", "p2sh"},
};

// First characters that the versions above produce for 20-byte hashes.
constexpr std::string_view kBase58FirstChars = "123mnLMQTX789yt";

const Base58Version* FindBase58Version(const std::vector<uint8_t>& payload) {
  for (const auto& v : kBase58Versions) {
    if (payload.size() != static_cast<size_t>(v.version_size) + 20)
      continue;
    const auto version =
        static_cast<uint16_t>(v.version_size == 1 ? payload[0] : (payload[0] << 8 | payload[1]));
    if (version == v.version)
      return &v;
  }
  return nullptr;
}

Verdict ClassifyBase58(std::string_view token) {
  std::vector<uint8_t> payload;
  CodecStatus status = Base58CheckDecode(token, payload);
  if (status == CodecStatus::kMalformed)
    return {};
  const Base58Version* v = FindBase58Version(payload);
  if (v == nullptr)
    return {};
  if (status == CodecStatus::kBadChecksum) {
    // Only full-length tokens: a version byte that decodes right with a wrong checksum is a
    // mistyped or altered address, not a random word.
    if (token.size() < 33)
      return {};
    return BadChecksum(v->coin, "base58check checksum mismatch in a " + std::string(v->coin) + " " +
                                    v->type + " address");
  }
  Verdict out;
  Address& a = out.address.emplace();
  a.kind = v->kind;
  a.value = std::string(token);
  a.validation = "base58check";
  a.network = v->network;
  a.type = v->type;
  return out;
}

// ---- Segwit (bech32 / bech32m) -------------------------------------------------------------

struct SegwitHrp {
  std::string_view hrp;
  SelectorKind kind;
  const char* coin;
  const char* network;
};

// HRPs: BIP-173 (bc, tb), Bitcoin Core regtest (bcrt), Litecoin chainparams (ltc, tltc, rltc).
constexpr SegwitHrp kSegwitHrps[] = {
    {"bc", SelectorKind::kBitcoin, "bitcoin", "mainnet"},
    {"tb", SelectorKind::kBitcoin, "bitcoin", "testnet"},
    {"bcrt", SelectorKind::kBitcoin, "bitcoin", "regtest"},
    {"ltc", SelectorKind::kLitecoin, "litecoin", "mainnet"},
    {"tltc", SelectorKind::kLitecoin, "litecoin", "testnet"},
    {"rltc", SelectorKind::kLitecoin, "litecoin", "regtest"},
};

const SegwitHrp* SegwitHrpOf(std::string_view token) {
  for (const auto& h : kSegwitHrps) {
    if (token.size() > h.hrp.size() && IStartsWith(token, h.hrp) && token[h.hrp.size()] == '1')
      return &h;
  }
  return nullptr;
}

// BIP-340/341: a taproot output key is the x coordinate (< p) of a secp256k1 point. OpenSSL's
// EC code does the square root; without secp256k1 support nothing is rejected.
bool IsSecp256k1XCoordinate(std::span<const uint8_t> x_bytes) {
  static EC_GROUP* const group = EC_GROUP_new_by_curve_name(NID_secp256k1);
  if (group == nullptr)
    return true;
  BN_CTX* ctx = BN_CTX_new();
  EC_POINT* point = EC_POINT_new(group);
  BIGNUM* x = BN_bin2bn(x_bytes.data(), static_cast<int>(x_bytes.size()), nullptr);
  BIGNUM* p = BN_new();
  bool ok = ctx != nullptr && point != nullptr && x != nullptr && p != nullptr &&
            EC_GROUP_get_curve(group, p, nullptr, nullptr, ctx) == 1 && BN_cmp(x, p) < 0 &&
            EC_POINT_set_compressed_coordinates(group, point, x, 0, ctx) == 1;
  BN_free(p);
  BN_free(x);
  EC_POINT_free(point);
  BN_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

Verdict ClassifySegwit(std::string_view token, const SegwitHrp& expected) {
  SegwitAddress segwit;
  CodecStatus status = DecodeSegwitAddress(token, segwit);
  if (segwit.hrp != expected.hrp)
    return {};  // another '1' later in the token: a different (unknown) HRP
  if (status == CodecStatus::kBadChecksum) {
    // Exact lengths only: v0 P2WPKH (20 bytes) or v0 P2WSH / v1 P2TR (32 bytes).
    const size_t data_chars = token.size() - expected.hrp.size() - 1;
    const char version = Lower(token[expected.hrp.size() + 1]);
    if ((data_chars == 39 || data_chars == 59) && (version == 'q' || version == 'p')) {
      return BadChecksum(expected.coin, "bech32/bech32m checksum mismatch in a " +
                                            std::string(expected.coin) + " segwit address");
    }
    return {};
  }
  if (status != CodecStatus::kOk)
    return {};
  if (segwit.witness_version == 1 && segwit.program.size() == 32 &&
      !IsSecp256k1XCoordinate(segwit.program)) {
    return {};  // well-encoded, but no key can spend it
  }
  Verdict out;
  Address& a = out.address.emplace();
  a.kind = expected.kind;
  a.value = LowerString(token);
  a.validation = segwit.encoding == Bech32Encoding::kBech32 ? "bech32" : "bech32m";
  a.network = expected.network;
  a.witness_version = segwit.witness_version;
  if (segwit.witness_version == 0) {
    a.type = segwit.program.size() == 20 ? "p2wpkh" : "p2wsh";
  } else if (segwit.witness_version == 1 && segwit.program.size() == 32) {
    a.type = "p2tr";
  } else {
    a.type = "witness_v" + std::to_string(segwit.witness_version);
  }
  return out;
}

// ---- CashAddr ------------------------------------------------------------------------------

const char* CashAddrNetwork(std::string_view prefix) {
  if (prefix == "bitcoincash")
    return "mainnet";
  if (prefix == "bchtest")
    return "testnet";
  if (prefix == "bchreg")
    return "regtest";
  return nullptr;
}

Verdict ClassifyCashAddr(std::string_view token) {
  const bool explicit_prefix = token.find(':') != std::string_view::npos;
  CashAddrData data;
  CodecStatus status = CashAddrDecode(token, data, "bitcoincash");
  if (status == CodecStatus::kBadChecksum && !explicit_prefix) {
    CashAddrData testnet;
    if (CashAddrDecode(token, testnet, "bchtest") == CodecStatus::kOk) {
      data = std::move(testnet);
      status = CodecStatus::kOk;
    }
  }
  const char* network = CashAddrNetwork(data.prefix);
  if (network == nullptr)
    return {};
  if (status == CodecStatus::kBadChecksum) {
    const char first = Lower(explicit_prefix ? token[token.find(':') + 1] : token[0]);
    if (explicit_prefix || (token.size() == 42 && (first == 'q' || first == 'p')))
      return BadChecksum("bitcoin_cash", "cashaddr checksum mismatch");
    return {};
  }
  if (status != CodecStatus::kOk || (data.hash.size() != 20 && data.hash.size() != 32))
    return {};
  static constexpr const char* kTypes[] = {"p2pkh", "p2sh", "p2pkh_token", "p2sh_token"};
  if (data.type >= std::size(kTypes))
    return {};
  std::string_view payload =
      token.substr(token.rfind(':') == std::string_view::npos ? 0 : token.rfind(':') + 1);
  Verdict out;
  Address& a = out.address.emplace();
  a.kind = SelectorKind::kBitcoinCash;
  a.value = data.prefix + ":" + LowerString(payload);
  a.validation = "cashaddr";
  a.network = network;
  a.type = kTypes[data.type];
  return out;
}

// ---- Ethereum ------------------------------------------------------------------------------

// EIP-55: hex letter i is upper-case iff nibble i of Keccak-256(lower-case hex) is >= 8.
std::string Eip55(std::string_view lower_hex) {
  auto hash = Keccak256(lower_hex);
  std::string out(lower_hex);
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 15);
    if (out[i] >= 'a' && out[i] <= 'f' && nibble >= 8)
      out[i] = static_cast<char>(out[i] - 'a' + 'A');
  }
  return out;
}

Verdict ClassifyEthereum(std::string_view token) {
  std::string_view body = token.substr(2);
  bool has_lower = false;
  bool has_upper = false;
  for (char c : body) {
    if (!IsHex(c))
      return {};
    has_lower |= (c >= 'a' && c <= 'f');
    has_upper |= (c >= 'A' && c <= 'F');
  }
  std::string checksummed = Eip55(LowerString(body));
  Verdict out;
  if (body == checksummed) {
    out.address.emplace().validation = "eip55";
  } else if (!has_lower || !has_upper) {
    Address& a = out.address.emplace();
    a.validation = "hex";
    a.confidence = 0.9;
  } else {
    return BadChecksum("ethereum", "mixed-case address fails its EIP-55 checksum");
  }
  Address& a = *out.address;
  a.kind = SelectorKind::kEthereum;
  a.value = "0x" + checksummed;
  a.network = "mainnet";
  a.type = "account";
  return out;
}

// ---- Monero --------------------------------------------------------------------------------

struct MoneroTag {
  uint64_t tag;
  const char* network;
  const char* type;
};

// Network tags: Monero src/cryptonote_config.h (CRYPTONOTE_PUBLIC_*_ADDRESS_BASE58_PREFIX).
constexpr MoneroTag kMoneroTags[] = {
    {18, "mainnet", "standard"},  {19, "mainnet", "integrated"},  {42, "mainnet", "subaddress"},
    {53, "testnet", "standard"},  {54, "testnet", "integrated"},  {63, "testnet", "subaddress"},
    {24, "stagenet", "standard"}, {25, "stagenet", "integrated"}, {36, "stagenet", "subaddress"},
};

Verdict ClassifyMonero(std::string_view token) {
  MoneroAddressData data;
  CodecStatus status = MoneroDecodeAddress(token, data);
  const MoneroTag* tag = nullptr;
  for (const auto& t : kMoneroTags) {
    if (t.tag == data.tag)
      tag = &t;
  }
  if (status == CodecStatus::kMalformed || tag == nullptr)
    return {};
  const bool integrated = std::string_view(tag->type) == "integrated";
  // Two 32-byte public keys (spend, view), plus an 8-byte payment id when integrated.
  if (data.data.size() != (integrated ? 72u : 64u))
    return {};
  if (status == CodecStatus::kBadChecksum)
    return BadChecksum("monero", "Keccak-256 checksum mismatch in a Monero address");
  Verdict out;
  Address& a = out.address.emplace();
  a.kind = SelectorKind::kMonero;
  a.value = std::string(token);
  a.validation = "monero-keccak-checksum";
  a.network = tag->network;
  a.type = tag->type;
  if (integrated)
    a.payment_id = HexEncode(std::span(data.data).subspan(64));
  return out;
}

// ---- Dispatch ------------------------------------------------------------------------------

enum class Shape { kNone, kEthereum, kSegwit, kCashAddr, kMonero, kBase58 };

// Cheap test of length and leading characters: which decoder, if any, may accept the token.
Shape ShapeOf(std::string_view token, const SegwitHrp** hrp) {
  const size_t n = token.size();
  if (n < 14 || n > 130)
    return Shape::kNone;
  size_t colon = token.find(':');
  if (colon != std::string_view::npos) {
    std::string_view prefix = token.substr(0, colon);
    if (!IEquals(prefix, "bitcoincash") && !IEquals(prefix, "bchtest") &&
        !IEquals(prefix, "bchreg")) {
      return Shape::kNone;
    }
    std::string_view payload = token.substr(colon + 1);
    if (payload.size() < 10 ||
        !std::all_of(payload.begin(), payload.end(), [](char c) { return IsAlnum(c); })) {
      return Shape::kNone;
    }
    return Shape::kCashAddr;
  }
  if (!std::all_of(token.begin(), token.end(), [](char c) { return IsAlnum(c); }))
    return Shape::kNone;
  if (n == 42 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X'))
    return Shape::kEthereum;
  if (const SegwitHrp* h = SegwitHrpOf(token); h != nullptr && n <= 90) {
    *hrp = h;
    return Shape::kSegwit;
  }
  const char first = Lower(token[0]);
  if ((n == 42 || n == 61) && (first == 'q' || first == 'p' || first == 'z' || first == 'r'))
    return Shape::kCashAddr;
  if (n == 95 || n == 106)
    return Shape::kMonero;
  if (n >= 26 && n <= 35 && kBase58FirstChars.find(token[0]) != std::string_view::npos)
    return Shape::kBase58;
  return Shape::kNone;
}

Verdict Classify(std::string_view token, Shape shape, const SegwitHrp* hrp) {
  switch (shape) {
    case Shape::kEthereum:
      return ClassifyEthereum(token);
    case Shape::kSegwit:
      return ClassifySegwit(token, *hrp);
    case Shape::kCashAddr:
      return ClassifyCashAddr(token);
    case Shape::kMonero:
      return ClassifyMonero(token);
    case Shape::kBase58:
      return ClassifyBase58(token);
    case Shape::kNone:
      break;
  }
  return {};
}

// ---- Payment URIs --------------------------------------------------------------------------

enum class Scheme { kBitcoin, kLitecoin, kBitcoinCash, kEthereum, kMonero, kTron, kDash, kZcash };

struct SchemeName {
  std::string_view name;
  Scheme scheme;
};

// BIP-21 (bitcoin:), EIP-681 (ethereum:), the Monero URI scheme (monero:, tx_amount), and the
// wallets' BIP-21 clones for the other coins.
constexpr SchemeName kSchemes[] = {
    {"bitcoin", Scheme::kBitcoin},
    {"litecoin", Scheme::kLitecoin},
    {"bitcoincash", Scheme::kBitcoinCash},
    {"bchtest", Scheme::kBitcoinCash},
    {"ethereum", Scheme::kEthereum},
    {"monero", Scheme::kMonero},
    {"tron", Scheme::kTron},
    {"dash", Scheme::kDash},
    {"zcash", Scheme::kZcash},
};

std::optional<Scheme> SchemeOf(std::string_view word) {
  for (const auto& s : kSchemes) {
    if (IEquals(word, s.name))
      return s.scheme;
  }
  return std::nullopt;
}

// Characters that may continue a URI query in running text (RFC 3986 section 2 minus the ones
// that usually close a quotation or a parenthesis around it).
bool IsQueryChar(char c) {
  if (c <= 0x20 || c >= 0x7f)
    return false;
  return std::string_view("\"'<>()[]{}|\\^`").find(c) == std::string_view::npos;
}

struct UriInfo {
  std::string_view uri;
  std::string_view amount;
  std::string_view label;
  std::string_view message;
  std::string_view chain_id;
  std::string token;  // the ERC-20 contract of an EIP-681 transfer, for its recipient
};

struct QueryParam {
  std::string_view key;
  std::string_view value;
  size_t value_offset = 0;  // in the scanned text
};

std::vector<QueryParam> ParseQuery(std::string_view text, size_t begin, size_t end) {
  std::vector<QueryParam> params;
  std::string_view query = text.substr(begin, end - begin);
  size_t pos = 0;
  while (pos < query.size() && params.size() < 64) {
    size_t amp = query.find('&', pos);  // within the query only: linear in its length
    if (amp == std::string_view::npos)
      amp = query.size();
    std::string_view piece = query.substr(pos, amp - pos);
    size_t eq = piece.find('=');
    QueryParam p;
    if (eq == std::string_view::npos) {
      p.key = piece;
      p.value_offset = begin + amp;
    } else {
      p.key = piece.substr(0, eq);
      p.value = piece.substr(eq + 1).substr(0, kMaxUriField);
      p.value_offset = begin + pos + eq + 1;
    }
    params.push_back(p);
    pos = amp + 1;
  }
  return params;
}

const QueryParam* FindParam(const std::vector<QueryParam>& params, std::string_view key) {
  for (const auto& p : params) {
    if (IEquals(p.key, key))
      return &p;
  }
  return nullptr;
}

std::string DetailsJson(const Address& a, const UriInfo* uri) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("network", a.network);
  w.Field("type", a.type);
  if (a.witness_version >= 0)
    w.FieldInt("witness_version", a.witness_version);
  if (!a.payment_id.empty())
    w.Field("payment_id", a.payment_id);
  if (uri != nullptr) {
    w.Field("uri", uri->uri);
    if (!uri->amount.empty())
      w.Field("amount", uri->amount);
    if (!uri->chain_id.empty()) {
      int64_t chain = 0;
      auto [ptr, ec] =
          std::from_chars(uri->chain_id.data(), uri->chain_id.data() + uri->chain_id.size(), chain);
      if (ec == std::errc() && ptr == uri->chain_id.data() + uri->chain_id.size())
        w.FieldInt("chain_id", chain);
    }
    if (!uri->token.empty())
      w.Field("token", uri->token);
    if (!uri->label.empty())
      w.Field("label", uri->label);
    if (!uri->message.empty())
      w.Field("message", uri->message);
  }
  w.EndObject();
  return out;
}

Selector MakeSelector(const Address& a, size_t begin, size_t end, const UriInfo* uri) {
  Selector s;
  s.kind = a.kind;
  s.value = a.value;
  s.begin = static_cast<uint32_t>(begin);
  s.end = static_cast<uint32_t>(end);
  s.validation = a.validation;
  s.details = DetailsJson(a, uri);
  s.confidence = a.confidence;
  return s;
}

// ---- The scanner ---------------------------------------------------------------------------

class CryptoScanner {
 public:
  CryptoScanner(std::string_view text, SelectorFindings& out) : text_(text), out_(out) {}

  void Run() {
    const size_t n = text_.size();
    size_t pos = 0;
    while (pos < n && !capped_) {
      if (!IsAlnum(text_[pos])) {
        ++pos;
        continue;
      }
      const size_t start = pos;
      while (pos < n && IsAlnum(text_[pos]))
        ++pos;
      std::string_view run = text_.substr(start, pos - start);
      if (pos < n && text_[pos] == ':') {
        if (auto scheme = SchemeOf(run)) {
          size_t uri_end = HandleUri(start, pos, *scheme);
          if (uri_end != std::string_view::npos)
            pos = uri_end;
          continue;  // a scheme word is not an address; go on after its ':'
        }
      }
      // The shortest address of any kind is a 14-character bech32 string ("bc1sw50qa3jx3s",
      // BIP-350); words shorter than that need no look.
      if (pos - start < kShortestAddress)
        continue;
      // "ecash:q..." and other CashAddr prefixes: not Bitcoin Cash, and not a mistyped one.
      const bool foreign_prefix =
          start >= 2 && text_[start - 1] == ':' && IsAlnum(text_[start - 2]);
      ClassifyAndEmit(start, pos, nullptr, foreign_prefix);
    }
  }

 private:
  // Decodes text_[begin, end) if it has an address's shape; emits a selector (with `uri`) or an
  // anomaly (not for CashAddr shapes after a foreign prefix). Returns the address when valid.
  std::optional<Address> ClassifyAndEmit(size_t begin, size_t end, const UriInfo* uri,
                                         bool foreign_prefix = false) {
    std::string_view token = text_.substr(begin, end - begin);
    const SegwitHrp* hrp = nullptr;
    Shape shape = ShapeOf(token, &hrp);
    if (shape == Shape::kNone || !Budget(begin))
      return std::nullopt;
    Verdict v = Classify(token, shape, hrp);
    if (v.address) {
      out_.selectors.push_back(MakeSelector(*v.address, begin, end, uri));
    } else if (!v.anomaly.empty() && !(foreign_prefix && shape == Shape::kCashAddr)) {
      out_.anomalies.push_back(
          {v.anomaly, v.anomaly_detail, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    }
    return v.address;
  }

  bool Budget(size_t at) {
    if (decodes_ >= kMaxCryptoDecodesPerText) {
      if (!capped_) {
        capped_ = true;
        out_.anomalies.push_back({"crypto.scan_capped",
                                  "more than " + std::to_string(kMaxCryptoDecodesPerText) +
                                      " address candidates; the rest of the text was not scanned",
                                  static_cast<uint32_t>(at), static_cast<uint32_t>(at)});
      }
      return false;
    }
    ++decodes_;
    return true;
  }

  // `scheme_begin` starts the scheme word, `colon` is the ':' after it. Returns where scanning
  // resumes, or npos when no address follows (then the caller goes on after the colon).
  size_t HandleUri(size_t scheme_begin, size_t colon, Scheme scheme) {
    const size_t n = text_.size();
    size_t p = colon + 1;
    if (text_.substr(p, 2) == "//")
      p += 2;
    if (scheme == Scheme::kEthereum && IStartsWith(text_.substr(p), "pay-"))
      p += 4;
    size_t q = p;
    while (q < n && IsAlnum(text_[q]))
      ++q;
    if (q == p)
      return std::string_view::npos;
    // CashAddr: "bitcoincash:q..." is the address itself, prefix included.
    const size_t address_begin =
        (scheme == Scheme::kBitcoinCash && p == colon + 1) ? scheme_begin : p;
    std::string_view token = text_.substr(address_begin, q - address_begin);
    const SegwitHrp* hrp = nullptr;
    Shape shape = ShapeOf(token, &hrp);
    if (shape == Shape::kNone)
      return std::string_view::npos;

    // The rest of the URI: EIP-681 "@chain_id" and "/function", then "?query".
    size_t e = q;
    UriInfo info;
    std::string_view function;
    if (scheme == Scheme::kEthereum) {
      if (e < n && text_[e] == '@') {
        size_t d = e + 1;
        while (d < n && IsDigit(text_[d]) && d - e <= 20)
          ++d;
        if (d > e + 1) {
          info.chain_id = text_.substr(e + 1, d - e - 1);
          e = d;
        }
      }
      if (e < n && text_[e] == '/') {
        size_t f = e + 1;
        while (f < n && (IsAlnum(text_[f]) || text_[f] == '_') && f - e <= 64)
          ++f;
        function = text_.substr(e + 1, f - e - 1);
        e = f;
      }
    }
    std::vector<QueryParam> params;
    if (e < n && text_[e] == '?') {
      size_t end = e + 1;
      while (end < n && end - e <= kMaxUriQuery && IsQueryChar(text_[end]))
        ++end;
      while (end > e + 1 &&
             std::string_view(".,;:!?").find(text_[end - 1]) != std::string_view::npos)
        --end;
      params = ParseQuery(text_, e + 1, end);
      e = end;
    }
    info.uri = text_.substr(scheme_begin, e - scheme_begin);
    auto param = [&params](std::string_view key) -> std::string_view {
      const QueryParam* found = FindParam(params, key);
      return found == nullptr ? std::string_view() : found->value;
    };
    info.label = param("label");
    info.message = param("message");
    if (scheme == Scheme::kMonero) {
      info.amount = param("tx_amount");
      if (info.amount.empty())
        info.amount = param("amount");
      if (info.label.empty())
        info.label = param("recipient_name");
      if (info.message.empty())
        info.message = param("tx_description");
    } else if (scheme == Scheme::kEthereum) {
      info.amount = param("value");
      if (info.amount.empty())
        info.amount = param("amount");
    } else {
      info.amount = param("amount");
    }

    const QueryParam* recipient = FindParam(params, "address");
    const bool transfer = scheme == Scheme::kEthereum && IEquals(function, "transfer") &&
                          recipient != nullptr && !recipient->value.empty();
    if (transfer) {
      // EIP-681 ERC-20 transfer: the path names the token contract, address= the recipient.
      if (!Budget(address_begin))
        return n;
      Verdict v = Classify(token, shape, hrp);
      if (v.address) {
        v.address->type = "token_contract";
        out_.selectors.push_back(MakeSelector(*v.address, address_begin, q, &info));
        UriInfo to = info;
        to.amount = param("uint256");
        to.token = v.address->value;
        size_t r_end = recipient->value_offset;
        while (r_end < n && IsAlnum(text_[r_end]))
          ++r_end;
        ClassifyAndEmit(recipient->value_offset, r_end, &to);
        return e;
      }
      if (!v.anomaly.empty()) {
        out_.anomalies.push_back({v.anomaly, v.anomaly_detail, static_cast<uint32_t>(address_begin),
                                  static_cast<uint32_t>(q)});
      }
      return q;
    }
    return ClassifyAndEmit(address_begin, q, &info) ? e : q;
  }

  std::string_view text_;
  SelectorFindings& out_;
  size_t decodes_ = 0;
  bool capped_ = false;
};

// ---- Onions --------------------------------------------------------------------------------

enum class OnionCheck { kValid, kBadChecksum, kNotBase32 };

// tor rend-spec-v3 section 6 [ONIONADDRESS]: base32(PUBKEY(32) | CHECKSUM(2) | VERSION(1)),
// CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2], VERSION = 3.
OnionCheck CheckOnionV3(std::string_view label) {
  auto bytes = Base32Decode(label);
  if (!bytes || bytes->size() != 35)
    return OnionCheck::kNotBase32;
  const uint8_t version = (*bytes)[34];
  if (version != 3)
    return OnionCheck::kBadChecksum;
  static constexpr std::string_view kPrefix = ".onion checksum";
  std::array<uint8_t, kPrefix.size() + 32 + 1> message{};
  std::memcpy(message.data(), kPrefix.data(), kPrefix.size());
  std::memcpy(message.data() + kPrefix.size(), bytes->data(), 32);
  message.back() = version;
  auto hash = Sha3_256(message);
  if (hash[0] != (*bytes)[32] || hash[1] != (*bytes)[33])
    return OnionCheck::kBadChecksum;
  return OnionCheck::kValid;
}

bool IsBase32(std::string_view label) {
  return std::all_of(label.begin(), label.end(), [](char c) {
    char l = Lower(c);
    return (l >= 'a' && l <= 'z') || (l >= '2' && l <= '7');
  });
}

bool IsLabelChar(char c) {
  return IsAlnum(c) || c == '-' || c == '_';
}

Selector OnionSelector(std::string_view label, int version, bool bare, size_t begin, size_t end) {
  Selector s;
  s.kind = SelectorKind::kOnion;
  s.value = LowerString(label) + ".onion";
  s.begin = static_cast<uint32_t>(begin);
  s.end = static_cast<uint32_t>(end);
  JsonWriter w(s.details);
  w.BeginObject();
  w.FieldInt("version", version);
  if (version == 2) {
    s.validation = "onion-v2-syntax";
    s.confidence = 0.8;
    w.Key("legacy");
    w.Bool(true);
  } else {
    s.validation = "onion-v3-checksum";
  }
  if (bare) {
    w.Key("bare");
    w.Bool(true);
  }
  w.EndObject();
  return s;
}

}  // namespace

void FindCryptoAddresses(std::string_view text, SelectorFindings& out) {
  if (text.size() > kMaxTextBytes)
    text = text.substr(0, kMaxTextBytes);
  CryptoScanner(text, out).Run();
}

void FindOnions(std::string_view text, SelectorFindings& out) {
  if (text.size() > kMaxTextBytes)
    text = text.substr(0, kMaxTextBytes);
  static constexpr std::string_view kSuffix = ".onion";
  const size_t n = text.size();
  size_t decodes = 0;
  size_t pos = 0;
  while (pos < n) {
    if (!IsAlnum(text[pos])) {
      ++pos;
      continue;
    }
    const size_t start = pos;
    while (pos < n && IsAlnum(text[pos]))
      ++pos;
    const size_t len = pos - start;
    if (len != 56 && len != 16)
      continue;
    // A run that is only part of a DNS label ("foo-<56>.onion") is not the onion label.
    if ((start > 0 && IsLabelChar(text[start - 1])) || (pos < n && IsLabelChar(text[pos])))
      continue;
    std::string_view label = text.substr(start, len);
    const bool dotted = IStartsWith(text.substr(pos), kSuffix) &&
                        (pos + kSuffix.size() == n || !IsLabelChar(text[pos + kSuffix.size()]));
    const size_t end = dotted ? pos + kSuffix.size() : pos;
    if (len == 16) {
      if (dotted && IsBase32(label))
        out.selectors.push_back(OnionSelector(label, 2, false, start, end));
      continue;
    }
    if (!dotted && !IsBase32(label))
      continue;
    if (decodes >= kMaxOnionDecodesPerText) {
      out.anomalies.push_back({"onion.scan_capped",
                               "more than " + std::to_string(kMaxOnionDecodesPerText) +
                                   " onion candidates; the rest of the text was not scanned",
                               static_cast<uint32_t>(start), static_cast<uint32_t>(start)});
      return;
    }
    ++decodes;
    OnionCheck check = CheckOnionV3(label);
    if (check == OnionCheck::kValid) {
      out.selectors.push_back(OnionSelector(label, 3, !dotted, start, end));
    } else if (dotted) {
      out.anomalies.push_back(
          {"onion.bad_checksum",
           check == OnionCheck::kNotBase32
               ? "56-character onion label that is not base32 (a typo such as 1 for l?)"
               : "onion v3 address with a wrong checksum or version",
           static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    }
  }
}

std::optional<Selector> ValidateAddress(std::string_view token) {
  const SegwitHrp* hrp = nullptr;
  Shape shape = ShapeOf(token, &hrp);
  if (shape == Shape::kNone)
    return std::nullopt;
  Verdict v = Classify(token, shape, hrp);
  if (!v.address)
    return std::nullopt;
  return MakeSelector(*v.address, 0, token.size(), nullptr);
}

std::optional<Selector> ValidateOnion(std::string_view host) {
  if (host.size() > 1024)
    return std::nullopt;
  std::string_view label = host;
  bool bare = true;
  if (label.size() > 6 && IEquals(label.substr(label.size() - 6), ".onion")) {
    bare = false;
    label.remove_suffix(6);
    size_t dot = label.rfind('.');
    if (dot != std::string_view::npos) {
      // Subdomains: non-empty DNS labels, dropped.
      std::string_view subdomains = label.substr(0, dot);
      size_t start = 0;
      while (start <= subdomains.size()) {
        size_t next = subdomains.find('.', start);
        if (next == std::string_view::npos)
          next = subdomains.size();
        std::string_view part = subdomains.substr(start, next - start);
        if (part.empty() || !std::all_of(part.begin(), part.end(), IsLabelChar))
          return std::nullopt;
        start = next + 1;
      }
      label = label.substr(dot + 1);
    }
  }
  if (label.size() == 16 && IsBase32(label))
    return OnionSelector(label, 2, bare, 0, host.size());
  if (label.size() == 56 && CheckOnionV3(label) == OnionCheck::kValid)
    return OnionSelector(label, 3, bare, 0, host.size());
  return std::nullopt;
}

}  // namespace dragnet::identify
