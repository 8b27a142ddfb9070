// Tests of the simnet selector generators: Dragnet's own parsers and validators, and GnuPG when
// installed, must accept every generated key and address; every corrupted address must fail
// exactly on its checksum; the same seed must give the same bytes.

#include "simnet/keys.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include "identify/selectors/crypto_address.h"
#include "identify/selectors/pgp.h"

namespace dragnet::simnet {
namespace {

using identify::SelectorKind;

constexpr std::string_view kUid = "nordic_drop <nordic_drop@example.onion>";
constexpr uint32_t kCreated = 1700000000;  // 2023-11-14T22:13:20Z

std::array<uint8_t, 32> FromHex(std::string_view hex) {
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return out;
}

// ---- OpenPGP -------------------------------------------------------------------------------

TEST(PgpKeyTest, DragnetParsesWhatWeWrite) {
  std::mt19937_64 rng(7);
  const GeneratedPgpKey key = MakePgpKey(kUid, kCreated, rng);
  ASSERT_EQ(key.fingerprint.size(), 40u);
  EXPECT_EQ(key.key_id, key.fingerprint.substr(24));
  EXPECT_EQ(key.user_id, kUid);
  EXPECT_NE(key.fingerprint, key.subkey_fingerprint);

  const identify::PgpParse parse = identify::ParsePgpPackets(key.binary);
  EXPECT_TRUE(parse.problems.empty()) << parse.problems[0].kind << ": " << parse.problems[0].detail;
  ASSERT_EQ(parse.keys.size(), 1u);
  const identify::PgpKey& k = parse.keys[0];
  EXPECT_FALSE(k.secret);
  EXPECT_EQ(k.primary.fingerprint, key.fingerprint);
  EXPECT_EQ(k.primary.key_id, key.key_id);
  EXPECT_EQ(k.primary.algorithm, "eddsa");
  EXPECT_EQ(k.primary.curve, "ed25519");
  EXPECT_EQ(k.primary.version, 4);
  EXPECT_EQ(k.primary.created, kCreated);
  EXPECT_EQ(k.user_ids, std::vector<std::string>{std::string(kUid)});
  ASSERT_EQ(k.subkeys.size(), 1u);
  EXPECT_EQ(k.subkeys[0].fingerprint, key.subkey_fingerprint);
  EXPECT_EQ(k.subkeys[0].algorithm, "ecdh");
  EXPECT_EQ(k.subkeys[0].curve, "cv25519");
  EXPECT_EQ(k.subkeys[0].created, kCreated);

  // The armour as a seller pastes it into a profile page.
  identify::SelectorFindings found;
  identify::FindPgp("My key, verify before you order:\n" + key.armored + "Thanks.\n", found);
  EXPECT_TRUE(found.anomalies.empty()) << found.anomalies[0].kind;
  // The key, and the e-mail address of its User ID tied to it.
  ASSERT_EQ(found.selectors.size(), 2u);
  EXPECT_EQ(found.selectors[0].kind, SelectorKind::kPgpKey);
  EXPECT_EQ(found.selectors[0].value, key.fingerprint);
  EXPECT_NE(found.selectors[0].details.find(key.subkey_fingerprint), std::string::npos);
  EXPECT_NE(found.selectors[0].details.find("\"created\":\"2023-11-14T22:13:20Z\""),
            std::string::npos);
  EXPECT_EQ(found.selectors[1].kind, SelectorKind::kEmail);
  EXPECT_EQ(found.selectors[1].value, "nordic_drop@example.onion");
}

TEST(PgpKeyTest, ArmourShapeAndPacketSizes) {
  std::mt19937_64 rng(11);
  const GeneratedPgpKey key = MakePgpKey(kUid, kCreated, rng);
  std::istringstream lines(key.armored);
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);)
    all.push_back(line);
  ASSERT_GE(all.size(), 5u);
  EXPECT_EQ(all.front(), "-----BEGIN PGP PUBLIC KEY BLOCK-----");
  EXPECT_EQ(all[1], "");
  EXPECT_EQ(all.back(), "-----END PGP PUBLIC KEY BLOCK-----");
  const std::string& crc = all[all.size() - 2];
  EXPECT_EQ(crc.size(), 5u);
  EXPECT_EQ(crc[0], '=');
  for (size_t i = 2; i + 3 < all.size(); ++i)
    EXPECT_EQ(all[i].size(), 64u) << "line " << i;
  // Primary 2+51, uid 2+39, two signatures 2+120, subkey 2+56, when no MPI lost a zero octet.
  EXPECT_EQ(key.binary.size(), 53 + 41 + 122 + 58 + 122u);
}

