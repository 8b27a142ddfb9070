// One suite every store backend must pass. The PostgreSQL backend will be added to the
// INSTANTIATE line below and must pass unchanged.

#include <algorithm>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/scratch_dir.h"
#include "store/store.h"

namespace dragnet::store {
namespace {

struct Backend {
  std::string name;
  // Opens (creating) a store identified by `id` within the test's scratch space.
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& dir)> open;
};

// Names the backend in test output instead of dumping the struct's bytes.
void PrintTo(const Backend& backend, std::ostream* os) {
  *os << backend.name;
}

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto opened = GetParam().open(dir_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    store_ = std::move(opened).value();
  }
  void TearDown() override { store_.reset(); }

  int64_t AddFile(const std::string& path) {
    ArchiveFile f;
    f.path = path;
    f.sha256 = std::string(64, 'a');
    f.origin = "indexed";
    f.registered_at = "2026-11-22T10:00:00Z";
    auto id = store_->AddArchiveFile(f);
    EXPECT_TRUE(id.has_value()) << id.error().message();
    return id.has_value() ? *id : 0;
  }

  Capture MakeCapture(int64_t file_id, uint64_t offset) {
    Capture c;
    c.archive_file_id = file_id;
    c.offset = offset;
    c.length = 100;
    c.record_id = "<urn:uuid:" + std::to_string(offset) + ">";
    c.record_type = "response";
    c.uri = "http://shop.example/" + std::to_string(offset % 3);
    c.date = "2026-11-2" + std::to_string(offset % 10) + "T00:00:00Z";
    c.http_status = 200;
    return c;
  }

  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, FreshStoreIsEmptyAtTheCurrentSchemaVersion) {
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->captures, 0);
  EXPECT_EQ(stats->documents, 0);
  EXPECT_GE(stats->schema_version, 1);
}

TEST_P(StoreConformanceTest, UpsertSourceIsIdempotent) {
  auto a = store_->UpsertSource({0, "site", "market.onion", "Market"});
  auto b = store_->UpsertSource({0, "site", "market.onion", "Market again"});
  auto c = store_->UpsertSource({0, "telegram_channel", "market.onion", "Other kind"});
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  auto found = store_->FindSource("site", "market.onion");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->name, "Market");
  auto missing = store_->FindSource("site", "nope");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreConformanceTest, ArchiveFilesAreUniqueByPathAndFoundByHash) {
  int64_t id = AddFile("/archive/a.warc.gz");
  ArchiveFile again;
  again.path = "/archive/a.warc.gz";
  again.origin = "written";
  again.registered_at = "x";
  auto dup = store_->AddArchiveFile(again);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  auto by_hash = store_->FindArchiveFileBySha256(std::string(64, 'a'));
  ASSERT_TRUE(by_hash.has_value() && by_hash->has_value());
  EXPECT_EQ((*by_hash)->id, id);
  ASSERT_TRUE(store_->SetArchiveFileRecords(id, 42).ok());
  auto by_path = store_->FindArchiveFileByPath("/archive/a.warc.gz");
  ASSERT_TRUE(by_path.has_value() && by_path->has_value());
  EXPECT_EQ((*by_path)->records, 42u);
}

TEST_P(StoreConformanceTest, CapturesAreDeduplicatedByFileAndOffset) {
  int64_t file = AddFile("/archive/a.warc.gz");
  auto first = store_->AddCapture(MakeCapture(file, 0));
  auto second = store_->AddCapture(MakeCapture(file, 0));
  auto third = store_->AddCapture(MakeCapture(file, 300));
  ASSERT_TRUE(first.has_value() && second.has_value() && third.has_value());
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *third);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->captures, 2);
  auto by_id = store_->FindCaptureByRecordId("<urn:uuid:300>");
  ASSERT_TRUE(by_id.has_value() && by_id->has_value());
  EXPECT_EQ((*by_id)->offset, 300u);
  EXPECT_EQ((*by_id)->http_status, 200);
  auto by_uri = store_->CapturesForUri("http://shop.example/0");
  ASSERT_TRUE(by_uri.has_value());
  EXPECT_EQ(by_uri->size(), 2u);  // offsets 0 and 300 both map to /0
}

TEST_P(StoreConformanceTest, ForeignKeysAreEnforced) {
  auto orphan = store_->AddCapture(MakeCapture(/*file_id=*/9999, 0));
  EXPECT_FALSE(orphan.has_value());
  Document d;
  d.capture_id = 12345;
  d.kind = "html";
  EXPECT_FALSE(store_->AddDocument(d).has_value());
}

TEST_P(StoreConformanceTest, DocumentsAreOnePerCaptureAndKind) {
  int64_t file = AddFile("/archive/a.warc.gz");
  auto capture = store_->AddCapture(MakeCapture(file, 0));
  ASSERT_TRUE(capture.has_value());
  Document d;
  d.capture_id = *capture;
  d.kind = "html";
  d.title = "first";
  auto a = store_->AddDocument(d);
  d.title = "second";
  auto b = store_->AddDocument(d);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(*a, *b);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->documents, 1);
  ASSERT_EQ(stats->documents_by_kind.size(), 1u);
  EXPECT_EQ(stats->documents_by_kind[0], (std::pair<std::string, int64_t>{"html", 1}));
}

