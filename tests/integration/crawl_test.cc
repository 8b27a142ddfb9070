// The crawler end to end: the dragnet binary against a real HTTP server (libmicrohttpd) and a
// real SOCKS5 proxy (microsocks), with the store and the archive checked afterwards.

#include <functional>
#include <map>
#include <set>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive/custody.h"
#include "archive/warc_reader.h"
#include "archive/warc_validator.h"
#include "capture/fetcher.h"
#include "core/file.h"
#include "core/scratch_dir.h"
#include "store/store.h"
#include "support/site_server.h"

namespace dragnet {
namespace {

// Runs dragnet with `args`; when `kill_when` is given, polls it and sends SIGKILL once it
// returns true. Returns the wait status.
int RunDragnet(const std::vector<std::string>& args,
               const std::function<bool()>& kill_when = nullptr) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = DRAGNET_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (kill_when) {
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (kill_when()) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } else {
    ::waitpid(pid, &status, 0);
  }
  return status;
}

class CrawlTest : public ::testing::Test {
 protected:
  std::vector<std::string> Common() {
    return {"--db",      (dir_ / "dragnet.db").string(),
            "--archive", (dir_ / "archive").string(),
            "-q",        "--case",
            "CASE-C"};
  }
  std::unique_ptr<store::Store> Store() {
    auto s = store::OpenSqliteStore(dir_ / "dragnet.db");
    EXPECT_TRUE(s.has_value());
    return std::move(s).value();
  }
  // Response (or revisit) records per URI in the store.
  std::map<std::string, int> ResponsesPerUri(store::Store& store,
                                             const std::vector<std::string>& uris) {
    std::map<std::string, int> out;
    for (const auto& uri : uris) {
      auto captures = store.CapturesForUri(uri);
      for (const auto& c : *captures) {
        if (c.record_type == "response" || c.record_type == "revisit")
          ++out[uri];
      }
    }
    return out;
  }
  std::vector<std::filesystem::path> WarcFiles() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "archive")) {
      if (e.path().string().ends_with(".warc.gz"))
        out.push_back(e.path());
    }
    return out;
  }
  ScratchDir scratch_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  std::filesystem::path dir_ = scratch_.path();
};

TEST_F(CrawlTest, CrawlsTheSiteWithRedirectsErrorsEncodingsAndRobots) {
  testing::SiteServer site(60);
  ASSERT_TRUE(site.ok());
  auto args = Common();
  for (const char* a :
       {"crawl", "--job", "site-test", "--depth", "100", "--max-size", "1", "--retries", "3"}) {
    args.push_back(a);
  }
  args.push_back(site.base() + "/page/0.html");
  int status = RunDragnet(args);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);

  auto hits = site.hits();
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(hits["/page/" + std::to_string(i) + ".html"], 1) << "page " << i;
  }
  EXPECT_EQ(hits["/robots.txt"], 1);
  EXPECT_EQ(hits["/private/secret.html"], 0) << "robots.txt disallows it";
  EXPECT_EQ(hits["/flaky"], 2) << "a 503 is retried once and then succeeds";
  EXPECT_EQ(hits["/from-gzip.html"], 1) << "links are read from gzip bodies";
  EXPECT_EQ(hits["/from-chunked.html"], 1) << "links are read from chunked bodies";
  EXPECT_EQ(hits["/redirect"], 1);

  auto store = Store();
  auto counts = store->FrontierCounts("site-test");
  ASSERT_TRUE(counts.has_value());
  for (const auto& [state, n] : *counts) {
    EXPECT_TRUE(state == "done" || state == "skipped") << n << " entries left " << state;
  }
  auto stats = store->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_GE(stats->documents, 60);
  // Every WARC file passes verification; the oversized body is kept, marked truncated.
  bool truncated_seen = false;
  for (const auto& file : WarcFiles()) {
    auto verdict = archive::VerifyWarcFile(file);
    ASSERT_TRUE(verdict.has_value());
    for (const auto& a : verdict->anomalies.items())
      ADD_FAILURE() << a.detail;
    model::AnomalyLog log;
    auto reader = archive::WarcReader::Open(file, log);
    while (*(*reader)->Next()) {
      if ((*reader)->header().fields.Get("WARC-Truncated") == "length" &&
          (*reader)->header().fields.Get("WARC-Target-URI")->ends_with("/big")) {
        truncated_seen = true;
      }
    }
  }
  EXPECT_TRUE(truncated_seen);
}

