#include "identify/selectors/crypto_address.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/shared_data_for_test.h"
#include "identify/selectors/codecs.h"

namespace dragnet::identify {
namespace {

std::filesystem::path CryptoVectorDir() {
  return testing::SharedDataDir() / "standards" / "crypto-addresses";
}

nlohmann::json LoadJson(const std::string& name) {
  std::ifstream in(CryptoVectorDir() / name);
  return nlohmann::json::parse(in);
}

#define SKIP_WITHOUT_SHARED()                                    \
  do {                                                           \
    if (!std::filesystem::exists(CryptoVectorDir()))             \
      GTEST_SKIP() << "../shared absent: " << CryptoVectorDir(); \
  } while (false)

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

SelectorFindings Find(std::string_view text) {
  SelectorFindings out;
  FindCryptoAddresses(text, out);
  return out;
}

SelectorFindings FindOnion(std::string_view text) {
  SelectorFindings out;
  FindOnions(text, out);
  return out;
}

nlohmann::json Details(const Selector& s) {
  return nlohmann::json::parse(s.details);
}

// Finds `address` in "pay to <address> now": exactly one selector, at the right offsets.
Selector FindOne(std::string_view address) {
  std::string text = "pay to " + std::string(address) + " now";
  auto found = Find(text);
  EXPECT_EQ(found.selectors.size(), 1u) << address;
  EXPECT_TRUE(found.anomalies.empty()) << address << ": " << found.anomalies.size();
  if (found.selectors.size() != 1)
    return Selector{};
  const Selector& s = found.selectors[0];
  EXPECT_EQ(s.begin, 7u) << address;
  EXPECT_EQ(s.end, 7u + address.size()) << address;
  auto again = ValidateAddress(address);
  EXPECT_TRUE(again.has_value()) << address;
  if (again) {
    EXPECT_EQ(again->value, s.value);
    EXPECT_EQ(again->kind, s.kind);
  }
  return s;
}

// Nothing reported as a selector, neither in text nor as a token.
void ExpectNoSelector(std::string_view token) {
  std::string text = "pay to " + std::string(token) + " now";
  EXPECT_TRUE(Find(text).selectors.empty()) << token;
  EXPECT_TRUE(FindOnion(text).selectors.empty()) << token;
  EXPECT_FALSE(ValidateAddress(token).has_value()) << token;
}

// ---- Shared vectors ------------------------------------------------------------------------

TEST(CryptoVectors, Bip173Bip350AddressesFoundAndInvalidOnesRejected) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson("bech32-bip173-bip350-vectors.json");
  int valid = 0;
  for (const auto& v : vectors["VALID_ADDRESS"]) {
    std::string address = v["value"][0];
    Selector s = FindOne(address);
    EXPECT_EQ(s.kind, SelectorKind::kBitcoin) << address;
    EXPECT_EQ(s.value, Lower(address));
    auto details = Details(s);
    EXPECT_EQ(details["network"], Lower(address).starts_with("bc1") ? "mainnet" : "testnet");
    // scriptPubKey OP_n: 0x00 for v0 (bech32), 0x51.. for v1+ (bech32m).
    std::string script = v["value"][1];
    EXPECT_EQ(s.validation, script.starts_with("00") ? "bech32" : "bech32m") << address;
    ++valid;
  }
  EXPECT_EQ(valid, 8);
  int invalid = 0;
  for (const char* list : {"INVALID_ADDRESS", "INVALID_BECH32", "INVALID_BECH32M"}) {
    for (const auto& v : vectors[list]) {
      ExpectNoSelector(v["value"].get<std::string>());
      ++invalid;
    }
  }
  for (const char* list : {"VALID_BECH32", "VALID_BECH32M"}) {
    for (const auto& v : vectors[list]) {  // valid strings, but not addresses
      ExpectNoSelector(v["value"].get<std::string>());
      ++invalid;
    }
  }
  EXPECT_EQ(invalid, 15 + 12 + 14 + 7 + 7);
}

TEST(CryptoVectors, BitcoinCoreBase58Keys) {
  SKIP_WITHOUT_SHARED();
  int valid = 0;
  int keys = 0;
  for (const auto& v : LoadJson("bitcoinjs-lib-fixtures/core-base58_keys_valid.json")) {
    std::string text = v[0];
    const auto& meta = v[2];
    if (meta["isPrivkey"].get<bool>()) {
      // WIF private keys are not addresses.
      ExpectNoSelector(text);
      ++keys;
      continue;
    }
    Selector s = FindOne(text);
    EXPECT_EQ(s.kind, SelectorKind::kBitcoin) << text;
    EXPECT_EQ(s.value, text);
    EXPECT_EQ(s.validation, "base58check");
    auto details = Details(s);
    EXPECT_EQ(details["network"], meta["isTestnet"].get<bool>() ? "testnet" : "mainnet") << text;
    EXPECT_EQ(details["type"], meta["addrType"] == "pubkey" ? "p2pkh" : "p2sh") << text;
    ++valid;
  }
  EXPECT_EQ(valid, 26);
  EXPECT_EQ(keys, 24);
  int invalid = 0;
  for (const auto& v : LoadJson("bitcoinjs-lib-fixtures/core-base58_keys_invalid.json")) {
    ExpectNoSelector(v[0].get<std::string>());
    ++invalid;
  }
  EXPECT_EQ(invalid, 50);
}

TEST(CryptoVectors, BitcoinjsAddressFixtures) {
  SKIP_WITHOUT_SHARED();
  auto fixtures = LoadJson("bitcoinjs-lib-fixtures/address.json");
  int valid = 0;
  auto check = [&valid](const std::string& address, const std::string& network) {
    Selector s = FindOne(address);
    const bool litecoin = network == "litecoin";
    EXPECT_EQ(s.kind, litecoin ? SelectorKind::kLitecoin : SelectorKind::kBitcoin) << address;
    const bool bech32 = Lower(address).starts_with("bc") || Lower(address).starts_with("tb");
    EXPECT_EQ(s.value, bech32 ? Lower(address) : address);
    std::string expected_network = network == "testnet"   ? "testnet"
                                   : network == "regtest" ? "regtest"
                                                          : "mainnet";
    EXPECT_EQ(Details(s)["network"], expected_network) << address;
    ++valid;
  };
  for (const auto& v : fixtures["standard"]) {
    std::string address = v.contains("base58check") ? v["base58check"] : v["bech32"];
    check(address, v["network"]);
    if (v.contains("base58check")) {
      std::string script = v["script"];
      Selector s = *ValidateAddress(address);
      EXPECT_EQ(Details(s)["type"], script.starts_with("OP_DUP") ? "p2pkh" : "p2sh") << address;
    }
  }
  for (const auto& v : fixtures["bech32"]) {
    check(v["address"], v["prefix"] == "bc" ? "bitcoin" : "testnet");
  }
  EXPECT_EQ(valid, 16 + 4);
  int invalid = 0;
  for (const auto& v : fixtures["invalid"]["bech32"]) {
    ExpectNoSelector(v["address"].get<std::string>());
    ++invalid;
  }
  for (const auto& v : fixtures["invalid"]["fromBase58Check"]) {
    ExpectNoSelector(v["address"].get<std::string>());
    ++invalid;
  }
  for (const auto& v : fixtures["invalid"]["toOutputScript"]) {
    // "BC1SW50QGDZ25J" is refused there only for a network with HRP "foo"; it is a valid
    // mainnet address (BIP-350 VALID_ADDRESS).
    if (v.contains("network") && v["network"]["bech32"] == "foo")
      continue;
    ExpectNoSelector(v["address"].get<std::string>());
    ++invalid;
  }
  EXPECT_EQ(invalid, 7 + 2 + 23);
}

TEST(CryptoVectors, Eip55) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson("eip55-vectors.json");
  int checked = 0;
  for (const auto& v : vectors["valid_checksummed"]) {
    std::string address = v["address"];
    Selector s = FindOne(address);
    EXPECT_EQ(s.kind, SelectorKind::kEthereum);
    EXPECT_EQ(s.value, address);
    EXPECT_EQ(s.validation, "eip55") << address;
    EXPECT_EQ(s.confidence, 1.0);
    ++checked;
  }
  EXPECT_EQ(checked, 8);
  for (const auto& v : vectors["unchecksummed_forms"]) {
    std::string address = v;
    Selector s = FindOne(address);
    EXPECT_EQ(s.value, "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb") << address;
    EXPECT_EQ(s.validation, "hex");
    EXPECT_DOUBLE_EQ(s.confidence, 0.9);
    ++checked;
  }
  EXPECT_EQ(checked, 10);
  int rejected = 0;
  for (const auto& v : vectors["derived_invalid_checksum"]) {
    std::string address = v;
    ExpectNoSelector(address);
    auto found = Find("pay to " + address + " now");
    ASSERT_EQ(found.anomalies.size(), 1u) << address;
    EXPECT_EQ(found.anomalies[0].kind, "ethereum.bad_checksum");
    EXPECT_EQ(found.anomalies[0].begin, 7u);
    EXPECT_EQ(found.anomalies[0].end, 7u + address.size());
    ++rejected;
  }
  for (const auto& v : vectors["malformed"]) {
    ExpectNoSelector(v.get<std::string>());
    ++rejected;
  }
  EXPECT_EQ(rejected, 4 + 3);
}