TEST(PgpKeyTest, Deterministic) {
  std::mt19937_64 a(42);
  std::mt19937_64 b(42);
  std::mt19937_64 c(43);
  const GeneratedPgpKey ka = MakePgpKey(kUid, kCreated, a);
  const GeneratedPgpKey kb = MakePgpKey(kUid, kCreated, b);
  const GeneratedPgpKey kc = MakePgpKey(kUid, kCreated, c);
  EXPECT_EQ(ka.armored, kb.armored);
  EXPECT_EQ(a(), b());
  EXPECT_NE(ka.fingerprint, kc.fingerprint);
  EXPECT_NE(ka.subkey_fingerprint, kc.subkey_fingerprint);
  // Pinned: a change here changes every simulated web built from a seed.
  EXPECT_EQ(ka.fingerprint, "00B804001523D26A213AC273EEDF6CA5CF2853E6");
  // The creation time enters the fingerprint (RFC 4880 section 12.2).
  std::mt19937_64 d(42);
  EXPECT_NE(MakePgpKey(kUid, kCreated + 1, d).fingerprint, ka.fingerprint);
}

// Runs a shell command; returns its exit status and standard output.
int RunCommand(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr)
    return -1;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  return pclose(pipe);
}

std::vector<std::string> SplitColons(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ':');)
    fields.push_back(f);
  return fields;
}

TEST(PgpKeyTest, GnupgImportsAndVerifiesSelfSignatures) {
  std::string out;
  if (RunCommand("command -v gpg >/dev/null 2>&1", out) != 0)
    GTEST_SKIP() << "gpg is not installed";
  // Seeds 1..3, plus the first seed whose signature MPIs lost a leading zero octet (RFC 4880
  // section 3.2), which readers must pad back to 32 octets.
  std::vector<uint64_t> seeds = {1, 2, 3};
  for (uint64_t seed = 100; seed < 3000; ++seed) {
    std::mt19937_64 rng(seed);
    if (MakePgpKey(kUid, kCreated, rng).binary.size() < 53 + 41 + 122 + 58 + 122u) {
      seeds.push_back(seed);
      break;
    }
  }
  ASSERT_EQ(seeds.size(), 4u) << "no key with a short MPI in 2900 seeds";

  char dir_template[] = "/tmp/simnet_gpg_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::filesystem::path home(dir_template);
  const std::string gpg = "gpg --batch --no-tty --no-autostart --homedir " + home.string();
  for (uint64_t seed : seeds) {
    std::mt19937_64 rng(seed);
    const GeneratedPgpKey key = MakePgpKey(kUid, kCreated, rng);
    const auto file = home / ("key" + std::to_string(seed) + ".asc");
    std::ofstream(file) << key.armored;
    ASSERT_EQ(RunCommand(gpg + " --import " + file.string() + " 2>&1", out), 0) << out;
    ASSERT_EQ(RunCommand(gpg + " --with-colons --check-sigs " + key.fingerprint + " 2>&1", out), 0)
        << out;
    std::vector<std::string> fprs;
    int good_sigs = 0;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      const auto f = SplitColons(line);
      if (f.size() < 2)
        continue;
      if (f[0] == "fpr" && f.size() > 9)
        fprs.push_back(f[9]);
      if (f[0] == "pub") {
        ASSERT_GT(f.size(), 11u);
        EXPECT_EQ(f[3], "22");
        EXPECT_NE(f[11].find('c'), std::string::npos) << line;
        EXPECT_NE(f[11].find('s'), std::string::npos) << line;
      }
      if (f[0] == "sub") {
        ASSERT_GT(f.size(), 11u);
        EXPECT_EQ(f[3], "18");
        EXPECT_NE(f[11].find('e'), std::string::npos) << line;
      }
      if (f[0] == "uid") {
        EXPECT_EQ(f.at(9), kUid);
      }
      if (f[0] == "sig") {
        EXPECT_EQ(f[1], "!") << "seed " << seed << ": " << line;
        good_sigs += f[1] == "!";
      }
    }
    EXPECT_EQ(fprs, (std::vector<std::string>{key.fingerprint, key.subkey_fingerprint}))
        << "seed " << seed << "\n"
        << out;
    EXPECT_EQ(good_sigs, 2) << out;
  }
  std::error_code ignored;
  std::filesystem::remove_all(home, ignored);
}

// ---- Addresses -----------------------------------------------------------------------------

struct Expected {
  SelectorKind kind;
  std::string_view anomaly_coin;
  std::string_view prefix;
  std::string_view type;
  std::string_view validation;
};

