// dragnet parse [PATH...] | --store: what kind of page each captured page is (listing, vendor,
// category, forum thread, messenger post, login wall, other) and why; the listing fields read
// from any layout (vendor, price, ships from, city, district, stash type, stock...) and the rows
// of price tables; a SimHash of the text, and in the store the earliest near-duplicate of every
// document, so a repeated ad or a mirrored listing is counted once and linked to each copy.

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/records.h"
#include "capture/url.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/progress.h"
#include "parse/field_eval.h"
#include "parse/near_duplicate.h"
#include "parse/page_parser.h"

namespace dragnet::app {
namespace {

namespace fs = std::filesystem;

constexpr int kParseAnalyzerVersion = 2;
constexpr const char* kAnalyzer = "parse";

struct ParseArgs {
  std::vector<std::string> inputs;
  bool store = false;
  int max_distance = 3;
  std::string profiles;  // site profile directory; "" = data/sites
  bool main_text = false;
};

struct ParseTools {
  parse::PageParser parser;
  std::string key;  // analyzer, version and the data files it used
};

Result<ParseTools> LoadParseTools(const ParseArgs& args) {
  parse::PageParserOptions options;
  options.profiles = args.profiles;
  options.main_text = args.main_text;
  DRAGNET_ASSIGN_OR_RETURN(parse::PageParser parser, parse::PageParser::Load(options));
  std::string key = std::string(kAnalyzer) + "/" + std::to_string(kParseAnalyzerVersion) + "/" +
                    parser.data_digest();
  return ParseTools{std::move(parser), std::move(key)};
}

using PageParse = parse::ParsedPage;

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

// The distinct places a text names, first mention first (at most 50): place index, matched text.
std::vector<std::pair<size_t, std::string_view>> DistinctPlaces(const parse::Gazetteer& places,
                                                                const PageParse& page) {
  std::vector<std::pair<size_t, std::string_view>> out;
  std::string_view text = page.text;
  for (const parse::PlaceMention& m : page.places) {
    if (out.size() >= 50)
      break;
    if (m.end > text.size() || m.begin >= m.end || !places.Reportable(m))
      continue;
    if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.first == m.place; }))
      out.emplace_back(m.place, text.substr(m.begin, m.end - m.begin));
  }
  return out;
}

// One place as `dragnet parse` prints it and the store keeps it (finding detail).
void AppendPlaceJson(const parse::Place& place, std::string_view matched, JsonWriter& w) {
  w.BeginObject();
  w.Field("id", place.id);
  w.Field("kind", place.kind);
  w.Field("country", place.country);
  if (!place.in.empty())
    w.Field("in", place.in);
  if (!matched.empty())
    w.Field("matched", matched);
  w.EndObject();
}

