// Generators of valid seller selectors (OpenPGP keys, wallet addresses, onion hosts) for the
// simulated web. Key material and signatures come from libsodium (Ed25519, X25519, SHA-256),
// the PGP fingerprint hash from Nettle (SHA-1), the taproot key test from GMP, and the address
// encodings from Dragnet's own codecs (identify/selectors/codecs.h), so that what is generated
// here is exactly what the real world's software would write.

#include "simnet/keys.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>

#include <gmp.h>
#include <nettle/sha1.h>
#include <sodium.h>

#include "core/check.h"
#include "identify/selectors/codecs.h"

namespace dragnet::simnet {
namespace {

namespace id = dragnet::identify;
using Bytes = std::vector<uint8_t>;

// ---- Deterministic draws (raw mt19937_64 output; std:: distributions are not portable) ----

uint64_t Below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // rejection keeps the draw unbiased
  uint64_t x = rng();
  while (x >= limit)
    x = rng();
  return x % n;
}

template <size_t N>
std::array<uint8_t, N> RandomBytes(std::mt19937_64& rng) {
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; i += 8) {
    uint64_t x = rng();
    for (size_t j = i; j < std::min(N, i + 8); ++j, x >>= 8)
      out[j] = static_cast<uint8_t>(x);
  }
  return out;
}

void EnsureSodium() {
  // Selects libsodium's fastest implementations; the primitives used here are pure functions
  // that work the same whether or not it succeeds.
  static const int kInit = sodium_init();
  (void)kInit;
}

