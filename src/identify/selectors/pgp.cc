#include "identify/selectors/pgp.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <exception>
#include <set>
#include <utility>

#include <sodium.h>

#include "core/hash.h"
#include "core/json_writer.h"
#include "identify/selectors/scan_util.h"

namespace dragnet::identify {
namespace {

constexpr size_t kMaxPacketBytes = size_t{16} << 20;  // a packet stream at most 16 MiB
constexpr size_t kMaxBase64Chars = (kMaxPacketBytes / 3 + 1) * 4 + 8;
constexpr size_t kMaxArmorBlocks = 64;
constexpr size_t kMaxTextMatches = 256;
constexpr size_t kMaxKeys = 1024;
constexpr size_t kMaxUserIds = 256;
constexpr size_t kMaxSubkeys = 256;
constexpr size_t kMaxUserIdBytes = 2048;
constexpr size_t kMaxProblems = 32;
constexpr size_t kContextBytes = 80;

// ---------------------------------------------------------------------------------------------
// Small helpers.

uint32_t Be16(const uint8_t* p) {
  return (uint32_t{p[0]} << 8) | p[1];
}
uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::string HexUpper(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0x0F]);
  }
  return hex;
}

bool IsHex(char c) {
  return IsHexDigit(c);
}
bool IsAlnum(char c) {
  return IsAsciiAlnum(c);
}
bool IsRadix64(char c) {
  return IsAlnum(c) || c == '+' || c == '/';
}
char ToUpperAscii(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}
char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string UpperHex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size());
  for (char c : hex) {
    if (c != ' ')
      out.push_back(ToUpperAscii(c));
  }
  return out;
}

std::string Iso8601(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr)
    return "";
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

void AddProblem(std::vector<PgpProblem>& problems, std::string kind, std::string detail) {
  if (problems.size() < kMaxProblems)
    problems.push_back({std::move(kind), std::move(detail)});
}

// CRC-24 of the armour checksum, RFC 4880 section 6.1 (RFC 9580 section 6.1.1).
uint32_t Crc24(std::span<const uint8_t> data) {
  uint32_t crc = 0xB704CE;
  for (uint8_t b : data) {
    crc ^= uint32_t{b} << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000)
        crc ^= 0x1864CFB;
    }
  }
  return crc & 0xFFFFFF;
}

// ---------------------------------------------------------------------------------------------
// Packet framing (hand-written: no Debian library exposes an OpenPGP packet parser).

struct Packet {
  int tag = 0;
  std::span<const uint8_t> body;
  size_t offset = 0;
};

enum class ReadStatus { kOk, kEnd, kTruncated, kCorrupt };

// Reads the packet at `pos`: new format (RFC 9580 section 4.2.1, with partial body lengths,
// section 4.2.1.4) and old format (RFC 4880 section 4.2.1, including the indeterminate length).
// Partial bodies are joined in `storage`.
ReadStatus ReadPacket(std::span<const uint8_t> data, size_t& pos, Packet& packet,
                      std::vector<uint8_t>& storage, std::string& why) {
  if (pos >= data.size())
    return ReadStatus::kEnd;
  packet.offset = pos;
  const uint8_t ctb = data[pos];
  if ((ctb & 0x80) == 0) {
    why = "octet " + std::to_string(pos) + " is not a packet header (bit 7 clear)";
    return ReadStatus::kCorrupt;
  }
  size_t p = pos + 1;
  auto left = [&] { return data.size() - p; };
  auto truncated = [&](std::string_view what) {
    why = "packet at octet " + std::to_string(pos) + ": " + std::string(what);
    return ReadStatus::kTruncated;
  };
  if (ctb & 0x40) {
    packet.tag = ctb & 0x3F;
    storage.clear();
    bool partial_seen = false;
    while (true) {
      if (left() < 1)
        return truncated("length missing");
      const uint8_t o1 = data[p++];
      size_t len = 0;
      bool partial = false;
      if (o1 < 192) {
        len = o1;
      } else if (o1 < 224) {
        if (left() < 1)
          return truncated("length cut short");
        len = ((size_t{o1} - 192) << 8) + data[p++] + 192;
      } else if (o1 == 255) {
        if (left() < 4)
          return truncated("length cut short");
        len = Be32(&data[p]);
        p += 4;
      } else {
        len = size_t{1} << (o1 & 0x1F);
        partial = true;
      }
      if (left() < len) {
        return truncated("body of " + std::to_string(len) + " octets, only " +
                         std::to_string(left()) + " left");
      }
      if (!partial && !partial_seen) {
        packet.body = data.subspan(p, len);
        p += len;
        break;
      }
      storage.insert(storage.end(), data.begin() + static_cast<std::ptrdiff_t>(p),
                     data.begin() + static_cast<std::ptrdiff_t>(p + len));
      p += len;
      partial_seen = true;
      if (!partial) {
        packet.body = storage;
        break;
      }
    }
  } else {
    packet.tag = (ctb >> 2) & 0x0F;
    size_t len = 0;
    switch (ctb & 3) {
      case 0:
        if (left() < 1)
          return truncated("length missing");
        len = data[p];
        p += 1;
        break;
      case 1:
        if (left() < 2)
          return truncated("length missing");
        len = Be16(&data[p]);
        p += 2;
        break;
      case 2:
        if (left() < 4)
          return truncated("length missing");
        len = Be32(&data[p]);
        p += 4;
        break;
      default:
        len = left();  // indeterminate: to the end of the data
        break;
    }
    if (left() < len) {
      return truncated("body of " + std::to_string(len) + " octets, only " +
                       std::to_string(left()) + " left");
    }
    packet.body = data.subspan(p, len);
    p += len;
  }
  pos = p;
  return ReadStatus::kOk;
}

// ---------------------------------------------------------------------------------------------
// Key material (RFC 9580 section 5.5.5, RFC 4880 section 5.5.2, RFC 6637 for ECC).

class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> data) : data_(data) {}
  size_t pos() const { return pos_; }
  size_t left() const { return data_.size() - pos_; }
  bool Bytes(size_t n, std::span<const uint8_t>* out) {
    if (left() < n)
      return false;
    if (out != nullptr)
      *out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* out) {
    if (left() < 1)
      return false;
    *out = data_[pos_++];
    return true;
  }
  // MPI: two-octet bit count, then the octets (RFC 9580 section 3.2).
  bool Mpi(std::span<const uint8_t>* out) {
    if (left() < 2)
      return false;
    const size_t bits = Be16(&data_[pos_]);
    pos_ += 2;
    return Bytes((bits + 7) / 8, out);
  }
  // Curve OID: one length octet (0 and 0xFF reserved), then the DER body (RFC 9580 9.2).
  bool Oid(std::span<const uint8_t>* out) {
    uint8_t len = 0;
    if (!U8(&len) || len == 0 || len == 0xFF)
      return false;
    return Bytes(len, out);
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

int BitLength(std::span<const uint8_t> value) {
  size_t i = 0;
  while (i < value.size() && value[i] == 0)
    ++i;
  if (i == value.size())
    return 0;
  int top = 0;
  for (uint8_t b = value[i]; b != 0; b >>= 1)
    ++top;
  return static_cast<int>((value.size() - i - 1) * 8) + top;
}

struct CurveInfo {
  uint8_t len;
  uint8_t oid[10];
  const char* name;
  int bits;
};

// Curve OIDs of RFC 9580 section 9.2 and the ones GnuPG uses (secp256k1, X448/Ed448 by RFC 8410).
constexpr CurveInfo kCurves[] = {
    {8, {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}, "nistp256", 256},
    {5, {0x2B, 0x81, 0x04, 0x00, 0x22}, "nistp384", 384},
    {5, {0x2B, 0x81, 0x04, 0x00, 0x23}, "nistp521", 521},
    {9, {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07}, "brainpoolP256r1", 256},
    {9, {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B}, "brainpoolP384r1", 384},
    {9, {0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D}, "brainpoolP512r1", 512},
    {9, {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01}, "ed25519", 255},
    {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01}, "cv25519", 255},
    {5, {0x2B, 0x81, 0x04, 0x00, 0x0A}, "secp256k1", 256},
    {3, {0x2B, 0x65, 0x6E}, "cv25519", 255},
    {3, {0x2B, 0x65, 0x6F}, "cv448", 448},
    {3, {0x2B, 0x65, 0x70}, "ed25519", 255},
    {3, {0x2B, 0x65, 0x71}, "ed448", 448},
};