Expected ExpectedFor(Coin coin) {
  switch (coin) {
    case Coin::kBitcoinP2pkh:
      return {SelectorKind::kBitcoin, "bitcoin", "1", "p2pkh", "base58check"};
    case Coin::kBitcoinP2sh:
      return {SelectorKind::kBitcoin, "bitcoin", "3", "p2sh", "base58check"};
    case Coin::kBitcoinP2wpkh:
      return {SelectorKind::kBitcoin, "bitcoin", "bc1q", "p2wpkh", "bech32"};
    case Coin::kBitcoinP2tr:
      return {SelectorKind::kBitcoin, "bitcoin", "bc1p", "p2tr", "bech32m"};
    case Coin::kLitecoinP2pkh:
      return {SelectorKind::kLitecoin, "litecoin", "L", "p2pkh", "base58check"};
    case Coin::kLitecoinP2wpkh:
      return {SelectorKind::kLitecoin, "litecoin", "ltc1q", "p2wpkh", "bech32"};
    case Coin::kBitcoinCash:
      return {SelectorKind::kBitcoinCash, "bitcoin_cash", "bitcoincash:q", "p2pkh", "cashaddr"};
    case Coin::kEthereum:
      return {SelectorKind::kEthereum, "ethereum", "0x", "account", "eip55"};
    case Coin::kTron:
      return {SelectorKind::kTron, "tron", "T", "account", "base58check"};
    case Coin::kMonero:
      return {SelectorKind::kMonero, "monero", "4", "standard", "monero-keccak-checksum"};
  }
  return {};
}

TEST(AddressTest, DragnetValidatesEveryGeneratedAddress) {
  std::mt19937_64 rng(2024);
  for (Coin coin : kAllCoins) {
    const Expected want = ExpectedFor(coin);
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
      const std::string address = MakeAddress(coin, rng);
      SCOPED_TRACE(std::string(CoinName(coin)) + " " + address);
      ASSERT_TRUE(address.starts_with(want.prefix));
      const auto selector = identify::ValidateAddress(address);
      ASSERT_TRUE(selector.has_value());
      EXPECT_EQ(selector->kind, want.kind);
      EXPECT_EQ(selector->value, address);  // generated in canonical form
      EXPECT_EQ(selector->validation, want.validation);
      EXPECT_NE(selector->details.find("\"network\":\"mainnet\""), std::string::npos);
      EXPECT_NE(selector->details.find("\"type\":\"" + std::string(want.type) + "\""),
                std::string::npos)
          << selector->details;
      seen.insert(address);
    }
    EXPECT_EQ(seen.size(), 200u) << CoinName(coin);
  }
}

TEST(AddressTest, LengthsOfFixedLengthForms) {
  std::mt19937_64 rng(5);
  EXPECT_EQ(MakeAddress(Coin::kBitcoinP2wpkh, rng).size(), 42u);
  EXPECT_EQ(MakeAddress(Coin::kBitcoinP2tr, rng).size(), 62u);
  EXPECT_EQ(MakeAddress(Coin::kLitecoinP2wpkh, rng).size(), 43u);
  EXPECT_EQ(MakeAddress(Coin::kBitcoinCash, rng).size(), 54u);
  EXPECT_EQ(MakeAddress(Coin::kEthereum, rng).size(), 42u);
  EXPECT_EQ(MakeAddress(Coin::kTron, rng).size(), 34u);
  EXPECT_EQ(MakeAddress(Coin::kMonero, rng).size(), 95u);
  EXPECT_EQ(MakeOnionHost(rng).size(), 62u);
}

TEST(AddressTest, CorruptedAddressesFailOnlyTheirChecksum) {
  std::mt19937_64 rng(99);
  for (Coin coin : kAllCoins) {
    const Expected want = ExpectedFor(coin);
    for (int i = 0; i < 200; ++i) {
      const std::string address = MakeAddress(coin, rng);
      const std::string bad = CorruptChecksum(address, rng);
      SCOPED_TRACE(std::string(CoinName(coin)) + " " + address + " -> " + bad);
      ASSERT_EQ(bad.size(), address.size());
      EXPECT_TRUE(bad.starts_with(want.prefix));
      int changed = 0;
      for (size_t j = 0; j < bad.size(); ++j) {
        if (bad[j] != address[j]) {
          ++changed;
          if (coin == Coin::kEthereum) {
            EXPECT_EQ(bad[j] ^ 0x20, address[j]);  // a case flip
          }
        }
      }
      EXPECT_EQ(changed, 1);
      EXPECT_FALSE(identify::ValidateAddress(bad).has_value());
      // In page text Dragnet reports it as a mistyped address of that coin (base58check only
      // for full-length tokens of 33+ characters).
      identify::SelectorFindings found;
      identify::FindCryptoAddresses("send to " + bad + " now", found);
      EXPECT_TRUE(found.selectors.empty());
      if (bad.size() >= 33) {
        ASSERT_EQ(found.anomalies.size(), 1u);
        EXPECT_EQ(found.anomalies[0].kind, std::string(want.anomaly_coin) + ".bad_checksum");
      }
    }
  }
}

