#pragma once
// The `dragnet` command line: each subcommand registers itself on the CLI11 app and returns its
// exit code. app/ is the only folder that knows every stage; it moves values between them.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "archive/custody.h"
#include "core/result.h"
#include "store/store.h"

namespace dragnet::app {

// Options every command understands.
struct GlobalOptions {
  std::string db;             // --db PATH; empty = default path
  std::string archive;        // --archive DIR; empty = default directory
  std::string operator_name;  // --operator NAME; empty = login name
  std::string case_id;        // --case ID
  std::string signing_key;    // --signing-key FILE (Ed25519 secret key for custody entries)
  bool quiet = false;
};

std::filesystem::path DatabasePath(const GlobalOptions& options);
std::filesystem::path ArchiveDirectory(const GlobalOptions& options);

// The exit code a command sets; main returns it after CLI11 has run the callback.
using ExitCode = int;

void RegisterWarcCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterKeyCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterIngestCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterStatsCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterCrawlCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterSampleCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
void RegisterIdentifyCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
// `dragnet eval selectors`, under the `eval` command that RegisterIdentifyCommands creates.
void RegisterEvalSelectorsCommand(CLI::App& eval, ExitCode& exit_code);
// `dragnet eval e2e`: the store against a simulated web's ground truth.
void RegisterEvalE2eCommand(CLI::App& eval, GlobalOptions& options, ExitCode& exit_code);
// `dragnet train` and `dragnet eval classify`: a unit's own fastText category model.
void RegisterTrainCommands(CLI::App& app, CLI::App& eval, GlobalOptions& options,
                           ExitCode& exit_code);
// `dragnet parse`: page types, listing fields, near-duplicates.
void RegisterParseCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
// `dragnet records`: listings, vendors, posts and drift alerts from the store.
void RegisterRecordsCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);
// `dragnet eval parse`: field precision and recall on a golden set of pages.
void RegisterEvalParseCommand(CLI::App& eval, ExitCode& exit_code);
// `dragnet simnet generate|serve` and `dragnet demo`.
void RegisterSimnetCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code);

// The key from --signing-key or $DRAGNET_SIGNING_KEY; nullopt when none is configured.
Result<std::optional<archive::SigningKey>> LoadConfiguredSigningKey(const GlobalOptions& options);

// Opens the database a command reads (it must exist: reading commands never create one);
// prints the reason and returns nullptr when it cannot.
std::unique_ptr<store::Store> OpenExistingStore(const GlobalOptions& options);

// Prints "dragnet: <message>" on stderr.
void PrintError(const std::string& message);

}  // namespace dragnet::app