TEST_P(StoreConformanceTest, AnalysesReplaceEarlierFindingsAndNewKeysReanalyse) {
  int64_t file = AddFile("/archive/a.warc.gz");
  std::vector<int64_t> documents;
  for (uint64_t offset : {0, 100, 200}) {
    auto capture = store_->AddCapture(MakeCapture(file, offset));
    ASSERT_TRUE(capture.has_value());
    Document d;
    d.capture_id = *capture;
    d.kind = "html";
    auto id = store_->AddDocument(d);
    ASSERT_TRUE(id.has_value());
    documents.push_back(*id);
  }
  auto todo = store_->DocumentsToAnalyze("substances", "substances/1/aaa", 0, 10);
  ASSERT_TRUE(todo.has_value());
  ASSERT_EQ(todo->size(), 3u);
  EXPECT_EQ((*todo)[0].archive_path, "/archive/a.warc.gz");
  EXPECT_EQ((*todo)[1].offset, 100u);

  Analysis analysis;
  analysis.document_id = documents[0];
  analysis.analyzer = "substances";
  analysis.analyzer_key = "substances/1/aaa";
  analysis.category = "drugs";
  analysis.findings.push_back({"substance", "heroin", "opioid", "Геройн", 0, 12, 1.0, 0.9, "{}"});
  analysis.findings.push_back({"substance", "cocaine", "stimulant", "coke", 20, 24, {}, 0.7, ""});
  ASSERT_TRUE(store_->PutAnalysis(analysis, "2026-01-01T00:00:00Z").ok());
  // Analysing again replaces, never adds to, what was found.
  analysis.findings.pop_back();
  ASSERT_TRUE(store_->PutAnalysis(analysis, "2026-01-02T00:00:00Z").ok());
  auto counts = store_->FindingCounts("substance", 10);
  ASSERT_TRUE(counts.has_value());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0], (std::pair<std::string, int64_t>{"heroin", 1}));
  auto categories = store_->CategoryCounts("substances");
  ASSERT_TRUE(categories.has_value());
  ASSERT_EQ(categories->size(), 1u);
  EXPECT_EQ((*categories)[0], (std::pair<std::string, int64_t>{"drugs", 1}));

  auto rest = store_->DocumentsToAnalyze("substances", "substances/1/aaa", 0, 10);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->size(), 2u);
  auto after = store_->DocumentsToAnalyze("substances", "substances/1/aaa", documents[1], 10);
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].document_id, documents[2]);
  // A new analyzer version or lexicon makes every document due again.
  auto newer = store_->DocumentsToAnalyze("substances", "substances/2/bbb", 0, 10);
  ASSERT_TRUE(newer.has_value());
  EXPECT_EQ(newer->size(), 3u);

  // A second analysed document with no findings; pages of one document each.
  Analysis empty;
  empty.document_id = documents[2];
  empty.analyzer = "substances";
  empty.analyzer_key = "substances/1/aaa";
  empty.category = "weapons";
  ASSERT_TRUE(store_->PutAnalysis(empty, "2026-01-02T00:00:00Z").ok());
  auto analysed = store_->AnalysedDocuments("substances", 0, 1);
  ASSERT_TRUE(analysed.has_value());
  ASSERT_EQ(analysed->size(), 1u);
  EXPECT_EQ((*analysed)[0].document_id, documents[0]);
  EXPECT_EQ((*analysed)[0].category, "drugs");
  EXPECT_EQ((*analysed)[0].kind, "html");
  ASSERT_EQ((*analysed)[0].findings.size(), 1u);
  EXPECT_EQ((*analysed)[0].findings[0].key, "heroin");
  EXPECT_EQ((*analysed)[0].findings[0].class_id, "opioid");
  EXPECT_EQ((*analysed)[0].findings[0].value, 1.0);
  auto next = store_->AnalysedDocuments("substances", documents[0], 10);
  ASSERT_TRUE(next.has_value());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].category, "weapons");
  EXPECT_TRUE((*next)[0].findings.empty());
  EXPECT_TRUE(store_->AnalysedDocuments("selectors", 0, 10)->empty());
}

TEST_P(StoreConformanceTest, IngestedKeysAreRemembered) {
  auto before = store_->HasIngested("warc:abc");
  ASSERT_TRUE(before.has_value());
  EXPECT_FALSE(*before);
  ASSERT_TRUE(store_->MarkIngested("warc:abc", "a file").ok());
  ASSERT_TRUE(store_->MarkIngested("warc:abc", "again").ok());
  auto after = store_->HasIngested("warc:abc");
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(*after);
}

TEST_P(StoreConformanceTest, AuditLogIsOrderedAndPaged) {
  for (int i = 0; i < 5; ++i) {
    AuditEntry e;
    e.actor = "analyst";
    e.action = "ingest";
    e.target = "input-" + std::to_string(i);
    e.reason = "case 1";
    ASSERT_TRUE(store_->AppendAudit(e).has_value());
  }
  auto page1 = store_->AuditLog(0, 3);
  ASSERT_TRUE(page1.has_value());
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_EQ((*page1)[0].target, "input-0");
  EXPECT_FALSE((*page1)[0].at.empty());
  auto page2 = store_->AuditLog(page1->back().id, 10);
  ASSERT_TRUE(page2.has_value());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[1].target, "input-4");
}

