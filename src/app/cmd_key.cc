// dragnet key generate | show: the Ed25519 key that signs custody entries.

#include <cstdio>

#include "app/commands.h"
#include "archive/custody.h"
#include "core/encoding.h"

namespace dragnet::app {

void RegisterKeyCommands(CLI::App& app, GlobalOptions& /*options*/, ExitCode& exit_code) {
  auto* key = app.add_subcommand("key", "Manage the Ed25519 key that signs custody entries");
  key->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  auto* generate = key->add_subcommand(
      "generate", "Create a new key pair: FILE (secret, mode 0600) and FILE.pub (public, hex)");
  generate->add_option("FILE", *path, "Where to write the secret key")->required();
  generate->callback([path, &exit_code] {
    if (std::filesystem::exists(*path)) {
      PrintError(*path + " already exists; refusing to overwrite a signing key");
      exit_code = 1;
      return;
    }
    auto generated = archive::GenerateSigningKey();
    if (!generated.has_value()) {
      PrintError(generated.error().message());
      exit_code = 1;
      return;
    }
    Status saved = archive::SaveSigningKey(*generated, *path);
    if (!saved.ok()) {
      PrintError(saved.error().message());
      exit_code = 1;
      return;
    }
    std::printf("secret key: %s\npublic key: %s.pub\n%s\n", path->c_str(), path->c_str(),
                HexEncode(generated->public_key).c_str());
  });

  auto show_path = std::make_shared<std::string>();
  auto* show = key->add_subcommand("show", "Print the public key of a secret key file (hex)");
  show->add_option("FILE", *show_path, "Secret key file")->required();
  show->callback([show_path, &exit_code] {
    auto loaded = archive::LoadSigningKey(*show_path);
    if (!loaded.has_value()) {
      PrintError(loaded.error().message());
      exit_code = 1;
      return;
    }
    std::printf("%s\n", HexEncode(loaded->public_key).c_str());
  });
}

}  // namespace dragnet::app
