// Saved-page directories and Telegram Desktop exports, including the damaged ones analysts get.

#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive/warc_reader.h"
#include "archive/warc_validator.h"
#include "capture/import_util.h"
#include "capture/importer.h"
#include "capture/memory_sink_for_test.h"
#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::capture {
namespace {

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_ / "in"); }
  void Put(const std::string& relative, std::string_view content) {
    auto path = dir_ / "in" / relative;
    std::filesystem::create_directories(path.parent_path());
    ASSERT_TRUE(WriteFileAtomic(path, content).ok());
  }
  std::unique_ptr<archive::WarcWriter> Writer() {
    archive::WarcWriterOptions options;
    options.directory = dir_ / "archive";
    options.context = {"t", "h", "o", "c"};
    auto writer = archive::WarcWriter::Open(options, clock_);
    EXPECT_TRUE(writer.has_value());
    return std::move(writer).value();
  }
  // Every WARC file written passes strict verification.
  void ExpectArchiveValid() {
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "archive")) {
      if (!e.path().string().ends_with(".warc.gz"))
        continue;
      auto verdict = archive::VerifyWarcFile(e.path());
      ASSERT_TRUE(verdict.has_value());
      for (const auto& a : verdict->anomalies.items())
        ADD_FAILURE() << a.detail;
    }
  }
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
  FakeClock clock_{*ParseW3c("2026-11-22T10:00:00Z")};
  Progress progress_{"test", true};
};

TEST_F(ImportTest, HtmlDirectoryArchivesEveryFileWithPathAndTitle) {
  Put("index.html", "<html><head><title>Shop &amp; Co</title></head></html>");
  Put("sub/листинг 1.html", "<html><title>\n  Мефедрон   кристаллы\n</title></html>");
  Put("img/photo.jpg", std::string("\xff\xd8\xff\xe0 jpeg bytes", 15));
  MemorySink sink;
  ImportStats stats;
  {
    auto writer = Writer();
    ASSERT_TRUE(ImportHtmlDirectory(dir_ / "in", *writer, sink, stats, progress_).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  EXPECT_EQ(stats.items, 3u);
  auto pages = sink.Documents("html");
  ASSERT_EQ(pages.size(), 2u);
  std::set<std::string> titles;
  for (const auto& p : pages)
    titles.insert(p.title);
  EXPECT_EQ(titles, (std::set<std::string>{"Shop & Co", "Мефедрон кристаллы"}));
  bool encoded = false;
  for (const auto& r : sink.records) {
    if (r.uri.find("%D0%BB") != std::string::npos && r.uri.find("%201.html") != std::string::npos) {
      encoded = true;
    }
  }
  EXPECT_TRUE(encoded) << "Cyrillic and spaces are percent-encoded in file:// URIs";
  ExpectArchiveValid();

  // The WARC record keeps the original path.
  model::AnomalyLog log;
  auto reader = archive::WarcReader::Open(pages[0].warc_file, log);
  ASSERT_TRUE(reader.has_value());
  ASSERT_TRUE((*reader)->Seek(pages[0].offset).ok());
  ASSERT_TRUE(*(*reader)->Next());
  EXPECT_TRUE((*reader)->header().fields.Get("Dragnet-Source-Path").has_value());
  EXPECT_TRUE((*reader)->header().fields.Get("Dragnet-Source-Modified").has_value());
}

TEST_F(ImportTest, HtmlDirectoryReimportAddsNothing) {
  Put("a.html", "<title>a</title>");
  MemorySink sink;
  ImportStats first;
  ImportStats second;
  auto writer = Writer();
  ASSERT_TRUE(ImportHtmlDirectory(dir_ / "in", *writer, sink, first, progress_).ok());
  ASSERT_TRUE(ImportHtmlDirectory(dir_ / "in", *writer, sink, second, progress_).ok());
  EXPECT_EQ(first.items, 1u);
  EXPECT_EQ(second.items, 0u);
  EXPECT_EQ(second.duplicates, 1u);
  EXPECT_EQ(sink.records.size(), 1u);
}

TEST_F(ImportTest, UnreadableFileIsAnAnomalyAndTheRestIsImported) {
  Put("ok.html", "<title>ok</title>");
  Put("secret.html", "<title>locked</title>");
  ::chmod((dir_ / "in" / "secret.html").c_str(), 0);
  // Root reads everything; drop to an unprivileged user in a child so the test means the same
  // under CI (root) as on a workstation.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0) {
      std::filesystem::permissions(dir_, std::filesystem::perms::all,
                                   std::filesystem::perm_options::add);
      std::filesystem::permissions(dir_ / "in", std::filesystem::perms::all,
                                   std::filesystem::perm_options::add);
      if (::setgid(65534) != 0 || ::setuid(65534) != 0)
        ::_exit(10);
    }
    MemorySink sink;
    ImportStats stats;
    auto writer = Writer();
    if (!ImportHtmlDirectory(dir_ / "in", *writer, sink, stats, progress_).ok())
      ::_exit(11);
    if (stats.items != 1)
      ::_exit(12);
    if (stats.anomaly_count != 1 || stats.anomalies[0].file.filename() != "secret.html")
      ::_exit(13);
    if (stats.anomalies[0].anomaly.detail.find("secret.html") == std::string::npos)
      ::_exit(14);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: cannot drop privileges, 11: import failed, 12: wrong "
                                       "item count, 13: anomaly missing, 14: anomaly without file";
}

TEST_F(ImportTest, MissingDirectoryIsAnError) {
  MemorySink sink;
  ImportStats stats;
  auto writer = Writer();
  Status status = ImportHtmlDirectory(dir_ / "nope", *writer, sink, stats, progress_);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("nope"), std::string::npos);
}

