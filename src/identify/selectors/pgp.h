#pragma once
// OpenPGP selectors: armoured key blocks (public, and secret ones published by mistake),
// signature issuers, and fingerprints and key ids written as text.
//
// Armour is RFC 4880 section 6 / RFC 9580 section 6; packets are RFC 4880 section 4 and RFC 9580
// sections 4-5, plus the GnuPG/LibrePGP "v5" key format. The packet parser is written by hand
// (no Debian library parses OpenPGP packets without also importing keys into a keyring).
//
// Anomaly kinds reported by FindPgp: "pgp.bad_crc24" (armour checksum mismatch; keys still
// reported), "pgp.corrupt" (undecodable base64, bad packet header, malformed key material),
// "pgp.truncated" (data ends inside a packet), "pgp.no_key" (a key block without a key packet),
// "pgp.unsupported" (unknown key version, secret key of an unknown algorithm), "pgp.orphan_subkey",
// "pgp.too_large", "pgp.too_many_blocks", "pgp.secret_key" (a secret key block was published),
// "pgp.internal" (an exception inside the finder, e.g. out of memory).
//
// A key whose key material does not parse is not reported (its fingerprint names no real key).
// "BEGIN PGP ..." with no END line and nothing like packet data after it is taken for a mention
// in prose, not a block.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/selectors/selector.h"

namespace dragnet::identify {

// Appends every armoured PGP public (or secret) key block, every signature's issuer, and every
// fingerprint / key id written as text, found in `text`. Never throws.
void FindPgp(std::string_view text, SelectorFindings& out);

// One key packet (primary or subkey). fingerprint and key_id are upper-case hex.
struct PgpSubkey {
  std::string fingerprint;
  std::string key_id;
  std::string algorithm;  // "rsa", "dsa", "elgamal", "ecdh", "ecdsa", "eddsa", "ed25519", ...
  std::string curve;      // "nistp256", "cv25519", ... or the dotted OID; empty when none
  int bits = 0;
  int64_t created = 0;  // seconds since the epoch, UTC
  int version = 0;      // 3, 4, 5 or 6
};

struct PgpKey {
  PgpSubkey primary;
  std::vector<std::string> user_ids;
  std::vector<PgpSubkey> subkeys;
  bool secret = false;  // read from a secret key packet (tag 5)
};

struct PgpProblem {
  std::string kind;  // the anomaly kind, "pgp.truncated" ...
  std::string detail;
};

struct PgpParse {
  std::vector<PgpKey> keys;
  std::vector<PgpProblem> problems;
};

// Parses binary OpenPGP packets (a transferable public or secret key, or a keyring) into keys.
// Keys read before any damage are kept; the damage is described in `problems`. Input beyond
// 16 MiB is ignored (with a problem).
PgpParse ParsePgpPackets(std::span<const uint8_t> bytes);

}  // namespace dragnet::identify
