// dragnet parse [PATH...] | --store: what kind of page each captured page is (listing, vendor,
// category, forum thread, messenger post, login wall, other) and why; the listing fields read
// from any layout (vendor, price, ships from, city, district, stash type, stock...) and the rows
// of price tables; a SimHash of the text, and in the store the earliest near-duplicate of every
// document, so a repeated ad or a mirrored listing is counted once and linked to each copy.

#include <cstdio>
#include <map>

#include "app/commands.h"
#include "app/records.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/progress.h"
#include "parse/fields.h"
#include "parse/html_text.h"
#include "parse/language.h"
#include "parse/near_duplicate.h"
#include "parse/page_type.h"

namespace dragnet::app {
namespace {

namespace fs = std::filesystem;

constexpr int kParseAnalyzerVersion = 1;
constexpr const char* kAnalyzer = "parse";

struct ParseArgs {
  std::vector<std::string> inputs;
  bool store = false;
  int max_distance = 3;
};

struct ParseTools {
  parse::PageTypeVocabulary vocabulary;
  parse::FieldLabels labels;
  std::string key;  // analyzer, version and the data files it used
};

Result<ParseTools> LoadParseTools() {
  ParseTools tools;
  fs::path vocabulary_file = parse::DefaultParseDataFile("page_types.yaml");
  fs::path labels_file = parse::DefaultFieldLabelsFile();
  DRAGNET_ASSIGN_OR_RETURN(tools.vocabulary, parse::LoadPageTypeVocabulary(vocabulary_file));
  DRAGNET_ASSIGN_OR_RETURN(tools.labels, parse::LoadFieldLabels(labels_file));
  DRAGNET_ASSIGN_OR_RETURN(std::string a, ReadFile(vocabulary_file));
  DRAGNET_ASSIGN_OR_RETURN(std::string b, ReadFile(labels_file));
  tools.key = std::string(kAnalyzer) + "/" + std::to_string(kParseAnalyzerVersion) + "/" +
              Sha256Hex(a + '\0' + b).substr(0, 16);
  return tools;
}

struct PageParse {
  parse::PageType type;
  parse::ExtractedFields fields;
  uint64_t simhash = 0;
  std::string title;
  parse::LanguageGuess language;
};

PageParse ParseHtmlPage(std::string_view html, std::string_view url, const ParseTools& tools) {
  PageParse out;
  parse::HtmlText text = parse::ExtractText(html);
  out.title = text.title;
  out.type = parse::ClassifyPage(html, text.text, url, tools.vocabulary);
  out.fields = parse::ExtractFields(html, tools.labels);
  out.simhash = parse::SimHash(text.text);
  out.language = parse::DetectLanguage(text.text);
  return out;
}

std::string Hex64(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

void AppendFieldJson(const parse::Field& f, JsonWriter& w) {
  w.BeginObject();
  w.Field("label", f.label);
  w.Field("value", f.value);
  if (!f.link.empty())
    w.Field("link", f.link);
  w.EndObject();
}

void AppendParseJson(const std::string& id, const PageParse& p, JsonWriter& w) {
  w.BeginObject();
  w.Field("id", id);
  w.Field("page_type", p.type.type);
  w.FieldDouble("confidence", p.type.confidence);
  w.Key("reasons");
  w.BeginArray();
  for (const std::string& r : p.type.reasons)
    w.String(r);
  w.EndArray();
  if (!p.title.empty())
    w.Field("title", p.title);
  w.Key("fields");
  w.BeginObject();
  for (const parse::Field& f : p.fields.fields) {
    w.Key(f.id);
    AppendFieldJson(f, w);
  }
  w.EndObject();
  w.Key("rows");
  w.BeginArray();
  for (const auto& row : p.fields.rows) {
    w.BeginObject();
    for (const parse::Field& f : row)
      w.Field(f.id, f.value);
    w.EndObject();
  }
  w.EndArray();
  w.Field("simhash", Hex64(p.simhash));
  w.Field("language", p.language.language);
  w.Key("scripts");
  w.BeginObject();
  for (const parse::ScriptShare& share : p.language.scripts)
    w.FieldDouble(share.script, share.share);
  w.EndObject();
  w.Key("mixed_scripts");
  w.Bool(p.language.mixed_scripts);
  w.EndObject();
}

int RunParseFiles(const ParseArgs& args, const ParseTools& tools) {
  std::vector<fs::path> files;
  for (const std::string& input : args.inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      for (auto it = fs::recursive_directory_iterator(input, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".html" || ext == ".htm" || ext == ".xhtml"))
          files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.emplace_back(input);
    }
  }
  int failures = 0;
  std::string line;
  for (const fs::path& file : files) {
    auto html = ReadFile(file);
    if (!html.has_value()) {
      PrintError(html.error().message());
      ++failures;
      continue;
    }
    line.clear();
    JsonWriter w(line);
    AppendParseJson(file.string(), ParseHtmlPage(*html, "file://" + file.string(), tools), w);
    std::printf("%s\n", line.c_str());
  }
  return failures > 0 ? 1 : 0;
}

store::Finding MakeParseFinding(std::string kind, std::string key) {
  store::Finding f;
  f.kind = std::move(kind);
  f.key = std::move(key);
  f.confidence = 1;
  return f;
}

// Parses every stored document this analyzer version and its data files have not seen; each
// text's SimHash goes into one index over the whole store, so the earliest near-duplicate of a
// document is found wherever and whenever it was captured.
int RunParseStore(const GlobalOptions& global, const ParseArgs& args, const ParseTools& tools) {
  auto store = OpenExistingStore(global);
  if (!store)
    return 1;
  parse::NearDuplicateIndex index(args.max_distance);
  for (int64_t after = 0;;) {
    auto page = store->AnalysedDocuments(kAnalyzer, after, 5000);
    if (!page.has_value()) {
      PrintError(page.error().message());
      return 1;
    }
    if (page->empty())
      break;
    for (const store::AnalysedDocument& d : *page) {
      after = d.document_id;
      for (const store::Finding& f : d.findings) {
        if (f.kind == "simhash")
          index.Add(d.document_id, std::strtoull(f.key.c_str(), nullptr, 16));
      }
    }
  }
  Progress progress("parse", global.quiet);
  uint64_t duplicates = 0;
  auto run = AnalyseStoredDocuments(
      *store, kAnalyzer, tools.key, "parse", global.operator_name, global.case_id, progress,
      [&](const store::DocumentToAnalyze& doc, const StoredRecord& record,
          store::Analysis& analysis) -> Result<uint64_t> {
        std::string content_type = doc.content_type;
        auto payload = RecordPayload(record.type, content_type, record.block);
        PageParse parsed;
        bool text = false;
        if (doc.kind == "telegram_message") {
          auto message = RecordText(record.type, doc.content_type, record.block);
          parsed.type = {"messenger_post", 0.99, {"a message of a messenger channel"}};
          parsed.simhash = message ? parse::SimHash(*message) : 0;
          if (message)
            parsed.language = parse::DetectLanguage(*message);
          text = message.has_value();
        } else if (payload && (content_type.find("html") != std::string::npos ||
                               LooksLikeHtml(doc.uri, *payload))) {
          parsed = ParseHtmlPage(*payload, doc.uri, tools);
          text = true;
        } else {
          parsed.type = {"other", 0.99, {"not a page of text"}};
        }
        analysis.category = parsed.type.type;
        store::Finding type = MakeParseFinding("page_type", parsed.type.type);
        type.confidence = parsed.type.confidence;
        {
          JsonWriter w(type.detail);
          w.BeginObject();
          w.Key("reasons");
          w.BeginArray();
          for (const std::string& r : parsed.type.reasons)
            w.String(r);
          w.EndArray();
          w.EndObject();
        }
        analysis.findings.push_back(std::move(type));
        for (const parse::Field& f : parsed.fields.fields) {
          store::Finding field = MakeParseFinding("field:" + f.id, f.value.substr(0, 256));
          field.matched = f.label;
          JsonWriter w(field.detail);
          AppendFieldJson(f, w);
          analysis.findings.push_back(std::move(field));
        }
        for (size_t i = 0; i < parsed.fields.rows.size() && i < 500; ++i) {
          store::Finding row = MakeParseFinding("row", std::to_string(i));
          JsonWriter w(row.detail);
          w.BeginObject();
          for (const parse::Field& f : parsed.fields.rows[i])
            w.Field(f.id, f.value);
          w.EndObject();
          analysis.findings.push_back(std::move(row));
        }
        if (!parsed.language.language.empty()) {
          store::Finding language = MakeParseFinding("language", parsed.language.language);
          language.confidence = parsed.language.percent / 100.0;
          analysis.findings.push_back(std::move(language));
        }
        for (const parse::ScriptShare& share : parsed.language.scripts) {
          store::Finding script = MakeParseFinding("script", share.script);
          script.value = share.share;
          analysis.findings.push_back(std::move(script));
        }
        if (text && parsed.simhash != 0) {
          analysis.findings.push_back(MakeParseFinding("simhash", Hex64(parsed.simhash)));
          auto first = index.Add(doc.document_id, parsed.simhash);
          if (first && *first != doc.document_id) {
            store::Finding dup = MakeParseFinding("near_duplicate", std::to_string(*first));
            ++duplicates;
            analysis.findings.push_back(std::move(dup));
          }
        }
        return static_cast<uint64_t>(record.block.size());
      });
  if (!run.has_value()) {
    PrintError(run.error().message());
    return 1;
  }
  const uint64_t analysed = run->analysed;
  const uint64_t unreadable = run->unreadable;
  std::printf("parsed %llu documents (%s), %llu near-duplicates of an earlier one%s\n",
              static_cast<unsigned long long>(analysed), tools.key.c_str(),
              static_cast<unsigned long long>(duplicates),
              unreadable > 0 ? (", " + std::to_string(unreadable) + " unreadable").c_str() : "");
  if (auto types = store->CategoryCounts(kAnalyzer); types.has_value()) {
    std::printf("page types:");
    for (const auto& [type, n] : *types)
      std::printf(" %s=%lld", type.c_str(), static_cast<long long>(n));
    std::printf("\n");
  }
  return unreadable > 0 ? 2 : 0;
}

}  // namespace

void RegisterParseCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto args = std::make_shared<ParseArgs>();
  auto* cmd = app.add_subcommand(
      "parse",
      "Page types (with the reasons), listing fields, price-table rows and near-duplicates of "
      "HTML files, or with --store of everything captured");
  cmd->add_option("PATH", args->inputs, "HTML files or directories");
  cmd->add_flag("--store", args->store, "Parse every stored document not parsed yet");
  cmd->add_option("--max-distance", args->max_distance,
                  "SimHash bits two near-duplicates may differ in")
      ->default_val(3)
      ->check(CLI::Range(0, 15));
  cmd->callback([&options, args, &exit_code] {
    auto tools = LoadParseTools();
    if (!tools.has_value()) {
      PrintError(tools.error().message());
      exit_code = 1;
      return;
    }
    if (args->store && !args->inputs.empty()) {
      PrintError("parse --store reads the store; it takes no PATH");
      exit_code = 2;
      return;
    }
    if (!args->store && args->inputs.empty()) {
      PrintError("parse: give HTML files or directories, or --store");
      exit_code = 2;
      return;
    }
    exit_code = args->store ? RunParseStore(options, *args, *tools) : RunParseFiles(*args, *tools);
  });
}

}  // namespace dragnet::app