constexpr std::string_view kChannel = R"json({
 "name": "Shop 24/7",
 "type": "public_channel",
 "id": 1234567890,
 "messages": [
  {"id": 1, "type": "service", "date": "2026-01-01T10:00:00", "date_unixtime": "1767261600",
   "actor": "Shop 24/7", "action": "create_channel", "title": "Shop 24/7", "text": ""},
  {"id": 2, "type": "message", "date": "2026-01-01T11:00:00", "date_unixtime": "1767265200",
   "from": "Shop 24/7", "from_id": "channel1234567890",
   "text": ["Мефедрон 1г — 3000₽ ", {"type": "mention", "text": "@shop_bot"},
            " ", {"type": "text_link", "text": "прайс", "href": "https://t.me/shop"}],
   "photo": "photos/photo_1.jpg"},
  {"id": 3, "type": "message", "date_unixtime": "1767268800", "text": "Шишки 5г",
   "file": "(File not included. Change data exporting settings to download.)"},
  {"id": 4, "type": "message", "date_unixtime": "1767272400", "text": "edited",
   "edited": "2026-01-01T13:30:00", "photo": "photos/missing.jpg"},
  {"type": "message", "text": "no id"},
  {"id": 6, "type": "message", "date_unixtime": "1767280000", "text": "escape",
   "photo": "../../../../etc/hostname"}
 ]
})json";

TEST_F(ImportTest, TelegramChannelExportIsArchivedMessageByMessage) {
  Put("export/result.json", kChannel);
  Put("export/photos/photo_1.jpg", "jpeg");
  MemorySink sink;
  ImportStats stats;
  {
    auto writer = Writer();
    ASSERT_TRUE(ImportTelegramExport(dir_ / "in/export", *writer, sink, stats, progress_).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  EXPECT_EQ(stats.items, 5u);  // the message without id is skipped
  EXPECT_EQ(stats.media, 1u);
  auto messages = sink.Documents("telegram_message");
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(sink.Documents("telegram_service").size(), 1u);
  EXPECT_EQ(messages[0].external_id, "1234567890/2");
  EXPECT_EQ(messages[0].uri, "https://t.me/c/1234567890/2");
  EXPECT_EQ(messages[0].title, "Мефедрон 1г — 3000₽ @shop_bot прайс");
  EXPECT_EQ(messages[0].document_date, "2026-01-01T11:00:00Z");
  std::set<std::string> kinds;
  for (const auto& a : stats.anomalies)
    kinds.insert(a.anomaly.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"telegram.bad_message", "telegram.media_missing",
                                          "telegram.media_outside_export"}));
  EXPECT_EQ(sink.sources, (std::set<std::string>{"telegram_channel:1234567890:Shop 24/7"}));
  ExpectArchiveValid();

  // The message is archived verbatim inside the record.
  model::AnomalyLog log;
  auto reader = archive::WarcReader::Open(messages[0].warc_file, log);
  ASSERT_TRUE((*reader)->Seek(messages[0].offset).ok());
  ASSERT_TRUE(*(*reader)->Next());
  auto block = (*reader)->ReadBlockToString(1 << 20);
  ASSERT_TRUE(block.has_value());
  auto json = nlohmann::json::parse(*block);
  EXPECT_EQ(json["message"]["text"][3]["href"], "https://t.me/shop");
  EXPECT_EQ(json["chat"]["type"], "public_channel");

  // Importing again adds nothing.
  ImportStats again;
  auto writer = Writer();
  ASSERT_TRUE(
      ImportTelegramExport(dir_ / "in/export/result.json", *writer, sink, again, progress_).ok());
  EXPECT_EQ(again.items, 0u);
  EXPECT_EQ(again.duplicates, 5u);
}

