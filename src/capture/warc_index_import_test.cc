#include <map>
#include <set>

#include <gtest/gtest.h>

#include "archive/warc_writer.h"
#include "capture/importer.h"
#include "capture/memory_sink_for_test.h"
#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::capture {
namespace {

class WarcIndexImportTest : public ::testing::Test {
 protected:
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(WarcIndexImportTest, IndexesRecordsWithOffsetsStatusAndDocumentKind) {
  FakeClock clock(*ParseW3c("2026-11-22T10:00:00Z"));
  archive::WarcWriterOptions options;
  options.directory = dir_;
  options.context = {"t", "h", "o", "c"};
  std::vector<archive::WrittenRecord> written;
  {
    auto writer = archive::WarcWriter::Open(options, clock);
    ASSERT_TRUE(writer.has_value());
    archive::WarcRecordSpec response{
        archive::WarcType::kResponse,
        "http://shop.example/a",
        std::nullopt,
        "application/http; msgtype=response",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html>a</html>",
        "",
        {}};
    written.push_back(*(*writer)->Write(response));
    archive::WarcRecordSpec missing{archive::WarcType::kResponse,
                                    "http://shop.example/gone",
                                    std::nullopt,
                                    "application/http; msgtype=response",
                                    "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\nno",
                                    "",
                                    {}};
    written.push_back(*(*writer)->Write(missing));
    ASSERT_TRUE((*writer)->Close().ok());
  }
  MemorySink sink;
  ImportStats stats;
  Progress progress("test", true);
  ASSERT_TRUE(IndexWarcFile(written[0].file, sink, stats, progress).ok());
  ASSERT_EQ(sink.files.size(), 1u);
  EXPECT_EQ(sink.files[0].origin, "indexed");
  EXPECT_EQ(sink.files[0].sha256.size(), 64u);
  ASSERT_EQ(sink.records.size(), 2u);  // warcinfo is not reported
  EXPECT_EQ(sink.records[0].offset, written[0].offset);
  EXPECT_EQ(sink.records[0].length, written[0].length);
  EXPECT_EQ(sink.records[0].http_status, 200);
  EXPECT_EQ(sink.records[0].content_type, "text/html; charset=utf-8");
  EXPECT_EQ(sink.records[0].document_kind, "html");
  EXPECT_EQ(sink.records[1].http_status, 404);
  EXPECT_EQ(sink.records[1].document_kind, "") << "error pages are captures, not documents";
  ASSERT_EQ(sink.indexed.size(), 1u);
  EXPECT_EQ(sink.indexed[0].records, 3u);
  EXPECT_FALSE(sink.indexed[0].first_record_date.empty());
  EXPECT_LE(sink.indexed[0].first_record_date, written[0].date);
  EXPECT_EQ(sink.indexed[0].last_record_date, written[1].date);

  // The same file again adds nothing.
  ImportStats again;
  ASSERT_TRUE(IndexWarcFile(written[0].file, sink, again, progress).ok());
  EXPECT_EQ(again.duplicates, 1u);
  EXPECT_EQ(sink.records.size(), 2u);
}

TEST_F(WarcIndexImportTest, CorruptFileIsIndexedAsFarAsReadableWithAnomalies) {
  std::filesystem::create_directories(dir_);
  auto path = dir_ / "broken.warc";
  std::string good =
      "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: "
      "2020-01-01T00:00:00Z\r\nWARC-Target-URI: <http://old.example/>\r\nContent-Type: "
      "text/html\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
  std::string torn = "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 500\r\n\r\nshort";
  ASSERT_TRUE(WriteFileAtomic(path, good + torn).ok());
  MemorySink sink;
  ImportStats stats;
  Progress progress("test", true);
  ASSERT_TRUE(IndexWarcFile(path, sink, stats, progress).ok());
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].uri, "http://old.example/")
      << "angle brackets of old writers are removed";
  ASSERT_GE(stats.anomaly_count, 1u);
  EXPECT_EQ(stats.anomalies[0].file, std::filesystem::canonical(path));
  EXPECT_EQ(stats.anomalies[0].anomaly.offset, good.size());
}

TEST_F(WarcIndexImportTest, MissingFileIsAnError) {
  MemorySink sink;
  ImportStats stats;
  Progress progress("test", true);
  Status status = IndexWarcFile(dir_ / "nope.warc", sink, stats, progress);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("nope.warc"), std::string::npos);
}

}  // namespace
}  // namespace dragnet::capture
