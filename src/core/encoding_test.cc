#include "core/encoding.h"

#include <gtest/gtest.h>

#include "core/hash.h"

namespace dragnet {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Encoding, Base32MatchesRfc4648Vectors) {
  EXPECT_EQ(Base32Encode(Bytes("foobar"), true), "MZXW6YTBOI======");
  EXPECT_EQ(Base32Encode(Bytes("fooba"), false), "MZXW6YTB");
  auto decoded = Base32Decode("mzxw6ytboi======");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "foobar");
  EXPECT_FALSE(Base32Decode("MZXW1"));
}

TEST(Encoding, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(Bytes("foob")), "Zm9vYg==");
  EXPECT_EQ(Base64Encode(Bytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode(Bytes("foobar")), "Zm9vYmFy");
  auto decoded = Base64Decode("Zm9vYmE=");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "fooba");
}

TEST(Encoding, HexRoundTripsAndRejectsOddLength) {
  auto decoded = HexDecode("00ff10Ab");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(HexEncode(*decoded), "00ff10ab");
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(Hash, Sha256OfAbcIsTheFips180Vector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Hasher hasher(DigestAlgorithm::kSha1);
  hasher.Update(std::string_view("a"));
  hasher.Update(std::string_view("bc"));
  EXPECT_EQ(HexEncode(hasher.Finish()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Hash, AlgorithmNamesAreCaseAndDashInsensitive) {
  EXPECT_EQ(DigestAlgorithmFromName("SHA-1"), DigestAlgorithm::kSha1);
  EXPECT_EQ(DigestAlgorithmFromName("sha256"), DigestAlgorithm::kSha256);
  EXPECT_FALSE(DigestAlgorithmFromName("crc32"));
}

}  // namespace
}  // namespace dragnet
