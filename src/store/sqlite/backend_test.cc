// SQLite-specific behaviour of the embedded store.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "store/store.h"

namespace dragnet::store {
namespace {

class SqliteBackendTest : public ::testing::Test {
 protected:
  // Runs raw SQL against the file, as another program (or an attacker) would.
  int RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "dragnet.db").c_str(), &db);
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(SqliteBackendTest, UsesWalJournal) {
  auto store = OpenSqliteStore(dir_ / "dragnet.db");
  ASSERT_TRUE(store.has_value());
  sqlite3* db = nullptr;
  sqlite3_open((dir_ / "dragnet.db").c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteBackendTest, AuditLogRowsCannotBeChangedOrDeleted) {
  auto store = OpenSqliteStore(dir_ / "dragnet.db");
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE((*store)->AppendAudit({0, "", "analyst", "ingest", "x", "y"}).has_value());
  EXPECT_NE(RawExec("UPDATE audit_log SET actor = 'someone else'"), SQLITE_OK);
  EXPECT_NE(RawExec("DELETE FROM audit_log"), SQLITE_OK);
  auto log = (*store)->AuditLog(0, 10);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "analyst");
}

TEST_F(SqliteBackendTest, TwoConnectionsSeeEachOthersCommittedWrites) {
  auto a = OpenSqliteStore(dir_ / "dragnet.db");
  auto b = OpenSqliteStore(dir_ / "dragnet.db");
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE((*a)->MarkIngested("shared-key", "from a").ok());
  auto seen = (*b)->HasIngested("shared-key");
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(*seen);
}

TEST_F(SqliteBackendTest, CorruptFileIsAnErrorNamingThePath) {
  std::string junk(8192, '\0');
  for (size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>((i * 131 + 7) % 251);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "dragnet.db", junk).ok());
  auto store = OpenSqliteStore(dir_ / "dragnet.db");
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message().find("dragnet.db"), std::string::npos)
      << store.error().message();
}

TEST_F(SqliteBackendTest, NewerSchemaIsRefusedWithBothVersions) {
  ASSERT_TRUE(OpenSqliteStore(dir_ / "dragnet.db").has_value());
  ASSERT_EQ(RawExec("PRAGMA user_version = 999"), SQLITE_OK);
  auto store = OpenSqliteStore(dir_ / "dragnet.db");
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message().find("999"), std::string::npos);
  EXPECT_NE(store.error().message().find("dragnet.db"), std::string::npos);
}

TEST_F(SqliteBackendTest, ProcessesOpeningANewDatabaseTogetherAllSucceed) {
  // Several dragnet processes started at once on a fresh database race to migrate it.
  for (int round = 0; round < 5; ++round) {
    auto path = dir_ / ("race" + std::to_string(round) + ".db");
    std::vector<pid_t> children;
    for (int i = 0; i < 4; ++i) {
      pid_t pid = ::fork();
      if (pid == 0)
        ::_exit(OpenSqliteStore(path).has_value() ? 0 : 1);
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
  }
}

TEST_F(SqliteBackendTest, DefaultPathFollowsTheEnvironment) {
  ::setenv("DRAGNET_DB", "/tmp/custom.db", 1);
  EXPECT_EQ(DefaultDatabasePath(), "/tmp/custom.db");
  ::unsetenv("DRAGNET_DB");
  ::setenv("XDG_DATA_HOME", "/data", 1);
  EXPECT_EQ(DefaultDatabasePath(), "/data/dragnet/dragnet.db");
  ::unsetenv("XDG_DATA_HOME");
}

}  // namespace
}  // namespace dragnet::store
