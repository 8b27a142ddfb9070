#include <cstdio>
#include <cstdlib>

#include "app/commands.h"
#include "archive/custody.h"
#include "store/store.h"

namespace dragnet::app {

std::filesystem::path DatabasePath(const GlobalOptions& options) {
  if (!options.db.empty())
    return options.db;
  return store::DefaultDatabasePath();
}

std::filesystem::path ArchiveDirectory(const GlobalOptions& options) {
  if (!options.archive.empty())
    return options.archive;
  if (const char* env = std::getenv("DRAGNET_ARCHIVE"); env != nullptr && *env != '\0') {
    return env;
  }
  // Beside the default database, so one data directory holds everything.
  return DatabasePath(options).parent_path() / "archive";
}

Result<std::optional<archive::SigningKey>> LoadConfiguredSigningKey(const GlobalOptions& options) {
  std::string path = options.signing_key;
  if (path.empty()) {
    if (const char* env = std::getenv("DRAGNET_SIGNING_KEY"); env != nullptr)
      path = env;
  }
  if (path.empty())
    return std::optional<archive::SigningKey>();
  DRAGNET_ASSIGN_OR_RETURN(archive::SigningKey key, archive::LoadSigningKey(path));
  return std::optional<archive::SigningKey>(std::move(key));
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "dragnet: %s\n", message.c_str());
}

std::unique_ptr<store::Store> OpenExistingStore(const GlobalOptions& options) {
  auto db_path = DatabasePath(options);
  if (!std::filesystem::exists(db_path)) {
    PrintError("no database at " + db_path.string() +
               " (run `dragnet ingest` first, or pass --db)");
    return nullptr;
  }
  auto store = store::OpenSqliteStore(db_path);
  if (!store.has_value()) {
    PrintError(store.error().message());
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace dragnet::app