TEST_F(CrawlTest, KilledCrawlResumesWithoutLossOrDuplicates) {
  constexpr int kPages = 400;
  constexpr int kConcurrency = 8;
  testing::SiteServer site(kPages, /*slow_ms=*/5);
  ASSERT_TRUE(site.ok());
  auto args = Common();
  for (const char* a : {"crawl", "--depth", "1000", "--concurrency", "8", "--per-site", "8"})
    args.push_back(a);
  args.push_back(site.base() + "/page/0.html");
  // Kill -9 in the middle of the crawl.
  int status = RunDragnet(args, [&] { return site.total_hits() >= kPages / 3; });
  ASSERT_TRUE(WIFSIGNALED(status)) << "the crawl finished before it could be killed";
  int before_resume = site.total_hits();
  status = RunDragnet(args);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  auto hits = site.hits();
  int twice = 0;
  std::vector<std::string> uris;
  for (int i = 0; i < kPages; ++i) {
    std::string path = "/page/" + std::to_string(i) + ".html";
    EXPECT_GE(hits[path], 1) << path << " was lost";
    EXPECT_LE(hits[path], 2) << path;
    if (hits[path] == 2)
      ++twice;
    uris.push_back(site.base() + path);
  }
  // Only what was in flight at the kill may be fetched again.
  EXPECT_LE(twice, kConcurrency) << "fetched before the kill: " << before_resume;
  auto store = Store();
  auto per_uri = ResponsesPerUri(*store, uris);
  int stored_twice = 0;
  for (const auto& uri : uris) {
    EXPECT_GE(per_uri[uri], 1) << uri << " has no capture";
    if (per_uri[uri] > 1)
      ++stored_twice;
  }
  EXPECT_LE(stored_twice, kConcurrency);
  // The file torn by the kill is recovered into custody; everything else verifies.
  auto custody = archive::VerifyCustody(dir_ / "archive", std::nullopt, true);
  ASSERT_TRUE(custody.has_value());
  EXPECT_TRUE(custody->ok()) << (custody->problems.empty() ? "" : custody->problems[0].message);
}

TEST_F(CrawlTest, ClearwebThroughSocks5Proxy) {
  testing::SocksProxy socks;
  if (!socks.ok())
    GTEST_SKIP() << "microsocks not installed (scripts/setup --test installs it)";
  testing::SiteServer site(5);
  auto args = Common();
  for (const char* a : {"crawl", "--depth", "10"})
    args.push_back(a);
  args.push_back("--proxy");
  args.push_back("socks5h://127.0.0.1:" + std::to_string(socks.port()));
  args.push_back(site.base() + "/page/0.html");
  int status = RunDragnet(args);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(site.hits()["/page/4.html"], 1);
  // The metadata records name the route.
  bool socks_route = false;
  for (const auto& file : WarcFiles()) {
    model::AnomalyLog log;
    auto reader = archive::WarcReader::Open(file, log);
    while (*(*reader)->Next()) {
      if ((*reader)->header().type != archive::WarcType::kMetadata)
        continue;
      auto block = (*reader)->ReadBlockToString(1 << 16);
      if (block->find("route: socks5h") != std::string::npos &&
          block->find("circuit: dragnet-127.0.0.1") != std::string::npos) {
        socks_route = true;
      }
    }
  }
  EXPECT_TRUE(socks_route);
}

TEST_F(CrawlTest, OnionSitesGoThroughTorAndNeverDirect) {
  testing::SocksProxy socks;
  if (!socks.ok())
    GTEST_SKIP() << "microsocks not installed (scripts/setup --test installs it)";
  auto args = Common();
  for (const char* a : {"crawl", "--job", "onion-test", "--retries", "1", "--no-robots", "--tor"}) {
    args.push_back(a);
  }
  args.push_back("127.0.0.1:" + std::to_string(socks.port()));
  args.push_back("http://dragnettestaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/");
  int status = RunDragnet(args);
  ASSERT_TRUE(WIFEXITED(status));
  // microsocks has no Tor behind it and cannot resolve the name: the failure is the proxy's,
  // which shows the request went to the SOCKS port and not to any resolver or address.
  auto store = Store();
  auto errors = store->FetchErrorCounts("onion-test");
  ASSERT_TRUE(errors.has_value());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].first, "proxy");
}

