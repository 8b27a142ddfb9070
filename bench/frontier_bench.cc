// The crawl frontier growing to a million URLs in the store, as a big crawl grows it: batches
// of discovered links (one transaction per batch, as the crawler commits per round), then
// handing out due entries per site. Reports URLs/s and the process's peak memory, which stays
// flat because the frontier lives in SQLite, not in RAM.

#include <cstdio>
#include <filesystem>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "core/clock.h"
#include "store/store.h"

namespace dragnet {
namespace {

double PeakRssMiB() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void BM_FrontierGrowsToAMillion(benchmark::State& state) {
  const int64_t total = state.range(0);
  auto dir = std::filesystem::temp_directory_path() / "dragnet-frontier-bench";
  double rss_before = PeakRssMiB();
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    auto store = store::OpenSqliteStore(dir / "f.db");
    if (!store.has_value()) {
      state.SkipWithError(store.error().message().c_str());
      return;
    }
    (void)(*store)->EnsureCrawlJob({"bench", "2026-01-01T00:00:00Z", "{}"});
    std::vector<store::FrontierEntry> batch;
    for (int64_t i = 0; i < total; ++i) {
      store::FrontierEntry e;
      e.job_id = "bench";
      e.site = "http://market" + std::to_string(i % 50) + ".example.onion";
      e.url =
          e.site + "/listing/" + std::to_string(i) + "?sort=price&page=" + std::to_string(i % 7);
      e.depth = static_cast<int>(i % 5);
      e.discovered_from = e.site + "/category/" + std::to_string(i / 100);
      batch.push_back(std::move(e));
      if (batch.size() == 1000) {
        Status s = (*store)->InTransaction([&] {
          return (*store)->AddFrontier(batch).has_value() ? Status::Ok() : Internal("add");
        });
        batch.clear();
        if (!s.ok())
          state.SkipWithError("adding failed");
      }
    }
    // Hand out work for every site, as the crawler does each round.
    auto sites = (*store)->FrontierSites("bench", "9999");
    size_t peeked = 0;
    for (const auto& site : *sites)
      peeked += (*store)->PeekFrontier("bench", site, "9999", 64)->size();
    benchmark::DoNotOptimize(peeked);
  }
  state.counters["urls/s"] = benchmark::Counter(static_cast<double>(total * state.iterations()),
                                                benchmark::Counter::kIsRate);
  state.counters["peak_rss_MiB"] = PeakRssMiB();
  state.counters["rss_growth_MiB"] = PeakRssMiB() - rss_before;
  state.counters["db_MiB"] = static_cast<double>(std::filesystem::file_size(dir / "f.db") +
                                                 (std::filesystem::exists(dir / "f.db-wal")
                                                      ? std::filesystem::file_size(dir / "f.db-wal")
                                                      : 0)) /
                             (1 << 20);
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_FrontierGrowsToAMillion)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace dragnet

BENCHMARK_MAIN();
