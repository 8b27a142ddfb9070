// The third-party WARC corpus in ../shared/data/standards/warc with the verdicts of
// EXPECTATIONS.tsv (upstream test expectations of warcio, warcio.js and jwat). Every file marked
// PASS must read without errors; every FAIL must be reported, never crash.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "archive/warc_reader.h"
#include "archive/warc_validator.h"

namespace dragnet::archive {
namespace {

const std::filesystem::path kWarcDir =
    std::filesystem::path(DRAGNET_SHARED_DIR) / "data/standards/warc";

struct Expectation {
  std::string file;
  std::string verdict;
  std::string notes;
};

std::vector<Expectation> LoadExpectations() {
  std::vector<Expectation> out;
  std::ifstream in(kWarcDir / "EXPECTATIONS.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::stringstream fields(line);
    Expectation e;
    std::string upstream;
    std::getline(fields, e.file, '\t');
    std::getline(fields, e.verdict, '\t');
    std::getline(fields, upstream, '\t');
    std::getline(fields, e.notes, '\t');
    out.push_back(e);
  }
  return out;
}

TEST(WarcCorpus, VerdictsMatchUpstreamExpectations) {
  if (!std::filesystem::exists(kWarcDir / "EXPECTATIONS.tsv")) {
    GTEST_SKIP() << "../shared/data/standards/warc not present; skipping the third-party corpus";
  }
  auto expectations = LoadExpectations();
  ASSERT_GT(expectations.size(), 40u);
  int checked = 0;
  for (const auto& e : expectations) {
    if (e.verdict == "SKIP")
      continue;
    auto verdict = VerifyWarcFile(kWarcDir / e.file);
    ASSERT_TRUE(verdict.has_value()) << e.file << ": " << verdict.error().message();
    std::string got = verdict->passed(/*strict=*/false) ? "PASS" : "FAIL";
    std::string detail;
    for (const auto& a : verdict->anomalies.items()) {
      if (a.severity == model::Severity::kError)
        detail += "\n    " + a.detail;
    }
    EXPECT_EQ(got, e.verdict) << e.file << " (" << e.notes << ")" << detail;
    ++checked;
  }
  EXPECT_EQ(checked, 53);
}

TEST(WarcCorpus, KnownOffsetsOfWarcioExample) {
  // warcio's test_cli.py expects these record offsets for example.warc.gz and example.warc.
  for (const auto& [file, offsets] : std::vector<std::pair<std::string, std::vector<uint64_t>>>{
           {"warcio-testdata/example.warc.gz", {0, 353, 784, 2012, 2621, 3207}},
           {"warcio-testdata/example.warc", {0, 488, 1197, 2566, 3370, 4316}}}) {
    if (!std::filesystem::exists(kWarcDir / file))
      GTEST_SKIP() << "corpus not present";
    model::AnomalyLog anomalies;
    auto reader = WarcReader::Open(kWarcDir / file, anomalies);
    ASSERT_TRUE(reader.has_value());
    std::vector<uint64_t> got;
    for (;;) {
      auto more = (*reader)->Next();
      ASSERT_TRUE(more.has_value());
      if (!*more)
        break;
      got.push_back((*reader)->header().offset);
    }
    EXPECT_EQ(got, offsets) << file;
    EXPECT_EQ(anomalies.errors(), 0u) << file;
  }
}

TEST(WarcCorpus, RandomAccessReadsTheRecordAtAnOffset) {
  auto file = kWarcDir / "warcio-testdata/example.warc.gz";
  if (!std::filesystem::exists(file))
    GTEST_SKIP() << "corpus not present";
  model::AnomalyLog anomalies;
  auto reader = WarcReader::Open(file, anomalies);
  ASSERT_TRUE(reader.has_value());
  ASSERT_TRUE((*reader)->Seek(784).ok());
  auto more = (*reader)->Next();
  ASSERT_TRUE(more.has_value() && *more);
  EXPECT_EQ((*reader)->header().offset, 784u);
  EXPECT_EQ((*reader)->header().fields.Get("WARC-Type"), "response");
  auto block = (*reader)->ReadBlockToString(1 << 20);
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(block->rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(anomalies.errors(), 0u);
}

TEST(WarcCorpus, EveryCorpusFileIsReadWithoutCrashingIncludingArcAndHeaderVectors) {
  if (!std::filesystem::exists(kWarcDir))
    GTEST_SKIP() << "corpus not present";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kWarcDir)) {
    if (!entry.is_regular_file())
      continue;
    auto name = entry.path().filename().string();
    if (name.find(".warc") == std::string::npos && name.find(".arc") == std::string::npos)
      continue;
    auto verdict = VerifyWarcFile(entry.path());
    EXPECT_TRUE(verdict.has_value()) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 50);
}

}  // namespace
}  // namespace dragnet::archive