TEST(CryptoVectors, Monero) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson("monero-address-vectors.json");
  int checked = 0;
  for (const auto& v : vectors["valid"]) {
    std::string address = v["address"];
    Selector s = FindOne(address);
    EXPECT_EQ(s.kind, SelectorKind::kMonero);
    EXPECT_EQ(s.value, address);
    auto details = Details(s);
    EXPECT_EQ(details["network"], v["nettype"]) << address;
    EXPECT_EQ(details["type"], v["kind"]) << address;
    if (v["kind"] == "integrated") {
      EXPECT_EQ(details["payment_id"].get<std::string>().size(), 16u);
    } else {
      EXPECT_FALSE(details.contains("payment_id"));
    }
    ++checked;
  }
  for (const char* key : {"unit_test_address", "openalias_note"}) {
    const auto& v = vectors[key];
    std::string address = v.contains("address") ? v["address"] : v["resolves_to"];
    Selector s = FindOne(address);
    EXPECT_EQ(s.kind, SelectorKind::kMonero);
    EXPECT_EQ(Details(s)["network"], "mainnet");
    ++checked;
  }
  EXPECT_EQ(checked, 15);
  int rejected = 0;
  for (const auto& v : vectors["invalid"]) {
    ExpectNoSelector(v["address"].get<std::string>());
    ++rejected;
  }
  EXPECT_EQ(rejected, 6);
  // The changed last character is a checksum anomaly.
  auto found = Find(vectors["invalid"][2]["address"].get<std::string>());
  ASSERT_EQ(found.anomalies.size(), 1u);
  EXPECT_EQ(found.anomalies[0].kind, "monero.bad_checksum");
}