void AppendParseJson(const std::string& id, const PageParse& p, const parse::Gazetteer& places,
                     JsonWriter& w) {
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
  if (!p.profile.empty())
    w.Field("profile", p.profile);
  if (!p.main_text.empty())
    w.Field("main_text", p.main_text);
  w.Key("links");
  w.BeginArray();
  for (const parse::Anchor& a : p.links.anchors) {
    w.BeginObject();
    w.Field("href", a.href);
    w.Field("text", a.text);
    w.EndObject();
  }
  w.EndArray();
  w.Key("images");
  w.BeginArray();
  for (const parse::Image& image : p.links.images) {
    w.BeginObject();
    w.Field("src", image.src);
    w.Field("alt", image.alt);
    w.EndObject();
  }
  w.EndArray();
  if (!p.charset.empty()) {
    w.Field("charset", p.charset);
    w.Field("charset_source", p.charset_source);
  }
  if (!p.feedback.empty()) {
    w.Key("feedback");
    w.BeginArray();
    for (const parse::FeedbackItem& item : p.feedback) {
      w.BeginObject();
      w.Field("rating", item.rating);
      w.Field("text", item.text);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("places");
  w.BeginArray();
  for (const auto& [index, matched] : DistinctPlaces(places, p))
    AppendPlaceJson(places.places()[index], matched, w);
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
    AppendParseJson(file.string(), tools.parser.Parse(*html, "", "file://" + file.string()),
                    tools.parser.places(), w);
    std::printf("%s\n", line.c_str());
  }
  return failures > 0 ? 1 : 0;
}

// The value of field `id`, "" when the page has none.
const parse::Field* FindField(const PageParse& p, std::string_view id) {
  for (const parse::Field& f : p.fields.fields) {
    if (f.id == id)
      return &f;
  }
  return nullptr;
}

std::string FieldValue(const PageParse& p, std::string_view id) {
  const parse::Field* f = FindField(p, id);
  return f == nullptr ? std::string() : f->value;
}

// The records a parsed document gives the store (listing, vendor, post, feedback).
store::PageRecord MakePageRecord(const store::DocumentToAnalyze& doc, const PageParse& p,
                                 int64_t duplicate_of) {
  store::PageRecord r;
  r.document_id = doc.document_id;
  r.capture_id = doc.capture_id;
  r.source_id = doc.source_id;
  r.observed_at = doc.date;
  r.page_type = p.type.type;
  r.profile = p.profile;
  r.duplicate_of_document = duplicate_of;
  if (r.page_type == "messenger_post" || r.page_type == "forum_thread") {
    r.external_id = doc.external_id.empty() ? doc.uri : doc.external_id;
    if (!doc.document_date.empty())
      r.observed_at = doc.document_date;  // the message's own date, not when it was archived
    r.author = FieldValue(p, "vendor");
    return r;
  }
  if (auto url = capture::ParseUrl(doc.uri))
    r.url_key = url->path_and_query;
  r.title = FieldValue(p, "title");
  if (r.title.empty())
    r.title = p.title.substr(0, 512);
  // PageParser names a vendor page's vendor by its heading or title where no label does.
  if (const parse::Field* vendor = FindField(p, "vendor")) {
    r.vendor = vendor->value;
    r.vendor_url = vendor->link;
  }
  r.price = FieldValue(p, "price");
  r.stock = FieldValue(p, "stock");
  r.rating = FieldValue(p, "rating");
  r.sales = FieldValue(p, "sales");
  JsonWriter w(r.fields_json);
  w.BeginObject();
  for (const parse::Field& f : p.fields.fields)
    w.Field(f.id, f.value);
  w.EndObject();
  for (const parse::FeedbackItem& item : p.feedback)
    r.feedback.push_back({item.rating, item.text});
  return r;
}

// Compares each site profile's fill rates batch by batch (capture runs, in order) and keeps an
// alert for every field that stopped filling. Returns the new alerts.
Result<std::vector<store::DriftAlertRow>> DetectProfileDrift(store::Store& store,
                                                             const std::string& at) {
  DRAGNET_ASSIGN_OR_RETURN(std::vector<store::ProfileFillRow> rows, store.ProfileFills());
  // (source, profile, page type) -> batch -> field -> fill
  using Batches = std::map<int64_t, std::map<std::string, parse::FillCount>>;
  std::map<std::tuple<int64_t, std::string, std::string>, Batches> groups;
  std::map<int64_t, std::string> source_keys;
  for (const store::ProfileFillRow& row : rows) {
    groups[{row.source_id, row.profile, row.page_type}][row.batch][row.field] = {row.pages,
                                                                                 row.filled};
    source_keys[row.source_id] = row.source_key;
  }
  std::vector<store::DriftAlertRow> added;
  for (const auto& [group, batches] : groups) {
    const std::map<std::string, parse::FillCount>* previous = nullptr;
    for (const auto& [batch, fills] : batches) {
      if (previous != nullptr) {
        for (const parse::DriftAlert& alert : parse::DetectDrift(*previous, fills)) {
          store::DriftAlertRow row;
          row.source_id = std::get<0>(group);
          row.source_key = source_keys[row.source_id];
          row.profile = std::get<1>(group);
          row.page_type = std::get<2>(group);
          row.field = alert.field;
          row.batch = batch;
          row.previous_fill = alert.previous_fill;
          row.fill = alert.fill;
          row.pages = alert.pages;
          row.at = at;
          DRAGNET_ASSIGN_OR_RETURN(bool is_new, store.AddDriftAlert(row));
          if (is_new)
            added.push_back(std::move(row));
        }
      }
      previous = &fills;
    }
  }
  return added;
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
  // What each analysed document gives the store besides its findings, saved in the same
  // transaction as its analysis.
  std::map<int64_t, std::pair<store::PageRecord, PageParse>> pending;
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
          if (message)
            parsed = tools.parser.ParseMessage(*message);
          parsed.type = {"messenger_post", 0.99, {"a message of a messenger channel"}};
          // Telegram Desktop's "from": the channel or account that posted it.
          if (payload) {
            nlohmann::json json = nlohmann::json::parse(*payload, nullptr, false);
            const nlohmann::json* posted =
                json.is_object() && json.contains("message") ? &json["message"] : &json;
            if (posted->is_object() && posted->contains("from") && (*posted)["from"].is_string()) {
              parsed.fields.fields.push_back(
                  {"vendor", "from", (*posted)["from"].get<std::string>().substr(0, 256), ""});
            }
          }
          text = message.has_value();
        } else if (payload && (content_type.find("html") != std::string::npos ||
                               LooksLikeHtml(doc.uri, *payload))) {
          parsed = tools.parser.Parse(*payload, content_type, doc.uri);
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
        if (!parsed.charset.empty()) {
          store::Finding charset = MakeParseFinding("charset", parsed.charset);
          charset.matched = parsed.charset_source;
          analysis.findings.push_back(std::move(charset));
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
        for (const auto& [place_index, matched] : DistinctPlaces(tools.parser.places(), parsed)) {
          const parse::Place& place = tools.parser.places().places()[place_index];
          store::Finding found = MakeParseFinding("place", place.id);
          found.matched = std::string(matched);
          JsonWriter w(found.detail);
          AppendPlaceJson(place, "", w);
          analysis.findings.push_back(std::move(found));
        }
        // The text was needed for the places only; the page waits for its commit without it.
        parsed.text = std::string();
        int64_t duplicate_of = 0;
        if (text && parsed.simhash != 0) {
          analysis.findings.push_back(MakeParseFinding("simhash", Hex64(parsed.simhash)));
          auto first = index.Add(doc.document_id, parsed.simhash);
          if (first && *first != doc.document_id) {
            store::Finding dup = MakeParseFinding("near_duplicate", std::to_string(*first));
            ++duplicates;
            duplicate_of = *first;
            analysis.findings.push_back(std::move(dup));
          }
        }
        store::PageRecord page_record = MakePageRecord(doc, parsed, duplicate_of);
        pending[doc.document_id] = {std::move(page_record), std::move(parsed)};
        return static_cast<uint64_t>(record.block.size());
      },
      [&](const store::Analysis& analysis) -> Status {
        auto it = pending.find(analysis.document_id);
        if (it == pending.end())
          return Status::Ok();
        const auto& [page_record, parsed] = it->second;
        DRAGNET_RETURN_IF_ERROR(store->PutPageRecord(page_record));
        DRAGNET_RETURN_IF_ERROR(store->PutProfileFills(analysis.document_id, parsed.profile,
                                                       parsed.type.type, parsed.profile_fills));
        pending.erase(it);
        return Status::Ok();
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
  auto alerts = DetectProfileDrift(*store, FormatW3c(SystemClock().Now(), 3));
  if (!alerts.has_value()) {
    PrintError(alerts.error().message());
    return 1;
  }
  for (const store::DriftAlertRow& a : *alerts) {
    std::printf(
        "drift: %s, profile %s: %s pages' `%s` filled %.0f%% before, %.0f%% of %lld pages in "
        "capture batch %lld; the generic extractor fills it until the profile is updated\n",
        a.source_key.c_str(), a.profile.c_str(), a.page_type.c_str(), a.field.c_str(),
        100 * a.previous_fill, 100 * a.fill, static_cast<long long>(a.pages),
        static_cast<long long>(a.batch));
    store::AuditEntry audit;
    audit.at = a.at;
    audit.actor = global.operator_name.empty() ? UserName() : global.operator_name;
    audit.action = "drift_alert";
    audit.target = a.source_key + " " + a.profile + " " + a.page_type + "." + a.field;
    audit.reason = global.case_id.empty() ? "" : "case " + global.case_id;
    if (auto appended = store->AppendAudit(audit); !appended.has_value()) {
      PrintError(appended.error().message());
      return 1;
    }
  }
  if (auto c = store->CountRecords(); c.has_value()) {
    std::printf(
        "records: %lld listings (%lld the same as one on another site, %lld observations), "
        "%lld vendors, %lld feedback entries on %lld sites; %lld posts (%lld unique) in %lld "
        "channels; %lld drift alerts\n",
        static_cast<long long>(c->listings), static_cast<long long>(c->listings_on_mirrors),
        static_cast<long long>(c->observations), static_cast<long long>(c->vendors),
        static_cast<long long>(c->feedback), static_cast<long long>(c->sites),
        static_cast<long long>(c->posts), static_cast<long long>(c->unique_posts),
        static_cast<long long>(c->channels), static_cast<long long>(c->drift_alerts));
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
  cmd->add_flag("--main-text", args->main_text,
                "Print each page's main content: its text without menus, sidebars and footers");
  cmd->add_option("--profiles", args->profiles, "Site profile directory (default: data/sites)")
      ->type_name("DIR");
  cmd->callback([&options, args, &exit_code] {
    auto tools = LoadParseTools(*args);
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

namespace {

struct EvalParseArgs {
  std::string golden;
  std::string base;
  std::string profiles;
  bool verbose = false;
  double min_f1 = 0;
};

int RunEvalParse(const EvalParseArgs& args) {
  auto pages = parse::LoadGoldenPages(args.golden);
  if (!pages.has_value()) {
    PrintError(pages.error().message());
    return 1;
  }
  parse::PageParserOptions options;
  options.profiles = args.profiles;
  auto parser = parse::PageParser::Load(options);
  if (!parser.has_value()) {
    PrintError(parser.error().message());
    return 1;
  }
  fs::path base = args.base.empty() ? fs::path(args.golden).parent_path() : fs::path(args.base);
  auto evaluation = parse::EvaluateGoldenPages(*pages, base, *parser);
  if (!evaluation.has_value()) {
    PrintError(evaluation.error().message());
    return 1;
  }
  std::printf("eval parse: %s (%zu pages under %s)\n", args.golden.c_str(), pages->size(),
              base.string().c_str());
  std::printf("%s", parse::FormatFieldEvalReport(evaluation->report).c_str());
  if (args.verbose) {
    for (const std::string& difference : evaluation->differences)
      std::printf("  %s\n", difference.c_str());
  }
  double f1 = evaluation->report.all.F1();
  if (f1 < args.min_f1) {
    std::printf("FAIL: field F1 %.3f < %.3f\n", f1, args.min_f1);
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterEvalParseCommand(CLI::App& eval, ExitCode& exit_code) {
  auto args = std::make_shared<EvalParseArgs>();
  auto* cmd = eval.add_subcommand(
      "parse",
      "Field precision, recall and F1 and page-type accuracy of `dragnet parse` on a golden set: "
      "JSON Lines of pages with the fields expected (tests/golden/parse/README.md)");
  cmd->add_option("--golden", args->golden, "Golden JSON Lines file")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--base", args->base,
                  "Folder the pages' `file` paths are relative to (default: the golden file's)")
      ->type_name("DIR");
  cmd->add_option("--profiles", args->profiles, "Site profile directory (default: data/sites)")
      ->type_name("DIR");
  cmd->add_flag("--verbose", args->verbose, "List every value missed, wrong or extra");
  cmd->add_option("--min-f1", args->min_f1, "Fail (exit 1) below this field F1");
  cmd->callback([args, &exit_code] { exit_code = RunEvalParse(*args); });
}

}  // namespace dragnet::app
