// dragnet: find, identify and link illicit drug trade online, keeping what was seen as evidence.

#include <cstdlib>
#include <exception>

#include "app/commands.h"
#include "core/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Dragnet finds, identifies and links illicit drug trade on the open web, Tor markets and\n"
      "messenger shops, and keeps what it saw as court-proof evidence (WARC 1.1 + custody log).",
      "dragnet"};
  app.set_version_flag("--version", dragnet::kSoftware);
  app.require_subcommand(1);
  app.fallthrough();

  dragnet::app::GlobalOptions options;
  app.add_option("--db", options.db,
                 "SQLite database (default: $DRAGNET_DB or ~/.local/share/dragnet/dragnet.db)")
      ->type_name("PATH");
  app.add_option("--archive", options.archive,
                 "Archive directory for WARC files and custody.jsonl (default: $DRAGNET_ARCHIVE "
                 "or ~/.local/share/dragnet/archive)")
      ->type_name("DIR");
  app.add_option("--operator", options.operator_name,
                 "Who is running this, for custody and audit records (default: login name)")
      ->type_name("NAME");
  app.add_option("--case", options.case_id, "Case id recorded with everything this run writes")
      ->type_name("ID");
  app.add_option("--signing-key", options.signing_key,
                 "Ed25519 secret key file that signs custody entries (see `dragnet key "
                 "generate`; default: $DRAGNET_SIGNING_KEY)")
      ->type_name("FILE");
  app.add_flag("-q,--quiet", options.quiet, "No progress output");

  int exit_code = 0;
  dragnet::app::RegisterCrawlCommand(app, options, exit_code);
  dragnet::app::RegisterIngestCommand(app, options, exit_code);
  dragnet::app::RegisterStatsCommand(app, options, exit_code);
  dragnet::app::RegisterWarcCommands(app, options, exit_code);
  dragnet::app::RegisterKeyCommands(app, options, exit_code);
  dragnet::app::RegisterSampleCommand(app, options, exit_code);
  dragnet::app::RegisterParseCommand(app, options, exit_code);
  dragnet::app::RegisterRecordsCommand(app, options, exit_code);
  dragnet::app::RegisterIdentifyCommands(app, options, exit_code);
  dragnet::app::RegisterSimnetCommands(app, options, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Last-resort catch point: a bug or an unexpected library exception; never swallow it.
    dragnet::app::PrintError(std::string("unexpected failure: ") + e.what());
    return 70;
  }
  return exit_code;
}