TEST(CryptoVectors, OnionV3) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson("onion-v3-vectors.json");
  int checked = 0;
  for (const auto& v : vectors["valid"]) {
    std::string label = v["address"];
    auto found = FindOnion("visit http://" + label + ".onion/market now");
    ASSERT_EQ(found.selectors.size(), 1u) << label;
    const Selector& s = found.selectors[0];
    EXPECT_EQ(s.kind, SelectorKind::kOnion);
    EXPECT_EQ(s.value, label + ".onion");
    EXPECT_EQ(s.validation, "onion-v3-checksum");
    EXPECT_EQ(s.begin, 13u);
    EXPECT_EQ(s.end, 13u + 56u + 6u);
    EXPECT_EQ(Details(s)["version"], 3);
    // The public key is the first 32 decoded bytes.
    auto bytes = Base32Decode(label);
    ASSERT_TRUE(bytes && bytes->size() == 35);
    std::string hex;
    for (int i = 0; i < 32; ++i) {
      char buf[3];
      std::snprintf(buf, sizeof(buf), "%02x", (*bytes)[i]);
      hex += buf;
    }
    EXPECT_EQ(hex, v["pubkey_hex"]);
    // Upper case and bare forms.
    std::string shout = label;
    for (char& c : shout)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto upper_found = FindOnion("<a href=\"http://" + shout + ".ONION\">");
    ASSERT_EQ(upper_found.selectors.size(), 1u);
    EXPECT_EQ(upper_found.selectors[0].value, label + ".onion");
    auto bare = FindOnion("mirror: " + label + ", backup");
    ASSERT_EQ(bare.selectors.size(), 1u);
    EXPECT_EQ(bare.selectors[0].begin, 8u);
    EXPECT_EQ(bare.selectors[0].end, 8u + 56u);
    EXPECT_EQ(Details(bare.selectors[0])["bare"], true);
    ++checked;
  }
  for (const auto& v : vectors["spec_examples"]) {
    std::string label = v;
    auto s = ValidateOnion(label + ".onion");
    ASSERT_TRUE(s.has_value()) << label;
    EXPECT_EQ(s->value, label + ".onion");
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  int rejected = 0;
  for (const auto& v : vectors["invalid"]) {
    std::string label = v["address"];
    auto found = FindOnion("visit " + label + ".onion now");
    EXPECT_TRUE(found.selectors.empty()) << label;
    EXPECT_FALSE(ValidateOnion(label + ".onion").has_value()) << label;
    EXPECT_FALSE(ValidateOnion(label).has_value()) << label;
    // 56 base32 characters with a wrong checksum: an anomaly, not a selector.
    if (label.size() == 56 && Base32Decode(label)) {
      ASSERT_EQ(found.anomalies.size(), 1u) << label;
      EXPECT_EQ(found.anomalies[0].kind, "onion.bad_checksum");
      auto bare = FindOnion("bare " + label);
      EXPECT_TRUE(bare.selectors.empty() && bare.anomalies.empty()) << label;
    }
    ++rejected;
  }
  EXPECT_EQ(rejected, 5);
  int hosts = 0;
  for (const auto& v : vectors["hostnames"]) {
    std::string host = v["host"];
    auto s = ValidateOnion(host);
    if (v["type"] == "ONION_V3_HOSTNAME") {
      ASSERT_TRUE(s.has_value()) << host;
      EXPECT_EQ(s->value, v["onion"].get<std::string>() + ".onion");
      auto found = FindOnion("http://" + host + "/");
      ASSERT_EQ(found.selectors.size(), 1u) << host;
      EXPECT_EQ(found.selectors[0].value, s->value);
    } else {
      // tor refuses v2 names; Dragnet keeps them as legacy v2 (never as v3).
      EXPECT_TRUE(!s.has_value() || s->validation == "onion-v2-syntax") << host;
      for (const auto& sel : FindOnion("http://" + host + "/").selectors)
        EXPECT_EQ(sel.validation, "onion-v2-syntax") << host;
    }
    ++hosts;
  }
  EXPECT_EQ(hosts, 9);
}