TEST_F(ImportTest, TruncatedTelegramExportKeepsEveryCompleteMessage) {
  std::string text(kChannel);
  size_t cut = text.find("{\"id\": 4");
  Put("export/result.json", text.substr(0, cut + 20));
  MemorySink sink;
  ImportStats stats;
  auto writer = Writer();
  ASSERT_TRUE(ImportTelegramExport(dir_ / "in/export", *writer, sink, stats, progress_).ok());
  EXPECT_EQ(stats.items, 3u) << "messages 1, 2 and 3 are complete";
  ASSERT_GE(stats.anomalies.size(), 1u);
  EXPECT_EQ(stats.anomalies[0].anomaly.kind, "telegram.bad_json");
  EXPECT_GT(stats.anomalies[0].anomaly.offset, 0u);
  EXPECT_EQ(sink.sources, (std::set<std::string>{"telegram_channel:1234567890:Shop 24/7"}));
}

TEST_F(ImportTest, FullAccountExportImportsEveryChat) {
  std::string account = R"json({"about": "x", "chats": {"about": "y", "list": [
    {"name": "A", "type": "personal_chat", "id": 1, "messages": [{"id": 1, "type": "message", "text": "hi"}]},
    {"name": "B", "type": "private_group", "id": 2, "messages": [{"id": 1, "type": "message", "text": "yo"},
                                                              {"id": 2, "type": "message", "text": "ok"}]}
  ]}})json";
  Put("account/result.json", account);
  MemorySink sink;
  ImportStats stats;
  auto writer = Writer();
  ASSERT_TRUE(ImportTelegramExport(dir_ / "in/account", *writer, sink, stats, progress_).ok());
  EXPECT_EQ(stats.items, 3u);
  EXPECT_EQ(sink.sources.size(), 2u);
}

TEST_F(ImportTest, NotAnExportIsAnError) {
  Put("x/result.json", R"({"hello": "world"})");
  MemorySink sink;
  ImportStats stats;
  auto writer = Writer();
  EXPECT_FALSE(ImportTelegramExport(dir_ / "in/x", *writer, sink, stats, progress_).ok());
  EXPECT_FALSE(ImportTelegramExport(dir_ / "in/none", *writer, sink, stats, progress_).ok());
}

TEST_F(ImportTest, DetectsInputKinds) {
  Put("tg/result.json", kChannel);
  Put("site/index.html", "<html></html>");
  Put("a.warc", "WARC/1.1\r\n");
  Put("renamed.bin", "WARC/1.0\r\n");
  Put("notes.txt", "hello");
  EXPECT_EQ(DetectInputKind(dir_ / "in/tg"), "telegram");
  EXPECT_EQ(DetectInputKind(dir_ / "in/tg/result.json"), "telegram");
  EXPECT_EQ(DetectInputKind(dir_ / "in/site"), "html_directory");
  EXPECT_EQ(DetectInputKind(dir_ / "in/a.warc"), "warc");
  EXPECT_EQ(DetectInputKind(dir_ / "in/renamed.bin"), "warc");
  EXPECT_EQ(DetectInputKind(dir_ / "in/notes.txt"), "");
  EXPECT_EQ(DetectInputKind(dir_ / "in/missing"), "");
}

TEST(ImportUtil, FileUrisAndTitles) {
  EXPECT_EQ(FileUri("/a b/c%d.html"), "file:///a%20b/c%25d.html");
  EXPECT_EQ(HtmlTitle("<TITLE lang=ru>  A&lt;B  </TITLE>"), "A<B");
  EXPECT_EQ(HtmlTitle("<html>no title</html>"), "");
  EXPECT_EQ(GuessContentType("x.HTM"), "text/html");
  EXPECT_EQ(GuessContentType("x.unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace dragnet::capture
