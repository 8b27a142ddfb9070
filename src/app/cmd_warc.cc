// dragnet warc verify | ls: check archives with the same rules a court expert's tools apply.

#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "archive/custody.h"
#include "archive/warc_reader.h"
#include "archive/warc_validator.h"

namespace dragnet::app {
namespace {

bool IsWarcPath(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".warc") || ends(".warc.gz");
}

struct VerifyOptions {
  std::vector<std::string> paths;
  bool strict = false;
  bool verbose = false;
  std::string public_key;
  bool no_custody = false;
};

int RunVerify(const VerifyOptions& opts) {
  std::vector<std::filesystem::path> files;
  std::set<std::filesystem::path> custody_dirs;
  for (const auto& p : opts.paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
        if (e.is_regular_file() && IsWarcPath(e.path()))
          in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
      custody_dirs.insert(std::filesystem::absolute(p));
    } else {
      files.emplace_back(p);
      auto dir = std::filesystem::absolute(p).parent_path();
      if (std::filesystem::exists(dir / archive::kCustodyFileName))
        custody_dirs.insert(dir);
    }
  }
  int passed = 0;
  int failed = 0;
  for (const auto& file : files) {
    auto verdict = archive::VerifyWarcFile(file);
    if (!verdict.has_value()) {
      std::printf("FAIL %s: %s\n", file.c_str(), verdict.error().message().c_str());
      ++failed;
      continue;
    }
    const auto& v = *verdict;
    bool ok = v.passed(opts.strict);
    ok ? ++passed : ++failed;
    std::string types;
    for (const auto& [type, count] : v.types) {
      types += (types.empty() ? "" : ", ") + type + " " + std::to_string(count);
    }
    std::printf("%s %s (%s, %llu records: %s; %llu digests verified, %llu errors, %llu warnings)\n",
                ok ? "PASS" : "FAIL", file.c_str(), v.gzip ? "gzip" : "plain",
                static_cast<unsigned long long>(v.records), types.c_str(),
                static_cast<unsigned long long>(v.digests_verified),
                static_cast<unsigned long long>(v.anomalies.errors()),
                static_cast<unsigned long long>(v.anomalies.warnings()));
    size_t shown = 0;
    for (const auto& a : v.anomalies.items()) {
      if (a.severity == model::Severity::kWarning && !opts.verbose && !opts.strict)
        continue;
      if (++shown > 20 && !opts.verbose)
        break;
      std::printf("  %s: %s\n", a.severity == model::Severity::kError ? "error" : "warning",
                  a.detail.c_str());
    }
  }
  if (!opts.no_custody) {
    for (const auto& dir : custody_dirs) {
      std::optional<std::string> key;
      if (!opts.public_key.empty())
        key = opts.public_key;
      auto report = archive::VerifyCustody(dir, key, /*check_files=*/true);
      if (!report.has_value()) {
        std::printf("FAIL custody %s: %s\n", dir.c_str(), report.error().message().c_str());
        ++failed;
        continue;
      }
      bool ok = report->ok();
      ok ? ++passed : ++failed;
      std::printf("%s custody %s (%llu entries, %llu signed, %llu files checked, %zu problems)\n",
                  ok ? "PASS" : "FAIL", (dir / archive::kCustodyFileName).c_str(),
                  static_cast<unsigned long long>(report->entries),
                  static_cast<unsigned long long>(report->signed_entries),
                  static_cast<unsigned long long>(report->files_checked), report->problems.size());
      for (const auto& problem : report->problems) {
        std::printf("  error: %s%s%s\n",
                    problem.line ? ("line " + std::to_string(problem.line) + ": ").c_str() : "",
                    problem.file.empty() ? "" : (problem.file + ": ").c_str(),
                    problem.message.c_str());
      }
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

int RunLs(const std::string& path, bool json) {
  model::AnomalyLog anomalies(1000);
  auto reader = archive::WarcReader::Open(path, anomalies);
  if (!reader.has_value()) {
    PrintError(reader.error().message());
    return 1;
  }
  auto& r = **reader;
  for (;;) {
    auto more = r.Next();
    if (!more.has_value()) {
      PrintError(more.error().message());
      return 1;
    }
    if (!*more)
      break;
    const auto& h = r.header();
    std::string type(h.fields.Get("WARC-Type").value_or("-"));
    std::string target(h.fields.Get("WARC-Target-URI").value_or(""));
    std::string date(h.fields.Get("WARC-Date").value_or("-"));
    std::string digest(h.fields.Get("WARC-Payload-Digest")
                           .value_or(h.fields.Get("WARC-Block-Digest").value_or("-")));
    auto extent = r.FinishRecord();
    if (!extent.has_value()) {
      PrintError(extent.error().message());
      return 1;
    }
    if (json) {
      // The field names and length convention of warcio's index, so outputs can be compared.
      nlohmann::ordered_json line;
      line["offset"] = extent->offset;
      line["length"] = extent->index_length;
      line["warc-type"] = type;
      if (h.fields.Get("WARC-Target-URI"))
        line["warc-target-uri"] = target;
      std::printf("%s\n",
                  line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%llu\t%s\t%s\t%s\t%llu\t%s\n", static_cast<unsigned long long>(extent->offset),
                  type.c_str(), target.empty() ? "-" : target.c_str(), date.c_str(),
                  static_cast<unsigned long long>(h.content_length.value_or(0)), digest.c_str());
    }
  }
  for (const auto& a : anomalies.items()) {
    std::fprintf(stderr, "%s: %s (offset %llu)\n",
                 a.severity == model::Severity::kError ? "error" : "warning", a.detail.c_str(),
                 static_cast<unsigned long long>(a.offset));
  }
  return anomalies.errors() == 0 ? 0 : 1;
}

}  // namespace

void RegisterWarcCommands(CLI::App& app, GlobalOptions& /*options*/, ExitCode& exit_code) {
  auto* warc = app.add_subcommand("warc", "Inspect and verify WARC files");
  warc->require_subcommand(1);

  auto verify_opts = std::make_shared<VerifyOptions>();
  auto* verify = warc->add_subcommand(
      "verify",
      "Recompute every digest, check every record against WARC 1.1, and check the custody "
      "manifest (hash chain, signatures, file hashes) of the directories involved. Prints one "
      "line per file and exits 1 on any failure.");
  verify
      ->add_option("PATH", verify_opts->paths,
                   "WARC files (.warc, .warc.gz) or archive directories")
      ->required();
  verify->add_flag("--strict", verify_opts->strict, "Warnings count as failures");
  verify->add_flag("-v,--verbose", verify_opts->verbose, "Show every warning and error");
  verify
      ->add_option("--public-key", verify_opts->public_key,
                   "Hex Ed25519 public key the custody entries must be signed with")
      ->type_name("HEX");
  verify->add_flag("--no-custody", verify_opts->no_custody, "Skip the custody manifest check");
  verify->callback([verify_opts, &exit_code] { exit_code = RunVerify(*verify_opts); });

  auto ls_path = std::make_shared<std::string>();
  auto ls_json = std::make_shared<bool>(false);
  auto* ls = warc->add_subcommand(
      "ls", "List records: offset, type, target URI, date, length, digest (tab-separated)");
  ls->add_option("FILE", *ls_path, "WARC file")->required();
  ls->add_flag("--json", *ls_json,
               "One JSON object per record with warcio's index fields (offset, length, "
               "warc-type, warc-target-uri)");
  ls->callback([ls_path, ls_json, &exit_code] { exit_code = RunLs(*ls_path, *ls_json); });
}

}  // namespace dragnet::app