TEST_F(CrawlTest, ExpiredSessionStopsTheSiteWithoutArchivingTheLoginPage) {
  testing::SiteServer site(3);
  ASSERT_TRUE(WriteFileAtomic(dir_ / "sites.yaml",
                              "version: 1\nsites:\n  - host: 127.0.0.1\n    session_expired:\n"
                              "      url_contains: /login\n")
                  .ok());
  auto args = Common();
  for (const char* a : {"crawl", "--job", "members", "--site-config"})
    args.push_back(a);
  args.push_back((dir_ / "sites.yaml").string());
  args.push_back(site.base() + "/members/1.html");
  int status = RunDragnet(args);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << "exit code 3: a site was stopped";
  EXPECT_EQ(site.hits()["/login"], 0);
  auto store = Store();
  auto captures = store->CapturesForUri(site.base() + "/members/2.html");
  ASSERT_TRUE(captures.has_value());
  EXPECT_TRUE(captures->empty()) << "the redirect to the login page is not archived";
  auto counts = store->FrontierCounts("members");
  bool queued = false;
  for (const auto& [state, n] : *counts)
    queued |= state == "queued" && n == 1;
  EXPECT_TRUE(queued) << "the page waits for a fresh session";
}

TEST_F(CrawlTest, RecrawlWritesRevisitRecordsForUnchangedPages) {
  testing::SiteServer site(4);
  auto args = Common();
  for (const char* a : {"crawl", "--job", "again", "--depth", "10"})
    args.push_back(a);
  args.push_back(site.base() + "/page/0.html");
  ASSERT_EQ(WEXITSTATUS(RunDragnet(args)), 0);
  auto again = args;
  for (const char* a : {"--recrawl", "--recrawl-hours", "0"})
    again.push_back(a);
  ASSERT_EQ(WEXITSTATUS(RunDragnet(again)), 0);
  EXPECT_EQ(site.hits()["/page/3.html"], 2);
  auto store = Store();
  auto captures = store->CapturesForUri(site.base() + "/page/3.html");
  ASSERT_TRUE(captures.has_value());
  std::multiset<std::string> types;
  for (const auto& c : *captures)
    types.insert(c.record_type);
  EXPECT_EQ(types.count("response"), 1u);
  EXPECT_EQ(types.count("revisit"), 1u);
  for (const auto& file : WarcFiles()) {
    auto verdict = archive::VerifyWarcFile(file);
    ASSERT_TRUE(verdict.has_value());
    EXPECT_EQ(verdict->anomalies.errors(), 0u) << file;
  }
}

TEST(FetcherGuard, OnionWithoutSocksIsRefusedBeforeAnyConnection) {
  auto fetcher = capture::Fetcher::Create(4);
  ASSERT_TRUE(fetcher.has_value());
  for (const char* proxy : {"", "http://127.0.0.1:1"}) {
    capture::FetchRequest request;
    request.id = 7;
    request.url = "http://dragnettestaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/";
    request.proxy = proxy;
    (*fetcher)->Start(request);
    auto results = (*fetcher)->Poll(10);
    ASSERT_TRUE(results.has_value());
    ASSERT_EQ(results->size(), 1u);
    EXPECT_EQ((*results)[0].error, capture::FetchError::kOnionWithoutTor) << proxy;
    EXPECT_TRUE((*results)[0].request_head.empty()) << "nothing was sent";
  }
  // Upper case and a trailing dot do not get around it.
  capture::FetchRequest sneaky;
  sneaky.url = "http://DRAGNETTESTAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ONION./x";
  (*fetcher)->Start(sneaky);
  auto results = (*fetcher)->Poll(10);
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].error, capture::FetchError::kOnionWithoutTor);
}

}  // namespace
}  // namespace dragnet
