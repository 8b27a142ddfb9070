// One suite every store backend must pass. The PostgreSQL backend will be added to the
// INSTANTIATE line below and must pass unchanged.

#include <algorithm>
#include <functional>

#include <gtest/gtest.h>
#include <unistd.h>

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

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(Backend{"sqlite",
                                                   [](const std::filesystem::path& dir) {
                                                     return OpenSqliteStore(dir / "dragnet.db");
                                                   }}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace dragnet::store
