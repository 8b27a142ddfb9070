#include "archive/custody.h"

#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encoding.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/scratch_dir.h"

namespace dragnet::archive {
namespace {

class CustodyTest : public ::testing::Test {
 protected:
  // Writes a stand-in WARC file and returns its facts.
  CustodyFileFacts File(const std::string& name, const std::string& content) {
    EXPECT_TRUE(WriteFileAtomic(dir_ / name, content).ok());
    CustodyFileFacts facts;
    facts.file = name;
    facts.size = content.size();
    facts.sha256 = Sha256Hex(content);
    facts.records = 3;
    facts.first_record_date = "2026-11-22T10:00:00Z";
    facts.last_record_date = "2026-11-22T10:05:00Z";
    return facts;
  }

  void AppendThree(std::optional<SigningKey> key) {
    auto log = CustodyLog::Open(dir_, std::move(key));
    ASSERT_TRUE(log.has_value()) << log.error().message();
    for (int i = 0; i < 3; ++i) {
      auto facts = File("f" + std::to_string(i) + ".warc.gz", "content " + std::to_string(i));
      auto entry = log->Append(facts, context_, "2026-11-22T11:00:0" + std::to_string(i) + "Z");
      ASSERT_TRUE(entry.has_value()) << entry.error().message();
      EXPECT_EQ(entry->seq, static_cast<uint64_t>(i));
    }
  }

  std::vector<std::string> Lines() {
    std::ifstream in(dir_ / kCustodyFileName);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line))
      lines.push_back(line);
    return lines;
  }
  void WriteLines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines)
      text += l + "\n";
    ASSERT_TRUE(WriteFileAtomic(dir_ / kCustodyFileName, text).ok());
  }
  CustodyReport Verify(std::optional<std::string> key = std::nullopt) {
    auto report = VerifyCustody(dir_, key, true);
    EXPECT_TRUE(report.has_value());
    return report.has_value() ? *report : CustodyReport{};
  }

  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
  CustodyContext context_{"Dragnet/test", "host-1", "analyst", "CASE-9"};
};

TEST_F(CustodyTest, ChainOfUnsignedEntriesVerifies) {
  AppendThree(std::nullopt);
  auto report = Verify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.entries, 3u);
  EXPECT_EQ(report.signed_entries, 0u);
  EXPECT_EQ(report.files_checked, 3u);
  auto lines = Lines();
  EXPECT_NE(lines[1].find("\"prev\":\"" + Sha256Hex(lines[0]) + "\""), std::string::npos);
}

TEST_F(CustodyTest, SignedEntriesVerifyAgainstThePinnedKey) {
  auto key = GenerateSigningKey();
  ASSERT_TRUE(key.has_value());
  AppendThree(*key);
  auto report = Verify(HexEncode(key->public_key));
  EXPECT_TRUE(report.ok()) << report.problems[0].message;
  EXPECT_EQ(report.signed_entries, 3u);
  auto other = GenerateSigningKey();
  EXPECT_FALSE(Verify(HexEncode(other->public_key)).ok());
}

TEST_F(CustodyTest, EditingAnEntryBreaksChainAndSignature) {
  auto key = GenerateSigningKey();
  AppendThree(*key);
  auto lines = Lines();
  auto pos = lines[1].find("\"records\":3");
  ASSERT_NE(pos, std::string::npos);
  lines[1].replace(pos, 11, "\"records\":4");
  WriteLines(lines);
  auto report = Verify();
  ASSERT_FALSE(report.ok());
  bool signature = false;
  bool chain = false;
  for (const auto& p : report.problems) {
    if (p.line == 2 && p.message.find("signature") != std::string::npos)
      signature = true;
    if (p.line == 3 && p.message.find("prev") != std::string::npos)
      chain = true;
  }
  EXPECT_TRUE(signature);
  EXPECT_TRUE(chain);
}

TEST_F(CustodyTest, RemovingOrReorderingEntriesIsDetected) {
  AppendThree(std::nullopt);
  auto lines = Lines();
  WriteLines({lines[0], lines[2]});
  EXPECT_FALSE(Verify().ok());
  WriteLines({lines[1], lines[0], lines[2]});
  EXPECT_FALSE(Verify().ok());
}

