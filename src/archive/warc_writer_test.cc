#include "archive/warc_writer.h"

#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive/warc_reader.h"
#include "archive/warc_validator.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/scratch_dir.h"

namespace dragnet::archive {
namespace {

class WarcWriterTest : public ::testing::Test {
 protected:
  WarcWriterOptions Options(bool gzip) {
    WarcWriterOptions o;
    o.directory = dir_;
    o.gzip = gzip;
    o.context = {"Dragnet/test", "testhost", "analyst", "CASE-1"};
    return o;
  }

  std::vector<std::filesystem::path> WarcFiles() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      auto name = e.path().filename().string();
      if (name.ends_with(".warc") || name.ends_with(".warc.gz"))
        out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
  FakeClock clock_{*ParseW3c("2026-11-22T10:00:00Z")};
};

constexpr std::string_view kRequest =
    "GET /listing/42 HTTP/1.1\r\nHost: market.example\r\nUser-Agent: Dragnet\r\n\r\n";
constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 26\r\n\r\n"
    "<html>A - P v P 3,5г</html>";
constexpr std::string_view kChunkedResponse =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
    "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";

// Writes one record of every type WARC 1.1 defines for capture.
void WriteEveryType(WarcWriter& writer) {
  WarcRecordSpec request;
  request.type = WarcType::kRequest;
  request.target_uri = "http://market.example/listing/42";
  request.content_type = "application/http; msgtype=request";
  request.block = kRequest;
  auto req = writer.Write(request);
  ASSERT_TRUE(req.has_value()) << req.error().message();

  WarcRecordSpec response;
  response.type = WarcType::kResponse;
  response.target_uri = "http://market.example/listing/42";
  response.content_type = "application/http; msgtype=response";
  response.block = kResponse;
  response.extra_fields.emplace_back("WARC-Concurrent-To", req->record_id);
  response.extra_fields.emplace_back("WARC-IP-Address", "127.0.0.1");
  auto resp = writer.Write(response);
  ASSERT_TRUE(resp.has_value());
  EXPECT_FALSE(resp->payload_digest.empty());

  WarcRecordSpec metadata;
  metadata.type = WarcType::kMetadata;
  metadata.target_uri = "http://market.example/listing/42";
  metadata.content_type = "application/warc-fields";
  metadata.block = "via: socks5h://127.0.0.1:9050\r\ncircuit: market.example\r\n";
  metadata.extra_fields.emplace_back("WARC-Concurrent-To", resp->record_id);
  ASSERT_TRUE(writer.Write(metadata).has_value());

  WarcRecordSpec resource;
  resource.type = WarcType::kResource;
  resource.target_uri = "file:///evidence/page.html";
  resource.content_type = "text/html";
  resource.block = "<html><title>saved</title></html>";
  ASSERT_TRUE(writer.Write(resource).has_value());

  WarcRecordSpec revisit;
  revisit.type = WarcType::kRevisit;
  revisit.target_uri = "http://market.example/listing/42";
  revisit.content_type = "application/http; msgtype=response";
  revisit.block = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
  revisit.extra_fields = {{"WARC-Profile", std::string(kRevisitIdenticalPayload)},
                          {"WARC-Refers-To", resp->record_id},
                          {"WARC-Refers-To-Target-URI", "http://market.example/listing/42"},
                          {"WARC-Refers-To-Date", resp->date},
                          {"WARC-Payload-Digest", resp->payload_digest},
                          {"WARC-Truncated", "length"}};
  ASSERT_TRUE(writer.Write(revisit).has_value());

  WarcRecordSpec conversion;
  conversion.type = WarcType::kConversion;
  conversion.target_uri = "http://market.example/listing/42";
  conversion.content_type = "text/plain";
  conversion.block = "A - P v P 3,5г";
  conversion.extra_fields.emplace_back("WARC-Refers-To", resp->record_id);
  ASSERT_TRUE(writer.Write(conversion).has_value());

  WarcRecordSpec chunked;
  chunked.type = WarcType::kResponse;
  chunked.target_uri = "http://market.example/chunked";
  chunked.content_type = "application/http; msgtype=response";
  chunked.block = kChunkedResponse;
  auto chunked_written = writer.Write(chunked);
  ASSERT_TRUE(chunked_written.has_value());
  // The payload digest covers the entity body with chunking removed (WARC 1.1 section 5.9).
  EXPECT_EQ(chunked_written->payload_digest,
            FormatSha256Digest(Digest(DigestAlgorithm::kSha256, "hello, world")));
}

TEST_F(WarcWriterTest, EveryRecordTypePassesStrictVerificationGzipAndPlain) {
  for (bool gzip : {true, false}) {
    std::filesystem::remove_all(dir_);
    auto writer = WarcWriter::Open(Options(gzip), clock_);
    ASSERT_TRUE(writer.has_value()) << writer.error().message();
    WriteEveryType(**writer);
    ASSERT_TRUE((*writer)->Close().ok());
    auto files = WarcFiles();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].string().ends_with(".warc.gz"), gzip);
    auto verdict = VerifyWarcFile(files[0]);
    ASSERT_TRUE(verdict.has_value());
    for (const auto& a : verdict->anomalies.items())
      ADD_FAILURE() << a.detail;
    EXPECT_TRUE(verdict->passed(/*strict=*/true));
    EXPECT_EQ(verdict->records, 8u);  // warcinfo + 7
    EXPECT_EQ(verdict->types.at("warcinfo"), 1u);
    EXPECT_GE(verdict->digests_verified, 13u);
  }
}