TEST_P(StoreConformanceTest, TransactionCommitsOrRollsBackAsAWhole) {
  int64_t file = AddFile("/archive/a.warc.gz");
  Status failed = store_->InTransaction([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(store_->AddCapture(MakeCapture(file, 0)));
    DRAGNET_RETURN_IF_ERROR(store_->MarkIngested("k", "d"));
    return Internal("simulated failure after two writes");
  });
  EXPECT_FALSE(failed.ok());
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->captures, 0);
  EXPECT_FALSE(*store_->HasIngested("k"));

  Status ok = store_->InTransaction([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(store_->AddCapture(MakeCapture(file, 0)));
    return store_->MarkIngested("k", "d");
  });
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(*store_->HasIngested("k"));
}

TEST_P(StoreConformanceTest, TransactionsDoNotNest) {
  Status outer = store_->InTransaction([&]() -> Status {
    Status inner = store_->InTransaction([] { return Status::Ok(); });
    EXPECT_EQ(inner.error().code(), ErrorCode::kFailedPrecondition);
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
}

TEST_P(StoreConformanceTest, DataSurvivesReopening) {
  int64_t file = AddFile("/archive/a.warc.gz");
  ASSERT_TRUE(store_->AddCapture(MakeCapture(file, 7)).has_value());
  store_.reset();
  auto reopened = GetParam().open(dir_);
  ASSERT_TRUE(reopened.has_value());
  auto found = (*reopened)->FindCaptureByRecordId("<urn:uuid:7>");
  ASSERT_TRUE(found.has_value() && found->has_value());
}

TEST_P(StoreConformanceTest, StatsCountAndGroup) {
  ASSERT_TRUE(store_->UpsertSource({0, "site", "a.onion", "A"}).has_value());
  ASSERT_TRUE(store_->UpsertSource({0, "site", "b.onion", "B"}).has_value());
  ASSERT_TRUE(store_->UpsertSource({0, "telegram_channel", "123", "C"}).has_value());
  int64_t file = AddFile("/archive/a.warc.gz");
  for (uint64_t offset : {0u, 100u, 200u}) {
    ASSERT_TRUE(store_->AddCapture(MakeCapture(file, offset)).has_value());
  }
  Capture request = MakeCapture(file, 305);
  request.record_type = "request";
  ASSERT_TRUE(store_->AddCapture(request).has_value());
  ASSERT_TRUE(store_->AppendAudit({0, "", "analyst", "ingest", "x", "case 1"}).has_value());

  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value()) << stats.error().message();
  EXPECT_EQ(stats->sources, 3);
  EXPECT_EQ(stats->archive_files, 1);
  EXPECT_EQ(stats->captures, 4);
  EXPECT_EQ(stats->documents, 0);
  EXPECT_EQ(stats->audit_entries, 1);
  using Group = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(stats->captures_by_type, (Group{{"response", 3}, {"request", 1}}));
  EXPECT_EQ(stats->sources_by_kind, (Group{{"site", 2}, {"telegram_channel", 1}}));
  EXPECT_TRUE(stats->documents_by_kind.empty());
  EXPECT_EQ(stats->first_capture_date, "2026-11-20T00:00:00Z");
  EXPECT_EQ(stats->last_capture_date, "2026-11-25T00:00:00Z");
}

TEST_P(StoreConformanceTest, CaptureFieldsRoundTrip) {
  auto source = store_->UpsertSource({0, "site", "shop.example", "Shop"});
  ASSERT_TRUE(source.has_value());
  int64_t file = AddFile("/archive/a.warc.gz");
  Capture c = MakeCapture(file, 1234);
  c.source_id = *source;
  c.content_type = "text/html; charset=utf-8";
  c.payload_digest = "sha1:ABC";
  c.case_id = "CASE-1";
  auto id = store_->AddCapture(c);
  ASSERT_TRUE(id.has_value());
  auto found = store_->FindCaptureByRecordId(c.record_id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  const Capture& got = **found;
  EXPECT_EQ(got.id, *id);
  EXPECT_EQ(got.source_id, *source);
  EXPECT_EQ(got.archive_file_id, file);
  EXPECT_EQ(got.offset, 1234u);
  EXPECT_EQ(got.length, 100u);
  EXPECT_EQ(got.record_type, "response");
  EXPECT_EQ(got.uri, c.uri);
  EXPECT_EQ(got.date, c.date);
  EXPECT_EQ(got.content_type, c.content_type);
  EXPECT_EQ(got.payload_digest, c.payload_digest);
  EXPECT_EQ(got.case_id, "CASE-1");

  // source_id 0 means "no source" and reads back as 0.
  ASSERT_TRUE(store_->AddCapture(MakeCapture(file, 5000)).has_value());
  auto sourceless = store_->FindCaptureByRecordId("<urn:uuid:5000>");
  ASSERT_TRUE(sourceless.has_value() && sourceless->has_value());
  EXPECT_EQ((*sourceless)->source_id, 0);

  auto missing = store_->FindCaptureByRecordId("<urn:uuid:none>");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
  auto no_uri = store_->CapturesForUri("http://nowhere.example/");
  ASSERT_TRUE(no_uri.has_value());
  EXPECT_TRUE(no_uri->empty());
}

TEST_P(StoreConformanceTest, ArchiveFileFieldsRoundTrip) {
  ArchiveFile f;
  f.path = "/archive/b.warc.gz";
  f.sha256 = std::string(64, 'b');
  f.size = 123456789012ULL;
  f.origin = "written";
  f.records = 7;
  f.registered_at = "2026-11-22T10:00:00Z";
  auto id = store_->AddArchiveFile(f);
  ASSERT_TRUE(id.has_value());
  auto found = store_->FindArchiveFileByPath(f.path);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->id, *id);
  EXPECT_EQ((*found)->sha256, f.sha256);
  EXPECT_EQ((*found)->size, f.size);
  EXPECT_EQ((*found)->origin, "written");
  EXPECT_EQ((*found)->records, 7u);
  EXPECT_EQ((*found)->registered_at, f.registered_at);
  auto missing = store_->FindArchiveFileByPath("/archive/none.warc.gz");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
  auto missing_hash = store_->FindArchiveFileBySha256(std::string(64, 'c'));
  ASSERT_TRUE(missing_hash.has_value());
  EXPECT_FALSE(missing_hash->has_value());
}

TEST_P(StoreConformanceTest, CaptureWithUnknownSourceFails) {
  int64_t file = AddFile("/archive/a.warc.gz");
  Capture c = MakeCapture(file, 0);
  c.source_id = 4242;
  EXPECT_FALSE(store_->AddCapture(c).has_value());
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->captures, 0);
}

