#include "core/file.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "core/scratch_dir.h"

namespace dragnet {
namespace {

class FileTest : public ::testing::Test {
 protected:
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(FileTest, AtomicWriteReplacesWholeFileAndLeavesNoTemporaries) {
  auto path = dir_ / "a.json";
  ASSERT_TRUE(WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "second").ok());
  auto read = ReadFile(path);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, "second");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(FileTest, AppendFileTracksSizeAndRefusesExistingWhenAskedToCreate) {
  auto path = dir_ / "log";
  auto file = AppendFile::Open(path, /*must_create=*/true);
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->Append("hello ").ok());
  ASSERT_TRUE(file->Append("world").ok());
  EXPECT_EQ(file->size(), 11u);
  ASSERT_TRUE(file->Close().ok());
  EXPECT_FALSE(AppendFile::Open(path, /*must_create=*/true));
  auto sha = Sha256File(path);
  ASSERT_TRUE(sha);
  EXPECT_EQ(*sha, Sha256Hex("hello world"));
}

TEST_F(FileTest, PruneCacheFilesKeepsTheNewestAndTheOneJustWritten) {
  namespace fs = std::filesystem;
  auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 6; ++i) {
    auto path = dir_ / ("names-" + std::to_string(i) + ".hsdb");
    ASSERT_TRUE(WriteFileAtomic(path, "db").ok());
    fs::last_write_time(path, now - std::chrono::hours(10 - i));  // 5 is the newest
  }
  ASSERT_TRUE(WriteFileAtomic(dir_ / "lexicon-0.bin", "other cache").ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "names-x.hsdb.tmp", "not ours").ok());
  fs::create_directory(dir_ / "names-dir.hsdb");
  // The one just written may be older on a clock that went back: it stays anyway.
  fs::last_write_time(dir_ / "names-0.hsdb", now - std::chrono::hours(20));
  EXPECT_EQ(PruneCacheFiles(dir_ / "names-0.hsdb", "names-", ".hsdb", 3), 3u);
  for (const char* kept : {"names-0.hsdb", "names-5.hsdb", "names-4.hsdb", "lexicon-0.bin",
                           "names-x.hsdb.tmp", "names-dir.hsdb"})
    EXPECT_TRUE(fs::exists(dir_ / kept)) << kept;
  for (const char* gone : {"names-1.hsdb", "names-2.hsdb", "names-3.hsdb"})
    EXPECT_FALSE(fs::exists(dir_ / gone)) << gone;
  EXPECT_EQ(PruneCacheFiles(dir_ / "missing" / "x.bin", "x", ".bin", 1), 0u);
}

TEST_F(FileTest, ReadingAMissingFileNamesIt) {
  auto read = ReadFile(dir_ / "missing.txt");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message().find("missing.txt"), std::string::npos);
  EXPECT_EQ(read.error().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace dragnet