TEST_F(CustodyTest, ChangedMissingAndUnlistedFilesAreDetected) {
  AppendThree(std::nullopt);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "f1.warc.gz", "content X").ok());
  std::filesystem::remove(dir_ / "f2.warc.gz");
  ASSERT_TRUE(WriteFileAtomic(dir_ / "extra.warc", "x").ok());
  auto report = Verify();
  std::set<std::string> files;
  for (const auto& p : report.problems)
    files.insert(p.file);
  EXPECT_EQ(files, (std::set<std::string>{"f1.warc.gz", "f2.warc.gz", "extra.warc"}));
}

TEST_F(CustodyTest, TornLastLineIsReportedAndNeverExtended) {
  AppendThree(std::nullopt);
  auto text = ReadFile(dir_ / kCustodyFileName);
  ASSERT_TRUE(text.has_value());
  ASSERT_TRUE(WriteFileAtomic(dir_ / kCustodyFileName, text->substr(0, text->size() - 30)).ok());
  EXPECT_FALSE(Verify().ok());
  auto log = CustodyLog::Open(dir_, std::nullopt);
  ASSERT_TRUE(log.has_value());
  auto appended = log->Append(File("f9.warc.gz", "nine"), context_, "2026-11-22T12:00:00Z");
  ASSERT_FALSE(appended.has_value());
  EXPECT_EQ(appended.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(appended.error().message().find("custody.jsonl"), std::string::npos);
}

TEST_F(CustodyTest, ReopeningContinuesTheChain) {
  AppendThree(std::nullopt);
  auto log = CustodyLog::Open(dir_, std::nullopt);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->Files().size(), 3u);
  auto entry = log->Append(File("f3.warc.gz", "three"), context_, "2026-11-22T12:00:00Z");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->seq, 3u);
  EXPECT_TRUE(Verify().ok());
  auto found = FindCustodyEntry(dir_, "f3.warc.gz");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->context.case_id, "CASE-9");
}

TEST_F(CustodyTest, TwoLogsOnOneDirectoryKeepOneChain) {
  auto a = CustodyLog::Open(dir_, std::nullopt);
  auto b = CustodyLog::Open(dir_, std::nullopt);
  ASSERT_TRUE(a.has_value() && b.has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(a->Append(File("a" + std::to_string(i) + ".warc", "a"), context_, "t").has_value());
    ASSERT_TRUE(b->Append(File("b" + std::to_string(i) + ".warc", "b"), context_, "t").has_value());
  }
  auto report = Verify();
  EXPECT_TRUE(report.ok()) << report.problems[0].message;
  EXPECT_EQ(report.entries, 6u);
}

TEST_F(CustodyTest, KeysRoundTripAndLooseSecretKeysAreRefused) {
  auto key = GenerateSigningKey();
  ASSERT_TRUE(key.has_value());
  auto path = dir_ / "signing.key";
  ASSERT_TRUE(SaveSigningKey(*key, path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadSigningKey(path);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->public_key, key->public_key);
  ::chmod(path.c_str(), 0644);
  auto loose = LoadSigningKey(path);
  ASSERT_FALSE(loose.has_value());
  EXPECT_NE(loose.error().message().find("chmod 600"), std::string::npos);
}

// The format is checkable with tools that are not ours: OpenSSL verifies a signature over the
// entry with its public_key and signature fields removed.
TEST_F(CustodyTest, OpensslVerifiesTheSignature) {
  if (std::system("openssl version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "openssl not on PATH";
  auto key = GenerateSigningKey();
  AppendThree(*key);
  auto line = Lines()[0];
  auto pk_pos = line.find(",\"public_key\":");
  ASSERT_NE(pk_pos, std::string::npos);
  std::string body = line.substr(0, pk_pos) + "}";
  auto sig_pos = line.find("\"signature\":\"");
  std::string sig_hex = line.substr(sig_pos + 13, 128);
  auto sig = HexDecode(sig_hex);
  ASSERT_TRUE(sig.has_value());
  // SubjectPublicKeyInfo DER for Ed25519 is a fixed 12-byte prefix followed by the raw key.
  auto prefix = *HexDecode("302a300506032b6570032100");
  std::string der(prefix.begin(), prefix.end());
  der.append(key->public_key.begin(), key->public_key.end());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "pub.der", der).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "body", body).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "sig", std::string(sig->begin(), sig->end())).ok());
  std::string cmd =
      "cd " + dir_.string() +
      " && openssl pkeyutl -verify -pubin -inkey pub.der -keyform DER -rawin -in body "
      "-sigfile sig >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "body", body + " ").ok());
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace dragnet::archive