std::string UpperHex(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// ---- OpenPGP packets (RFC 4880 sections 4-5, 11; RFC 9580 sections 5.5.5.5, 11) ------------

void Put(Bytes& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
void Put(Bytes& out, std::initializer_list<uint8_t> bytes) {
  out.insert(out.end(), bytes);
}
void PutU16(Bytes& out, size_t v) {
  Put(out, {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}
void PutU32(Bytes& out, uint32_t v) {
  Put(out, {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
            static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}

// RFC 4880 section 3.2: bit count, then the big-endian value without leading zero octets.
void PutMpi(Bytes& out, std::span<const uint8_t> value) {
  size_t skip = 0;
  while (skip < value.size() && value[skip] == 0)
    ++skip;
  value = value.subspan(skip);
  size_t bits = value.empty() ? 0 : (value.size() - 1) * 8;
  for (uint8_t top = value.empty() ? 0 : value[0]; top != 0; top >>= 1)
    ++bits;
  PutU16(out, bits);
  Put(out, value);
}

// RFC 4880 section 4.2.2: new-format header with one-, two- or five-octet body length.
Bytes Packet(uint8_t tag, const Bytes& body) {
  Bytes out = {static_cast<uint8_t>(0xC0 | tag)};
  const size_t n = body.size();
  if (n < 192) {
    Put(out, {static_cast<uint8_t>(n)});
  } else if (n < 8384) {
    Put(out, {static_cast<uint8_t>(((n - 192) >> 8) + 192), static_cast<uint8_t>(n - 192)});
  } else {
    Put(out, {0xFF});
    PutU32(out, static_cast<uint32_t>(n));
  }
  Put(out, body);
  return out;
}

// Curve OIDs (RFC 9580 section 9.2): Ed25519Legacy and Curve25519Legacy.
constexpr uint8_t kEd25519Oid[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01};
constexpr uint8_t kCv25519Oid[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01};
constexpr uint8_t kAlgoEcdh = 18;
constexpr uint8_t kAlgoEdDsaLegacy = 22;

// Public key body, v4 (RFC 4880 section 5.5.2; EC fields RFC 9580 sections 5.5.5.5-5.5.5.6):
// version, creation time, algorithm, OID length + OID, MPI of 0x40 || native point, and for
// ECDH the KDF parameters 03 01 <hash SHA-256 = 8> <cipher AES-128 = 7>.
Bytes KeyBody(uint32_t created, uint8_t algorithm, std::span<const uint8_t> oid,
              std::span<const uint8_t, 32> point) {
  Bytes body = {4};
  PutU32(body, created);
  Put(body, {algorithm, static_cast<uint8_t>(oid.size())});
  Put(body, oid);
  Bytes mpi = {0x40};
  Put(mpi, point);
  PutMpi(body, mpi);
  if (algorithm == kAlgoEcdh)
    Put(body, {0x03, 0x01, 0x08, 0x07});
  return body;
}

// The form a key takes inside signature hashes and v4 fingerprints (RFC 4880 sections 5.2.4,
// 12.2): 0x99, two-octet length, body.
Bytes KeyHashForm(const Bytes& body) {
  Bytes out = {0x99};
  PutU16(out, body.size());
  Put(out, body);
  return out;
}

std::array<uint8_t, 20> Fingerprint(const Bytes& body) {
  const Bytes form = KeyHashForm(body);
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, form.size(), form.data());
  std::array<uint8_t, 20> out{};
  sha1_digest(&ctx, out.size(), out.data());
  return out;
}

// A v4 signature by the primary key (RFC 4880 section 5.2.3) over `hashed_prefix` (the key and
// the User ID or subkey it binds, in hash form). Hashed subpackets: creation time (2), issuer
// fingerprint (33, RFC 9580 section 5.2.3.35), key flags (27); unhashed: issuer key id (16).
// EdDSA legacy signs the SHA-256 digest itself and writes R and S as MPIs (RFC 9580 5.2.3.3).
Bytes SignaturePacket(uint8_t type, const Bytes& hashed_prefix, uint8_t key_flags, uint32_t created,
                      std::span<const uint8_t, 20> fingerprint,
                      std::span<const uint8_t, crypto_sign_SECRETKEYBYTES> secret_key) {
  Bytes hashed = {5, 2};
  PutU32(hashed, created);
  Put(hashed, {22, 33, 4});
  Put(hashed, fingerprint);
  Put(hashed, {2, 27, key_flags});
  Bytes body = {4, type, kAlgoEdDsaLegacy, 8};
  PutU16(body, hashed.size());
  Put(body, hashed);
  Bytes trailer = {0x04, 0xFF};  // RFC 4880 section 5.2.4: v4 trailer
  PutU32(trailer, static_cast<uint32_t>(body.size()));

  std::array<uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, hashed_prefix.data(), hashed_prefix.size());
  crypto_hash_sha256_update(&state, body.data(), body.size());
  crypto_hash_sha256_update(&state, trailer.data(), trailer.size());
  crypto_hash_sha256_final(&state, digest.data());
  std::array<uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, digest.data(), digest.size(), secret_key.data());

  Put(body, {0, 10, 9, 16});  // unhashed area: one issuer subpacket
  Put(body, fingerprint.subspan<12>());
  Put(body, {digest[0], digest[1]});
  PutMpi(body, std::span(sig).first<32>());
  PutMpi(body, std::span(sig).last<32>());
  return Packet(2, body);
}

// CRC-24 of RFC 4880 section 6.1 (written here: no Debian library exports OpenPGP's CRC-24).
uint32_t Crc24(std::span<const uint8_t> bytes) {
  uint32_t crc = 0xB704CE;
  for (uint8_t b : bytes) {
    crc ^= static_cast<uint32_t>(b) << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000)
        crc ^= 0x1864CFB;
    }
  }
  return crc & 0xFFFFFF;
}

std::string Base64(std::span<const uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// RFC 4880 section 6.2: armour header line, blank line, base64 in 64-column lines, "=" CRC-24.
std::string Armor(const Bytes& data) {
  const std::string b64 = Base64(data);
  std::string out = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n";
  for (size_t i = 0; i < b64.size(); i += 64)
    out += b64.substr(i, 64) + "\n";
  const uint32_t crc = Crc24(data);
  const uint8_t crc_bytes[] = {static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 8),
                               static_cast<uint8_t>(crc)};
  out += "=" + Base64(crc_bytes) + "\n-----END PGP PUBLIC KEY BLOCK-----\n";
  return out;
}

// ---- Addresses ------------------------------------------------------------------------------

std::string Base58Check(uint8_t version, std::span<const uint8_t> hash) {
  Bytes payload = {version};
  Put(payload, hash);
  return id::Base58CheckEncode(payload);
}

std::string Segwit(std::string_view hrp, int version, std::span<const uint8_t> program) {
  return id::EncodeSegwitAddress(hrp, version, program).value_or("");
}

// BIP-340 lift_x: a 32-byte string is a taproot output key iff x < p and x^3 + 7 is a square
// mod p. GMP's Legendre symbol decides it; real tweaked output keys are uniform over such x.
std::array<uint8_t, 32> TaprootKey(std::mt19937_64& rng) {
  mpz_t p, x, y2;
  mpz_inits(p, x, y2, nullptr);
  mpz_set_str(p, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", 16);
  std::array<uint8_t, 32> out{};
  for (;;) {
    out = RandomBytes<32>(rng);
    mpz_import(x, out.size(), 1, 1, 1, 0, out.data());
    mpz_powm_ui(y2, x, 3, p);
    mpz_add_ui(y2, y2, 7);
    mpz_mod(y2, y2, p);
    if (mpz_cmp(x, p) < 0 && mpz_legendre(y2, p) >= 0)
      break;
  }
  mpz_clears(p, x, y2, nullptr);
  return out;
}

// An Ed25519 public key a*G for a scalar drawn from `rng` (returns the scalar in `secret`).
std::array<uint8_t, 32> Ed25519Point(std::mt19937_64& rng, std::array<uint8_t, 32>& secret) {
  std::array<uint8_t, 32> point{};
  do {
    const auto wide = RandomBytes<64>(rng);
    crypto_core_ed25519_scalar_reduce(secret.data(), wide.data());
  } while (crypto_scalarmult_ed25519_base_noclamp(point.data(), secret.data()) != 0);
  return point;
}

// Monero standard address (src/cryptonote_basic/cryptonote_basic_impl.cpp): tag 18, public
// spend key, public view key; the view secret is sc_reduce32(Keccak-256(spend secret)) as in
// Monero's deterministic wallets (src/cryptonote_basic/account.cpp).
std::string MoneroAddress(std::mt19937_64& rng) {
  std::array<uint8_t, 32> spend_secret{};
  const auto spend = Ed25519Point(rng, spend_secret);
  const auto hash = id::Keccak256(spend_secret);
  std::array<uint8_t, 64> wide{};
  std::copy(hash.begin(), hash.end(), wide.begin());
  std::array<uint8_t, 32> view_secret{};
  crypto_core_ed25519_scalar_reduce(view_secret.data(), wide.data());
  std::array<uint8_t, 32> view{};
  if (crypto_scalarmult_ed25519_base_noclamp(view.data(), view_secret.data()) != 0)
    return MoneroAddress(rng);  // a zero scalar: chance 2^-252
  Bytes data(spend.begin(), spend.end());
  Put(data, view);
  return id::MoneroEncodeAddress(18, data);
}

// The first letter ('A' or 'a') of a case that `body` (40 hex) holds at least twice while it also
// holds the other: flipping one letter of that case leaves the text mixed-case, which EIP-55
// must then reject. nullopt when there is none.
std::optional<char> FlippableCase(std::string_view body) {
  const auto upper =
      std::count_if(body.begin(), body.end(), [](char c) { return c >= 'A' && c <= 'F'; });
  const auto lower =
      std::count_if(body.begin(), body.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  if (upper >= 2 && lower >= 1)
    return 'A';
  if (lower >= 2 && upper >= 1)
    return 'a';
  return std::nullopt;
}

constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

// Whether a 56-character label carries its own key's checksum and version 3.
bool OnionLabelValid(std::string_view label) {
  const auto bytes = id::Base32Decode(label);
  if (!bytes || bytes->size() != 35)
    return false;
  std::string lower(label);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return OnionHostFromKey(std::span(*bytes).first<32>()) == lower + ".onion";
}

}  // namespace

GeneratedPgpKey MakePgpKey(std::string_view user_id, uint32_t created, std::mt19937_64& rng) {
  EnsureSodium();
  const auto seed = RandomBytes<crypto_sign_SEEDBYTES>(rng);
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  std::array<uint8_t, crypto_scalarmult_curve25519_BYTES> cv_pk{};
  // Fails only for a point of small order, which a key pair's public key never is.
  DRAGNET_CHECK(crypto_sign_ed25519_pk_to_curve25519(cv_pk.data(), pk.data()) == 0,
                "Ed25519 public key without a Curve25519 form");

  const Bytes primary = KeyBody(created, kAlgoEdDsaLegacy, kEd25519Oid, pk);
  const Bytes subkey = KeyBody(created, kAlgoEcdh, kCv25519Oid, cv_pk);
  const auto fpr = Fingerprint(primary);
  const Bytes uid(user_id.begin(), user_id.end());

  // Certification hash input (RFC 4880 section 5.2.4): key, then 0xB4 + 4-octet length + uid.
  Bytes cert_prefix = KeyHashForm(primary);
  Put(cert_prefix, {0xB4});
  PutU32(cert_prefix, static_cast<uint32_t>(uid.size()));
  Put(cert_prefix, uid);
  // Subkey binding hash input: primary key, then subkey, both in hash form.
  Bytes binding_prefix = KeyHashForm(primary);
  Put(binding_prefix, KeyHashForm(subkey));

  // Key flags (RFC 4880 section 5.2.3.21): 0x01 certify, 0x02 sign, 0x04|0x08 encrypt.
  Bytes out = Packet(6, primary);
  Put(out, Packet(13, uid));
  Put(out, SignaturePacket(0x13, cert_prefix, 0x03, created, fpr, sk));
  Put(out, Packet(14, subkey));
  Put(out, SignaturePacket(0x18, binding_prefix, 0x0C, created, fpr, sk));
  sodium_memzero(sk.data(), sk.size());

  GeneratedPgpKey key;
  key.armored = Armor(out);
  key.binary = std::move(out);
  key.fingerprint = UpperHex(fpr);
  key.key_id = key.fingerprint.substr(24);
  key.subkey_fingerprint = UpperHex(Fingerprint(subkey));
  key.user_id = std::string(user_id);
  return key;
}

std::string_view CoinName(Coin coin) {
  static constexpr std::string_view kNames[] = {
      "bitcoin_p2pkh",   "bitcoin_p2sh", "bitcoin_p2wpkh", "bitcoin_p2tr", "litecoin_p2pkh",
      "litecoin_p2wpkh", "bitcoin_cash", "ethereum",       "tron",         "monero"};
  const auto i = static_cast<size_t>(coin);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::string MakeAddress(Coin coin, std::mt19937_64& rng) {
  EnsureSodium();
  // Version bytes: Bitcoin Core and Litecoin chainparams.cpp; TRON 0x41. HRPs: BIP-173, Litecoin.
  switch (coin) {
    case Coin::kBitcoinP2pkh:
      return Base58Check(0x00, RandomBytes<20>(rng));
    case Coin::kBitcoinP2sh:
      return Base58Check(0x05, RandomBytes<20>(rng));
    case Coin::kBitcoinP2wpkh:
      return Segwit("bc", 0, RandomBytes<20>(rng));
    case Coin::kBitcoinP2tr:
      return Segwit("bc", 1, TaprootKey(rng));
    case Coin::kLitecoinP2pkh:
      return Base58Check(0x30, RandomBytes<20>(rng));
    case Coin::kLitecoinP2wpkh:
      return Segwit("ltc", 0, RandomBytes<20>(rng));
    case Coin::kBitcoinCash:
      return id::CashAddrEncode("bitcoincash", 0, RandomBytes<20>(rng));
    case Coin::kEthereum:
      for (;;) {
        std::string address = EthereumAddress(RandomBytes<20>(rng));
        if (FlippableCase(std::string_view(address).substr(2)))
          return address;
      }
    case Coin::kTron:
      return Base58Check(0x41, RandomBytes<20>(rng));
    case Coin::kMonero:
      return MoneroAddress(rng);
  }
  return "";
}

std::string EthereumAddress(std::span<const uint8_t, 20> account) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : account) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  // EIP-55: letter i is upper-case iff nibble i of Keccak-256(lower-case hex) is >= 8.
  const auto hash = id::Keccak256(hex);
  for (size_t i = 0; i < hex.size(); ++i) {
    const uint8_t nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 15);
    if (hex[i] >= 'a' && nibble >= 8)
      hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

std::string OnionHostFromKey(std::span<const uint8_t, 32> ed25519_public_key) {
  // rend-spec-v3 section 6: base32(PUBKEY || CHECKSUM || VERSION), CHECKSUM =
  // SHA3-256(".onion checksum" || PUBKEY || VERSION)[:2], VERSION = 3.
  static constexpr std::string_view kSalt = ".onion checksum";
  Bytes message(kSalt.begin(), kSalt.end());
  Put(message, ed25519_public_key);
  Put(message, {3});
  const auto checksum = id::Sha3_256(message);
  Bytes address(ed25519_public_key.begin(), ed25519_public_key.end());
  Put(address, {checksum[0], checksum[1], 3});
  return id::Base32Encode(address) + ".onion";
}

std::string MakeOnionHost(std::mt19937_64& rng) {
  EnsureSodium();
  const auto seed = RandomBytes<crypto_sign_SEEDBYTES>(rng);
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  return OnionHostFromKey(pk);
}

std::string CorruptChecksum(std::string_view address, std::mt19937_64& rng) {
  std::string text(address);
  const auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  // Ethereum: flip the case of one letter whose case occurs at least twice (EIP-55).
  if (text.size() == 42 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
      std::all_of(text.begin() + 2, text.end(), is_hex)) {
    const auto flip = FlippableCase(std::string_view(text).substr(2));
    if (!flip)
      return "";
    std::vector<size_t> candidates;
    for (size_t i = 2; i < text.size(); ++i) {
      if (text[i] >= *flip && text[i] <= *flip + 5)
        candidates.push_back(i);
    }
    char& c = text[candidates[Below(rng, candidates.size())]];
    c = static_cast<char>(c ^ 0x20);
    return text;
  }

  // Other forms: the alphabet, the first character that may change (the prefix, witness
  // version and leading version characters stay), and a test that the result is this form
  // with a failing checksum. A change that breaks more than the checksum is drawn again.
  std::string_view alphabet;
  size_t begin = 0;
  size_t end = text.size();
  std::function<bool(const std::string&)> fails_checksum;
  id::SegwitAddress segwit;
  id::CashAddrData cash;
  id::MoneroAddressData monero;
  Bytes payload;
  const size_t colon = text.find(':');
  if (text.size() == 62 && std::string_view(text).substr(56) == ".onion") {
    alphabet = kBase32;
    end = 56;
    fails_checksum = [](const std::string& t) {
      return id::Base32Decode(std::string_view(t).substr(0, 56)).has_value() &&
             !OnionLabelValid(std::string_view(t).substr(0, 56));
    };
  } else if (colon != std::string::npos && id::CashAddrDecode(text, cash) == id::CodecStatus::kOk) {
    alphabet = kBech32;
    begin = colon + 2;
    fails_checksum = [](const std::string& t) {
      id::CashAddrData d;
      return id::CashAddrDecode(t, d) == id::CodecStatus::kBadChecksum;
    };
  } else if (id::DecodeSegwitAddress(text, segwit) == id::CodecStatus::kOk) {
    alphabet = kBech32;
    begin = segwit.hrp.size() + 2;
    fails_checksum = [hrp = segwit.hrp](const std::string& t) {
      id::SegwitAddress s;
      return id::DecodeSegwitAddress(t, s) == id::CodecStatus::kBadChecksum && s.hrp == hrp;
    };
  } else if (id::MoneroDecodeAddress(text, monero) == id::CodecStatus::kOk) {
    alphabet = kBase58;
    begin = 2;
    fails_checksum = [tag = monero.tag, size = monero.data.size()](const std::string& t) {
      id::MoneroAddressData d;
      return id::MoneroDecodeAddress(t, d) == id::CodecStatus::kBadChecksum && d.tag == tag &&
             d.data.size() == size;
    };
  } else if (id::Base58CheckDecode(text, payload) == id::CodecStatus::kOk && !payload.empty()) {
    alphabet = kBase58;
    begin = 1;
    fails_checksum = [size = payload.size(), version = payload[0]](const std::string& t) {
      Bytes p;
      return id::Base58CheckDecode(t, p) == id::CodecStatus::kBadChecksum && p.size() == size &&
             p[0] == version;
    };
  } else {
    return "";
  }
  if (begin >= end)
    return "";
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string candidate = text;
    char& c = candidate[begin + Below(rng, end - begin)];
    const bool upper = alphabet != kBase58 && std::isupper(static_cast<unsigned char>(c));
    const char old = upper ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
    char replacement = old;
    while (replacement == old)
      replacement = alphabet[Below(rng, alphabet.size())];
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(replacement)))
              : replacement;
    if (fails_checksum(candidate))
      return candidate;
  }
  return "";
}

}  // namespace dragnet::simnet
