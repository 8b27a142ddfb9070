#include "identify/selectors/codecs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/shared_data_for_test.h"

namespace dragnet::identify {
namespace {

std::filesystem::path CryptoVectorDir() {
  return testing::SharedDataDir() / "standards" / "crypto-addresses";
}

nlohmann::json LoadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

template <typename Bytes>
std::string ToHex(const Bytes& bytes) {
  return HexEncode(std::span<const uint8_t>(bytes.data(), bytes.size()));
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

#define SKIP_WITHOUT_SHARED()                                    \
  do {                                                           \
    if (!std::filesystem::exists(CryptoVectorDir()))             \
      GTEST_SKIP() << "../shared absent: " << CryptoVectorDir(); \
  } while (false)

// ---- Hashes --------------------------------------------------------------------------------

TEST(Keccak256, KnownDigestsIncludingMultiBlockInputs) {
  EXPECT_EQ(ToHex(Keccak256(std::string_view())),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(ToHex(Keccak256(std::string_view("abc"))),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  // Multi-block and boundary lengths: computed with a Python Keccak-f[1600] checked against
  // hashlib.sha3_256 with the SHA-3 padding, then run with the Keccak padding.
  std::string ramp;
  for (int i = 0; i < 300; ++i)
    ramp += static_cast<char>(i % 256);
  EXPECT_EQ(ToHex(Keccak256(ramp)),
            "a679e749a6af300c36e7ff2255d220864eab27b382f9cfdc5aa4d13563ba36ff");
  EXPECT_EQ(ToHex(Keccak256(std::string(136, 'a'))),
            "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
  EXPECT_EQ(ToHex(Keccak256(std::string(135, 'a'))),
            "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
}

TEST(Sha3_256, FipsVectors) {
  EXPECT_EQ(ToHex(Sha3_256({})),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  EXPECT_EQ(ToHex(Sha3_256(Bytes("abc"))),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
}

// ---- Base58 --------------------------------------------------------------------------------

TEST(Base58, BitcoinCoreEncodeDecodeVectors) {
  SKIP_WITHOUT_SHARED();
  auto vectors =
      LoadJson(CryptoVectorDir() / "bitcoinjs-lib-fixtures/core-base58_encode_decode.json");
  int checked = 0;
  for (const auto& v : vectors) {
    auto bytes = FromHex(v[0].get<std::string>());
    std::string text = v[1].get<std::string>();
    EXPECT_EQ(Base58Encode(bytes), text);
    auto decoded = Base58Decode(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, bytes) << text;
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

TEST(Base58, RejectsCharactersOutsideTheAlphabetAndOverlongInput) {
  for (std::string_view bad : {"0", "O", "I", "l", "abc def", "3SEo3LWLoPntC+", "\xc3\xa9"})
    EXPECT_FALSE(Base58Decode(bad).has_value()) << bad;
  EXPECT_FALSE(Base58Decode(std::string(kMaxBase58Chars + 1, 'z')).has_value());
  EXPECT_TRUE(Base58Decode(std::string(kMaxBase58Chars, 'z')).has_value());
  EXPECT_EQ(Base58Decode("111"), std::vector<uint8_t>(3, 0));
}

TEST(Base58Check, ChecksumAndPayload) {
  std::vector<uint8_t> payload;
  EXPECT_EQ(Base58CheckDecode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", payload), CodecStatus::kOk);
  EXPECT_EQ(ToHex(payload), "00751e76e8199196d454941c45d1b3a323f1433bd6");
  EXPECT_EQ(Base58CheckEncode(payload), "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
  // Last character changed: the payload is still returned, so the caller sees the version.
  EXPECT_EQ(Base58CheckDecode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ", payload),
            CodecStatus::kBadChecksum);
  EXPECT_EQ(payload.size(), 21u);
  EXPECT_EQ(payload[0], 0x00);
  EXPECT_EQ(Base58CheckDecode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0", payload),
            CodecStatus::kMalformed);
  EXPECT_EQ(Base58CheckDecode("2g", payload), CodecStatus::kMalformed);  // under 4 bytes
}

// ---- Monero base58 -------------------------------------------------------------------------

TEST(MoneroBase58, AddressVectorsFromMoneroUnitTests) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson(CryptoVectorDir() / "monero-address-vectors.json");
  int checked = 0;
  for (const auto& v : vectors["base58_encode_decode_addr"]) {
    std::string encoded = v["encoded"];
    uint64_t tag = std::stoull(v["tag"].get<std::string>());
    auto data = FromHex(v["data_hex"].get<std::string>());
    MoneroAddressData decoded;
    ASSERT_EQ(MoneroDecodeAddress(encoded, decoded), CodecStatus::kOk) << encoded;
    EXPECT_EQ(decoded.tag, tag) << encoded;
    EXPECT_EQ(decoded.data, data) << encoded;
    EXPECT_EQ(MoneroEncodeAddress(tag, data), encoded);
    ++checked;
  }
  EXPECT_EQ(checked, 15);
  int rejected = 0;
  for (const auto& v : vectors["base58_decode_addr_invalid"]) {
    std::string encoded = v["encoded"];
    MoneroAddressData decoded;
    CodecStatus status = MoneroDecodeAddress(encoded, decoded);
    EXPECT_NE(status, CodecStatus::kOk) << encoded << " (" << v["reason"] << ")";
    if (v["reason"] == "handles_invalid_checksum") {
      EXPECT_EQ(status, CodecStatus::kBadChecksum);
    }
    ++rejected;
  }
  EXPECT_EQ(rejected, 17);
  // base58.cpp get_account_address_as_str: spend || view public keys under tag 18.
  const auto& unit = vectors["unit_test_address"];
  MoneroAddressData decoded;
  ASSERT_EQ(MoneroDecodeAddress(unit["address"].get<std::string>(), decoded), CodecStatus::kOk);
  EXPECT_EQ(decoded.tag, 18u);
  EXPECT_EQ(ToHex(decoded.data), unit["serialized_keys_hex"].get<std::string>());
}

TEST(MoneroBase58, BlockSizesAndOverflow) {
  // 8 bytes <-> 11 characters; a last block of 1 byte is 2 characters.
  std::vector<uint8_t> nine(9, 0xff);
  std::string encoded = MoneroBase58Encode(nine);
  EXPECT_EQ(encoded.size(), 13u);
  EXPECT_EQ(MoneroBase58Decode(encoded), nine);
  EXPECT_FALSE(MoneroBase58Decode("1").has_value());            // no block has 1 character
  EXPECT_FALSE(MoneroBase58Decode("1111").has_value());         // nor 4
  EXPECT_FALSE(MoneroBase58Decode("zz").has_value());           // 57*58+57 > 255
  EXPECT_FALSE(MoneroBase58Decode("zzzzzzzzzzz").has_value());  // > 2^64 - 1
  EXPECT_EQ(MoneroBase58Decode(""), std::vector<uint8_t>());
  EXPECT_FALSE(MoneroBase58Decode(std::string(kMaxMoneroBase58Chars + 11, '1')).has_value());
}

TEST(MoneroVarint, CanonicalOnly) {
  auto read = [](std::vector<uint8_t> bytes) -> std::optional<uint64_t> {
    size_t pos = 0;
    uint64_t value = 0;
    if (!ReadMoneroVarint(bytes, pos, value))
      return std::nullopt;
    return value;
  };
  EXPECT_EQ(read({0x12}), 18u);
  EXPECT_EQ(read({0x80, 0x01}), 128u);
  EXPECT_EQ(read({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), UINT64_MAX);
  EXPECT_FALSE(read({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}));  // > 64 bits
  EXPECT_FALSE(read({0x80, 0x00}));  // redundant zero
  EXPECT_FALSE(read({0x80}));        // truncated
  EXPECT_FALSE(read({}));
}

// ---- Bech32 --------------------------------------------------------------------------------

TEST(Bech32, Bip173AndBip350StringVectors) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson(CryptoVectorDir() / "bech32-bip173-bip350-vectors.json");
  int checked = 0;
  for (auto [list, encoding] : {std::pair{"VALID_BECH32", Bech32Encoding::kBech32},
                                std::pair{"VALID_BECH32M", Bech32Encoding::kBech32m}}) {
    for (const auto& v : vectors[list]) {
      std::string text = v["value"];
      Bech32Data data;
      ASSERT_EQ(Bech32Decode(text, data), CodecStatus::kOk) << text;
      EXPECT_EQ(data.encoding, encoding) << text;
      std::string lower = text;
      for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_EQ(Bech32Encode(data.hrp, data.data, data.encoding), lower);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 14);
  int rejected = 0;
  for (const char* list : {"INVALID_BECH32", "INVALID_BECH32M"}) {
    for (const auto& v : vectors[list]) {
      std::string text = v["value"];
      Bech32Data data;
      EXPECT_NE(Bech32Decode(text, data), CodecStatus::kOk) << text << " (" << v["reason"] << ")";
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, 26);
}

std::string ScriptPubKey(const SegwitAddress& a) {
  std::vector<uint8_t> script{
      static_cast<uint8_t>(a.witness_version == 0 ? 0 : 0x50 + a.witness_version),
      static_cast<uint8_t>(a.program.size())};
  script.insert(script.end(), a.program.begin(), a.program.end());
  return ToHex(script);
}

TEST(Segwit, Bip173AndBip350AddressVectors) {
  SKIP_WITHOUT_SHARED();
  auto vectors = LoadJson(CryptoVectorDir() / "bech32-bip173-bip350-vectors.json");
  int checked = 0;
  for (const auto& v : vectors["VALID_ADDRESS"]) {
    std::string text = v["value"][0];
    SegwitAddress a;
    ASSERT_EQ(DecodeSegwitAddress(text, a), CodecStatus::kOk) << text;
    EXPECT_EQ(ScriptPubKey(a), v["value"][1].get<std::string>()) << text;
    std::string lower = text;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(EncodeSegwitAddress(a.hrp, a.witness_version, a.program), lower);
    ++checked;
  }
  EXPECT_EQ(checked, 8);
  int rejected = 0;
  for (const auto& v : vectors["INVALID_ADDRESS"]) {
    // The reference decodes with the expected HRP "bc" or "tb"; the decoder takes any HRP.
    std::string text = v["value"];
    SegwitAddress a;
    bool accepted = DecodeSegwitAddress(text, a) == CodecStatus::kOk;
    EXPECT_FALSE(accepted && (a.hrp == "bc" || a.hrp == "tb"))
        << text << " (" << v["reason"] << ")";
    ++rejected;
  }
  EXPECT_EQ(rejected, 15);
  int refused = 0;
  for (const auto& v : vectors["INVALID_ADDRESS_ENC"]) {
    std::vector<uint8_t> program(v["value"][2].get<size_t>(), 0);
    EXPECT_FALSE(
        EncodeSegwitAddress(v["value"][0].get<std::string>(), v["value"][1].get<int>(), program)
            .has_value())
        << v.dump();
    ++refused;
  }
  EXPECT_EQ(refused, 5);
}

TEST(Segwit, ChecksumConstantMustMatchTheVersion) {
  SegwitAddress a;
  // BIP-350 invalid vectors: bech32 checksum on v1, bech32m checksum on v0.
  EXPECT_EQ(
      DecodeSegwitAddress("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", a),
      CodecStatus::kBadChecksum);
  EXPECT_EQ(DecodeSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", a),
            CodecStatus::kBadChecksum);
  EXPECT_EQ(DecodeSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", a),
            CodecStatus::kBadChecksum);
  EXPECT_EQ(DecodeSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", a), CodecStatus::kOk);
  EXPECT_EQ(a.hrp, "bc");
  EXPECT_EQ(ToHex(a.program), "751e76e8199196d454941c45d1b3a323f1433bd6");
}

TEST(ConvertBits, PaddingRules) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(ConvertBits(std::vector<uint8_t>{0xff}, 8, 5, true, out));
  EXPECT_EQ(out, (std::vector<uint8_t>{31, 28}));
  std::vector<uint8_t> back;
  EXPECT_TRUE(ConvertBits(std::vector<uint8_t>{31, 28}, 5, 8, false, back));
  EXPECT_EQ(back, std::vector<uint8_t>{0xff});
  EXPECT_FALSE(ConvertBits(std::vector<uint8_t>{31, 29}, 5, 8, false, back));     // non-zero pad
  EXPECT_FALSE(ConvertBits(std::vector<uint8_t>{31, 28, 0}, 5, 8, false, back));  // 7 bits left
  EXPECT_FALSE(ConvertBits(std::vector<uint8_t>{32}, 5, 8, true, back));  // not a 5-bit value
}

// ---- CashAddr ------------------------------------------------------------------------------

TEST(CashAddr, SpecExamplesMatchTheirLegacyAddresses) {
  // cashaddr.md "Examples of address translation": legacy base58 -> CashAddr.
  struct Pair {
    const char* legacy;
    const char* cashaddr;
  };
  for (const Pair& p : {
           Pair{"1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
                "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"},
           Pair{"1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR",
                "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy"},
           Pair{"16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb",
                "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r"},
           Pair{"3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC",
                "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq"},
           Pair{"3LDsS579y7sruadqu11beEJoTjdFiFCdX4",
                "bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e"},
           Pair{"31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw",
                "bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37"},
       }) {
    std::vector<uint8_t> payload;
    ASSERT_EQ(Base58CheckDecode(p.legacy, payload), CodecStatus::kOk) << p.legacy;
    CashAddrData data;
    ASSERT_EQ(CashAddrDecode(p.cashaddr, data), CodecStatus::kOk) << p.cashaddr;
    EXPECT_EQ(data.prefix, "bitcoincash");
    EXPECT_EQ(data.type, payload[0] == 0x00 ? 0 : 1) << p.cashaddr;
    EXPECT_EQ(data.hash, std::vector<uint8_t>(payload.begin() + 1, payload.end())) << p.cashaddr;
    EXPECT_EQ(CashAddrEncode("bitcoincash", data.type, data.hash), p.cashaddr);
    // Without the prefix, the default "bitcoincash" enters the checksum.
    std::string_view bare = std::string_view(p.cashaddr).substr(12);
    CashAddrData bare_data;
    EXPECT_EQ(CashAddrDecode(bare, bare_data), CodecStatus::kOk);
    EXPECT_EQ(bare_data.hash, data.hash);
  }
}

TEST(CashAddr, SpecExamplesOfPrefixesTypesAndCase) {
  // cashaddr.md "Examples of address translation" for a 160-bit hash under various prefixes.
  const auto hash = "f5bf48b397dae70be82b3cca4793f8eb2b6cdac9";
  CashAddrData data;
  ASSERT_EQ(CashAddrDecode("bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2", data),
            CodecStatus::kOk);
  EXPECT_EQ(ToHex(data.hash), hash);
  EXPECT_EQ(data.type, 0);
  ASSERT_EQ(CashAddrDecode("bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", data),
            CodecStatus::kOk);
  EXPECT_EQ(data.prefix, "bchtest");
  EXPECT_EQ(data.type, 1);
  ASSERT_EQ(CashAddrDecode("pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5", data),
            CodecStatus::kOk);
  EXPECT_EQ(data.prefix, "pref");
  ASSERT_EQ(CashAddrDecode("prefix:0r6m7j9njldwwzlg9v7v53unlr4jkmx6ey3qnjwsrf", data),
            CodecStatus::kOk);
  EXPECT_EQ(data.type, 15);
  EXPECT_EQ(ToHex(data.hash), hash);
  // Upper case is accepted, mixed case is not.
  EXPECT_EQ(CashAddrDecode("BITCOINCASH:QR6M7J9NJLDWWZLG9V7V53UNLR4JKMX6EYLEP8EKG2", data),
            CodecStatus::kOk);
  EXPECT_EQ(CashAddrDecode("bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekG2", data),
            CodecStatus::kMalformed);
  // One character changed.
  EXPECT_EQ(CashAddrDecode("bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg3", data),
            CodecStatus::kBadChecksum);
  // Checksum examples of the spec whose payloads are not addresses: checksum passes.
  for (std::string_view s :
       {"bitcoincash:qpzry9x8gf2tvdw0s3jn54khce6mua7lcw20ayyn", "bchtest:testnetaddress4d6njnut",
        "bchreg:555555555555555555555555555555555555555555555udxmlmrz"}) {
    EXPECT_NE(CashAddrDecode(s, data), CodecStatus::kBadChecksum) << s;
    std::string altered(s);
    altered[altered.size() - 1] = altered.back() == 'q' ? 'p' : 'q';
    EXPECT_EQ(CashAddrDecode(altered, data), CodecStatus::kBadChecksum) << altered;
  }
  // 256-bit hash (size code 3).
  std::vector<uint8_t> h32(32, 0xab);
  std::string long_addr = CashAddrEncode("bitcoincash", 1, h32);
  EXPECT_EQ(long_addr.size(), 12u + 61u);
  ASSERT_EQ(CashAddrDecode(long_addr, data), CodecStatus::kOk);
  EXPECT_EQ(data.hash, h32);
  EXPECT_EQ(CashAddrEncode("bitcoincash", 0, std::vector<uint8_t>(21, 0)), "");
}

// ---- Base32 --------------------------------------------------------------------------------

TEST(Base32, Rfc4648VectorsUnpaddedAndCaseInsensitive) {
  // RFC 4648 section 10, padding removed.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    std::string lower = encoded;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(Base32Encode(Bytes(plain)), lower);
    auto upper_decoded = Base32Decode(encoded);
    auto lower_decoded = Base32Decode(lower);
    ASSERT_TRUE(upper_decoded && lower_decoded) << encoded;
    EXPECT_EQ(std::string(upper_decoded->begin(), upper_decoded->end()), plain);
    EXPECT_EQ(*lower_decoded, *upper_decoded);
  }
  EXPECT_FALSE(Base32Decode("MZXW6YTBO"));  // 9 characters: no whole bytes
  EXPECT_FALSE(Base32Decode("MZ"));         // non-zero unused bits
  EXPECT_FALSE(Base32Decode("MY======"));   // padding is not accepted
  EXPECT_FALSE(Base32Decode("m1"));         // '1' is not base32
}

}  // namespace
}  // namespace dragnet::identify