TEST_P(StoreConformanceTest, FailedWriteLeavesTheStoreUsable) {
  EXPECT_FALSE(store_->AddCapture(MakeCapture(/*file_id=*/9999, 0)).has_value());
  int64_t file = AddFile("/archive/a.warc.gz");
  EXPECT_TRUE(store_->AddCapture(MakeCapture(file, 0)).has_value());
  EXPECT_TRUE(store_->InTransaction([] { return Status::Ok(); }).ok());
}

TEST_P(StoreConformanceTest, FailedWriteInsideTransactionRollsBackEarlierWrites) {
  Status status = store_->InTransaction([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(store_->MarkIngested("k", "d"));
    DRAGNET_RETURN_IF_ERROR(store_->AddCapture(MakeCapture(/*file_id=*/9999, 0)));
    return Status::Ok();
  });
  EXPECT_FALSE(status.ok());
  auto ingested = store_->HasIngested("k");
  ASSERT_TRUE(ingested.has_value());
  EXPECT_FALSE(*ingested);
}

TEST_P(StoreConformanceTest, TransactionRollsBackWhenTheBodyThrows) {
  EXPECT_THROW((void)store_->InTransaction([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(store_->MarkIngested("thrown", "d"));
    throw std::runtime_error("body failed");
  }),
               std::runtime_error);
  auto ingested = store_->HasIngested("thrown");
  ASSERT_TRUE(ingested.has_value());
  EXPECT_FALSE(*ingested);
  // The store is not left inside a transaction.
  EXPECT_TRUE(store_->InTransaction([] { return Status::Ok(); }).ok());
}

TEST_P(StoreConformanceTest, AuditEntriesKeepTheirFields) {
  auto id = store_->AppendAudit({0, "", "alice", "export", "case-7.zip", "court order 12"});
  ASSERT_TRUE(id.has_value());
  auto log = store_->AuditLog(0, 10);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 1u);
  const AuditEntry& e = (*log)[0];
  EXPECT_EQ(e.id, *id);
  EXPECT_EQ(e.actor, "alice");
  EXPECT_EQ(e.action, "export");
  EXPECT_EQ(e.target, "case-7.zip");
  EXPECT_EQ(e.reason, "court order 12");
  EXPECT_TRUE(ParseW3c(e.at).has_value()) << e.at;
  auto after_last = store_->AuditLog(*id, 10);
  ASSERT_TRUE(after_last.has_value());
  EXPECT_TRUE(after_last->empty());
}

TEST_P(StoreConformanceTest, AuditLogIdsIncreaseAcrossReopening) {
  auto first = store_->AppendAudit({0, "", "a", "ingest", "1", ""});
  ASSERT_TRUE(first.has_value());
  store_.reset();
  auto reopened = GetParam().open(dir_);
  ASSERT_TRUE(reopened.has_value());
  store_ = std::move(reopened).value();
  auto second = store_->AppendAudit({0, "", "a", "ingest", "2", ""});
  ASSERT_TRUE(second.has_value());
  EXPECT_GT(*second, *first);
  auto log = store_->AuditLog(0, 10);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].target, "1");
  EXPECT_EQ((*log)[1].target, "2");
}

FrontierEntry Entry(const std::string& job, const std::string& url, const std::string& site,
                    const std::string& next_at = "") {
  FrontierEntry e;
  e.job_id = job;
  e.url = url;
  e.site = site;
  e.next_at = next_at;
  return e;
}

TEST_P(StoreConformanceTest, CrawlJobsAreCreatedOnceAndListed) {
  auto created = store_->EnsureCrawlJob({"job-a", "2026-11-22T10:00:00Z", R"({"depth":2})"});
  ASSERT_TRUE(created.has_value());
  EXPECT_FALSE(*created);
  auto resumed = store_->EnsureCrawlJob({"job-a", "2026-11-23T10:00:00Z", "{}"});
  ASSERT_TRUE(resumed.has_value());
  EXPECT_TRUE(*resumed);
  ASSERT_TRUE(store_->EnsureCrawlJob({"job-b", "2026-11-22T11:00:00Z", ""}).has_value());
  auto jobs = store_->CrawlJobs();
  ASSERT_TRUE(jobs.has_value());
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].id, "job-a");
  EXPECT_EQ((*jobs)[0].created, "2026-11-22T10:00:00Z");  // the first call's values are kept
  EXPECT_EQ((*jobs)[0].config, R"({"depth":2})");
  EXPECT_EQ((*jobs)[1].id, "job-b");
}

