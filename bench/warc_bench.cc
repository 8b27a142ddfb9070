// WARC read and write throughput on a crawl-like file of generated market pages (request +
// response pairs, 5-60 KiB HTML). The comparison with the warcio.js reader on the same files is
// bench/warc_compare.sh, which runs this binary and warcio.js in one go.
//
// The files are generated once into $DRAGNET_BENCH_DIR (default /tmp/dragnet-bench) and reused;
// DRAGNET_BENCH_PAGES sets how many pages (default 20000).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <benchmark/benchmark.h>

#include "archive/warc_reader.h"
#include "archive/warc_writer.h"
#include "core/clock.h"

namespace dragnet {
namespace {

std::filesystem::path BenchDir() {
  const char* env = std::getenv("DRAGNET_BENCH_DIR");
  return env != nullptr ? env : "/tmp/dragnet-bench";
}

int PageCount() {
  const char* env = std::getenv("DRAGNET_BENCH_PAGES");
  return env != nullptr ? std::atoi(env) : 20000;
}

// A listing page of a market: navigation, a listing table, a description in mixed scripts,
// feedback rows. Sizes vary the way real pages do.
std::string MarketPage(std::mt19937& rng, int id) {
  static const char* kWords[] = {
      "mephedrone", "4-MMC",   "кристаллы", "шишки",   "AK-47",   "cocaine",
      "pure",       "stealth", "shipping",  "escrow",  "vendor",  "feedback",
      "закладка",   "магнит",  "прикоп",    "Москва",  "Алматы",  "Київ",
      "grams",      "0.5g",    "3,5гр",     "1500₽", "€45",     "$120",
      "BTC",        "XMR",     "quality",   "fast",    "tracked", "EU",
      "worldwide",  "refund",  "reship",    "PGP",     "the",     "and"};
  std::uniform_int_distribution<int> word(0, static_cast<int>(std::size(kWords)) - 1);
  std::uniform_int_distribution<int> size(5 * 1024, 60 * 1024);
  int target = size(rng);
  std::string html =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Listing " + std::to_string(id) +
      "</title><link rel=\"stylesheet\" href=\"/static/market.css\"></head><body><nav><a "
      "href=\"/\">Home</a> <a href=\"/category/stimulants\">Stimulants</a> <a "
      "href=\"/category/cannabis\">Cannabis</a></nav><div class=\"listing\"><table>";
  int row = 0;
  while (static_cast<int>(html.size()) < target) {
    html += "<tr class=\"row-" + std::to_string(row++) + "\"><td>";
    for (int i = 0; i < 12; ++i) {
      html += kWords[word(rng)];
      html += ' ';
    }
    html +=
        "</td><td><a href=\"/listing/" + std::to_string(rng() % 100000) + "\">more</a></td></tr>\n";
  }
  html += "</table></div></body></html>";
  return html;
}

std::filesystem::path GenerateFile(bool gzip) {
  auto dir = BenchDir() / (gzip ? "gzip" : "plain");
  for (const auto& candidate : {dir}) {
    std::error_code ec;
    if (std::filesystem::exists(candidate / "ready", ec)) {
      for (const auto& e : std::filesystem::directory_iterator(candidate)) {
        auto name = e.path().filename().string();
        if (name.ends_with(".warc") || name.ends_with(".warc.gz"))
          return e.path();
      }
    }
  }
  std::filesystem::remove_all(dir);
  archive::WarcWriterOptions options;
  options.directory = dir;
  options.gzip = gzip;
  options.max_file_size = uint64_t{1} << 40;
  options.context = {"Dragnet/bench", "bench", "bench", ""};
  SystemClock clock;
  auto writer = archive::WarcWriter::Open(options, clock);
  if (!writer.has_value()) {
    std::fprintf(stderr, "%s\n", writer.error().message().c_str());
    std::exit(1);
  }
  std::mt19937 rng(42);
  std::filesystem::path file;
  for (int i = 0; i < PageCount(); ++i) {
    std::string uri =
        "http://market" + std::to_string(i % 7) + ".example.onion/listing/" + std::to_string(i);
    std::string request = "GET /listing/" + std::to_string(i) +
                          " HTTP/1.1\r\nHost: market.example.onion\r\nUser-Agent: "
                          "Mozilla/5.0\r\nAccept: text/html\r\n\r\n";
    std::string body = MarketPage(rng, i);
    std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    archive::WarcRecordSpec req{archive::WarcType::kRequest,
                                uri,
                                std::nullopt,
                                "application/http; msgtype=request",
                                request,
                                "",
                                {}};
    auto r = (*writer)->Write(req);
    archive::WarcRecordSpec resp{archive::WarcType::kResponse,          uri,      std::nullopt,
                                 "application/http; msgtype=response",  response, "",
                                 {{"WARC-Concurrent-To", r->record_id}}};
    auto w = (*writer)->Write(resp);
    file = w->file;
  }
  (void)(*writer)->Close();
  std::FILE* ready = std::fopen((dir / "ready").c_str(), "w");
  if (ready != nullptr)
    std::fclose(ready);
  return file;
}

struct ReadCounts {
  uint64_t records = 0;
  uint64_t bytes = 0;
};

// Reads every record and every byte of every block once, as an analysis pass does.
ReadCounts ReadOnce(const std::filesystem::path& file) {
  ReadCounts counts;
  model::AnomalyLog log;
  auto reader = archive::WarcReader::Open(file, log);
  if (!reader.has_value()) {
    std::fprintf(stderr, "%s\n", reader.error().message().c_str());
    std::exit(1);
  }
  for (;;) {
    auto more = (*reader)->Next();
    if (!more.has_value() || !*more)
      break;
    ++counts.records;
    for (;;) {
      auto piece = (*reader)->ReadBlock();
      if (!piece.has_value() || piece->empty())
        break;
      counts.bytes += piece->size();
      benchmark::DoNotOptimize(piece->data());
    }
  }
  return counts;
}

void ReadAll(benchmark::State& state, bool gzip) {
  auto file = GenerateFile(gzip);
  uint64_t records = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    ReadCounts counts = ReadOnce(file);
    records += counts.records;
    bytes += counts.bytes;
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ReadPlain(benchmark::State& state) {
  ReadAll(state, false);
}
void BM_ReadGzip(benchmark::State& state) {
  ReadAll(state, true);
}

void WriteAll(benchmark::State& state, bool gzip) {
  std::mt19937 rng(7);
  std::vector<std::string> pages;
  for (int i = 0; i < 500; ++i)
    pages.push_back(MarketPage(rng, i));
  auto dir = BenchDir() / "write";
  uint64_t records = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    archive::WarcWriterOptions options;
    options.directory = dir;
    options.gzip = gzip;
    options.context = {"Dragnet/bench", "bench", "bench", ""};
    SystemClock clock;
    auto writer = archive::WarcWriter::Open(options, clock);
    for (const auto& page : pages) {
      std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page;
      archive::WarcRecordSpec spec{archive::WarcType::kResponse,
                                   "http://m.example/",
                                   std::nullopt,
                                   "application/http; msgtype=response",
                                   response,
                                   "",
                                   {}};
      auto w = (*writer)->Write(spec);
      benchmark::DoNotOptimize(w);
      ++records;
      bytes += response.size();
    }
    (void)(*writer)->Close();
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_WriteGzipSha256(benchmark::State& state) {
  WriteAll(state, true);
}
void BM_WritePlainSha256(benchmark::State& state) {
  WriteAll(state, false);
}

BENCHMARK(BM_ReadPlain)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ReadGzip)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_WriteGzipSha256)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_WritePlainSha256)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace dragnet

int main(int argc, char** argv) {
  // `warc_bench --print-files` generates the corpus and prints the two file paths (for scripts).
  if (argc > 1 && std::string_view(argv[1]) == "--print-files") {
    std::printf("%s\n%s\n", dragnet::GenerateFile(false).c_str(),
                dragnet::GenerateFile(true).c_str());
    return 0;
  }
  // `warc_bench --read FILE` reads every record and block once: "records bytes seconds".
  if (argc > 2 && std::string_view(argv[1]) == "--read") {
    auto start = std::chrono::steady_clock::now();
    dragnet::ReadCounts counts = dragnet::ReadOnce(argv[2]);
    uint64_t records = counts.records;
    uint64_t bytes = counts.bytes;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%llu %llu %.4f\n", static_cast<unsigned long long>(records),
                static_cast<unsigned long long>(bytes), seconds);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