// ---- Hand-written cases --------------------------------------------------------------------

constexpr std::string_view kP2pkh = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH";  // address.json

TEST(CryptoAddress, TokensInsideLongerWordsAreNotAddresses) {
  const std::string addr(kP2pkh);
  for (const std::string& text :
       {"x" + addr, addr + "x", "0" + addr, "ab" + addr + "cd", "0x" + std::string(64, 'a'),
        std::string("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"),
        std::string("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")}) {
    auto found = Find(text);
    EXPECT_TRUE(found.selectors.empty()) << text;
    EXPECT_TRUE(found.anomalies.empty()) << text;
  }
  // Punctuation, markup and non-ASCII letters bound a token.
  for (const std::string& text : {"(" + addr + ")", "<b>" + addr + "</b>", "BTC:" + addr,
                                  "адрес" + addr + ".", "\"" + addr + "\",", addr}) {
    auto found = Find(text);
    ASSERT_EQ(found.selectors.size(), 1u) << text;
    const Selector& s = found.selectors[0];
    EXPECT_EQ(s.value, addr);
    EXPECT_EQ(text.substr(s.begin, s.end - s.begin), addr) << text;
  }
  EXPECT_FALSE(ValidateAddress(" " + addr).has_value());
  EXPECT_FALSE(ValidateAddress("bitcoin:" + addr).has_value());
}

TEST(CryptoAddress, SeveralCoinsInOneTextInOrderWithExactOffsets) {
  const std::string eth = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  const std::string xmr =
      "44Kbx4sJ7JDRDV5aAhLJzQCjDz2ViLRduE3ijDZu3osWKBjMGkV1XPk4pfDUMqt1Aiezvephdqm6YD19GKFD9Zc"
      "XVUTp6BW";
  const std::string text = "BTC " + std::string(kP2pkh) + "\nETH: " + eth + "; XMR=" + xmr + ".";
  auto found = Find(text);
  ASSERT_EQ(found.selectors.size(), 3u);
  EXPECT_EQ(found.selectors[0].kind, SelectorKind::kBitcoin);
  EXPECT_EQ(found.selectors[0].begin, 4u);
  EXPECT_EQ(found.selectors[0].end, 38u);
  EXPECT_EQ(found.selectors[1].kind, SelectorKind::kEthereum);
  EXPECT_EQ(found.selectors[1].begin, text.find(eth));
  EXPECT_EQ(found.selectors[1].end, text.find(eth) + 42);
  EXPECT_EQ(found.selectors[2].kind, SelectorKind::kMonero);
  EXPECT_EQ(found.selectors[2].begin, text.find(xmr));
  EXPECT_EQ(found.selectors[2].end, text.size() - 1);
}

struct CoinCase {
  const char* address;
  SelectorKind kind;
  const char* value;  // canonical; nullptr = as written
  const char* network;
  const char* type;
  const char* validation;
};

