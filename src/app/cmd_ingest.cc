// dragnet ingest PATH...: bring in what others captured.

#include <cstdio>
#include <cstdlib>

#include "app/commands.h"
#include "app/store_sink.h"
#include "archive/warc_writer.h"
#include "capture/importer.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/version.h"
#include "store/store.h"

namespace dragnet::app {
namespace {

struct IngestOptions {
  std::vector<std::string> paths;
  std::string reason;
  uint64_t max_file_size_mb = 1024;
  bool plain = false;
};

int RunIngest(const GlobalOptions& options, const IngestOptions& ingest) {
  auto db_path = DatabasePath(options);
  auto store = store::OpenSqliteStore(db_path);
  if (!store.has_value()) {
    PrintError(store.error().message());
    return 1;
  }
  auto key = LoadConfiguredSigningKey(options);
  if (!key.has_value()) {
    PrintError(key.error().message());
    return 1;
  }
  SystemClock clock;
  std::string operator_name = options.operator_name.empty() ? UserName() : options.operator_name;
  archive::CustodyContext context{kSoftware, HostName(), operator_name, options.case_id};
  auto custody = archive::CustodyLog::Open(ArchiveDirectory(options), *key);
  if (!custody.has_value()) {
    PrintError(custody.error().message());
    return 1;
  }
  StoreSink sink(**store, options.case_id, &*custody, context);
  std::unique_ptr<archive::WarcWriter> writer;
  auto writer_for = [&]() -> Result<archive::WarcWriter*> {
    if (writer)
      return writer.get();
    archive::WarcWriterOptions wopts;
    wopts.directory = ArchiveDirectory(options);
    wopts.gzip = !ingest.plain;
    wopts.max_file_size = ingest.max_file_size_mb << 20;
    wopts.context = context;
    wopts.signing_key = *key;
    wopts.warcinfo_fields.emplace_back("description", "dragnet ingest");
    DRAGNET_ASSIGN_OR_RETURN(writer, archive::WarcWriter::Open(std::move(wopts), clock));
    for (const auto& recovered : writer->recovered()) {
      std::fprintf(stderr, "dragnet: recovered %s: %s\n", recovered.file.c_str(),
                   recovered.note.c_str());
    }
    return writer.get();
  };

  capture::ImportStats stats;
  Progress progress("ingest", options.quiet);
  int failures = 0;
  for (const auto& input : ingest.paths) {
    std::string kind = capture::DetectInputKind(input);
    Status status = Status::Ok();
    if (kind == "warc") {
      status = capture::IndexWarcFile(input, sink, stats, progress);
    } else if (kind == "telegram" || kind == "html_directory") {
      auto w = writer_for();
      if (!w.has_value()) {
        status = std::move(w).error();
      } else if (kind == "telegram") {
        status = capture::ImportTelegramExport(input, **w, sink, stats, progress);
      } else {
        status = capture::ImportHtmlDirectory(input, **w, sink, stats, progress);
      }
    } else {
      status = InvalidArgument(input +
                               ": not a WARC file, a Telegram export (result.json) or a directory");
    }
    if (!status.ok()) {
      PrintError(status.error().message());
      ++failures;
    }
  }
  if (writer) {
    Status closed = writer->Close();
    if (!closed.ok()) {
      PrintError(closed.error().message());
      ++failures;
    }
  }
  progress.Finish(stats.items, stats.bytes,
                  std::to_string(stats.duplicates) + " already ingested, " +
                      std::to_string(stats.media) + " media files");

  std::string targets;
  for (const auto& p : ingest.paths)
    targets += (targets.empty() ? "" : " ") + p;
  store::AuditEntry audit;
  audit.at = FormatW3c(clock.Now(), 3);
  audit.actor = operator_name;
  audit.action = "ingest";
  audit.target = targets;
  audit.reason = ingest.reason.empty() ? (options.case_id.empty() ? "" : "case " + options.case_id)
                                       : ingest.reason;
  if (auto appended = (*store)->AppendAudit(audit); !appended.has_value()) {
    PrintError(appended.error().message());
    ++failures;
  }

  std::printf(
      "ingested %llu items (%llu captures, %llu documents), %llu already present, %llu "
      "anomalies\n",
      static_cast<unsigned long long>(stats.items),
      static_cast<unsigned long long>(sink.captures_added()),
      static_cast<unsigned long long>(sink.documents_added()),
      static_cast<unsigned long long>(stats.duplicates),
      static_cast<unsigned long long>(stats.anomaly_count));
  size_t shown = 0;
  for (const auto& a : stats.anomalies) {
    if (++shown > 20) {
      std::printf("  ... %llu more anomalies\n",
                  static_cast<unsigned long long>(stats.anomaly_count - 20));
      break;
    }
    std::printf("  %s: %s (offset %llu): %s\n",
                a.anomaly.severity == model::Severity::kError ? "error" : "warning", a.file.c_str(),
                static_cast<unsigned long long>(a.anomaly.offset), a.anomaly.detail.c_str());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void RegisterIngestCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto opts = std::make_shared<IngestOptions>();
  auto* cmd = app.add_subcommand(
      "ingest",
      "Bring in what others captured: WARC files (indexed in place, hash recorded), directories "
      "of saved web pages and Telegram Desktop exports (archived into new WARC records). "
      "Re-ingesting the same input adds nothing.");
  cmd->add_option("PATH", opts->paths,
                  "WARC/WARC.gz files, Telegram exports (result.json or its folder), directories")
      ->required();
  cmd->add_option("--reason", opts->reason, "Why this is ingested, for the audit log");
  cmd->add_option("--max-file-size", opts->max_file_size_mb,
                  "Start a new WARC file after this many MiB")
      ->default_val(1024);
  cmd->add_flag("--plain", opts->plain, "Write uncompressed .warc instead of .warc.gz");
  cmd->callback([&options, opts, &exit_code] { exit_code = RunIngest(options, *opts); });
}

}  // namespace dragnet::app