TEST_P(StoreConformanceTest, FrontierAddsEachUrlOncePerJob) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"j1", "2026-11-22T10:00:00Z", ""}).has_value());
  ASSERT_TRUE(store_->EnsureCrawlJob({"j2", "2026-11-22T10:00:00Z", ""}).has_value());
  auto added = store_->AddFrontier({Entry("j1", "http://a.onion/", "a.onion"),
                                    Entry("j1", "http://a.onion/x", "a.onion"),
                                    Entry("j1", "http://a.onion/", "a.onion")});
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ(*added, 2u);
  auto again = store_->AddFrontier(
      {Entry("j1", "http://a.onion/x", "a.onion"), Entry("j2", "http://a.onion/x", "a.onion")});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 1u);  // the same URL in another job is new
  auto count = store_->CountFrontierForSite("j1", "a.onion");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 2u);
  auto none = store_->CountFrontierForSite("j1", "b.onion");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0u);
  auto empty = store_->AddFrontier({});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, 0u);
}

TEST_P(StoreConformanceTest, FrontierEntryForUnknownJobFails) {
  EXPECT_FALSE(store_->AddFrontier({Entry("no-such-job", "http://a.onion/", "a.onion")}));
}

TEST_P(StoreConformanceTest, FrontierSitesAndPeekHonourDueTimes) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"j", "2026-11-22T10:00:00Z", ""}).has_value());
  ASSERT_TRUE(store_
                  ->AddFrontier({Entry("j", "http://a.onion/1", "a.onion"),
                                 Entry("j", "http://a.onion/2", "a.onion", "2026-11-22T09:00:00Z"),
                                 Entry("j", "http://a.onion/3", "a.onion", "2026-11-22T12:00:00Z"),
                                 Entry("j", "http://b.onion/1", "b.onion", "2026-11-22T12:00:00Z"),
                                 Entry("j", "http://c.onion/1", "c.onion")})
                  .has_value());
  const std::string now = "2026-11-22T10:00:00Z";
  auto sites = store_->FrontierSites("j", now);
  ASSERT_TRUE(sites.has_value());
  EXPECT_EQ(*sites, (std::vector<std::string>{"a.onion", "c.onion"}));
  auto all_sites = store_->FrontierAllSites("j");
  ASSERT_TRUE(all_sites.has_value());
  EXPECT_EQ(*all_sites, (std::vector<std::string>{"a.onion", "b.onion", "c.onion"}));

  auto due = store_->PeekFrontier("j", "a.onion", now, 10);
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].url, "http://a.onion/1");  // "" (now) sorts before any time
  EXPECT_EQ((*due)[1].url, "http://a.onion/2");
  EXPECT_EQ((*due)[0].state, "queued");
  EXPECT_EQ((*due)[0].job_id, "j");
  EXPECT_EQ((*due)[0].site, "a.onion");
  auto limited = store_->PeekFrontier("j", "a.onion", now, 1);
  ASSERT_TRUE(limited.has_value());
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].url, "http://a.onion/1");
  auto later = store_->PeekFrontier("j", "a.onion", "2026-11-22T13:00:00Z", 10);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->size(), 3u);
}

TEST_P(StoreConformanceTest, FrontierEntryFieldsRoundTrip) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"j", "2026-11-22T10:00:00Z", ""}).has_value());
  FrontierEntry e = Entry("j", "http://a.onion/deep", "a.onion");
  e.depth = 3;
  e.redirects = 2;
  e.discovered_from = "http://a.onion/";
  ASSERT_TRUE(store_->AddFrontier({e}).has_value());
  auto peeked = store_->PeekFrontier("j", "a.onion", "2026-11-22T10:00:00Z", 10);
  ASSERT_TRUE(peeked.has_value());
  ASSERT_EQ(peeked->size(), 1u);
  const FrontierEntry& got = (*peeked)[0];
  EXPECT_GT(got.id, 0);
  EXPECT_EQ(got.depth, 3);
  EXPECT_EQ(got.redirects, 2);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.discovered_from, "http://a.onion/");
  EXPECT_EQ(got.next_at, "");
  EXPECT_EQ(got.last_error, "");
  EXPECT_EQ(got.http_status, 0);
}