TEST(CryptoAddress, CoinsNetworksAndTypes) {
  // Base58Check vectors made from the hash 751e76e8... of BIP-173 under each coin's version
  // bytes (cross-checked with an independent Python encoder); segwit ones likewise with the
  // Litecoin HRPs; TRON's is the USDT-TRC20 contract; CashAddr from the spec's examples.
  const CoinCase cases[] = {
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", SelectorKind::kTron, nullptr, "mainnet", "account",
       "base58check"},
      {"TLeUZDGLWnyiJVFcp3m3M1782uBsGWa8uf", SelectorKind::kTron, nullptr, "mainnet", "account",
       "base58check"},
      {"t1UYsZVJkLPeMjxEtACvSxfWuNmddpWfxzs", SelectorKind::kZcash, nullptr, "mainnet", "p2pkh",
       "base58check"},
      {"t3VEtV2oBtHxjq7wKHJb3PHsqXHvMRgUmVw", SelectorKind::kZcash, nullptr, "mainnet", "p2sh",
       "base58check"},
      {"tmLPctKo9j49rtCSKpwEBpLBeykiTGomGQs", SelectorKind::kZcash, nullptr, "testnet", "p2pkh",
       "base58check"},
      {"t2HE5XhuKkka7NpX4D3b5vv4Udn9XGqUwEt", SelectorKind::kZcash, nullptr, "testnet", "p2sh",
       "base58check"},
      {"XmN7PQYWKn5MJFna5fRYgP6mxT2F7xpekE", SelectorKind::kDash, nullptr, "mainnet", "p2pkh",
       "base58check"},
      {"7d5vJtfDixGnEFRNcVSRarmaCBZeScHACn", SelectorKind::kDash, nullptr, "mainnet", "p2sh",
       "base58check"},
      {"yWziQMcwmKjRdzi7eWjwiQX8EjWcd6dSg6", SelectorKind::kDash, nullptr, "testnet", "p2pkh",
       "base58check"},
      {"8q6jGDZ5rVfQgYqdgkSP3Eaw5hLUXD8Nyi", SelectorKind::kDash, nullptr, "testnet", "p2sh",
       "base58check"},
      {"LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ", SelectorKind::kLitecoin, nullptr, "mainnet", "p2pkh",
       "base58check"},
      {"MJaRnao1s62a2zAKSkmG582KbLKianqb7v", SelectorKind::kLitecoin, nullptr, "mainnet", "p2sh",
       "base58check"},
      {"QXHFfTBKYXjaaTH1e7Rox8CcdNPGHVhM59", SelectorKind::kLitecoin, nullptr, "testnet", "p2sh",
       "base58check"},
      // Litecoin's legacy P2SH version 0x05 is Bitcoin's: reported as Bitcoin.
      {"3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou", SelectorKind::kBitcoin, nullptr, "mainnet", "p2sh",
       "base58check"},
      {"ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9", SelectorKind::kLitecoin, nullptr, "mainnet",
       "p2wpkh", "bech32"},
      {"LTC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KGMN4N9", SelectorKind::kLitecoin,
       "ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9", "mainnet", "p2wpkh", "bech32"},
      {"ltc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qmu8tk5", SelectorKind::kLitecoin,
       nullptr, "mainnet", "p2wsh", "bech32"},
      {"tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7klfsuq0", SelectorKind::kLitecoin, nullptr, "testnet",
       "p2wpkh", "bech32"},
      {"ltc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqpj6zg2", SelectorKind::kLitecoin,
       nullptr, "mainnet", "p2tr", "bech32m"},
      {"bcrt1qjh3dnrafy8f2zszh5sdqn6c3ycfljh930yza9nt72v30dkw8mlvscn82zx", SelectorKind::kBitcoin,
       nullptr, "regtest", "p2wsh", "bech32"},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", SelectorKind::kBitcoin, nullptr, "mainnet",
       "witness_v2", "bech32m"},
      {"qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", SelectorKind::kBitcoinCash,
       "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "mainnet", "p2pkh", "cashaddr"},
      {"ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq", SelectorKind::kBitcoinCash,
       "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq", "mainnet", "p2sh", "cashaddr"},
      {"QR95SY3J9XWD2AP32XKYKTTR4CVCU7AS4Y0QVERFUY", SelectorKind::kBitcoinCash,
       "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", "mainnet", "p2pkh", "cashaddr"},
      // A bare testnet payload: the "bchtest" prefix is tried when "bitcoincash" fails.
      {"pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", SelectorKind::kBitcoinCash,
       "bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", "testnet", "p2sh", "cashaddr"},
      {"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", SelectorKind::kEthereum,
       "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "mainnet", "account", "hex"},
  };
  int checked = 0;
  for (const CoinCase& c : cases) {
    Selector s = FindOne(c.address);
    EXPECT_EQ(s.kind, c.kind) << c.address;
    EXPECT_EQ(s.value, c.value != nullptr ? c.value : c.address);
    EXPECT_EQ(s.validation, c.validation) << c.address;
    auto details = Details(s);
    EXPECT_EQ(details["network"], c.network) << c.address;
    EXPECT_EQ(details["type"], c.type) << c.address;
    ++checked;
  }
  EXPECT_EQ(checked, 26);
}