TEST(AddressTest, CorruptChecksumRefusesOtherText) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(CorruptChecksum("hello world", rng), "");
  EXPECT_EQ(CorruptChecksum("0x0000000000000000000000000000000000000000", rng), "");
  EXPECT_EQ(CorruptChecksum("", rng), "");
}

TEST(AddressTest, Eip55VectorsFromTheSpec) {
  // EIP-55 "Test Cases".
  for (std::string_view want :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    std::array<uint8_t, 20> bytes{};
    for (size_t i = 0; i < 20; ++i)
      bytes[i] =
          static_cast<uint8_t>(std::stoi(std::string(want.substr(2 + 2 * i, 2)), nullptr, 16));
    EXPECT_EQ(EthereumAddress(bytes), want);
  }
}

TEST(AddressTest, Deterministic) {
  std::map<Coin, std::string> first;
  for (int round = 0; round < 2; ++round) {
    std::mt19937_64 rng(42);
    for (Coin coin : kAllCoins) {
      const std::string address = MakeAddress(coin, rng);
      if (round == 0)
        first[coin] = address;
      else
        EXPECT_EQ(address, first[coin]) << CoinName(coin);
    }
  }
  std::mt19937_64 other(43);
  for (Coin coin : kAllCoins)
    EXPECT_NE(MakeAddress(coin, other), first[coin]) << CoinName(coin);
  // Pinned: a change here changes every simulated web built from a seed.
  const std::map<Coin, std::string> pinned = {
      {Coin::kBitcoinP2pkh, "1LbDR5UugMMjnN2kesHJ8cPhJEZz3UDmo9"},
      {Coin::kBitcoinP2sh, "38soXFGVTc5vHpRj3nHC3DLnFm7BV97XgE"},
      {Coin::kBitcoinP2wpkh, "bc1qyqjdgegepgtexq9ekul84yt4t7m0ewfw4sn5mu"},
      {Coin::kBitcoinP2tr, "bc1pv97kws0qet5xxjelh59kmpptqdrtfyrqexg3rpkcj959ce0sdkhs9tpsck"},
      {Coin::kLitecoinP2pkh, "LPTfkGHFtghE4Tuitj1MmbSNeL39BduZKq"},
      {Coin::kLitecoinP2wpkh, "ltc1qx67dz5a9ahfvqu5cgr70w20vwgs7ccpd8y8wfe"},
      {Coin::kBitcoinCash, "bitcoincash:qqn423lexdzgjyztlv3ev2lzv2l496u7pgsz67hsfd"},
      {Coin::kEthereum, "0x1905f9682c81dd6cC90ae80485ad9c19c520251b"},
      {Coin::kTron, "TPYs4gSKvoVXtWzp6gc3uns2foX83AQ5xQ"},
      {Coin::kMonero,
       "46qjfx5poJN5tae1jKYnaReVu3RFgu9vB4Q7hgGEr9KLQEYZ9Mq6nMhKdvGj3FH1g2PMVbBXys9NSEaWVEH4ELmWP"
       "7ffZjc"},
  };
  EXPECT_EQ(first, pinned);
}

// ---- Onions --------------------------------------------------------------------------------

TEST(OnionTest, Rfc8032KeyGivesTorsAddress) {
  // RFC 8032 section 7.1 TEST 1 key; the address is the one Tor derives for it.
  const auto seed = FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 64> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  EXPECT_EQ(pk, FromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  EXPECT_EQ(OnionHostFromKey(pk), "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion");
}

TEST(OnionTest, DragnetValidatesAndCorruptionsFail) {
  std::mt19937_64 rng(3);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string host = MakeOnionHost(rng);
    SCOPED_TRACE(host);
    const auto selector = identify::ValidateOnion(host);
    ASSERT_TRUE(selector.has_value());
    EXPECT_EQ(selector->value, host);
    EXPECT_EQ(selector->validation, "onion-v3-checksum");
    seen.insert(host);

    const std::string bad = CorruptChecksum(host, rng);
    ASSERT_EQ(bad.size(), host.size());
    EXPECT_TRUE(bad.ends_with(".onion"));
    EXPECT_FALSE(identify::ValidateOnion(bad).has_value()) << bad;
    identify::SelectorFindings found;
    identify::FindOnions("mirror: http://" + bad + "/shop", found);
    EXPECT_TRUE(found.selectors.empty());
    ASSERT_EQ(found.anomalies.size(), 1u) << bad;
    EXPECT_EQ(found.anomalies[0].kind, "onion.bad_checksum");
  }
  EXPECT_EQ(seen.size(), 200u);
  std::mt19937_64 a(8);
  std::mt19937_64 b(8);
  EXPECT_EQ(MakeOnionHost(a), MakeOnionHost(b));
}

}  // namespace
}  // namespace dragnet::simnet