TEST_P(StoreConformanceTest, FrontierStatesUpdateCountAndRequeue) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"j", "2026-11-22T10:00:00Z", ""}).has_value());
  ASSERT_TRUE(store_
                  ->AddFrontier({Entry("j", "http://a.onion/1", "a.onion"),
                                 Entry("j", "http://a.onion/2", "a.onion"),
                                 Entry("j", "http://a.onion/3", "a.onion"),
                                 Entry("j", "http://b.onion/1", "b.onion")})
                  .has_value());
  const std::string now = "2026-11-22T10:00:00Z";
  auto a = store_->PeekFrontier("j", "a.onion", now, 10);
  auto b = store_->PeekFrontier("j", "b.onion", now, 10);
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_EQ(a->size(), 3u);
  ASSERT_EQ(b->size(), 1u);

  FrontierEntry done = (*a)[0];
  done.state = "done";
  done.attempts = 1;
  done.http_status = 200;
  done.fetched_at = "2026-11-22T10:01:00Z";
  ASSERT_TRUE(store_->UpdateFrontier(done).ok());
  FrontierEntry failed = (*a)[1];
  failed.state = "failed";
  failed.attempts = 3;
  failed.last_error = "connection refused";
  failed.next_at = "2026-11-22T11:00:00Z";
  ASSERT_TRUE(store_->UpdateFrontier(failed).ok());
  FrontierEntry in_flight = (*a)[2];
  in_flight.state = "in_flight";
  ASSERT_TRUE(store_->UpdateFrontier(in_flight).ok());
  FrontierEntry b_done = (*b)[0];
  b_done.state = "done";
  b_done.fetched_at = "2026-11-22T10:02:00Z";
  ASSERT_TRUE(store_->UpdateFrontier(b_done).ok());

  using Counts = std::vector<std::pair<std::string, int64_t>>;
  auto counts = store_->FrontierCounts("j");
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(*counts, (Counts{{"done", 2}, {"failed", 1}, {"in_flight", 1}}));
  auto sites = store_->FrontierSites("j", now);
  ASSERT_TRUE(sites.has_value());
  EXPECT_TRUE(sites->empty());

  // A run that died left one entry in flight: it goes back to the queue.
  auto requeued = store_->RequeueInFlight("j");
  ASSERT_TRUE(requeued.has_value());
  EXPECT_EQ(*requeued, 1u);
  auto queued = store_->PeekFrontier("j", "a.onion", now, 10);
  ASSERT_TRUE(queued.has_value());
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].url, "http://a.onion/3");

  // Scheduled recrawl: only done entries of the site fetched before the cut-off come back.
  auto none = store_->RequeueDone("j", "a.onion", "2026-11-22T10:00:30Z");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0u);
  auto one = store_->RequeueDone("j", "a.onion", "2026-11-22T12:00:00Z");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(*one, 1u);
  auto recrawl = store_->PeekFrontier("j", "a.onion", now, 10);
  ASSERT_TRUE(recrawl.has_value());
  ASSERT_EQ(recrawl->size(), 2u);
  for (const auto& entry : *recrawl) {
    EXPECT_EQ(entry.attempts, 0);
    EXPECT_EQ(entry.next_at, "");
  }
  auto every_site = store_->RequeueDone("j", "", "2026-11-22T12:00:00Z");
  ASSERT_TRUE(every_site.has_value());
  EXPECT_EQ(*every_site, 1u);  // b.onion's entry
  auto final_counts = store_->FrontierCounts("j");
  ASSERT_TRUE(final_counts.has_value());
  EXPECT_EQ(*final_counts, (Counts{{"failed", 1}, {"queued", 3}}));
}

TEST_P(StoreConformanceTest, FetchErrorsAreCountedByKindPerJob) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"j", "2026-11-22T10:00:00Z", ""}).has_value());
  ASSERT_TRUE(store_->AddFetchError("j", "http://a.onion/1", "timeout", "30 s").ok());
  ASSERT_TRUE(store_->AddFetchError("j", "http://a.onion/2", "timeout", "30 s").ok());
  ASSERT_TRUE(store_->AddFetchError("j", "http://a.onion/3", "tls", "bad certificate").ok());
  ASSERT_TRUE(store_->EnsureCrawlJob({"other", "2026-11-22T10:00:00Z", ""}).has_value());
  ASSERT_TRUE(store_->AddFetchError("other", "http://b.onion/", "dns", "").ok());
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  auto counts = store_->FetchErrorCounts("j");
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(*counts, (Counts{{"timeout", 2}, {"tls", 1}}));
  auto none = store_->FetchErrorCounts("nobody");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, FrontierQueuesClaimsAndRequeuesAfterACrash) {
  ASSERT_TRUE(store_->EnsureCrawlJob({"job", "2026-11-22T10:00:00Z", "{}"}).has_value());
  auto again = store_->EnsureCrawlJob({"job", "later", "{}"});
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*again) << "the second call finds the job";
  std::vector<FrontierEntry> entries;
  for (int i = 0; i < 5; ++i) {
    FrontierEntry e;
    e.job_id = "job";
    e.url = "http://a.example/" + std::to_string(i);
    e.site = i < 3 ? "http://a.example" : "http://b.example";
    entries.push_back(e);
  }
  auto added = store_->AddFrontier(entries);
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ(*added, 5u);
  EXPECT_EQ(*store_->AddFrontier(entries), 0u) << "known URLs are not added twice";
  auto sites = store_->FrontierSites("job", "2026-11-22T10:00:00.000000Z");
  ASSERT_TRUE(sites.has_value());
  EXPECT_EQ(*sites, (std::vector<std::string>{"http://a.example", "http://b.example"}));
  auto peeked = store_->PeekFrontier("job", "http://a.example", "2026-11-22T10:00:00.000000Z", 2);
  ASSERT_TRUE(peeked.has_value());
  ASSERT_EQ(peeked->size(), 2u);
  FrontierEntry claimed = (*peeked)[0];
  claimed.state = "in_flight";
  ASSERT_TRUE(store_->UpdateFrontier(claimed).ok());
  FrontierEntry later = (*peeked)[1];
  later.state = "queued";
  later.next_at = "2026-11-22T11:00:00.000000Z";
  ASSERT_TRUE(store_->UpdateFrontier(later).ok());
  auto due = store_->PeekFrontier("job", "http://a.example", "2026-11-22T10:00:00.000000Z", 10);
  EXPECT_EQ(due->size(), 1u) << "in flight and not-yet-due entries are not handed out";
  auto requeued = store_->RequeueInFlight("job");
  ASSERT_TRUE(requeued.has_value());
  EXPECT_EQ(*requeued, 1u);
  EXPECT_EQ(*store_->CountFrontierForSite("job", "http://b.example"), 2u);
  FrontierEntry done = (*peeked)[0];
  done.state = "done";
  done.fetched_at = "2026-11-22T10:05:00.000000Z";
  ASSERT_TRUE(store_->UpdateFrontier(done).ok());
  EXPECT_EQ(*store_->RequeueDone("job", "", "2026-11-22T10:00:00.000000Z"), 0u);
  EXPECT_EQ(*store_->RequeueDone("job", "http://a.example", "2026-11-23T00:00:00.000000Z"), 1u);
  ASSERT_TRUE(store_->AddFetchError("job", "http://a.example/1", "timeout", "slow").ok());
  ASSERT_TRUE(store_->AddFetchError("job", "http://a.example/2", "timeout", "slow").ok());
  auto errors = store_->FetchErrorCounts("job");
  ASSERT_TRUE(errors.has_value());
  EXPECT_EQ(*errors, (std::vector<std::pair<std::string, int64_t>>{{"timeout", 2}}));
  EXPECT_EQ(store_->FrontierAllSites("job")->size(), 2u);
  EXPECT_EQ(store_->CrawlJobs()->size(), 1u);
}