TEST_F(WarcWriterTest, RecordsAreReadableAtTheOffsetsTheWriterReturned) {
  auto writer = WarcWriter::Open(Options(true), clock_);
  ASSERT_TRUE(writer.has_value());
  std::vector<WrittenRecord> written;
  for (int i = 0; i < 50; ++i) {
    std::string body = "<html>listing " + std::to_string(i) +
                       std::string(static_cast<size_t>(i) * 37, 'x') + "</html>";
    WarcRecordSpec spec;
    spec.type = WarcType::kResource;
    spec.target_uri = "http://shop.example/" + std::to_string(i);
    spec.content_type = "text/html";
    spec.block = body;
    auto w = (*writer)->Write(spec);
    ASSERT_TRUE(w.has_value());
    written.push_back(*w);
  }
  ASSERT_TRUE((*writer)->Close().ok());
  model::AnomalyLog anomalies;
  auto reader = WarcReader::Open(written[0].file, anomalies);
  ASSERT_TRUE(reader.has_value());
  for (int i : {49, 0, 17, 33}) {
    ASSERT_TRUE((*reader)->Seek(written[static_cast<size_t>(i)].offset).ok());
    auto more = (*reader)->Next();
    ASSERT_TRUE(more.has_value() && *more);
    EXPECT_EQ((*reader)->header().fields.Get("WARC-Record-ID"),
              written[static_cast<size_t>(i)].record_id);
    auto block = (*reader)->ReadBlockToString(1 << 20);
    ASSERT_TRUE(block.has_value());
    EXPECT_EQ(block->rfind("<html>listing " + std::to_string(i), 0), 0u);
    auto extent = (*reader)->FinishRecord();
    ASSERT_TRUE(extent.has_value());
    EXPECT_EQ(extent->length, written[static_cast<size_t>(i)].length);
  }
  EXPECT_EQ(anomalies.errors(), 0u);
}

TEST_F(WarcWriterTest, RotatesAtTheSizeLimitAndWritesACustodyEntryPerFile) {
  auto options = Options(true);
  options.max_file_size = 4096;
  auto writer = WarcWriter::Open(options, clock_);
  ASSERT_TRUE(writer.has_value());
  std::mt19937 rng(3);
  std::string body(3000, 'a');
  for (int i = 0; i < 10; ++i) {
    // Random letters barely compress, so ten records must cross the 4 KiB limit.
    for (char& c : body)
      c = static_cast<char>('a' + rng() % 26);
    WarcRecordSpec spec;
    spec.type = WarcType::kResource;
    spec.target_uri = "http://shop.example/" + std::to_string(i);
    spec.content_type = "text/plain";
    spec.block = body;
    ASSERT_TRUE((*writer)->Write(spec).has_value());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  auto files = WarcFiles();
  EXPECT_GE(files.size(), 2u);
  for (const auto& f : files) {
    auto verdict = VerifyWarcFile(f);
    ASSERT_TRUE(verdict.has_value());
    EXPECT_TRUE(verdict->passed(true)) << f;
    EXPECT_EQ(verdict->types.at("warcinfo"), 1u) << "each file starts with its own warcinfo";
  }
  auto report = VerifyCustody(dir_, std::nullopt, true);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, files.size());
}

TEST_F(WarcWriterTest, HeaderValuesCannotInjectLineBreaks) {
  auto writer = WarcWriter::Open(Options(false), clock_);
  ASSERT_TRUE(writer.has_value());
  WarcRecordSpec spec;
  spec.type = WarcType::kResource;
  spec.target_uri = "http://evil.example/a\r\nWARC-Type: warcinfo";
  spec.content_type = "text/plain";
  spec.block = "x";
  ASSERT_TRUE((*writer)->Write(spec).has_value());
  ASSERT_TRUE((*writer)->Close().ok());
  auto verdict = VerifyWarcFile(WarcFiles()[0]);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->records, 2u);
  EXPECT_EQ(verdict->types.count("warcinfo") ? verdict->types.at("warcinfo") : 0u, 1u);
}

