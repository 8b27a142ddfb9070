// dragnet stats: what the store and the archive hold.

#include <cstdio>

#include "app/commands.h"
#include "archive/custody.h"
#include "core/progress.h"
#include "store/store.h"

namespace dragnet::app {
namespace {

int RunStats(const GlobalOptions& options) {
  auto db_path = DatabasePath(options);
  auto store = OpenExistingStore(options);
  if (!store)
    return 1;
  auto stats = store->Stats();
  if (!stats.has_value()) {
    PrintError(stats.error().message());
    return 1;
  }
  const auto& s = *stats;
  std::printf("database   %s (schema %d)\n", db_path.c_str(), s.schema_version);
  std::printf("sources    %lld\n", static_cast<long long>(s.sources));
  for (const auto& [kind, n] : s.sources_by_kind) {
    std::printf("  %-22s %lld\n", kind.c_str(), static_cast<long long>(n));
  }
  std::printf("captures   %lld", static_cast<long long>(s.captures));
  if (!s.first_capture_date.empty()) {
    std::printf("  (%s .. %s)", s.first_capture_date.c_str(), s.last_capture_date.c_str());
  }
  std::printf("\n");
  for (const auto& [type, n] : s.captures_by_type) {
    std::printf("  %-22s %lld\n", type.c_str(), static_cast<long long>(n));
  }
  std::printf("documents  %lld\n", static_cast<long long>(s.documents));
  for (const auto& [kind, n] : s.documents_by_kind) {
    std::printf("  %-22s %lld\n", kind.c_str(), static_cast<long long>(n));
  }
  std::printf("WARC files %lld registered\n", static_cast<long long>(s.archive_files));
  std::printf("audit log  %lld entries\n", static_cast<long long>(s.audit_entries));
  auto jobs = store->CrawlJobs();
  if (jobs.has_value()) {
    for (const auto& job : *jobs) {
      std::string states;
      if (auto counts = store->FrontierCounts(job.id); counts.has_value()) {
        for (const auto& [state, n] : *counts) {
          states += (states.empty() ? "" : ", ") + std::to_string(n) + " " + state;
        }
      }
      std::string errors;
      if (auto counts = store->FetchErrorCounts(job.id); counts.has_value()) {
        for (const auto& [kind, n] : *counts) {
          errors += (errors.empty() ? "" : ", ") + kind + " " + std::to_string(n);
        }
      }
      std::printf("crawl job  %s (since %s): %s%s%s\n", job.id.c_str(), job.created.c_str(),
                  states.empty() ? "empty" : states.c_str(),
                  errors.empty() ? "" : "; failures: ", errors.c_str());
    }
  }

  auto dir = ArchiveDirectory(options);
  uint64_t files = 0;
  uint64_t bytes = 0;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (e.is_regular_file() && (name.ends_with(".warc") || name.ends_with(".warc.gz"))) {
        ++files;
        bytes += e.file_size();
      }
    }
    auto custody = archive::VerifyCustody(dir, std::nullopt, /*check_files=*/false);
    std::printf("archive    %s: %llu WARC files, %s", dir.c_str(),
                static_cast<unsigned long long>(files), HumanBytes(bytes).c_str());
    if (custody.has_value()) {
      std::printf("; custody: %llu entries (%llu signed), chain %s\n",
                  static_cast<unsigned long long>(custody->entries),
                  static_cast<unsigned long long>(custody->signed_entries),
                  custody->ok() ? "intact" : "BROKEN (run `dragnet warc verify` on it)");
    } else {
      std::printf("; custody: %s\n", custody.error().message().c_str());
    }
  } else {
    std::printf("archive    %s: not created yet\n", dir.c_str());
  }
  return 0;
}

}  // namespace

void RegisterStatsCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto* cmd = app.add_subcommand("stats", "Show what the store and the archive hold");
  cmd->callback([&options, &exit_code] { exit_code = RunStats(options); });
}

}  // namespace dragnet::app
