// dragnet simnet generate|serve: the simulated illicit web (tools/simnet), and dragnet demo:
// generate it, serve it on loopback behind a SOCKS5 front, crawl it twice as through Tor (prices
// change between the crawls), ingest its Telegram channel, identify everything, compare with the
// ground truth and summarise what Dragnet found.
//
// The demo runs each step as the `dragnet` command a user would type (a child process of this
// binary), so what it shows is exactly what those commands do; the servers live in this process.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/commands.h"
#include "identify/lexicon.h"
#include "identify/rates.h"
#include "simnet/generator.h"
#include "simnet/server.h"
#include "simnet/world.h"

extern char** environ;

namespace dragnet::app {
namespace {

namespace fs = std::filesystem;

struct SimnetArgs {
  std::string dir;
  uint64_t seed = 1;
  int listings = 40;
  bool regenerate = false;
  int epoch = 1;
  int port = 0;
  double min_f1 = 0;
};

fs::path SimnetDirectory(const GlobalOptions& options, const std::string& dir) {
  if (!dir.empty())
    return dir;
  return DatabasePath(options).parent_path() / "simnet";
}

// Generates the simulated web into `dir` unless the same seed and generator version are there.
Result<simnet::SimnetSummary> EnsureSimnet(const fs::path& dir, const SimnetArgs& args,
                                           bool quiet) {
  if (!args.regenerate) {
    auto existing = simnet::ReadSummary(dir);
    if (existing.has_value() && existing->seed == args.seed &&
        existing->version == simnet::kGeneratorVersion) {
      if (!quiet)
        std::printf("simulated web in %s (seed %llu) is up to date\n", dir.c_str(),
                    static_cast<unsigned long long>(args.seed));
      return existing;
    }
  }
  DRAGNET_ASSIGN_OR_RETURN(identify::Lexicon lexicon,
                           identify::LoadLexicon(identify::DefaultLexiconDirectory()));
  DRAGNET_ASSIGN_OR_RETURN(simnet::World world,
                           simnet::LoadWorld(simnet::DefaultWorldFile(), lexicon));
  DRAGNET_ASSIGN_OR_RETURN(identify::ExchangeRates rates,
                           identify::ExchangeRates::Load(identify::DefaultDataDirectory() /
                                                         "rates" / "exchange_rates.csv"));
  simnet::GenerateOptions options;
  options.seed = args.seed;
  options.listings_per_market = args.listings;
  DRAGNET_ASSIGN_OR_RETURN(simnet::SimnetSummary summary,
                           simnet::Generate(lexicon, world, rates, options, dir));
  if (!quiet)
    std::printf(
        "simulated web written to %s: %zu hosts, %llu pages per crawl (%llu listings), "
        "%llu Telegram posts, %llu actors, %llu selectors\n",
        dir.c_str(), summary.hosts.size(), static_cast<unsigned long long>(summary.pages),
        static_cast<unsigned long long>(summary.listings),
        static_cast<unsigned long long>(summary.posts),
        static_cast<unsigned long long>(summary.actors),
        static_cast<unsigned long long>(summary.selectors));
  return summary;
}

// The site server and the SOCKS5 front with a route for every simulated host.
struct Serving {
  std::unique_ptr<simnet::SiteServer> sites;
  std::unique_ptr<simnet::Socks5Front> socks;
};

Result<Serving> StartServing(const fs::path& dir, const simnet::SimnetSummary& summary,
                             int socks_port) {
  Serving s;
  DRAGNET_ASSIGN_OR_RETURN(s.sites, simnet::SiteServer::Start(dir / "sites"));
  simnet::Socks5Front::Options options;
  options.port = socks_port;
  DRAGNET_ASSIGN_OR_RETURN(s.socks, simnet::Socks5Front::Start(options));
  for (const simnet::SimnetHost& host : summary.hosts)
    s.socks->AddRoute(host.host, s.sites->port());
  return s;
}

int RunGenerate(const GlobalOptions& options, const SimnetArgs& args) {
  SimnetArgs forced = args;
  forced.regenerate = true;
  auto summary = EnsureSimnet(SimnetDirectory(options, args.dir), forced, options.quiet);
  if (!summary.has_value()) {
    PrintError(summary.error().message());
    return 1;
  }
  return 0;
}

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}

int RunServe(const GlobalOptions& options, const SimnetArgs& args) {
  fs::path dir = SimnetDirectory(options, args.dir);
  auto summary = EnsureSimnet(dir, args, options.quiet);
  if (!summary.has_value()) {
    PrintError(summary.error().message());
    return 1;
  }
  auto serving = StartServing(dir, *summary, args.port);
  if (!serving.has_value()) {
    PrintError(serving.error().message());
    return 1;
  }
  serving->sites->SetEpoch(args.epoch);
  std::printf(
      "serving %zu simulated hosts (crawl %d of %d) through the SOCKS5 front at "
      "127.0.0.1:%d\n",
      summary->hosts.size(), args.epoch, summary->epochs, serving->socks->port());
  for (const simnet::SimnetHost& host : summary->hosts)
    std::printf("  http://%s/  %s%s\n", host.host.c_str(), host.kind.c_str(),
                host.mirror ? " (mirror)" : "");
  std::printf(
      "crawl it:  dragnet crawl --seeds %s --tor 127.0.0.1:%d --proxy socks5h://127.0.0.1:%d"
      "\nCtrl-C stops.\n",
      (dir / "seeds.txt").c_str(), serving->socks->port(), serving->socks->port());
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (g_stop == 0)
    ::usleep(200 * 1000);
  return 0;
}

// Runs this binary with `args` (after the global options) and waits; returns its exit code.
int RunSelf(const GlobalOptions& options, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"dragnet", "--db", DatabasePath(options).string(), "--archive",
                                   ArchiveDirectory(options).string()};
  if (!options.operator_name.empty())
    argv.insert(argv.end(), {"--operator", options.operator_name});
  if (!options.case_id.empty())
    argv.insert(argv.end(), {"--case", options.case_id});
  if (!options.signing_key.empty())
    argv.insert(argv.end(), {"--signing-key", options.signing_key});
  if (options.quiet)
    argv.push_back("-q");
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = "dragnet";
  for (const std::string& a : args)
    shown += " " + (a.find(' ') != std::string::npos ? "'" + a + "'" : a);
  std::printf("\n$ %s\n", shown.c_str());
  std::fflush(stdout);
  std::vector<char*> raw;
  for (std::string& a : argv)
    raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = ::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, raw.data(), environ);
      rc != 0) {
    PrintError(std::string("cannot start ") + shown + ": " + std::strerror(rc));
    return 1;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return 1;
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// What Dragnet holds after the demo, from the store: sites, listings, substances, selectors
// (and those seen on more than one site: the threads the link stage will pull), prices per gram.
void PrintDemoSummary(store::Store& store) {
  std::set<std::string> hosts;
  std::map<std::string, int> categories, substances;
  std::map<std::string, std::set<std::string>> selector_sites;  // "kind value" -> hosts
  std::map<std::string, std::vector<double>> per_gram;          // substance -> USD per gram
  uint64_t documents = 0, listings = 0;
  int64_t after = 0;
  for (;;) {
    auto page = store.AnalysedDocuments("substances", after, 1000);
    if (!page.has_value() || page->empty())
      break;
    for (const store::AnalysedDocument& d : *page) {
      after = d.document_id;
      ++documents;
      std::string host = d.uri;
      if (size_t scheme = d.uri.find("://"); scheme != std::string::npos)
        host = d.uri.substr(scheme + 3, d.uri.find('/', scheme + 3) - scheme - 3);
      hosts.insert(host);
      if (!d.category.empty() && d.category != "other") {
        ++categories[d.category];
        ++listings;
      }
      std::string substance;
      for (const store::Finding& f : d.findings) {
        if (f.kind == "substance") {
          ++substances[f.key];
          substance = substance.empty() ? f.key : substance;
        } else if (f.kind.rfind("selector:", 0) == 0) {
          std::string kind = f.kind.substr(9);
          if (kind != "url" && kind != "domain")
            selector_sites[kind + " " + f.key].insert(host);
        } else if (f.kind == "price_per_unit" && f.key == "g" && f.value && !substance.empty()) {
          per_gram[substance].push_back(*f.value);
        }
      }
    }
  }
  std::map<std::string, int> selector_kinds;
  // Strongest evidence first: keys, then wallets and phones, then names and addresses.
  auto strength = [](const std::string& kind) {
    static const std::vector<std::string> order = {"pgp_key", "pgp_fingerprint", "bitcoin",
                                                   "monero",  "ethereum",        "tron",
                                                   "phone",   "telegram",        "wickr"};
    auto it = std::find(order.begin(), order.end(), kind);
    return static_cast<int>(it - order.begin());
  };
  std::vector<std::pair<int, std::string>> shared;
  for (const auto& [s, sites] : selector_sites) {
    std::string kind = s.substr(0, s.find(' '));
    ++selector_kinds[kind];
    if (sites.size() > 1)
      shared.emplace_back(strength(kind), s + " (" + std::to_string(sites.size()) + " hosts)");
  }
  std::stable_sort(shared.begin(), shared.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::printf("\n== what Dragnet found\n");
  std::printf("sites            %zu (onion and open-web hosts, the Telegram channel)\n",
              hosts.size());
  std::printf("documents        %llu analysed, %llu of them listings or posts with a category:",
              static_cast<unsigned long long>(documents),
              static_cast<unsigned long long>(listings));
  for (const auto& [c, n] : categories)
    std::printf(" %s %d", c.c_str(), n);
  std::printf("\nsubstances       %zu distinct, most listed:", substances.size());
  std::vector<std::pair<int, std::string>> top;
  for (const auto& [s, n] : substances)
    top.emplace_back(-n, s);
  std::sort(top.begin(), top.end());
  for (size_t i = 0; i < top.size() && i < 10; ++i)
    std::printf(" %s (%d)", top[i].second.c_str(), -top[i].first);
  std::printf("\nselectors        %zu distinct:", selector_sites.size());
  for (const auto& [k, n] : selector_kinds)
    std::printf(" %s %d", k.c_str(), n);
  std::printf(
      "\nactor threads    %zu selectors appear on more than one host (one seller, several "
      "names; the link stage will weigh them):\n",
      shared.size());
  for (size_t i = 0; i < shared.size() && i < 6; ++i)
    std::printf("                   %s\n", shared[i].second.c_str());
  if (auto records = store.CountRecords(); records.has_value()) {
    std::printf(
        "records          %lld listings (%lld also on a mirror) seen %lld times, %lld vendors, "
        "%lld feedback entries; %lld posts, %lld after near-duplicates are counted once\n",
        static_cast<long long>(records->listings),
        static_cast<long long>(records->listings_on_mirrors),
        static_cast<long long>(records->observations), static_cast<long long>(records->vendors),
        static_cast<long long>(records->feedback), static_cast<long long>(records->posts),
        static_cast<long long>(records->unique_posts));
  }
  if (auto alerts = store.DriftAlerts(); alerts.has_value() && !alerts->empty()) {
    std::printf(
        "layout drift     %zu alerts (a site changed its templates; the generic extractor "
        "took over):",
        alerts->size());
    for (const store::DriftAlertRow& a : *alerts)
      std::printf(" %s.%s", a.profile.c_str(), a.field.c_str());
    std::printf("\n");
  }
  std::printf("USD per gram     median per substance:");
  for (auto& [name, values] : per_gram) {
    std::sort(values.begin(), values.end());
    std::printf(" %s %.0f", name.c_str(), values[values.size() / 2]);
  }
  std::printf("\n");
}

int RunDemo(const GlobalOptions& options, const SimnetArgs& args) {
  fs::path dir = SimnetDirectory(options, args.dir);
  std::printf(
      "== 1. the simulated illicit web (markets, a dead-drop shop, a forum, open-web shops, "
      "a Telegram channel)\n");
  auto summary = EnsureSimnet(dir, args, false);
  if (!summary.has_value()) {
    PrintError(summary.error().message());
    return 1;
  }
  auto serving = StartServing(dir, *summary, 0);
  if (!serving.has_value()) {
    PrintError(serving.error().message());
    return 1;
  }
  std::string socks = "127.0.0.1:" + std::to_string(serving->socks->port());
  std::printf(
      "\n== 2. serving %zu hosts on loopback behind a SOCKS5 front at %s; onion sites are "
      "reached exactly as through Tor's SOCKS port\n",
      summary->hosts.size(), socks.c_str());
  std::vector<std::string> crawl = {"crawl",
                                    "--seeds",
                                    (dir / "seeds.txt").string(),
                                    "--tor",
                                    socks,
                                    "--proxy",
                                    "socks5h://" + socks,
                                    "--depth",
                                    "4",
                                    "--job",
                                    "simnet-" + std::to_string(args.seed)};
  if (int rc = RunSelf(options, crawl); rc != 0)
    return rc;
  std::printf("\n== 3. a week later: prices and stock changed; recrawl every page\n");
  serving->sites->SetEpoch(2);
  std::vector<std::string> recrawl = crawl;
  recrawl.insert(recrawl.end(), {"--recrawl", "--recrawl-hours", "0"});
  if (int rc = RunSelf(options, recrawl); rc != 0)
    return rc;
  std::printf("\n== 4. the shop's Telegram channel, exported with Telegram Desktop\n");
  if (int rc = RunSelf(options, {"ingest", "--reason", "demo: simulated shop channel",
                                 (dir / summary->telegram_dir).string()});
      rc != 0)
    return rc;
  std::printf("\n== 5. parse: page types, listing fields, near-duplicate ads and mirrors\n");
  if (int rc = RunSelf(options, {"parse", "--store"}); rc != 0)
    return rc;
  std::printf(
      "\n== 6. identify substances, prices, categories and selectors in everything "
      "captured\n");
  if (int rc = RunSelf(options, {"identify", "--store"}); rc != 0)
    return rc;
  std::printf("\n== 7. compare with the ground truth the generator wrote\n");
  std::vector<std::string> eval = {"eval", "e2e", "--truth", dir.string()};
  if (args.min_f1 > 0)
    eval.insert(eval.end(), {"--min-f1", std::to_string(args.min_f1)});
  int eval_rc = RunSelf(options, eval);
  auto store = OpenExistingStore(options);
  if (store)
    PrintDemoSummary(*store);
  std::printf(R"(
Try next:
  dragnet stats                                    # what the store and the archive hold
  dragnet records listings --format table          # listings, sightings, latest prices
  dragnet records drift --format table             # the market that changed its templates
  dragnet warc verify %s       # digests and the custody chain
  dragnet simnet serve                             # keep the simulated web up and crawl it yourself
  dragnet identify --format table %s/sites/epoch-1/%s/listing/1000.html
  dragnet eval e2e --truth %s --verbose            # what was missed, what was extra
  echo 'A - P v P кристаллы синие 3,5гр 3200₽' | dragnet identify
)",
              ArchiveDirectory(options).c_str(), dir.c_str(),
              summary->hosts.empty() ? "" : summary->hosts.front().host.c_str(), dir.c_str());
  return eval_rc;
}

}  // namespace

void RegisterSimnetCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto args = std::make_shared<SimnetArgs>();
  auto* simnet = app.add_subcommand(
      "simnet", "The simulated illicit web: generate it, or serve it on loopback for crawling");
  simnet->require_subcommand(1);
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--dir", args->dir,
                    "Where the simulated web lives (default: simnet/ beside the database)");
    cmd->add_option("--seed", args->seed, "Random seed")->default_val(1);
    cmd->add_option("--listings", args->listings, "Listings per market")
        ->default_val(40)
        ->check(CLI::Range(5, 5000));
  };
  auto* generate = simnet->add_subcommand(
      "generate", "Write the sites, the Telegram export and the ground truth (truth/*.jsonl)");
  add_common(generate);
  generate->callback([&options, args, &exit_code] { exit_code = RunGenerate(options, *args); });
  auto* serve = simnet->add_subcommand(
      "serve", "Serve the simulated web on loopback behind a SOCKS5 front until Ctrl-C");
  add_common(serve);
  serve->add_flag("--regenerate", args->regenerate, "Generate again even if up to date");
  serve->add_option("--epoch", args->epoch, "Which crawl's content to serve (1 or 2)")
      ->default_val(1)
      ->check(CLI::Range(1, 2));
  serve->add_option("--port", args->port, "SOCKS5 port (default: a free one)");
  serve->callback([&options, args, &exit_code] { exit_code = RunServe(options, *args); });

  auto* demo = app.add_subcommand(
      "demo",
      "Generate a simulated illicit web, crawl it through a local SOCKS5 front, ingest "
      "its Telegram channel, identify everything and score it against the ground truth");
  add_common(demo);
  demo->add_flag("--regenerate", args->regenerate, "Generate the simulated web again");
  demo->add_option("--min-f1", args->min_f1, "Fail (exit 1) when an end-to-end F1 is below this")
      ->default_val(0);
  demo->callback([&options, args, &exit_code] { exit_code = RunDemo(options, *args); });
}

}  // namespace dragnet::app