TEST_F(WarcWriterTest, TornTailIsRecoveredIntoCustodyAndNeverExtended) {
  // A child process writes five records and dies without closing, its last record cut in half.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = WarcWriter::Open(Options(true), clock_);
    if (!writer.has_value())
      ::_exit(2);
    std::filesystem::path file;
    for (int i = 0; i < 5; ++i) {
      WarcRecordSpec spec;
      spec.type = WarcType::kResource;
      spec.target_uri = "http://shop.example/" + std::to_string(i);
      spec.content_type = "text/plain";
      std::string body(1000, static_cast<char>('a' + i));
      spec.block = body;
      auto written = (*writer)->Write(spec);
      if (!written.has_value())
        ::_exit(3);
      file = written->file;
    }
    std::filesystem::resize_file(file, std::filesystem::file_size(file) - 20);
    ::_exit(0);  // no destructors: the file is never closed
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto torn = WarcFiles()[0];
  auto torn_size = std::filesystem::file_size(torn);
  auto scan = ScanWarcFile(torn);
  ASSERT_TRUE(scan.has_value());
  EXPECT_TRUE(scan->torn);
  EXPECT_EQ(scan->records, 5u);  // warcinfo + 4 complete resources

  auto writer = WarcWriter::Open(Options(true), clock_);
  ASSERT_TRUE(writer.has_value());
  ASSERT_EQ((*writer)->recovered().size(), 1u);
  EXPECT_EQ((*writer)->recovered()[0].status, "recovered");
  EXPECT_EQ((*writer)->recovered()[0].valid_length, scan->valid_length);
  WarcRecordSpec spec;
  spec.type = WarcType::kResource;
  spec.target_uri = "http://shop.example/after";
  spec.content_type = "text/plain";
  spec.block = "after the crash";
  auto after = (*writer)->Write(spec);
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(after->file, torn) << "a new file, never the torn one";
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(std::filesystem::file_size(torn), torn_size);

  auto verdict = VerifyWarcFile(torn);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_FALSE(verdict->passed(false)) << "the torn tail is reported";
  auto report = VerifyCustody(dir_, std::nullopt, true);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0].message);
}

TEST_F(WarcWriterTest, SurvivesKillDashNineMidWrite) {
  std::filesystem::create_directories(dir_);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SystemClock clock;
    auto writer = WarcWriter::Open(Options(true), clock);
    if (!writer.has_value())
      ::_exit(2);
    std::string body(64 * 1024, 'z');
    for (uint64_t i = 0;; ++i) {
      for (size_t k = 0; k < body.size(); k += 64)
        body[k] = static_cast<char>('a' + (i + k) % 26);
      WarcRecordSpec spec;
      spec.type = WarcType::kResource;
      spec.target_uri = "http://shop.example/" + std::to_string(i);
      spec.content_type = "text/plain";
      spec.block = body;
      if (!(*writer)->Write(spec).has_value())
        ::_exit(3);
    }
  }
  // Wait until the child has written a good amount, then kill it without warning.
  for (int i = 0; i < 20000; ++i) {
    bool big = false;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().string().ends_with(".warc.gz") && e.file_size() > 2 * 1024 * 1024)
        big = true;
    }
    if (big)
      break;
    ::usleep(1000);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer child exited on its own: " << status;

  auto files = WarcFiles();
  ASSERT_EQ(files.size(), 1u);
  auto scan = ScanWarcFile(files[0]);
  ASSERT_TRUE(scan.has_value());
  EXPECT_GT(scan->records, 10u);
  // Every complete record before the tail reads back and verifies.
  model::AnomalyLog anomalies;
  auto reader = WarcReader::Open(files[0], anomalies);
  ASSERT_TRUE(reader.has_value());
  WarcValidator validator(anomalies);
  uint64_t complete = 0;
  for (;;) {
    auto more = (*reader)->Next();
    ASSERT_TRUE(more.has_value());
    if (!*more)
      break;
    uint64_t errors_before = anomalies.errors();
    ASSERT_TRUE(validator.CheckRecord(**reader).ok());
    if (anomalies.errors() == errors_before)
      ++complete;
  }
  EXPECT_EQ(complete, scan->records);

  auto writer = WarcWriter::Open(Options(true), clock_);
  ASSERT_TRUE(writer.has_value());
  ASSERT_EQ((*writer)->recovered().size(), 1u);
  auto report = VerifyCustody(dir_, std::nullopt, true);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok());
}

TEST(HttpPayload, RemovesChunkingAndKeepsPlainBodies) {
  EXPECT_EQ(HttpPayload(kChunkedResponse), "hello, world");
  EXPECT_EQ(HttpPayload("HTTP/1.1 200 OK\r\n\r\nbody"), "body");
  EXPECT_EQ(HttpPayload("HTTP/1.1 204 No Content\r\n\r\n"), "");
  EXPECT_FALSE(HttpPayload("HTTP/1.1 200 OK\r\nno end"));
  // Broken chunking: keep the raw body rather than invent one.
  EXPECT_EQ(HttpPayload("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab"),
            "zz\r\nab");
}

}  // namespace
}  // namespace dragnet::archive