TEST(CryptoAddress, CashAddrWithPrefixInText) {
  for (std::string_view written : {"bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
                                   "BITCOINCASH:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A"}) {
    std::string text = "send to " + std::string(written) + " please";
    auto found = Find(text);
    ASSERT_EQ(found.selectors.size(), 1u) << written;
    const Selector& s = found.selectors[0];
    EXPECT_EQ(s.value, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a");
    EXPECT_EQ(s.begin, 8u);
    EXPECT_EQ(s.end, 8u + written.size());
    EXPECT_TRUE(ValidateAddress(written).has_value());
  }
  Selector t = FindOne("bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t");
  EXPECT_EQ(t.value, "bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t");
  EXPECT_EQ(Details(t)["network"], "testnet");
  // Another chain's prefix (the spec's "pref:" example): neither a selector nor an anomaly.
  auto other = Find("pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5");
  EXPECT_TRUE(other.selectors.empty());
  EXPECT_TRUE(other.anomalies.empty());
  // With the Bitcoin Cash prefix and one character changed: an anomaly.
  auto bad = Find("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q");
  EXPECT_TRUE(bad.selectors.empty());
  ASSERT_EQ(bad.anomalies.size(), 1u);
  EXPECT_EQ(bad.anomalies[0].kind, "bitcoin_cash.bad_checksum");
  EXPECT_EQ(bad.anomalies[0].begin, 0u);
}

TEST(CryptoAddress, BadChecksumsOfExactShapesAreAnomalies) {
  struct Bad {
    std::string token;
    const char* kind;
  };
  const Bad bad[] = {
      {"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ", "bitcoin.bad_checksum"},
      {"3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xov", "bitcoin.bad_checksum"},
      {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bitcoin.bad_checksum"},
      {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "tron.bad_checksum"},
      {"LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnK", "litecoin.bad_checksum"},
      {"ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n8", "litecoin.bad_checksum"},
      {"t1UYsZVJkLPeMjxEtACvSxfWuNmddpWfxzt", "zcash.bad_checksum"},
      {"XmN7PQYWKn5MJFna5fRYgP6mxT2F7xpekF", "dash.bad_checksum"},
      {"qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q", "bitcoin_cash.bad_checksum"},
  };
  for (const Bad& b : bad) {
    std::string text = "to: " + b.token + ".";
    auto found = Find(text);
    EXPECT_TRUE(found.selectors.empty()) << b.token;
    ASSERT_EQ(found.anomalies.size(), 1u) << b.token;
    EXPECT_EQ(found.anomalies[0].kind, b.kind);
    EXPECT_EQ(found.anomalies[0].begin, 4u);
    EXPECT_EQ(found.anomalies[0].end, 4u + b.token.size());
  }
  // Not of an exact address shape: nothing at all (truncated, random, wrong length).
  for (std::string_view quiet :
       {"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SA", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t",
        "Zxcvbnmasdfghjkqwertyuiop12345678", "1111111111111111111111111111111111",
        "Supercalifragilisticexpialidocious", "3Blind4Mice5Ran6Up7The8Clock9XX"}) {
    auto found = Find(std::string("x ") + std::string(quiet) + " y");
    EXPECT_TRUE(found.selectors.empty()) << quiet;
    EXPECT_TRUE(found.anomalies.empty()) << quiet;
  }
}

TEST(CryptoAddress, TaprootKeyMustBeOnTheCurve) {
  // bitcoinjs address.json: x = p is no secp256k1 x coordinate.
  ExpectNoSelector("bc1pllllllllllllllllllllllllllllllllllllllllllllallllshsdfvw2y");
  Selector s = FindOne("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
  EXPECT_EQ(Details(s)["type"], "p2tr");
  EXPECT_EQ(Details(s)["witness_version"], 1);
}

TEST(CryptoAddress, EthereumCase) {
  Selector upper = FindOne("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED");
  EXPECT_EQ(upper.value, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(upper.validation, "hex");
  EXPECT_DOUBLE_EQ(upper.confidence, 0.9);
  Selector checked = FindOne("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(checked.validation, "eip55");
  EXPECT_EQ(Details(checked)["type"], "account");
  auto bad = Find("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  EXPECT_TRUE(bad.selectors.empty());
  ASSERT_EQ(bad.anomalies.size(), 1u);
  EXPECT_EQ(bad.anomalies[0].kind, "ethereum.bad_checksum");
}

TEST(CryptoAddress, Bip21Uris) {
  const std::string text =
      "Pay: bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=0.015&label=Shop%20X. Thanks";
  auto found = Find(text);
  ASSERT_EQ(found.selectors.size(), 1u);
  const Selector& s = found.selectors[0];
  EXPECT_EQ(s.begin, text.find("1BgG"));
  EXPECT_EQ(s.end, text.find("1BgG") + 34);
  auto details = Details(s);
  EXPECT_EQ(details["uri"],
            "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=0.015&label=Shop%20X");
  EXPECT_EQ(details["amount"], "0.015");
  EXPECT_EQ(details["label"], "Shop%20X");
  EXPECT_EQ(details["type"], "p2pkh");

  // BIP-21 QR codes are often upper case; the canonical value is still lower-case bech32.
  const std::string qr = "BITCOIN:BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4";
  auto upper = Find(qr);
  ASSERT_EQ(upper.selectors.size(), 1u);
  EXPECT_EQ(upper.selectors[0].value, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  EXPECT_EQ(upper.selectors[0].begin, 8u);
  EXPECT_EQ(Details(upper.selectors[0])["uri"], qr);
  EXPECT_FALSE(Details(upper.selectors[0]).contains("amount"));

  // A scheme word followed by a space is just a label; the address has no URI.
  auto label = Find("Bitcoin: 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
  ASSERT_EQ(label.selectors.size(), 1u);
  EXPECT_FALSE(Details(label.selectors[0]).contains("uri"));

  // A URI whose address is mistyped: the anomaly, no selector.
  auto bad = Find("bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ?amount=1");
  EXPECT_TRUE(bad.selectors.empty());
  ASSERT_EQ(bad.anomalies.size(), 1u);
  EXPECT_EQ(bad.anomalies[0].kind, "bitcoin.bad_checksum");
  EXPECT_EQ(bad.anomalies[0].begin, 8u);
}

TEST(CryptoAddress, OtherCoinUris) {
  const std::string xmr =
      "4AzKEX4gXdJdNeM6dfiBFL7kqund3HYGvMBF3ttsNd9SfzgYB6L7ep1Yg1osYJzLdaKAYSLVh6e6jKnAuzj3bw1oGy9"
      "kXCb";
  struct UriCase {
    std::string text;
    std::string address;
    SelectorKind kind;
    std::string amount;
  };
  const UriCase cases[] = {
      {"monero:" + xmr + "?tx_amount=0.25&recipient_name=Shop", xmr, SelectorKind::kMonero, "0.25"},
      {"litecoin:LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ?amount=1", "LVuDpNCSSj6pQ7t9Pv6d6sUkLKoqDEVUnJ",
       SelectorKind::kLitecoin, "1"},
      {"tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
       SelectorKind::kTron, ""},
      {"ethereum:pay-0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359?value=2.014e18",
       "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", SelectorKind::kEthereum, "2.014e18"},
      {"bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=0.1",
       "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", SelectorKind::kBitcoinCash, "0.1"},
  };
  for (const UriCase& c : cases) {
    const std::string text = "[" + c.text + "]";
    auto found = Find(text);
    ASSERT_EQ(found.selectors.size(), 1u) << c.text;
    const Selector& s = found.selectors[0];
    EXPECT_EQ(s.kind, c.kind) << c.text;
    EXPECT_EQ(s.begin, text.find(c.address)) << c.text;
    EXPECT_EQ(s.end, text.find(c.address) + c.address.size()) << c.text;
    auto details = Details(s);
    EXPECT_EQ(details["uri"], c.text);
    if (c.amount.empty()) {
      EXPECT_FALSE(details.contains("amount")) << c.text;
    } else {
      EXPECT_EQ(details["amount"], c.amount) << c.text;
    }
  }
  auto monero = Find(cases[0].text);
  ASSERT_EQ(monero.selectors.size(), 1u);
  EXPECT_EQ(Details(monero.selectors[0])["label"], "Shop");
}

TEST(CryptoAddress, Eip681TokenTransferReportsContractAndRecipient) {
  const std::string usdt = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
  const std::string to = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  const std::string uri = "ethereum:" + usdt + "@1/transfer?address=" + to + "&uint256=1e8";
  const std::string text = "USDT (ERC-20): " + uri + " thanks";
  auto found = Find(text);
  ASSERT_EQ(found.selectors.size(), 2u);
  const Selector& contract = found.selectors[0];
  EXPECT_EQ(contract.value, usdt);
  EXPECT_EQ(contract.begin, text.find(usdt));
  auto contract_details = Details(contract);
  EXPECT_EQ(contract_details["type"], "token_contract");
  EXPECT_EQ(contract_details["chain_id"], 1);
  EXPECT_EQ(contract_details["uri"], uri);
  const Selector& recipient = found.selectors[1];
  EXPECT_EQ(recipient.value, to);
  EXPECT_EQ(recipient.begin, text.find(to));
  EXPECT_EQ(recipient.end, text.find(to) + 42);
  auto recipient_details = Details(recipient);
  EXPECT_EQ(recipient_details["type"], "account");
  EXPECT_EQ(recipient_details["token"], usdt);
  EXPECT_EQ(recipient_details["amount"], "1e8");
  EXPECT_EQ(recipient_details["uri"], uri);
}

TEST(CryptoAddress, IntegratedMoneroCarriesThePaymentId) {
  SelectorFindings found;
  const std::string integrated =
      "4BxSHvcgTwu25WooY4BVmgdcKwZu5EksVZSZkDd6ooxSVVqQ4ubxXkhLF6hEqtw96i9cf3cVfLw8UWe95bdDKfRQ"
      "eYtPwLm1Jiw7AKt2LY";
  Selector s = FindOne(integrated);
  MoneroAddressData data;
  ASSERT_EQ(MoneroDecodeAddress(integrated, data), CodecStatus::kOk);
  std::string expected;
  for (size_t i = 64; i < 72; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof(buf), "%02x", data.data[i]);
    expected += buf;
  }
  EXPECT_EQ(Details(s)["payment_id"], expected);
  EXPECT_EQ(Details(s)["type"], "integrated");
}

TEST(CryptoAddress, DecodeCapBoundsWork) {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += kP2pkh;
    text += ' ';
  }
  auto found = Find(text);
  EXPECT_EQ(found.selectors.size(), kMaxCryptoDecodesPerText);
  ASSERT_EQ(found.anomalies.size(), 1u);
  EXPECT_EQ(found.anomalies[0].kind, "crypto.scan_capped");
}

// ---- Onions (hand-written) -----------------------------------------------------------------

constexpr std::string_view kOnion = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid";

TEST(Onion, SubdomainsUrlsAndOffsets) {
  const std::string text = "Mirror: http://www." + std::string(kOnion) + ".onion/shop?id=1";
  auto found = FindOnion(text);
  ASSERT_EQ(found.selectors.size(), 1u);
  const Selector& s = found.selectors[0];
  EXPECT_EQ(s.value, std::string(kOnion) + ".onion");
  EXPECT_EQ(s.begin, text.find(kOnion));
  EXPECT_EQ(s.end, text.find(kOnion) + 62);
  EXPECT_EQ(s.validation, "onion-v3-checksum");
  EXPECT_DOUBLE_EQ(s.confidence, 1.0);
  auto again = ValidateOnion(text.substr(s.begin, s.end - s.begin));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->value, s.value);
  EXPECT_TRUE(ValidateOnion("WWW.SHOP." + std::string(kOnion) + ".ONION").has_value());
  EXPECT_FALSE(ValidateOnion("a.." + std::string(kOnion) + ".onion").has_value());
  EXPECT_FALSE(ValidateOnion(std::string(kOnion) + ".onion.").has_value());
}

TEST(Onion, LegacyV2AndNonLabels) {
  auto v2 = FindOnion("old: http://expyuzz4wqqyqhjn.onion/ (dead)");
  ASSERT_EQ(v2.selectors.size(), 1u);
  EXPECT_EQ(v2.selectors[0].value, "expyuzz4wqqyqhjn.onion");
  EXPECT_EQ(v2.selectors[0].validation, "onion-v2-syntax");
  EXPECT_DOUBLE_EQ(v2.selectors[0].confidence, 0.8);
  EXPECT_EQ(v2.selectors[0].begin, 12u);
  EXPECT_EQ(v2.selectors[0].end, 12u + 22u);
  auto details = Details(v2.selectors[0]);
  EXPECT_EQ(details["version"], 2);
  EXPECT_EQ(details["legacy"], true);
  // A bare 16-character word is never an onion in text.
  EXPECT_TRUE(FindOnion("expyuzz4wqqyqhjn").selectors.empty());
  // Part of a longer label, or too long.
  for (const std::string& text :
       {"foo-" + std::string(kOnion) + ".onion", std::string(kOnion) + "a.onion",
        std::string(kOnion) + "_x", "x" + std::string(kOnion)}) {
    auto found = FindOnion(text);
    EXPECT_TRUE(found.selectors.empty()) << text;
    EXPECT_TRUE(found.anomalies.empty()) << text;
  }
}

TEST(Onion, MistypedV3IsAnAnomaly) {
  std::string typo(kOnion);
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  auto found = FindOnion("go to " + typo + ".onion now");
  EXPECT_TRUE(found.selectors.empty());
  ASSERT_EQ(found.anomalies.size(), 1u);
  EXPECT_EQ(found.anomalies[0].kind, "onion.bad_checksum");
  EXPECT_EQ(found.anomalies[0].begin, 6u);
  EXPECT_EQ(found.anomalies[0].end, 6u + 62u);
  // '1' is not base32: still a mistyped onion.
  std::string one(kOnion);
  one[0] = '1';
  EXPECT_EQ(FindOnion(one + ".onion").anomalies.size(), 1u);
  // Bare labels with a wrong checksum are just words.
  auto bare = FindOnion("go to " + typo + " now");
  EXPECT_TRUE(bare.selectors.empty());
  EXPECT_TRUE(bare.anomalies.empty());
}

TEST(Onion, DecodeCap) {
  std::string typo(kOnion);
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += typo + " ";
  auto found = FindOnion(text);
  EXPECT_TRUE(found.selectors.empty());
  ASSERT_EQ(found.anomalies.size(), 1u);
  EXPECT_EQ(found.anomalies[0].kind, "onion.scan_capped");
}

}  // namespace
}  // namespace dragnet::identify
