#include "archive/warc_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "archive/warc_validator.h"
#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::archive {
namespace {

class WarcReaderTest : public ::testing::Test {
 protected:
  std::filesystem::path Write(const std::string& name, std::string_view bytes) {
    auto path = dir_ / name;
    EXPECT_TRUE(WriteFileAtomic(path, bytes).ok());
    return path;
  }

  // Reads every record; returns the number of records and fills `log`.
  uint64_t ReadAll(const std::filesystem::path& path, model::AnomalyLog& log) {
    auto reader = WarcReader::Open(path, log);
    EXPECT_TRUE(reader.has_value());
    if (!reader.has_value())
      return 0;
    uint64_t n = 0;
    for (;;) {
      auto more = (*reader)->Next();
      EXPECT_TRUE(more.has_value());
      if (!more.has_value() || !*more)
        break;
      ++n;
      EXPECT_TRUE((*reader)->ReadBlockToString(1 << 24).has_value());
    }
    return n;
  }

  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

std::string Record(std::string_view block, std::string_view extra = "") {
  std::string r =
      "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
      "WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Target-URI: http://x.example/\r\n";
  r += extra;
  r += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  r += block;
  r += "\r\n\r\n";
  return r;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

TEST_F(WarcReaderTest, EmptyFileHasNoRecordsAndFailsVerification) {
  auto path = Write("empty.warc", "");
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 0u);
  auto verdict = VerifyWarcFile(path);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_FALSE(verdict->passed(false));
}

TEST_F(WarcReaderTest, GarbageBetweenRecordsIsReportedAndSkipped) {
  auto path = Write("garbage.warc", Record("one") + "this is not a record\r\n" + Record("two"));
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 2u);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, WrongContentLengthResynchronisesOnTheNextRecord) {
  std::string bad = Record("0123456789");
  bad.replace(bad.find("Content-Length: 10"), 18, "Content-Length: 4");
  auto path = Write("badlen.warc", bad + Record("next"));
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 2u);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, TruncatedBlockIsReportedWithItsOffset) {
  std::string rec = Record(std::string(1000, 'x'));
  auto path = Write("trunc.warc", Record("first") + rec.substr(0, rec.size() - 500));
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 2u);
  bool found = false;
  for (const auto& a : log.items()) {
    if (a.kind == "warc.truncated_block") {
      found = true;
      EXPECT_EQ(a.offset, Record("first").size());
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(WarcReaderTest, NonNumericContentLengthIsAnAnomalyNotACrash) {
  std::string rec = Record("abc");
  rec.replace(rec.find("Content-Length: 3"), 17, "Content-Length: -3");
  auto path = Write("nonnumeric.warc", rec + Record("def"));
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 2u);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, HeaderWithoutEndIsBounded) {
  std::string header = "WARC/1.1\r\n";
  while (header.size() < (3u << 20))
    header += "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  auto path = Write("endless.warc", header);
  model::AnomalyLog log;
  ReadAll(path, log);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, GzipMembersPerRecordGiveMemberOffsets) {
  std::string a = Gzip(Record("alpha"));
  std::string b = Gzip(Record("beta"));
  auto path = Write("two.warc.gz", a + b);
  model::AnomalyLog log;
  auto reader = WarcReader::Open(path, log);
  ASSERT_TRUE(reader.has_value());
  ASSERT_TRUE(*(*reader)->Next());
  EXPECT_EQ((*reader)->header().offset, 0u);
  auto extent = (*reader)->FinishRecord();
  ASSERT_TRUE(extent.has_value());
  EXPECT_EQ(extent->length, a.size());
  ASSERT_TRUE(*(*reader)->Next());
  EXPECT_EQ((*reader)->header().offset, a.size());
  EXPECT_FALSE(*(*reader)->Next());
  EXPECT_EQ(log.errors(), 0u);
}

TEST_F(WarcReaderTest, WholeFileGzipIsReadButReportedAsNotRecordAtATime) {
  auto path = Write("whole.warc.gz", Gzip(Record("alpha") + Record("beta")));
  model::AnomalyLog log;
  EXPECT_EQ(ReadAll(path, log), 2u);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, TruncatedGzipMemberKeepsEarlierRecords) {
  std::string a = Gzip(Record("alpha"));
  std::string b = Gzip(Record(std::string(5000, 'q')));
  auto path = Write("cut.warc.gz", a + b.substr(0, b.size() / 2));
  model::AnomalyLog log;
  EXPECT_GE(ReadAll(path, log), 1u);
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, CorruptGzipMemberResynchronisesOnTheNextMember) {
  std::string a = Gzip(Record("alpha"));
  std::string b = Gzip(Record("beta"));
  std::string c = Gzip(Record("gamma"));
  std::string bad = b;
  for (size_t i = 12; i < bad.size() - 8; ++i)
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  auto path = Write("corrupt.warc.gz", a + bad + c);
  model::AnomalyLog log;
  EXPECT_GE(ReadAll(path, log), 2u);  // alpha and gamma at least
  EXPECT_GE(log.errors(), 1u);
}

TEST_F(WarcReaderTest, LargeBlocksStreamInPieces) {
  std::string big(8 << 20, 'b');
  auto path = Write("big.warc", Record(big));
  model::AnomalyLog log;
  auto reader = WarcReader::Open(path, log);
  ASSERT_TRUE(reader.has_value());
  ASSERT_TRUE(*(*reader)->Next());
  uint64_t total = 0;
  size_t pieces = 0;
  for (;;) {
    auto piece = (*reader)->ReadBlock();
    ASSERT_TRUE(piece.has_value());
    if (piece->empty())
      break;
    EXPECT_LE(piece->size(), size_t{2} << 20);
    total += piece->size();
    ++pieces;
  }
  EXPECT_EQ(total, big.size());
  EXPECT_GT(pieces, 1u);
  EXPECT_EQ(log.errors(), 0u);
}

}  // namespace
}  // namespace dragnet::archive