// Dotted form of a DER OID body (X.690 section 8.19).
std::string OidDotted(std::span<const uint8_t> oid) {
  std::string out;
  uint64_t value = 0;
  bool first = true;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (value > (uint64_t{1} << 56))
      return out + "?";
    value = (value << 7) | (oid[i] & 0x7F);
    if (oid[i] & 0x80)
      continue;
    if (first) {
      const uint64_t arc1 = value < 40 ? 0 : (value < 80 ? 1 : 2);
      out = std::to_string(arc1) + "." + std::to_string(value - arc1 * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  if (oid.empty() || (oid.back() & 0x80))
    out += "?";
  return out;
}

void SetCurve(std::span<const uint8_t> oid, PgpSubkey& key) {
  for (const CurveInfo& curve : kCurves) {
    if (oid.size() == curve.len && std::memcmp(oid.data(), curve.oid, curve.len) == 0) {
      key.curve = curve.name;
      key.bits = curve.bits;
      return;
    }
  }
  key.curve = OidDotted(oid);
}

std::string AlgorithmName(int algorithm) {
  switch (algorithm) {
    case 1:
    case 2:
    case 3:
      return "rsa";
    case 16:
    case 20:
      return "elgamal";
    case 17:
      return "dsa";
    case 18:
      return "ecdh";
    case 19:
      return "ecdsa";
    case 22:
      return "eddsa";
    case 25:
      return "x25519";
    case 26:
      return "x448";
    case 27:
      return "ed25519";
    case 28:
      return "ed448";
    default:
      return "unknown-" + std::to_string(algorithm);
  }
}

enum class MaterialStatus { kOk, kMalformed, kUnknown };

// Parses the public key material of `algorithm`; sets bits and curve; `consumed` = its length.
MaterialStatus ParseMaterial(int algorithm, std::span<const uint8_t> material, PgpSubkey& key,
                             size_t& consumed) {
  Cursor c(material);
  std::span<const uint8_t> first, oid;
  bool ok = true;
  switch (algorithm) {
    case 1:
    case 2:
    case 3:  // RSA: n, e
      ok = c.Mpi(&first) && c.Mpi(nullptr);
      key.bits = BitLength(first);
      break;
    case 16:
    case 20:  // Elgamal: p, g, y
      ok = c.Mpi(&first) && c.Mpi(nullptr) && c.Mpi(nullptr);
      key.bits = BitLength(first);
      break;
    case 17:  // DSA: p, q, g, y
      ok = c.Mpi(&first) && c.Mpi(nullptr) && c.Mpi(nullptr) && c.Mpi(nullptr);
      key.bits = BitLength(first);
      break;
    case 19:
    case 22:  // ECDSA, legacy EdDSA: curve OID, point
      ok = c.Oid(&oid) && c.Mpi(nullptr);
      if (!oid.empty())
        SetCurve(oid, key);
      break;
    case 18: {  // ECDH: curve OID, point, KDF parameters (RFC 9580 section 5.5.5.6)
      std::span<const uint8_t> kdf_len;
      ok = c.Oid(&oid) && c.Mpi(nullptr) && c.Bytes(1, &kdf_len) && c.Bytes(kdf_len[0], nullptr);
      if (!oid.empty())
        SetCurve(oid, key);
      break;
    }
    case 25:  // X25519 (RFC 9580 section 5.5.5.7)
      ok = c.Bytes(32, nullptr);
      key.curve = "cv25519";
      key.bits = 255;
      break;
    case 26:  // X448
      ok = c.Bytes(56, nullptr);
      key.curve = "cv448";
      key.bits = 448;
      break;
    case 27:  // Ed25519
      ok = c.Bytes(32, nullptr);
      key.curve = "ed25519";
      key.bits = 255;
      break;
    case 28:  // Ed448
      ok = c.Bytes(57, nullptr);
      key.curve = "ed448";
      key.bits = 448;
      break;
    default:
      return MaterialStatus::kUnknown;
  }
  consumed = c.pos();
  return ok ? MaterialStatus::kOk : MaterialStatus::kMalformed;
}

std::string PacketName(bool subkey, int index) {
  return std::string(subkey ? "subkey" : "key") + " packet " + std::to_string(index);
}

// Parses a (public or secret) key packet body into `key`: RFC 4880 section 5.5.2 (v3, v4),
// LibrePGP / GnuPG v5, RFC 9580 section 5.5.2 (v6). Fingerprints: RFC 4880 section 12.2 (v3:
// MD5 of n and e; v4: SHA-1 over 0x99, two-octet length, body), v5: SHA-256 over 0x9A, four-octet
// length, body; RFC 9580 section 5.5.4.3 (v6: SHA-256 over 0x9B, four-octet length, body).
bool ParseKey(std::span<const uint8_t> body, bool secret, bool subkey, int index, PgpSubkey& key,
              std::vector<PgpProblem>& problems) {
  const std::string name = PacketName(subkey, index);
  if (body.empty()) {
    AddProblem(problems, "pgp.truncated", name + " is empty");
    return false;
  }
  key.version = body[0];
  switch (key.version) {
    case 2:
    case 3: {
      if (body.size() < 8) {
        AddProblem(problems, "pgp.truncated", name + ": v3 key header cut short");
        return false;
      }
      key.created = Be32(&body[1]);
      const int algorithm = body[7];
      key.algorithm = AlgorithmName(algorithm);
      if (algorithm < 1 || algorithm > 3) {
        AddProblem(problems, "pgp.unsupported",
                   name + ": v3 key of algorithm " + std::to_string(algorithm));
        return false;
      }
      Cursor c(body.subspan(8));
      std::span<const uint8_t> n, e;
      if (!c.Mpi(&n) || !c.Mpi(&e)) {
        AddProblem(problems, "pgp.truncated", name + ": v3 RSA key material cut short");
        return false;
      }
      key.bits = BitLength(n);
      Hasher md5(DigestAlgorithm::kMd5);
      md5.Update(n);
      md5.Update(e);
      key.fingerprint = HexUpper(md5.Finish());
      std::array<uint8_t, 8> id{};
      const size_t take = std::min<size_t>(8, n.size());
      std::copy(n.end() - static_cast<std::ptrdiff_t>(take), n.end(), id.end() - take);
      key.key_id = HexUpper(id);  // the low 64 bits of the modulus
      return true;
    }
    case 4: {
      if (body.size() < 6) {
        AddProblem(problems, "pgp.truncated", name + ": v4 key header cut short");
        return false;
      }
      key.created = Be32(&body[1]);
      const int algorithm = body[5];
      key.algorithm = AlgorithmName(algorithm);
      size_t consumed = 0;
      const MaterialStatus status = ParseMaterial(algorithm, body.subspan(6), key, consumed);
      // A fingerprint over damaged key material names no real key: such a key is not reported.
      if (status == MaterialStatus::kMalformed) {
        AddProblem(problems, "pgp.corrupt", name + ": malformed key material, key skipped");
        return false;
      }
      size_t public_len = body.size();
      if (secret) {
        if (status == MaterialStatus::kUnknown) {
          AddProblem(problems, "pgp.unsupported",
                     name + ": secret key of unknown algorithm " + std::to_string(algorithm));
          return false;
        }
        public_len = 6 + consumed;
      }
      if (public_len > 0xFFFF) {
        AddProblem(problems, "pgp.unsupported", name + ": v4 key longer than 65535 octets");
        return false;
      }
      Hasher sha1(DigestAlgorithm::kSha1);
      const uint8_t prefix[3] = {0x99, static_cast<uint8_t>(public_len >> 8),
                                 static_cast<uint8_t>(public_len)};
      sha1.Update(std::span<const uint8_t>(prefix, 3));
      sha1.Update(body.first(public_len));
      const std::vector<uint8_t> fpr = sha1.Finish();
      key.fingerprint = HexUpper(fpr);
      key.key_id = HexUpper(std::span<const uint8_t>(fpr).last(8));
      return true;
    }
    case 5:
    case 6: {
      if (body.size() < 10) {
        AddProblem(problems, "pgp.truncated",
                   name + ": v" + std::to_string(key.version) + " key header cut short");
        return false;
      }
      key.created = Be32(&body[1]);
      const int algorithm = body[5];
      key.algorithm = AlgorithmName(algorithm);
      const size_t material_len = Be32(&body[6]);
      if (material_len > body.size() - 10) {
        AddProblem(problems, "pgp.truncated", name + ": key material cut short");
        return false;
      }
      size_t consumed = 0;
      const MaterialStatus status =
          ParseMaterial(algorithm, body.subspan(10, material_len), key, consumed);
      if (status == MaterialStatus::kMalformed) {
        AddProblem(problems, "pgp.corrupt", name + ": malformed key material, key skipped");
        return false;
      }
      const size_t public_len = secret ? 10 + material_len : body.size();
      const uint8_t prefix[5] = {
          static_cast<uint8_t>(key.version == 5 ? 0x9A : 0x9B),
          static_cast<uint8_t>(public_len >> 24), static_cast<uint8_t>(public_len >> 16),
          static_cast<uint8_t>(public_len >> 8), static_cast<uint8_t>(public_len)};
      Hasher sha256(DigestAlgorithm::kSha256);
      sha256.Update(std::span<const uint8_t>(prefix, 5));
      sha256.Update(body.first(public_len));
      const std::vector<uint8_t> fpr = sha256.Finish();
      key.fingerprint = HexUpper(fpr);
      key.key_id = HexUpper(std::span<const uint8_t>(fpr).first(8));
      return true;
    }
    default:
      AddProblem(problems, "pgp.unsupported",
                 name + ": unknown key version " + std::to_string(key.version));
      return false;
  }
}

void ParseInto(std::span<const uint8_t> bytes, PgpParse& result) {
  if (bytes.size() > kMaxPacketBytes) {
    AddProblem(result.problems, "pgp.too_large",
               "packet data of " + std::to_string(bytes.size()) + " octets cut to 16 MiB");
    bytes = bytes.first(kMaxPacketBytes);
  }
  size_t pos = 0;
  std::vector<uint8_t> storage;
  Packet packet;
  bool have_key = false;
  bool orphan_reported = false;
  int index = 0;
  while (true) {
    std::string why;
    const ReadStatus status = ReadPacket(bytes, pos, packet, storage, why);
    if (status == ReadStatus::kEnd)
      break;
    if (status == ReadStatus::kTruncated) {
      AddProblem(result.problems, "pgp.truncated", why);
      break;
    }
    if (status == ReadStatus::kCorrupt) {
      AddProblem(result.problems, "pgp.corrupt", why);
      break;
    }
    ++index;
    switch (packet.tag) {
      case 0:
        AddProblem(result.problems, "pgp.corrupt",
                   "packet " + std::to_string(index) + " has the reserved tag 0");
        return;
      case 5:    // secret key
      case 6: {  // public key
        if (result.keys.size() >= kMaxKeys) {
          AddProblem(result.problems, "pgp.too_large", "more than 1024 keys");
          return;
        }
        PgpKey key;
        key.secret = packet.tag == 5;
        have_key = ParseKey(packet.body, key.secret, false, index, key.primary, result.problems);
        if (have_key)
          result.keys.push_back(std::move(key));
        break;
      }
      case 7:     // secret subkey
      case 14: {  // public subkey
        if (!have_key) {
          if (!orphan_reported && result.keys.empty()) {
            AddProblem(result.problems, "pgp.orphan_subkey",
                       "subkey packet " + std::to_string(index) + " without a primary key");
          }
          orphan_reported = true;
          break;
        }
        PgpKey& key = result.keys.back();
        if (key.subkeys.size() >= kMaxSubkeys)
          break;
        PgpSubkey subkey;
        if (ParseKey(packet.body, packet.tag == 7, true, index, subkey, result.problems))
          key.subkeys.push_back(std::move(subkey));
        break;
      }
      case 13:  // user id
        if (have_key && result.keys.back().user_ids.size() < kMaxUserIds) {
          const size_t n = std::min(packet.body.size(), kMaxUserIdBytes);
          result.keys.back().user_ids.emplace_back(
              reinterpret_cast<const char*>(packet.body.data()), n);
        }
        break;
      default:  // signatures, trust, user attributes, ...: not needed for the selectors
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Signature issuers (RFC 9580 section 5.2: v3 key id field; subpackets 16 and 33).

struct Issuer {
  std::string fingerprint;
  std::string key_id;
  int version = 0;
};

void ParseSubpackets(std::span<const uint8_t> area, Issuer& issuer) {
  size_t p = 0;
  while (p < area.size()) {
    const uint8_t o1 = area[p++];
    size_t len = 0;
    if (o1 < 192) {
      len = o1;
    } else if (o1 < 255) {
      if (p >= area.size())
        return;
      len = ((size_t{o1} - 192) << 8) + area[p++] + 192;
    } else {
      if (area.size() - p < 4)
        return;
      len = Be32(&area[p]);
      p += 4;
    }
    if (len == 0 || len > area.size() - p)
      return;
    const int type = area[p] & 0x7F;
    const std::span<const uint8_t> data = area.subspan(p + 1, len - 1);
    p += len;
    if (type == 16 && data.size() == 8) {
      issuer.key_id = HexUpper(data);
    } else if (type == 33 && !data.empty()) {
      const int version = data[0];
      const size_t want = version == 4 ? 20 : (version == 5 || version == 6) ? 32 : 0;
      if (want != 0 && data.size() == want + 1) {
        issuer.fingerprint = HexUpper(data.subspan(1));
        issuer.version = version;
      }
    }
  }
}

void ParseSignature(std::span<const uint8_t> body, std::vector<Issuer>& out) {
  if (body.empty())
    return;
  Issuer issuer;
  const int version = body[0];
  if (version == 2 || version == 3) {
    if (body.size() >= 15 && body[1] == 5)
      issuer.key_id = HexUpper(body.subspan(7, 8));
  } else if (version == 4 || version == 5 || version == 6) {
    const size_t count_len = version == 6 ? 4 : 2;
    size_t p = 4;
    for (int area = 0; area < 2; ++area) {
      if (body.size() < p + count_len)
        break;
      const size_t len = count_len == 4 ? Be32(&body[p]) : Be16(&body[p]);
      p += count_len;
      if (len > body.size() - p)
        break;
      ParseSubpackets(body.subspan(p, len), issuer);
      p += len;
    }
  }
  if (!issuer.fingerprint.empty() || !issuer.key_id.empty())
    out.push_back(std::move(issuer));
}

void ParseSignatures(std::span<const uint8_t> bytes, std::vector<Issuer>& out,
                     std::vector<PgpProblem>& problems) {
  if (bytes.size() > kMaxPacketBytes)
    bytes = bytes.first(kMaxPacketBytes);
  size_t pos = 0;
  std::vector<uint8_t> storage;
  Packet packet;
  while (out.size() < kMaxKeys) {
    std::string why;
    const ReadStatus status = ReadPacket(bytes, pos, packet, storage, why);
    if (status == ReadStatus::kEnd)
      break;
    if (status != ReadStatus::kOk) {
      AddProblem(problems, status == ReadStatus::kTruncated ? "pgp.truncated" : "pgp.corrupt", why);
      break;
    }
    if (packet.tag == 2)
      ParseSignature(packet.body, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Armour (RFC 4880 section 6.2, RFC 9580 section 6.2), tolerant of the damage pages do to it.

enum class ArmorKind { kPublicKey, kSecretKey, kSignature, kMessage };

struct Token {
  std::string text;
  size_t begin = 0;
  size_t end = 0;
  uint32_t line = 0;
};

// Splits the armour body into whitespace-separated tokens, undoing HTML escaping on the way:
// character references (&#43; &#x2F; &amp;#43; &nbsp; ...) are decoded, tags are separators
// (<br>, <p>, <div> count as line ends), and '>' (mail quoting) and NBSP are separators.
class ArmorTokenizer {
 public:
  ArmorTokenizer(std::string_view text, size_t begin, size_t end)
      : text_(text), pos_(begin), end_(std::min(end, text.size())) {}

  bool Next(Token& token) {
    bool newline = false;
    while (pos_ < end_) {  // separators
      const size_t n = SeparatorAt(pos_, newline);
      if (n == 0)
        break;
      pos_ += n;
      line_ += newline ? 1 : 0;
    }
    if (pos_ >= end_)
      return false;
    token.text.clear();
    token.begin = pos_;
    token.line = line_;
    while (pos_ < end_ && token.text.size() < kMaxBase64Chars && SeparatorAt(pos_, newline) == 0) {
      const char c = text_[pos_];
      int ch = 0;
      size_t e = 0;
      if (c == '&' && (e = Entity(pos_, ch)) != 0) {
        token.text.push_back(static_cast<char>(ch));
        pos_ = e;
      } else if (c == '\\' && pos_ + 1 < end_ && text_[pos_ + 1] == '/') {  // JSON's "\/"
        token.text.push_back('/');
        pos_ += 2;
      } else {
        token.text.push_back(c);
        ++pos_;
      }
    }
    if (pos_ == token.begin)  // never an empty token: always make progress
      token.text.push_back(text_[pos_++]);
    token.end = pos_;
    return true;
  }

 private:
  // Length of the separator at `at`, 0 when there is none; `newline` tells whether it ends a
  // line. Separators: white space, NBSP, '>' (mail quoting), '_' (padding of text dumps), HTML
  // tags and escaped separators, and the escapes "\n", "\r", "\t" of JSON or C strings.
  size_t SeparatorAt(size_t at, bool& newline) const {
    newline = false;
    const char c = text_[at];
    switch (c) {
      case '\n':
        newline = true;
        return 1;
      case '\r':
        newline = true;
        return at + 1 < end_ && text_[at + 1] == '\n' ? 2 : 1;
      case ' ':
      case '\t':
      case '\f':
      case '\v':
      case '>':
      case '_':
        return 1;
      case '\\': {
        const char next = at + 1 < end_ ? text_[at + 1] : '\0';
        if (next == 'n' || next == 'r') {
          newline = true;
          return 2;
        }
        if (next == 't')
          return 2;
        return next == '/' ? 0 : 1;
      }
      case '<': {
        const size_t e = TagEnd(at);
        newline = e != 0 && IsLineTag(at + 1, e);
        return e == 0 ? 0 : e - at;
      }
      case '&': {
        int ch = 0;
        const size_t e = Entity(at, ch);
        if (e == 0 || ch >= 0)
          return 0;
        newline = ch == kNewline;
        return e - at;
      }
      default:
        if (at + 1 < end_ && static_cast<uint8_t>(c) == 0xC2 &&
            static_cast<uint8_t>(text_[at + 1]) == 0xA0)
          return 2;  // NBSP
        return 0;
    }
  }

  // End (after '>') of an HTML tag starting at `at`, or 0.
  size_t TagEnd(size_t at) const {
    if (at + 2 >= end_)
      return 0;
    const char next = text_[at + 1];
    if (!((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '/' ||
          next == '!'))
      return 0;
    const size_t limit = std::min(end_, at + 256);
    for (size_t i = at + 1; i < limit; ++i) {
      if (text_[i] == '>')
        return i + 1;
      if (text_[i] == '<')
        return 0;
    }
    return 0;
  }

  bool IsLineTag(size_t name_at, size_t end) const {
    if (name_at < end && text_[name_at] == '/')
      ++name_at;
    std::string name;
    while (name_at < end && name.size() < 8 &&
           ((text_[name_at] >= 'a' && text_[name_at] <= 'z') ||
            (text_[name_at] >= 'A' && text_[name_at] <= 'Z'))) {
      name.push_back(ToLowerAscii(text_[name_at++]));
    }
    return name == "br" || name == "p" || name == "div" || name == "li" || name == "pre" ||
           name == "tr";
  }

  static constexpr int kSpace = -1;
  static constexpr int kNewline = -2;

  // Decodes the character reference at `at` ('&'). Returns the position after it (0 when there
  // is none we know) and sets `ch` to an ASCII character, kSpace or kNewline.
  size_t Entity(size_t at, int& ch) const {
    size_t e = Reference(at + 1, ch);
    if (e != 0 && ch == '&') {  // double escaping: "&amp;#43;"
      int inner = 0;
      const size_t e2 = Reference(e, inner);
      if (e2 != 0) {
        ch = inner;
        return e2;
      }
    }
    return e;
  }

  size_t Reference(size_t at, int& ch) const {
    const size_t limit = std::min(end_, at + 12);
    size_t semi = at;
    while (semi < limit && text_[semi] != ';')
      ++semi;
    if (semi >= limit || semi == at)
      return 0;
    const std::string_view name = text_.substr(at, semi - at);
    long value = -1;
    if (name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 6)
        return 0;
      value = 0;
      for (char d : digits) {
        int v = -1;
        if (d >= '0' && d <= '9')
          v = d - '0';
        else if (hex && d >= 'a' && d <= 'f')
          v = d - 'a' + 10;
        else if (hex && d >= 'A' && d <= 'F')
          v = d - 'A' + 10;
        if (v < 0)
          return 0;
        value = value * (hex ? 16 : 10) + v;
      }
    } else {
      static constexpr std::pair<std::string_view, int> kNamed[] = {
          {"amp", '&'},   {"lt", '<'},       {"gt", '>'},     {"quot", '"'},
          {"apos", '\''}, {"plus", '+'},     {"sol", '/'},    {"equals", '='},
          {"nbsp", 160},  {"NewLine", '\n'}, {"Tab", '\t'},   {"colon", ':'},
          {"dash", '-'},  {"hyphen", '-'},   {"period", '.'}, {"lowbar", '_'},
      };
      for (const auto& [n, v] : kNamed) {
        if (name == n)
          value = v;
      }
    }
    if (value == '\n' || value == '\r') {
      ch = kNewline;
    } else if (value == ' ' || value == '\t' || value == 160 || value == '>') {
      ch = kSpace;
    } else if (value > 0 && value < 128) {
      ch = static_cast<int>(value);
    } else {
      return 0;
    }
    return semi + 1;
  }

  std::string_view text_;
  size_t pos_;
  size_t end_;
  uint32_t line_ = 0;
};

bool IsBase64Token(std::string_view token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return IsRadix64(c) || c == '='; });
}

bool IsCrcToken(std::string_view token) {
  return token.size() == 5 && token[0] == '=' &&
         std::all_of(token.begin() + 1, token.end(), IsRadix64);
}

// "Version:", "Comment:GPGTools" ...: an armour header key (RFC 9580 section 6.2.2).
bool IsHeaderKey(std::string_view token) {
  const size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40)
    return false;
  if (!((token[0] >= 'A' && token[0] <= 'Z') || (token[0] >= 'a' && token[0] <= 'z')))
    return false;
  return std::all_of(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return IsAlnum(c) || c == '-'; });
}

// Whether `token` can start the data: at least `min_len` radix-64 characters whose first octet
// is a packet header for a packet this kind of block starts with. On a header line (lines joined
// by spaces) the data is told from the header's value this way.
bool IsDataStart(std::string_view token, ArmorKind kind, size_t min_len) {
  if (token.size() < std::max<size_t>(min_len, 4) ||
      !std::all_of(token.begin(), token.end(), IsRadix64))
    return false;
  unsigned char bin[3];
  size_t bin_len = 0;
  if (sodium_base642bin(bin, sizeof bin, token.data(), 4, nullptr, &bin_len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      bin_len < 1) {
    return false;
  }
  const uint8_t ctb = bin[0];
  if ((ctb & 0x80) == 0)
    return false;
  const int tag = (ctb & 0x40) ? (ctb & 0x3F) : ((ctb >> 2) & 0x0F);
  switch (kind) {
    case ArmorKind::kPublicKey:
    case ArmorKind::kSecretKey:
      return tag == 5 || tag == 6;
    case ArmorKind::kSignature:
      return tag == 2;
    case ArmorKind::kMessage:
      return tag != 0;
  }
  return false;
}

struct ArmorBody {
  std::vector<uint8_t> bytes;
  size_t last_end = 0;  // raw offset after the last token taken
  bool has_data = false;
  bool prose = false;  // no END line and nothing like packet data: a mention, not a block
  bool has_crc = false;
  bool crc_ok = false;
  uint32_t crc_stated = 0;
  uint32_t crc_computed = 0;
  std::vector<PgpProblem> problems;
};

std::string Crc24Text(uint32_t crc) {
  const uint8_t raw[3] = {static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 8),
                          static_cast<uint8_t>(crc)};
  char b64[8];
  sodium_bin2base64(b64, sizeof b64, raw, 3, sodium_base64_VARIANT_ORIGINAL);
  return std::string("=") + b64;
}

// Decodes the radix-64 text and checks the checksum when one is written.
void DecodeRadix64(std::string_view b64, ArmorBody& body) {
  std::string_view data = b64;
  std::string_view crc;
  // The checksum is "=" and four radix-64 characters at the end; pages glue it to the data
  // ("...Xw===96l5", "...FGIH=tEod"), which is unambiguous since data never has '=' inside.
  if (data.size() >= 5 && data[data.size() - 5] == '=' &&
      std::all_of(data.end() - 4, data.end(), IsRadix64)) {
    crc = data.substr(data.size() - 4);
    data.remove_suffix(5);
  }
  while (!data.empty() && data.back() == '=')
    data.remove_suffix(1);
  size_t bad = 0;
  while (bad < data.size() && IsRadix64(data[bad]))
    ++bad;
  if (bad < data.size()) {
    const unsigned char c = static_cast<unsigned char>(data[bad]);
    std::string shown = (c >= 0x20 && c < 0x7F) ? std::string(1, static_cast<char>(c))
                                                : "0x" + HexUpper(std::span(&c, 1));
    AddProblem(body.problems, "pgp.corrupt",
               "invalid radix-64 character '" + shown + "' at data character " +
                   std::to_string(bad) + "; decoded the data before it");
    data = data.substr(0, bad);
  }
  if (data.size() % 4 == 1)
    data.remove_suffix(1);  // a lone sextet carries no octet
  std::vector<uint8_t> bin(data.size() / 4 * 3 + 3);
  size_t bin_len = 0;
  if (sodium_base642bin(bin.data(), bin.size(), data.data(), data.size(), nullptr, &bin_len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
    // Only the last, partial quantum can fail (non-zero unused bits): drop it.
    data = data.substr(0, data.size() / 4 * 4);
    bin_len = 0;
    if (sodium_base642bin(bin.data(), bin.size(), data.data(), data.size(), nullptr, &bin_len,
                          nullptr, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
      bin_len = 0;
    }
    AddProblem(body.problems, "pgp.corrupt", "radix-64 data ends with non-zero unused bits");
  }
  bin.resize(bin_len);
  body.bytes = std::move(bin);
  if (!crc.empty()) {
    unsigned char raw[3];
    size_t raw_len = 0;
    if (sodium_base642bin(raw, sizeof raw, crc.data(), crc.size(), nullptr, &raw_len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
        raw_len == 3) {
      body.has_crc = true;
      body.crc_stated = (uint32_t{raw[0]} << 16) | (uint32_t{raw[1]} << 8) | raw[2];
      body.crc_computed = Crc24(body.bytes);
      body.crc_ok = body.crc_stated == body.crc_computed;
    }
  }
}

// Reads the armour body in [begin, end) of `text`. With an END line, every token up to it is
// data; without one, the data is the run of radix-64 lines: it ends after a line shorter than
// the first, a padded one, or the checksum, or before anything that is not radix-64.
ArmorBody ReadArmorBody(std::string_view text, ArmorKind kind, size_t begin, size_t end,
                        bool has_end) {
  ArmorBody body;
  body.last_end = begin;
  ArmorTokenizer tokenizer(text, begin, end);
  Token token;
  bool in_data = false;
  int64_t header_line = -1;
  size_t first_len = 0;
  bool only_crc_left = false;
  std::string b64;
  while (tokenizer.Next(token)) {
    if (token.text.find_first_not_of('-') == std::string::npos)
      continue;  // dashes of an HTML-escaped BEGIN or END line
    if (!in_data) {
      if (static_cast<int64_t>(token.line) == header_line) {
        if (!IsDataStart(token.text, kind, 16)) {
          body.last_end = token.end;
          continue;  // the header's value
        }
      } else if (IsHeaderKey(token.text)) {
        header_line = token.line;
        body.last_end = token.end;
        continue;
      } else if (!has_end && !IsDataStart(token.text, kind, 4)) {
        body.prose = true;
        break;
      }
      in_data = true;
    }
    if (b64.size() + token.text.size() > kMaxBase64Chars) {
      AddProblem(body.problems, "pgp.too_large", "armoured data beyond 16 MiB ignored");
      break;
    }
    if (has_end) {
      b64 += token.text;
      body.last_end = token.end;
      continue;
    }
    if (!IsBase64Token(token.text))
      break;
    if (only_crc_left) {
      if (IsCrcToken(token.text)) {
        b64 += token.text;
        body.last_end = token.end;
      }
      break;
    }
    if (first_len == 0)
      first_len = token.text.size();
    b64 += token.text;
    body.last_end = token.end;
    const size_t eq = token.text.find('=');
    if (eq != std::string::npos) {
      // Padding ends the data; a checksum glued to it ends the run.
      if (token.text.find_first_not_of('=', eq) != std::string::npos)
        break;
      only_crc_left = true;
    } else if (token.text.size() < first_len) {
      only_crc_left = true;
    }
  }
  body.has_data = !b64.empty();
  if (body.has_data)
    DecodeRadix64(b64, body);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

// The e-mail address of a user id ("Name (comment) <a@b.c>" or a bare address), lower-cased,
// or empty when it has none that looks valid.
std::string UserIdEmail(std::string_view uid) {
  std::string_view email;
  const size_t lt = uid.rfind('<');
  if (lt != std::string_view::npos) {
    const size_t gt = uid.find('>', lt);
    if (gt == std::string_view::npos)
      return "";
    email = uid.substr(lt + 1, gt - lt - 1);
  } else {
    email = uid;
  }
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.size() > 254 ||
      email.find('@', at + 1) != std::string_view::npos)
    return "";
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.')
    return "";
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == '"')
      return "";
  }
  std::string lower(email);
  std::transform(lower.begin(), lower.end(), lower.begin(), ToLowerAscii);
  return lower;
}

std::string WriteKeyDetails(const PgpKey& key) {
  std::string json;
  JsonWriter w(json);
  auto write_common = [&w](const PgpSubkey& k) {
    w.FieldInt("version", k.version);
    w.Field("key_id", k.key_id);
    w.Field("algorithm", k.algorithm);
    if (k.bits > 0)
      w.FieldInt("bits", k.bits);
    if (!k.curve.empty())
      w.Field("curve", k.curve);
    w.Field("created", Iso8601(k.created));
  };
  w.BeginObject();
  write_common(key.primary);
  if (key.secret) {
    w.Key("secret");
    w.Bool(true);
  }
  w.Key("user_ids");
  w.BeginArray();
  for (const std::string& uid : key.user_ids) {
    w.BeginObject();
    w.Field("uid", uid);
    const size_t lt = uid.find('<');
    const size_t paren = uid.find(" (");
    std::string_view name(uid);
    name = name.substr(0, std::min(lt, paren));
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    const std::string email = UserIdEmail(uid);
    if (lt == std::string::npos && !email.empty())
      name = {};  // a bare address
    w.Field("name", name);
    w.Field("email", email);
    w.EndObject();
  }
  w.EndArray();
  w.Key("subkeys");
  w.BeginArray();
  for (const PgpSubkey& sub : key.subkeys) {
    w.BeginObject();
    w.Field("fingerprint", sub.fingerprint);
    write_common(sub);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json;
}

uint32_t Off(size_t offset) {
  return static_cast<uint32_t>(offset);
}

void AddAnomaly(SelectorFindings& out, std::string kind, std::string detail, size_t begin,
                size_t end) {
  out.anomalies.push_back({std::move(kind), std::move(detail), Off(begin), Off(end)});
}

void ReportKeyBlock(const ArmorBody& body, size_t begin, size_t end, SelectorFindings& out) {
  for (const PgpProblem& p : body.problems)
    AddAnomaly(out, p.kind, p.detail, begin, end);
  if (!body.has_data) {
    AddAnomaly(out, "pgp.corrupt", "key block without radix-64 data", begin, end);
    return;
  }
  if (body.has_crc && !body.crc_ok) {
    AddAnomaly(out, "pgp.bad_crc24",
               "armour checksum " + Crc24Text(body.crc_stated) + " does not match the data (" +
                   Crc24Text(body.crc_computed) + ")",
               begin, end);
  }
  const PgpParse parse = ParsePgpPackets(body.bytes);
  bool damaged = false;
  for (const PgpProblem& p : parse.problems) {
    AddAnomaly(out, p.kind, p.detail, begin, end);
    damaged = damaged || p.kind == "pgp.truncated" || p.kind == "pgp.corrupt";
  }
  if (parse.keys.empty() && !damaged && body.problems.empty())
    AddAnomaly(out, "pgp.no_key", "key block without a key packet", begin, end);
  const std::string validation =
      body.has_crc && body.crc_ok ? "openpgp-packets+crc24" : "openpgp-packets";
  const double confidence = body.has_crc && !body.crc_ok ? 0.8 : 1.0;
  std::set<std::string> emails;
  bool secret_reported = false;
  for (const PgpKey& key : parse.keys) {
    Selector s;
    s.kind = SelectorKind::kPgpKey;
    s.value = key.primary.fingerprint;
    s.begin = Off(begin);
    s.end = Off(end);
    s.validation = validation;
    s.details = WriteKeyDetails(key);
    s.confidence = confidence;
    out.selectors.push_back(std::move(s));
    if (key.secret && !secret_reported) {
      AddAnomaly(out, "pgp.secret_key",
                 "a secret key was published (primary " + key.primary.fingerprint + ")", begin,
                 end);
      secret_reported = true;
    }
    for (const std::string& uid : key.user_ids) {
      std::string email = UserIdEmail(uid);
      if (email.empty() || !emails.insert(email).second)
        continue;
      Selector e;
      e.kind = SelectorKind::kEmail;
      e.value = std::move(email);
      e.begin = Off(begin);
      e.end = Off(end);
      e.validation = "pgp-user-id";
      std::string details;
      JsonWriter w(details);
      w.BeginObject();
      w.Field("pgp_fingerprint", key.primary.fingerprint);
      w.EndObject();
      e.details = std::move(details);
      e.confidence = 1.0;
      out.selectors.push_back(std::move(e));
    }
  }
}

void ReportSignatureBlock(const ArmorBody& body, size_t begin, size_t end, SelectorFindings& out) {
  for (const PgpProblem& p : body.problems)
    AddAnomaly(out, p.kind, p.detail, begin, end);
  if (!body.has_data)
    return;
  if (body.has_crc && !body.crc_ok) {
    AddAnomaly(out, "pgp.bad_crc24",
               "armour checksum " + Crc24Text(body.crc_stated) + " does not match the data (" +
                   Crc24Text(body.crc_computed) + ")",
               begin, end);
  }
  std::vector<Issuer> issuers;
  std::vector<PgpProblem> problems;
  ParseSignatures(body.bytes, issuers, problems);
  for (const PgpProblem& p : problems)
    AddAnomaly(out, p.kind, p.detail, begin, end);
  std::set<std::string> seen;
  for (const Issuer& issuer : issuers) {
    if (!issuer.fingerprint.empty() && seen.insert(issuer.fingerprint).second) {
      std::string details;
      JsonWriter w(details);
      w.BeginObject();
      w.FieldInt("version", issuer.version);
      w.EndObject();
      out.selectors.push_back({SelectorKind::kPgpFingerprint, issuer.fingerprint, Off(begin),
                               Off(end), "signature-issuer", std::move(details), 1.0});
    }
    if (!issuer.key_id.empty() && seen.insert(issuer.key_id).second) {
      out.selectors.push_back({SelectorKind::kPgpKeyId, issuer.key_id, Off(begin), Off(end),
                               "signature-issuer", "", 1.0});
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fingerprints and key ids written as text.

// The last four are gpg's key listing ("pub   rsa4096 2016-01-02 [SC]" and the fingerprint on
// the next line).
constexpr std::string_view kFingerprintContext[] = {"fingerprint", "fpr",     "pgp",     "gpg",
                                                    "key",         "отпечат", "Отпечат", "ОТПЕЧАТ",
                                                    "\npub  ",     "\nsub  ", "\nsec  ", "\nssb  "};
constexpr std::string_view kStrongFingerprintContext[] = {"fingerprint", "fpr", "отпечат",
                                                          "Отпечат", "ОТПЕЧАТ"};
constexpr std::string_view kKeyIdContext[] = {
    "key id", "keyid", "key-id", "key_id", "id ключа", "id Ключа", "id КЛЮЧА", "pgp", "gpg"};
constexpr std::string_view kExplicitKeyIdContext[] = {"key id",   "keyid",    "key-id",  "key_id",
                                                      "id ключа", "id Ключа", "id КЛЮЧА"};

// Whether one of `needles` (lower-case ASCII; other bytes as given) occurs in the kContextBytes
// before `at`, ASCII case-insensitively.
template <size_t N>
bool HasContext(std::string_view text, size_t at, const std::string_view (&needles)[N]) {
  const size_t from = at > kContextBytes ? at - kContextBytes : 0;
  std::string window = from == 0 ? "\n" : "";  // the start of the text starts a line
  window += text.substr(from, at - from);
  std::transform(window.begin(), window.end(), window.begin(), ToLowerAscii);
  for (std::string_view needle : needles) {
    if (window.find(needle) != std::string::npos)
      return true;
  }
  return false;
}

class TextScanner {
 public:
  TextScanner(std::string_view text, const std::vector<std::pair<size_t, size_t>>& excluded,
              SelectorFindings& out)
      : text_(text), excluded_(excluded), out_(out) {}

  void Run() {
    const size_t n = text_.size();
    size_t i = 0;
    size_t ex = 0;
    while (i < n && matches_ < kMaxTextMatches) {
      while (ex < excluded_.size() && excluded_[ex].second <= i)
        ++ex;
      if (ex < excluded_.size() && excluded_[ex].first <= i) {
        i = excluded_[ex].second;
        continue;
      }
      if (!IsHex(text_[i])) {
        ++i;
        continue;
      }
      if (i > 0 && IsAlnum(text_[i - 1])) {  // inside a word
        while (i < n && IsAlnum(text_[i]))
          ++i;
        continue;
      }
      i = AtWordStart(i);
    }
  }

 private:
  size_t HexRun(size_t from) const {
    size_t j = from;
    while (j < text_.size() && IsHex(text_[j]))
      ++j;
    return j - from;
  }
  bool AlnumAt(size_t at) const { return at < text_.size() && IsAlnum(text_[at]); }
  size_t SkipWord(size_t from) const {
    while (from < text_.size() && IsAlnum(text_[from]))
      ++from;
    return from;
  }

  // gpg's listing prints "Keygrip = <40 hex>" under each fingerprint: not a fingerprint.
  bool AfterKeygrip(size_t at) const {
    while (at > 0 && (text_[at - 1] == ' ' || text_[at - 1] == '=' || text_[at - 1] == ':' ||
                      text_[at - 1] == '\t'))
      --at;
    static constexpr std::string_view kKeygrip = "keygrip";
    if (at < kKeygrip.size())
      return false;
    for (size_t k = 0; k < kKeygrip.size(); ++k) {
      if (ToLowerAscii(text_[at - kKeygrip.size() + k]) != kKeygrip[k])
        return false;
    }
    return true;
  }

  // Scans the word starting with a hex digit at `i`; returns where to continue.
  size_t AtWordStart(size_t i) {
    const size_t n = text_.size();
    if (text_[i] == '0' && i + 1 < n && (text_[i + 1] == 'x' || text_[i + 1] == 'X')) {
      const size_t run = HexRun(i + 2);
      const size_t after = i + 2 + run;
      if (AlnumAt(after))
        return SkipWord(after);
      const std::string_view written = text_.substr(i, after - i);
      if (run == 16) {
        EmitKeyId(i, after, written, "0x-prefix", 0.5, false);
      } else if (run == 8 && HasContext(text_, i, kExplicitKeyIdContext)) {
        EmitKeyId(i, after, written, "context", 0.3, true);
      } else if ((run == 40 || run == 64) && HasContext(text_, i, kStrongFingerprintContext)) {
        EmitFingerprint(i, after, written, text_.substr(i + 2, run), "context", 0.7);
      }
      return std::max(after, i + 1);
    }
    const size_t run = HexRun(i);
    const size_t after = i + run;
    if (AlnumAt(after))
      return SkipWord(after);
    const std::string_view written = text_.substr(i, run);
    if (run == 4)
      return Grouped(i);
    if ((run == 40 || run == 64) && HasContext(text_, i, kFingerprintContext) && !AfterKeygrip(i)) {
      EmitFingerprint(i, after, written, written, "context", 0.7);
    } else if (run == 16 && HasContext(text_, i, kKeyIdContext)) {
      EmitKeyId(i, after, written, "context", 0.5, false);
    } else if (run == 8 && HasContext(text_, i, kExplicitKeyIdContext)) {
      EmitKeyId(i, after, written, "context", 0.3, true);
    }
    return after;
  }

  // Groups of four hex digits separated by one or two spaces, as gpg prints fingerprints: ten
  // groups (v4) or sixteen (v5/v6).
  size_t Grouped(size_t i) {
    const size_t n = text_.size();
    std::array<size_t, 17> group_end{};
    size_t groups = 0;
    size_t p = i;
    while (groups < group_end.size()) {
      if (p + 4 > n || HexRun(p) != 4 || AlnumAt(p + 4))
        break;
      group_end[groups++] = p + 4;
      size_t s = p + 4;
      while (s < n && text_[s] == ' ' && s - (p + 4) < 3)
        ++s;
      const size_t spaces = s - (p + 4);
      if (spaces == 0 || spaces > 2)
        break;
      p = s;
    }
    size_t take = 0;
    if (groups == 16)
      take = 16;
    else if (groups >= 10 && groups < 16)
      take = 10;
    if (take == 0)
      return groups > 0 ? group_end[groups - 1] : i + 4;
    const size_t end = group_end[take - 1];
    const std::string_view written = text_.substr(i, end - i);
    EmitFingerprint(i, end, written, written, "grouped-hex", 0.9);
    return end;
  }

  void EmitFingerprint(size_t begin, size_t end, std::string_view written, std::string_view hex,
                       const char* validation, double confidence) {
    std::string details;
    JsonWriter w(details);
    w.BeginObject();
    w.Field("written", written);
    w.EndObject();
    Emit(SelectorKind::kPgpFingerprint, UpperHex(hex), begin, end, validation, std::move(details),
         confidence);
  }

  void EmitKeyId(size_t begin, size_t end, std::string_view written, const char* validation,
                 double confidence, bool short_id) {
    std::string details;
    JsonWriter w(details);
    w.BeginObject();
    w.Field("written", written);
    if (short_id) {
      w.Key("short");
      w.Bool(true);
    }
    w.EndObject();
    std::string_view hex = written;
    if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
      hex.remove_prefix(2);
    Emit(SelectorKind::kPgpKeyId, UpperHex(hex), begin, end, validation, std::move(details),
         confidence);
  }

  void Emit(SelectorKind kind, std::string value, size_t begin, size_t end, const char* validation,
            std::string details, double confidence) {
    if (matches_ >= kMaxTextMatches)
      return;
    ++matches_;
    out_.selectors.push_back(
        {kind, std::move(value), Off(begin), Off(end), validation, std::move(details), confidence});
  }

  std::string_view text_;
  const std::vector<std::pair<size_t, size_t>>& excluded_;
  SelectorFindings& out_;
  size_t matches_ = 0;
};

// ---------------------------------------------------------------------------------------------

// Length of the dash at `at`: '-' or a typographic one (U+2010..U+2015, U+2212) that word
// processors put in place of "-----"; 0 when there is none.
size_t DashAt(std::string_view text, size_t at) {
  if (at >= text.size())
    return 0;
  if (text[at] == '-')
    return 1;
  if (at + 2 < text.size() && static_cast<uint8_t>(text[at]) == 0xE2) {
    const uint8_t b1 = static_cast<uint8_t>(text[at + 1]);
    const uint8_t b2 = static_cast<uint8_t>(text[at + 2]);
    if ((b1 == 0x80 && b2 >= 0x90 && b2 <= 0x95) || (b1 == 0x88 && b2 == 0x92))
      return 3;
  }
  return 0;
}

// Length of the dash that ends at `at`, 0 when there is none.
size_t DashBefore(std::string_view text, size_t at) {
  if (at >= 1 && text[at - 1] == '-')
    return 1;
  return at >= 3 && DashAt(text, at - 3) == 3 ? 3 : 0;
}

// Moves `pos` over up to five dashes, forwards or backwards, not past `limit`.
size_t SkipDashes(std::string_view text, size_t pos, size_t limit, bool forwards) {
  for (int d = 0; d < 5; ++d) {
    const size_t n = forwards ? DashAt(text, pos) : DashBefore(text, pos);
    if (n == 0 || (forwards ? pos + n > limit : pos < limit + n))
      break;
    pos = forwards ? pos + n : pos - n;
  }
  return pos;
}

void FindPgpImpl(std::string_view text, SelectorFindings& out) {
  static constexpr std::string_view kBegin = "BEGIN PGP ";
  struct Label {
    std::string_view text;
    ArmorKind kind;
  };
  static constexpr Label kLabels[] = {
      {"PUBLIC KEY BLOCK", ArmorKind::kPublicKey},
      {"PRIVATE KEY BLOCK", ArmorKind::kSecretKey},
      {"SECRET KEY BLOCK", ArmorKind::kSecretKey},
      {"SIGNATURE", ArmorKind::kSignature},
      {"MESSAGE", ArmorKind::kMessage},
  };
  std::vector<std::pair<size_t, size_t>> excluded;
  size_t blocks = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t p = text.find(kBegin, pos);
    if (p == std::string_view::npos)
      break;
    const std::string_view rest = text.substr(p + kBegin.size());
    const Label* label = nullptr;
    for (const Label& l : kLabels) {
      if (rest.starts_with(l.text)) {
        label = &l;
        break;
      }
    }
    if (label == nullptr) {  // "SIGNED MESSAGE" headers, "ARMORED FILE" ...
      pos = p + kBegin.size();
      continue;
    }
    if (blocks == kMaxArmorBlocks) {
      AddAnomaly(out, "pgp.too_many_blocks", "more than 64 armour blocks; the rest is ignored", p,
                 text.size());
      break;
    }
    const size_t begin = SkipDashes(text, p, 0, false);
    const size_t marker_end =
        SkipDashes(text, p + kBegin.size() + label->text.size(), text.size(), true);
    size_t next_begin = text.find(kBegin, marker_end);
    if (next_begin == std::string_view::npos)
      next_begin = text.size();
    const std::string end_marker = "END PGP " + std::string(label->text);
    const size_t e = text.substr(marker_end, next_begin - marker_end).find(end_marker);
    const bool has_end = e != std::string_view::npos;
    size_t body_end = next_begin;
    size_t block_end = 0;
    if (has_end) {
      body_end = marker_end + e;
      block_end = body_end + end_marker.size();
      body_end = SkipDashes(text, body_end, marker_end, false);
      // Dash-escaped inside a clear-signed message: "- -----END ..." (RFC 4880 section 7.1).
      if (body_end >= marker_end + 2 && text[body_end - 1] == ' ' && text[body_end - 2] == '-')
        body_end -= 2;
      block_end = SkipDashes(text, block_end, text.size(), true);
    }
    const ArmorBody body = ReadArmorBody(text, label->kind, marker_end, body_end, has_end);
    if (body.prose) {
      pos = marker_end;
      continue;
    }
    ++blocks;
    if (!has_end)
      block_end = std::max(body.last_end, marker_end);
    excluded.emplace_back(begin, block_end);
    switch (label->kind) {
      case ArmorKind::kPublicKey:
      case ArmorKind::kSecretKey:
        ReportKeyBlock(body, begin, block_end, out);
        break;
      case ArmorKind::kSignature:
        ReportSignatureBlock(body, begin, block_end, out);
        break;
      case ArmorKind::kMessage:
        break;
    }
    pos = block_end;
  }
  TextScanner(text, excluded, out).Run();
}

}  // namespace

PgpParse ParsePgpPackets(std::span<const uint8_t> bytes) {
  PgpParse result;
  try {
    ParseInto(bytes, result);
  } catch (const std::exception& e) {
    AddProblem(result.problems, "pgp.corrupt", std::string("parser failure: ") + e.what());
  }
  return result;
}

void FindPgp(std::string_view text, SelectorFindings& out) {
  try {
    FindPgpImpl(text, out);
  } catch (const std::exception& e) {
    out.anomalies.push_back({"pgp.internal", std::string("PGP finder failure: ") + e.what(), 0,
                             Off(std::min<size_t>(text.size(), UINT32_MAX))});
  }
}

}  // namespace dragnet::identify
