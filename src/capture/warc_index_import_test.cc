#include <map>
#include <set>

#include <gtest/gtest.h>

#include "archive/warc_writer.h"
#include "capture/importer.h"
#include "core/file.h"

namespace dragnet::capture {
namespace {

// Records what an importer reports, like the store would, in memory.
class MemorySink final : public ImportSink {
 public:
  Result<bool> AlreadyImported(const std::string& key) override { return keys.count(key) > 0; }
  Status OnItem(const ImportSource& source, const std::vector<ImportedRecord>& items,
                const std::string& key, const std::string& /*description*/) override {
    sources[source.key] = source;
    records.insert(records.end(), items.begin(), items.end());
    if (!key.empty())
      keys.insert(key);
    return Status::Ok();
  }
  Status OnArchiveFile(const ImportedArchiveFile& file) override {
    files.push_back(file);
    return Status::Ok();
  }
  Status OnArchiveFileIndexed(const ImportedArchiveFile& file) override {
    indexed.push_back(file);
    return Status::Ok();
  }
  Result<bool> HasArchiveFile(const std::string& sha256) override {
    for (const auto& f : files) {
      if (f.sha256 == sha256)
        return true;
    }
    return false;
  }
  std::set<std::string> keys;
  std::map<std::string, ImportSource> sources;
  std::vector<ImportedRecord> records;
  std::vector<ImportedArchiveFile> files;
  std::vector<ImportedArchiveFile> indexed;
};

class WarcIndexImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("warc_index_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
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
