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

TEST_F(FileTest, ReadingAMissingFileNamesIt) {
  auto read = ReadFile(dir_ / "missing.txt");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message().find("missing.txt"), std::string::npos);
  EXPECT_EQ(read.error().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace dragnet