// Two captures of one listing, a mirror copy, a vendor page and two channel posts.
TEST_P(StoreConformanceTest, PageRecordsKeepListingsVendorsPostsAndTheirHistory) {
  int64_t file1 = AddFile("/warc/crawl-1.warc.gz");
  int64_t file2 = AddFile("/warc/crawl-2.warc.gz");
  int64_t site = *store_->UpsertSource({0, "site", "market.onion", ""});
  int64_t mirror = *store_->UpsertSource({0, "site", "mirror.onion", ""});
  int64_t channel = *store_->UpsertSource({0, "telegram_channel", "shop", ""});
  auto document = [&](int64_t file, uint64_t offset, int64_t source) {
    Capture c = MakeCapture(file, offset);
    c.source_id = source;
    int64_t capture = *store_->AddCapture(c);
    Document d;
    d.capture_id = capture;
    d.kind = "html";
    return std::make_pair(*store_->AddDocument(d), capture);
  };
  auto [d1, c1] = document(file1, 10, site);
  auto [d2, c2] = document(file2, 10, site);
  auto [d3, c3] = document(file1, 20, mirror);
  auto [d4, c4] = document(file1, 30, site);
  auto [p1, pc1] = document(file1, 40, channel);
  auto [p2, pc2] = document(file1, 50, channel);
  auto [d5, c5] = document(file1, 60, site);

  PageRecord r;
  r.document_id = d1;
  r.capture_id = c1;
  r.source_id = site;
  r.observed_at = "2026-11-01T00:00:00Z";
  r.page_type = "listing";
  r.url_key = "/item?id=7";
  r.title = "MDMA 10 g";
  r.vendor = "bob";
  r.vendor_url = "/u/bob";
  r.price = "100 USD";
  r.stock = "12";
  r.feedback = {{"5/5", "great"}, {"1/5", "late"}};
  ASSERT_TRUE(store_->PutPageRecord(r).ok());
  ASSERT_TRUE(store_->PutPageRecord(r).ok()) << "putting it again replaces";
  r.document_id = d2;
  r.capture_id = c2;
  r.observed_at = "2026-11-08T00:00:00Z";
  r.price = "90 USD";
  r.title = "MDMA 10 g (new batch)";
  r.feedback.clear();
  ASSERT_TRUE(store_->PutPageRecord(r).ok());
  r.document_id = d3;
  r.capture_id = c3;
  r.source_id = mirror;
  r.duplicate_of_document = d1;
  ASSERT_TRUE(store_->PutPageRecord(r).ok());
  // Another listing of the same site whose page is a near-duplicate is still another offer.
  r.document_id = d5;
  r.capture_id = c5;
  r.source_id = site;
  r.url_key = "/item?id=8";
  ASSERT_TRUE(store_->PutPageRecord(r).ok());
  PageRecord v;
  v.document_id = d4;
  v.capture_id = c4;
  v.source_id = site;
  v.observed_at = "2026-10-01T00:00:00Z";
  v.page_type = "vendor";
  v.vendor = "bob";
  v.rating = "4.9";
  ASSERT_TRUE(store_->PutPageRecord(v).ok());
  PageRecord post;
  post.document_id = p1;
  post.capture_id = pc1;
  post.source_id = channel;
  post.page_type = "messenger_post";
  post.external_id = "shop/1";
  ASSERT_TRUE(store_->PutPageRecord(post).ok());
  post.document_id = p2;
  post.capture_id = pc2;
  post.external_id = "shop/2";
  post.duplicate_of_document = p1;
  ASSERT_TRUE(store_->PutPageRecord(post).ok());

  auto counts = store_->CountRecords();
  ASSERT_TRUE(counts.has_value()) << counts.error().message();
  EXPECT_EQ(counts->sites, 2);
  EXPECT_EQ(counts->channels, 1);
  EXPECT_EQ(counts->listings, 3);
  EXPECT_EQ(counts->listings_on_mirrors, 1);
  EXPECT_EQ(counts->observations, 5);
  EXPECT_EQ(counts->vendors, 2) << "bob on the market and bob on the mirror";
  EXPECT_EQ(counts->posts, 2);
  EXPECT_EQ(counts->unique_posts, 1);
  EXPECT_EQ(counts->feedback, 2);

  auto listing = store_->ListingOfDocument(d1);
  ASSERT_TRUE(listing.has_value());
  EXPECT_GT(*listing, 0);
  EXPECT_EQ(*store_->ListingOfDocument(d2), *listing);
  EXPECT_NE(*store_->ListingOfDocument(d3), *listing);
  EXPECT_EQ(*store_->ListingOfDocument(p1), 0);
  auto listings = store_->Listings(0, 10);
  ASSERT_TRUE(listings.has_value()) << listings.error().message();
  ASSERT_EQ(listings->size(), 3u);
  const ListingRow& first = (*listings)[0];
  EXPECT_EQ(first.site, "market.onion");
  EXPECT_EQ(first.url_key, "/item?id=7");
  EXPECT_EQ(first.title, "MDMA 10 g (new batch)") << "the latest capture's title";
  EXPECT_EQ(first.vendor, "bob");
  EXPECT_EQ(first.first_seen, "2026-11-01T00:00:00Z");
  EXPECT_EQ(first.last_seen, "2026-11-08T00:00:00Z");
  EXPECT_EQ(first.observations, 2);
  EXPECT_EQ(first.price, "90 USD");
  EXPECT_EQ((*listings)[1].same_as, first.id);
  EXPECT_EQ((*listings)[2].same_as, 0);
  EXPECT_EQ(store_->Listings(first.id, 1)->front().id, (*listings)[1].id);
  auto vendors = store_->Vendors(0, 10);
  ASSERT_TRUE(vendors.has_value()) << vendors.error().message();
  ASSERT_EQ(vendors->size(), 2u);
  EXPECT_EQ((*vendors)[0].name, "bob");
  EXPECT_EQ((*vendors)[0].profile_url, "/u/bob");
  EXPECT_EQ((*vendors)[0].first_seen, "2026-10-01T00:00:00Z") << "the vendor page came first";
  EXPECT_EQ((*vendors)[0].listings, 2);
  EXPECT_EQ((*vendors)[0].feedback, 2);
  auto posts = store_->Posts(0, 10);
  ASSERT_TRUE(posts.has_value()) << posts.error().message();
  ASSERT_EQ(posts->size(), 2u);
  EXPECT_EQ((*posts)[0].source, "shop");
  EXPECT_EQ((*posts)[0].duplicate_of_document, 0);
  EXPECT_EQ((*posts)[1].external_id, "shop/2");
  EXPECT_EQ((*posts)[1].duplicate_of_document, p1);
  EXPECT_EQ((*posts)[1].duplicate_of_external_id, "shop/1");
  auto history = store_->ListingObservations(*listing);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].price, "100 USD");
  EXPECT_EQ((*history)[1].price, "90 USD");
  EXPECT_EQ((*history)[1].capture_id, c2);
}

