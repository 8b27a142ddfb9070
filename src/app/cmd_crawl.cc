// dragnet crawl: capture sites (open web and onion services) into the archive, resumably.

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include "app/commands.h"
#include "app/crawl_state.h"
#include "app/store_sink.h"
#include "archive/warc_writer.h"
#include "capture/crawler.h"
#include "capture/url.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/version.h"
#include "parse/html_links.h"

namespace dragnet::app {
namespace {

struct CrawlArgs {
  std::vector<std::string> urls;
  std::string seeds_file;
  std::string proxy;
  std::string tor = "127.0.0.1:9050";
  int depth = 3;
  uint64_t max_pages = 100000;
  size_t concurrency = 64;
  size_t per_site = 4;
  double delay = 0;
  std::string site_config;
  std::string cookies;
  std::string job;
  bool recrawl = false;
  double recrawl_hours = 24;
  bool no_robots = false;
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  uint64_t max_size_mb = 32;
  double timeout = 120;
  std::string user_agent;
  int retries = 3;
  bool plain = false;
  int gzip_level = 5;
};

Result<std::vector<std::string>> Seeds(const CrawlArgs& args) {
  std::vector<std::string> seeds = args.urls;
  if (!args.seeds_file.empty()) {
    std::ifstream in(args.seeds_file);
    if (!in)
      return IoError("cannot read seeds file " + args.seeds_file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (size_t hash = line.find('#'); hash != std::string::npos)
        line.resize(hash);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.pop_back();
      size_t start = line.find_first_not_of(" \t");
      if (start == std::string::npos)
        continue;
      line = line.substr(start);
      if (!capture::ParseUrl(line)) {
        return InvalidArgument(args.seeds_file + ":" + std::to_string(number) +
                               ": not an http(s) URL: " + line);
      }
      seeds.push_back(line);
    }
  }
  for (const auto& s : seeds) {
    if (!capture::ParseUrl(s))
      return InvalidArgument("not an http(s) URL: " + s);
  }
  return seeds;
}

int RunCrawl(const GlobalOptions& options, const CrawlArgs& args) {
  auto seeds = Seeds(args);
  if (!seeds.has_value()) {
    PrintError(seeds.error().message());
    return 2;
  }
  capture::CrawlOptions copts;
  copts.seeds = *seeds;
  copts.max_depth = args.depth;
  copts.max_pages_per_site = args.max_pages;
  copts.concurrency = args.concurrency;
  copts.per_site_concurrency = args.per_site;
  copts.min_delay_seconds = args.delay;
  copts.proxy = args.proxy;
  copts.tor = args.tor;
  copts.robots = !args.no_robots;
  copts.max_bytes = args.max_size_mb << 20;
  copts.timeout_ms = static_cast<long>(args.timeout * 1000);
  copts.max_retries = args.retries;
  copts.recrawl = args.recrawl;
  copts.recrawl_hours = args.recrawl_hours;
  if (!args.user_agent.empty())
    copts.user_agent = args.user_agent;
  try {
    for (const auto& a : args.allow)
      copts.allow.emplace_back(a);
    for (const auto& d : args.deny)
      copts.deny.emplace_back(d);
  } catch (const std::regex_error& e) {
    PrintError(std::string("bad --allow/--deny pattern: ") + e.what());
    return 2;
  }
  if (!args.site_config.empty()) {
    auto sites = capture::SiteConfigs::Load(args.site_config);
    if (!sites.has_value()) {
      PrintError(sites.error().message());
      return 2;
    }
    copts.sites = std::move(*sites);
  }
  if (!args.cookies.empty()) {
    auto count = capture::CheckCookieFile(args.cookies);
    if (!count.has_value()) {
      PrintError(count.error().message());
      return 2;
    }
    copts.default_cookie_file = args.cookies;
  }
  // The same command resumes the same job: its id defaults to a hash of the sorted seeds.
  std::string job = args.job;
  if (job.empty()) {
    std::vector<std::string> sorted;
    for (const auto& s : copts.seeds)
      sorted.push_back(capture::ParseUrl(s)->url);
    std::sort(sorted.begin(), sorted.end());
    std::string joined;
    for (const auto& s : sorted)
      joined += s + "\n";
    job = "crawl-" + Sha256Hex(joined).substr(0, 12);
  }
  if (copts.seeds.empty() && args.job.empty()) {
    PrintError("nothing to crawl: give URLs, --seeds FILE, or --job ID to resume a job");
    return 2;
  }
  copts.job_id = job;
  copts.case_id = options.case_id;
  copts.operator_name = options.operator_name.empty() ? UserName() : options.operator_name;

  auto store = store::OpenSqliteStore(DatabasePath(options));
  if (!store.has_value()) {
    PrintError(store.error().message());
    return 1;
  }
  nlohmann::json config = {
      {"seeds", copts.seeds}, {"depth", copts.max_depth}, {"max_pages", copts.max_pages_per_site},
      {"proxy", copts.proxy}, {"tor", copts.tor},         {"robots", copts.robots}};
  SystemClock clock;
  auto existed = (*store)->EnsureCrawlJob({job, FormatW3c(clock.Now(), 3), config.dump()});
  if (!existed.has_value()) {
    PrintError(existed.error().message());
    return 1;
  }
  if (args.recrawl) {
    // Each site on its own schedule: recrawl_hours in its site config, else --recrawl-hours.
    auto job_sites = (*store)->FrontierAllSites(job);
    if (!job_sites.has_value()) {
      PrintError(job_sites.error().message());
      return 1;
    }
    uint64_t due = 0;
    for (const auto& site : *job_sites) {
      double hours = args.recrawl_hours;
      if (auto url = capture::ParseUrl(site + "/")) {
        if (const auto* site_config = copts.sites.For(url->host);
            site_config && site_config->recrawl_hours) {
          hours = *site_config->recrawl_hours;
        }
      }
      auto before = FormatW3c(
          clock.Now() - std::chrono::microseconds(static_cast<int64_t>(hours * 3.6e9)), 6);
      auto requeued = (*store)->RequeueDone(job, site, before);
      if (!requeued.has_value()) {
        PrintError(requeued.error().message());
        return 1;
      }
      due += *requeued;
    }
    std::fprintf(stderr, "dragnet: recrawl: %llu pages due again\n",
                 static_cast<unsigned long long>(due));
  }
  std::fprintf(stderr, "dragnet: %s job %s\n", *existed ? "resuming" : "starting", job.c_str());

  archive::WarcWriterOptions wopts;
  wopts.directory = ArchiveDirectory(options);
  wopts.gzip = !args.plain;
  wopts.gzip_level = args.gzip_level;
  wopts.context = {kSoftware, HostName(), copts.operator_name, options.case_id};
  auto key = LoadConfiguredSigningKey(options);
  if (!key.has_value()) {
    PrintError(key.error().message());
    return 1;
  }
  wopts.signing_key = *key;
  wopts.warcinfo_fields.emplace_back("description", "dragnet crawl, job " + job);
  auto writer = archive::WarcWriter::Open(std::move(wopts), clock);
  if (!writer.has_value()) {
    PrintError(writer.error().message());
    return 1;
  }
  for (const auto& recovered : (*writer)->recovered()) {
    std::fprintf(stderr, "dragnet: recovered %s: %s\n", recovered.file.c_str(),
                 recovered.note.c_str());
  }
  StoreSink sink(**store, options.case_id, nullptr, {});
  StoreCrawlState state(**store, sink, job);
  auto extractor = [](std::string_view html) { return parse::ExtractLinks(html); };
  capture::Crawler crawler(copts, state, **writer, extractor, clock);
  Progress progress("crawl " + job, options.quiet);
  auto summary = crawler.Run(progress);
  Status closed = (*writer)->Close();
  if (!summary.has_value()) {
    PrintError(summary.error().message());
    return 1;
  }
  if (!closed.ok()) {
    PrintError(closed.error().message());
    return 1;
  }
  const auto& s = *summary;
  progress.Finish(s.fetched, s.bytes, std::to_string(s.revisits) + " unchanged (revisit records)");
  std::printf(
      "job %s: %llu pages fetched (%llu unchanged), %llu failed, %llu retried, %llu skipped, "
      "%.1f s (%.0f pages/s)\n",
      job.c_str(), static_cast<unsigned long long>(s.fetched),
      static_cast<unsigned long long>(s.revisits), static_cast<unsigned long long>(s.failed),
      static_cast<unsigned long long>(s.retried), static_cast<unsigned long long>(s.skipped),
      s.seconds, s.seconds > 0 ? static_cast<double>(s.fetched) / s.seconds : 0.0);
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("  peak memory %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  if (s.requeued_after_crash > 0) {
    std::printf("  resumed %llu pages that were in flight when the last run stopped\n",
                static_cast<unsigned long long>(s.requeued_after_crash));
  }
  for (const auto& [kind, n] : s.errors) {
    std::printf("  %-20s %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
  }
  for (const auto& site : s.stopped_sites) {
    std::printf("  stopped %s: the session expired (log in again, export cookies, rerun)\n",
                site.c_str());
  }
  store::AuditEntry audit{0,
                          FormatW3c(clock.Now(), 3),
                          copts.operator_name,
                          "crawl",
                          job,
                          options.case_id.empty() ? "" : "case " + options.case_id};
  (void)(*store)->AppendAudit(audit);
  return s.stopped_sites.empty() ? 0 : 3;
}

}  // namespace

void RegisterCrawlCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto args = std::make_shared<CrawlArgs>();
  auto* cmd = app.add_subcommand(
      "crawl",
      "Crawl sites into the archive (WARC request, response, metadata and revisit records). A "
      "crawl is a job; run the same command again to resume it after any stop. .onion sites go "
      "through Tor (--tor), never direct.");
  cmd->add_option("URL", args->urls, "Seed URLs");
  cmd->add_option("--seeds", args->seeds_file, "File with one seed URL per line (# comments)");
  cmd->add_option("--proxy", args->proxy,
                  "Proxy for clearweb sites: socks5h://HOST:PORT or http://HOST:PORT");
  cmd->add_option("--tor", args->tor, "Tor SOCKS port for .onion sites")
      ->default_val("127.0.0.1:9050");
  cmd->add_option("--depth", args->depth, "Link depth from the seeds")->default_val(3);
  cmd->add_option("--max-pages", args->max_pages, "Pages per site")->default_val(100000);
  cmd->add_option("--concurrency", args->concurrency, "Requests in flight overall")
      ->default_val(64);
  cmd->add_option("--per-site", args->per_site, "Requests in flight per site")->default_val(4);
  cmd->add_option("--delay", args->delay, "Seconds between requests to one site")->default_val(0);
  cmd->add_option("--site-config", args->site_config,
                  "YAML per-site settings (docs/formats/site-config.md)");
  cmd->add_option("--cookies", args->cookies,
                  "Netscape cookies.txt exported from a logged-in browser");
  cmd->add_option("--job", args->job, "Job id (default: derived from the seeds)");
  cmd->add_flag("--recrawl", args->recrawl, "Fetch again pages older than --recrawl-hours");
  cmd->add_option("--recrawl-hours", args->recrawl_hours, "Recrawl schedule")->default_val(24);
  cmd->add_flag("--no-robots", args->no_robots, "Ignore robots.txt (per site: robots: false)");
  cmd->add_option("--allow", args->allow, "Regex of URLs in scope beyond the seeds' sites");
  cmd->add_option("--deny", args->deny, "Regex of URLs never fetched");
  cmd->add_option("--max-size", args->max_size_mb,
                  "MiB kept per response (the rest is cut, marked truncated)")
      ->default_val(32);
  cmd->add_option("--timeout", args->timeout, "Seconds per request")->default_val(120);
  cmd->add_option("--user-agent", args->user_agent, "User-Agent header");
  cmd->add_option("--retries", args->retries,
                  "Attempts per page on timeouts, 5xx and circuit failures")
      ->default_val(3);
  cmd->add_flag("--plain", args->plain, "Write uncompressed .warc");
  cmd->add_option("--gzip-level", args->gzip_level,
                  "gzip level of WARC records (1 fast .. 9 small; 5 is within 2% of 6's size at "
                  "1.6 times its speed)")
      ->default_val(5)
      ->check(CLI::Range(1, 9));
  cmd->callback([&options, args, &exit_code] { exit_code = RunCrawl(options, *args); });
}

}  // namespace dragnet::app