TEST_P(StoreConformanceTest, ProfileFillsGroupByBatchAndDriftAlertsAreKeptOnce) {
  int64_t file1 = AddFile("/warc/a.warc.gz");
  int64_t file2 = AddFile("/warc/b.warc.gz");
  int64_t site = *store_->UpsertSource({0, "site", "market.onion", ""});
  std::vector<int64_t> docs;
  for (uint64_t i = 0; i < 6; ++i) {
    Capture c = MakeCapture(i < 3 ? file1 : file2, 100 + i);
    c.source_id = site;
    Document d;
    d.capture_id = *store_->AddCapture(c);
    d.kind = "html";
    docs.push_back(*store_->AddDocument(d));
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    ASSERT_TRUE(
        store_->PutProfileFills(docs[i], "m/1", "listing", {{"vendor", i < 3}, {"price", true}})
            .ok());
  }
  // Putting a document's fills again replaces them.
  ASSERT_TRUE(store_->PutProfileFills(docs[0], "m/1", "listing", {{"vendor", true}}).ok());
  auto fills = store_->ProfileFills();
  ASSERT_TRUE(fills.has_value()) << fills.error().message();
  ASSERT_EQ(fills->size(), 4u);
  EXPECT_EQ((*fills)[0].field, "price");
  EXPECT_EQ((*fills)[0].batch, file1);
  EXPECT_EQ((*fills)[0].pages, 2);
  EXPECT_EQ((*fills)[2].field, "vendor");
  EXPECT_EQ((*fills)[2].pages, 3);
  EXPECT_EQ((*fills)[2].filled, 3);
  EXPECT_EQ((*fills)[3].batch, file2);
  EXPECT_EQ((*fills)[3].filled, 0);
  EXPECT_EQ((*fills)[3].source_key, "market.onion");

  DriftAlertRow alert;
  alert.source_id = site;
  alert.profile = "m/1";
  alert.page_type = "listing";
  alert.field = "vendor";
  alert.batch = file2;
  alert.previous_fill = 1;
  alert.fill = 0;
  alert.pages = 3;
  alert.at = "2026-11-30T00:00:00Z";
  EXPECT_TRUE(*store_->AddDriftAlert(alert));
  EXPECT_FALSE(*store_->AddDriftAlert(alert)) << "the same drift is recorded once";
  auto alerts = store_->DriftAlerts();
  ASSERT_TRUE(alerts.has_value());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].source_key, "market.onion");
  EXPECT_DOUBLE_EQ((*alerts)[0].previous_fill, 1.0);
  EXPECT_EQ(store_->CountRecords()->drift_alerts, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(Backend{"sqlite",
                                                   [](const std::filesystem::path& dir) {
                                                     return OpenSqliteStore(dir / "dragnet.db");
                                                   }}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace dragnet::store
