// dragnet identify: substances, classes, quantities, prices, categories and seller selectors of
// documents, and what images give away;
// dragnet eval identify: precision, recall and F1 on labelled data;
// dragnet lexicon check|stats: validate and count the lexicon.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "app/commands.h"
#include "app/csv.h"
#include "app/records.h"
#include "archive/warc_reader.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/json_writer.h"
#include "core/progress.h"
#include "identify/category_model.h"
#include "identify/identifier.h"
#include "identify/selectors/image.h"
#include "identify/selectors/selectors.h"
#include "parse/charset.h"
#include "parse/html_text.h"
#include "store/store.h"

namespace dragnet::app {
namespace {

struct IdentifyOptions {
  std::vector<std::string> inputs;
  bool lines = false;
  std::string csv_column;
  std::string format = "jsonl";
  std::string date;
  std::string lexicon;
  std::string rates;
  bool no_cache = false;
  bool store = false;  // identify what the store holds instead of inputs
  bool no_selectors = false;
  std::string region;          // for national phone numbers; "" = inferred per document
  std::string category_model;  // a unit's fastText model (dragnet train); "" = the default
};

// The category model that takes over from the rules: --category-model, else
// $DRAGNET_CATEGORY_MODEL, else category.bin beside the database when `dragnet train` wrote
// one there. Returns nullptr when there is none; `key` gets a fingerprint of the model file.
Result<std::unique_ptr<identify::CategoryModel>> LoadCategoryModelFor(const IdentifyOptions& o,
                                                                      const GlobalOptions& global,
                                                                      std::string* key) {
  std::filesystem::path path = o.category_model;
  if (path.empty()) {
    if (const char* env = std::getenv("DRAGNET_CATEGORY_MODEL"); env != nullptr && *env != '\0')
      path = env;
  }
  if (path.empty()) {
    std::filesystem::path beside = DatabasePath(global).parent_path() / "category.bin";
    std::error_code ec;
    if (!std::filesystem::exists(beside, ec))
      return std::unique_ptr<identify::CategoryModel>();
    path = beside;
  }
  DRAGNET_ASSIGN_OR_RETURN(identify::CategoryModel model, identify::CategoryModel::Load(path));
  if (key != nullptr) {
    DRAGNET_ASSIGN_OR_RETURN(std::string digest, Sha256File(path));
    *key = "+model/" + digest.substr(0, 16);
  }
  return std::make_unique<identify::CategoryModel>(std::move(model));
}

// A unit's model decides the category when it is confident; the rules decide otherwise. A model
// trained on a few hundred rows of one market is sure of its majority class too often to take
// over below this.
constexpr double kModelTakesOver = 0.7;
// A unit's model decides the category when it is confident; the rules decide otherwise.
void ApplyCategoryModel(const identify::CategoryModel* model, std::string_view text,
                        identify::Identification& result) {
  if (model == nullptr)
    return;
  auto predictions = model->Predict(text, 1);
  if (!predictions.empty() && predictions[0].probability >= kModelTakesOver)
    result.category = predictions[0].category;
}

// The shared analyzer and this thread's session on it.
struct IdentifyTools {
  std::unique_ptr<identify::Identifier> identifier;
  std::unique_ptr<identify::IdentifierSession> session;
};

Result<IdentifyTools> MakeIdentifier(const IdentifyOptions& o) {
  identify::IdentifierOptions options;
  options.lexicon_dir = o.lexicon;
  options.rates_file = o.rates;
  options.use_cache = !o.no_cache;
  IdentifyTools tools;
  DRAGNET_ASSIGN_OR_RETURN(tools.identifier, identify::Identifier::Create(options));
  DRAGNET_ASSIGN_OR_RETURN(tools.session, tools.identifier->NewSession());
  return tools;
}

Result<std::string> ReadInput(const std::string& input) {
  if (input == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad())
      return IoError("reading standard input failed");
    return data;
  }
  return ReadFile(input);
}

bool IsWarcPath(std::string_view path) {
  return path.ends_with(".warc") || path.ends_with(".warc.gz");
}

// The bytes of an image in a WARC record (an HTTP response's body or a resource), or nullopt
// when the record holds no image.
std::optional<std::string> RecordImage(archive::WarcType type, std::string content_type,
                                       const std::string& block) {
  auto body = RecordPayload(type, content_type, block);
  if (!body || (content_type.find("image/") == std::string::npos &&
                identify::SniffImageFormat(*body).empty())) {
    return std::nullopt;
  }
  return body;
}

// What one image gives away, and the selectors in the texts of its QR codes (their offsets are
// into those texts joined by newlines).
struct ImageResult {
  identify::ImageFacts facts;
  std::string qr_text;
  identify::SelectorFindings selectors;
};

void AnalyzeImageRecord(std::string_view bytes, const identify::SelectorOptions& options,
                        ImageResult& out) {
  out.facts = identify::ImageFacts();
  identify::AnalyzeImage(bytes, out.facts);
  out.qr_text.clear();
  for (const auto& text : out.facts.qr)
    out.qr_text += (out.qr_text.empty() ? "" : "\n") + text;
  identify::FindSelectors(out.qr_text, options, out.selectors);
}

class Runner {
 public:
  void set_model(const identify::CategoryModel* model) { model_ = model; }
  Runner(const identify::Identifier& identifier, identify::IdentifierSession& session,
         const IdentifyOptions& options, bool quiet)
      : identifier_(identifier),
        session_(session),
        options_(options),
        progress_("identify", quiet) {
    selector_options_.region = options.region;
    if (options_.format == "table") {
      std::printf("%-12s %-13s %-28s %-30s %-16s %s\n", "id", "category", "classes", "substances",
                  "price", "selectors");
    }
  }

  // One image: its facts and the selectors of its QR codes, one JSON object.
  void Image(const nlohmann::json& id, std::string_view bytes) {
    AnalyzeImageRecord(bytes, selector_options_, image_);
    ++documents_;
    bytes_ += bytes.size();
    if (options_.format == "table") {
      std::string id_text = id.is_string() ? id.get<std::string>() : id.dump();
      std::printf("%-12s %-13s %-28s %-30s %s\n", id_text.c_str(), "image",
                  image_.facts.format.c_str(), "", "");
      return;
    }
    line_.clear();
    JsonWriter w(line_);
    w.BeginObject();
    w.Key("id");
    w.Raw(id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    w.Key("image");
    identify::AppendImageJson(image_.facts, w);
    if (options_.format == "brief") {
      w.Key("selectors");
      w.BeginArray();
      for (const auto& s : image_.selectors.selectors)
        w.String(std::string(identify::SelectorKindName(s.kind)) + " " + s.value);
      w.EndArray();
    } else {
      identify::AppendSelectorsJson(image_.selectors, image_.qr_text, w);
    }
    w.EndObject();
    line_.push_back('\n');
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    progress_.Update(documents_, bytes_);
  }

  Status Document(const nlohmann::json& id, std::string_view text) {
    std::string_view analysed = text;
    if (options_.no_selectors) {
      selectors_.Clear();
    } else {
      analysed = identify::FindSelectorsAndMask(text, selector_options_, selectors_, masked_);
    }
    DRAGNET_RETURN_IF_ERROR(session_.Identify(analysed, options_.date, result_));
    ApplyCategoryModel(model_, text, result_);
    ++documents_;
    bytes_ += text.size();
    if (options_.format == "table") {
      std::string substances;
      std::set<int> seen;
      for (const auto& f : result_.substances) {
        const auto& name = identifier_.lexicon().names[static_cast<size_t>(f.name)];
        if (!seen.insert(name.substance).second)
          continue;
        substances += (substances.empty() ? "" : ",") +
                      identifier_.lexicon().substances[static_cast<size_t>(name.substance)].id;
      }
      std::string classes;
      for (const auto& c : result_.classes)
        classes += (classes.empty() ? "" : ",") + c;
      std::string ppg;
      if (!result_.price_per_unit.empty()) {
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), "%.2f USD/%s", result_.price_per_unit[0].usd,
                      result_.price_per_unit[0].per.c_str());
        ppg = buffer;
      }
      std::string id_text = id.is_string() ? id.get<std::string>() : id.dump();
      std::printf("%-12s %-13s %-28s %-30s %-16s %zu\n", id_text.c_str(), result_.category.c_str(),
                  classes.c_str(), substances.c_str(), ppg.c_str(), selectors_.selectors.size());
    } else if (options_.format == "brief") {
      PrintBrief(id, text);
    } else {
      line_.clear();
      identifier_.AppendJson(result_, text,
                             id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             line_, [&](JsonWriter& w) {
                               if (!options_.no_selectors)
                                 identify::AppendSelectorsJson(selectors_, text, w);
                             });
      line_.push_back('\n');
      std::fwrite(line_.data(), 1, line_.size(), stdout);
    }
    progress_.Update(documents_, bytes_);
    return Status::Ok();
  }

  Status Input(const std::string& input) {
    if (input != "-" && std::filesystem::is_directory(input)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(input)) {
        if (entry.is_regular_file())
          files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files)
        DRAGNET_RETURN_IF_ERROR(Input(file.string()));
      return Status::Ok();
    }
    if (input != "-" && IsWarcPath(input))
      return Warc(input);
    DRAGNET_ASSIGN_OR_RETURN(std::string data, ReadInput(input));
    if (!identify::SniffImageFormat(data).empty()) {
      Image(input, data);
      return Status::Ok();
    }
    if (!options_.csv_column.empty())
      return Csv(input, data);
    if (options_.lines) {
      size_t start = 0;
      int64_t number = 0;
      while (start < data.size()) {
        size_t stop = data.find('\n', start);
        if (stop == std::string::npos)
          stop = data.size();
        ++number;
        std::string_view line(data.data() + start, stop - start);
        if (!line.empty() && line.back() == '\r')
          line.remove_suffix(1);
        DRAGNET_RETURN_IF_ERROR(Document(number, line));
        start = stop + 1;
      }
      return Status::Ok();
    }
    if (LooksLikeHtml(input, data)) {
      parse::HtmlText page = parse::ExtractText(parse::DecodePage(data, "").utf8);
      return Document(input, page.text);
    }
    return Document(input, data);
  }

  Status Csv(const std::string& input, const std::string& data) {
    CsvReader reader(data);
    std::vector<std::string> row;
    if (!reader.Next(row))
      return Status::Ok();
    auto column = std::find(row.begin(), row.end(), options_.csv_column);
    if (column == row.end()) {
      return InvalidArgument(input + ":1: no column `" + options_.csv_column + "` in the header");
    }
    auto index = static_cast<size_t>(column - row.begin());
    int64_t number = 0;
    while (reader.Next(row)) {
      ++number;
      if (index >= row.size()) {
        std::fprintf(stderr, "dragnet: %s:%d: row has no `%s` field; skipped\n", input.c_str(),
                     reader.line(), options_.csv_column.c_str());
        continue;
      }
      DRAGNET_RETURN_IF_ERROR(Document(number, row[index]));
    }
    if (reader.unterminated()) {
      std::fprintf(stderr, "dragnet: %s:%d: unterminated quoted field at the end of the file\n",
                   input.c_str(), reader.line());
    }
    return Status::Ok();
  }

  Status Warc(const std::string& path) {
    model::AnomalyLog anomalies;
    DRAGNET_ASSIGN_OR_RETURN(auto reader, archive::WarcReader::Open(path, anomalies));
    while (true) {
      DRAGNET_ASSIGN_OR_RETURN(bool more, reader->Next());
      if (!more)
        break;
      const auto& header = reader->header();
      if (header.type != archive::WarcType::kResponse &&
          header.type != archive::WarcType::kResource) {
        continue;
      }
      auto block = reader->ReadBlockToString(uint64_t{64} << 20);
      if (!block.has_value())
        continue;  // oversized or truncated: reported by the reader
      std::string content_type(header.fields.Get("Content-Type").value_or(""));
      nlohmann::json id = {{"record", header.fields.Get("WARC-Record-ID").value_or("")},
                           {"uri", header.fields.Get("WARC-Target-URI").value_or("")},
                           {"offset", header.offset}};
      auto text = RecordText(header.type, content_type, *block);
      if (!text) {
        if (auto image = RecordImage(header.type, content_type, *block))
          Image(id, *image);
        continue;
      }
      DRAGNET_RETURN_IF_ERROR(Document(id, *text));
    }
    for (const auto& anomaly : anomalies.items()) {
      std::fprintf(stderr, "dragnet: %s @%llu: %s: %s\n", path.c_str(),
                   static_cast<unsigned long long>(anomaly.offset), anomaly.kind.c_str(),
                   anomaly.detail.c_str());
    }
    return Status::Ok();
  }

  void Finish() { progress_.Finish(documents_, bytes_); }

  // The fields golden tests baseline, one short JSON line per document.
  void PrintBrief(const nlohmann::json& id, std::string_view text) {
    nlohmann::json full = identifier_.ToJson(result_, text);
    nlohmann::json brief = {
        {"id", id}, {"category", full["category"]}, {"classes", full["classes"]}};
    auto list = [&](const char* field, auto&& format) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : full[field])
        out.push_back(format(item));
      if (!out.empty())
        brief[field] = out;
    };
    auto matched = [](const nlohmann::json& item) { return item["matched"]; };
    list("substances", [](const nlohmann::json& s) {
      return s["id"].get<std::string>() + " @ " + s["matched"].get<std::string>();
    });
    list("terms", [](const nlohmann::json& t) {
      return t["class"].get<std::string>() + " @ " + t["matched"].get<std::string>();
    });
    list("quantities", matched);
    list("prices", [](const nlohmann::json& p) {
      char amount[64];
      std::snprintf(amount, sizeof(amount), "%g %s", p["amount"].get<double>(),
                    p["currency"].get<std::string>().c_str());
      return std::string(amount);
    });
    list("price_per_gram", [](const nlohmann::json& p) {
      char value[64];
      std::snprintf(value, sizeof(value), "%.2f USD/%s", p["usd"].get<double>(),
                    p["per"].get<std::string>().c_str());
      return std::string(value);
    });
    list("nps_candidates", [](const nlohmann::json& c) {
      return c["matched"].get<std::string>() + " (" + c["family"].get<std::string>() + ")";
    });
    if (!options_.no_selectors && !selectors_.selectors.empty()) {
      nlohmann::json selectors = nlohmann::json::array();
      for (const auto& s : selectors_.selectors)
        selectors.push_back(std::string(identify::SelectorKindName(s.kind)) + " " + s.value);
      brief["selectors"] = selectors;
    }
    if (!selectors_.anomalies.empty()) {
      nlohmann::json anomalies = nlohmann::json::array();
      for (const auto& a : selectors_.anomalies)
        anomalies.push_back(a.kind);
      brief["selector_anomalies"] = anomalies;
    }
    std::string line = brief.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }

 private:
  const identify::Identifier& identifier_;
  identify::IdentifierSession& session_;
  const identify::CategoryModel* model_ = nullptr;  // a unit's model, when it takes over
  const IdentifyOptions& options_;
  Progress progress_;
  identify::Identification result_;
  identify::SelectorOptions selector_options_;
  identify::SelectorFindings selectors_;
  ImageResult image_;
  std::string masked_;  // the text with opaque selectors blanked, reused
  std::string line_;    // one output line, reused
  uint64_t documents_ = 0;
  uint64_t bytes_ = 0;
};

int RunIdentify(const GlobalOptions& global, const IdentifyOptions& options) {
  auto tools = MakeIdentifier(options);
  if (!tools.has_value()) {
    PrintError(tools.error().message());
    return 1;
  }
  auto& identifier = tools->identifier;
  auto& session = tools->session;
  auto model = LoadCategoryModelFor(options, global, nullptr);
  if (!model.has_value()) {
    PrintError(model.error().message());
    return 1;
  }
  Runner runner(*identifier, *session, options, global.quiet);
  runner.set_model(model->get());
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty())
    inputs.push_back("-");
  for (const auto& input : inputs) {
    if (Status status = runner.Input(input); !status.ok()) {
      PrintError(input + ": " + status.error().message());
      return 1;
    }
  }
  runner.Finish();
  return 0;
}

// ---- identify --store ----

store::Finding MakeFinding(std::string kind, std::string key, std::string class_id) {
  store::Finding finding;
  finding.kind = std::move(kind);
  finding.key = std::move(key);
  finding.class_id = std::move(class_id);
  return finding;
}

// The store rows of one identification: one finding per substance, class term, quantity, price,
// price per gram or unit and NPS candidate, each with its JSON detail.
store::Analysis ToAnalysis(const identify::Identifier& identifier,
                           const identify::Identification& result, std::string_view text,
                           int64_t document_id, const std::string& analyzer_key) {
  store::Analysis analysis;
  analysis.document_id = document_id;
  analysis.analyzer = std::string(identify::kIdentifierName);
  analysis.analyzer_key = analyzer_key;
  analysis.category = result.category;
  for (const auto& c : result.classes)
    analysis.classes += (analysis.classes.empty() ? "" : ",") + c;
  nlohmann::json json = identifier.ToJson(result, text);
  // One finding per element of a list of the JSON, keyed by one of its fields.
  auto add = [&](const char* kind, const char* list, const char* key_field,
                 const char* class_field) {
    for (const auto& item : json[list]) {
      store::Finding f =
          MakeFinding(kind, item[key_field].get<std::string>(),
                      class_field != nullptr ? item[class_field].get<std::string>() : "");
      f.matched = item.value("matched", std::string());
      f.begin = item.value("begin", 0u);
      f.end = item.value("end", 0u);
      f.confidence = item.value("confidence", 0.0);
      for (const char* field : {"total", "value", "amount", "usd"}) {
        if (item.contains(field)) {
          f.value = item[field].get<double>();
          break;
        }
      }
      f.detail = item.dump();
      analysis.findings.push_back(std::move(f));
    }
  };
  add("substance", "substances", "id", "class");
  add("term", "terms", "class", "class");
  add("quantity", "quantities", "unit", nullptr);
  add("price", "prices", "currency", nullptr);
  add("price_per_unit", "price_per_gram", "per", nullptr);
  add("nps", "nps_candidates", "family", "class");
  return analysis;
}

// Selectors are findings of kind "selector:<kind>" keyed by their canonical value.
void AddSelectorFindings(const identify::SelectorFindings& found, std::string_view text,
                         store::Analysis& analysis) {
  for (const auto& s : found.selectors) {
    store::Finding f =
        MakeFinding("selector:" + std::string(identify::SelectorKindName(s.kind)), s.value, "");
    if (s.end <= text.size() && s.begin <= s.end)
      f.matched = std::string(text.substr(s.begin, std::min<size_t>(s.end - s.begin, 256)));
    f.begin = s.begin;
    f.end = s.end;
    f.confidence = s.confidence;
    std::string detail;
    JsonWriter w(detail);
    w.BeginObject();
    w.Field("validation", s.validation);
    if (!s.details.empty()) {
      w.Key("details");
      w.Raw(s.details);
    }
    w.EndObject();
    f.detail = std::move(detail);
    analysis.findings.push_back(std::move(f));
  }
}

// Identifies every document in the store that this analyzer version and lexicon have not seen,
// reading each from its WARC record; findings land in the store in batches, so a stopped run
// resumes where it was.
int RunIdentifyStore(const GlobalOptions& global, const IdentifyOptions& options) {
  auto store = OpenExistingStore(global);
  if (!store)
    return 1;
  auto tools = MakeIdentifier(options);
  if (!tools.has_value()) {
    PrintError(tools.error().message());
    return 1;
  }
  auto& identifier = tools->identifier;
  auto& session = tools->session;
  const std::string analyzer(identify::kIdentifierName);
  // The selectors analyzer's version is part of the key: a newer one re-analyses too.
  // A unit's category model, when there is one, is part of the key: a new model re-analyses.
  std::string model_key;
  auto model = LoadCategoryModelFor(options, global, &model_key);
  if (!model.has_value()) {
    PrintError(model.error().message());
    return 1;
  }
  const std::string key = analyzer + "/" + std::to_string(identify::kIdentifierVersion) + "/" +
                          identifier->lexicon().content_hash.substr(0, 16) + "+selectors/" +
                          std::to_string(identify::kSelectorsAnalyzerVersion) + model_key;
  identify::SelectorOptions selector_options;
  selector_options.region = options.region;
  identify::SelectorFindings selectors;
  std::string masked;
  ImageResult image;
  Progress progress("identify", global.quiet);
  identify::Identification result;
  auto run = AnalyseStoredDocuments(
      *store, analyzer, key, "identify", global.operator_name, global.case_id, progress,
      [&](const store::DocumentToAnalyze& doc, const StoredRecord& record,
          store::Analysis& analysis) -> Result<uint64_t> {
        std::optional<std::string> image_bytes;
        std::optional<std::string> text = RecordText(record.type, doc.content_type, record.block);
        if (!text) {
          image_bytes = RecordImage(record.type, doc.content_type, record.block);
          text = std::string();  // a record with no text: analysed, nothing found
        }
        // Prices are converted at the rates of the day the page was captured.
        std::string date = doc.date.size() >= 10 ? doc.date.substr(0, 10) : "";
        std::string_view readable = *text;
        if (!image_bytes && !options.no_selectors) {
          readable = identify::FindSelectorsAndMask(*text, selector_options, selectors, masked);
        }
        DRAGNET_RETURN_IF_ERROR(session->Identify(readable, date, result));
        ApplyCategoryModel(model->get(), *text, result);
        analysis = ToAnalysis(*identifier, result, *text, doc.document_id, key);
        if (image_bytes) {
          AnalyzeImageRecord(*image_bytes, selector_options, image);
          if (image.facts.phash || !image.facts.exif.empty() || image.facts.latitude ||
              !image.facts.qr.empty()) {
            store::Finding f = MakeFinding(
                "image", image.facts.phash ? identify::PhashHex(*image.facts.phash) : "", "");
            JsonWriter w(f.detail);
            identify::AppendImageJson(image.facts, w);
            f.confidence = 1;
            analysis.findings.push_back(std::move(f));
          }
          AddSelectorFindings(image.selectors, image.qr_text, analysis);
        } else if (!options.no_selectors) {
          AddSelectorFindings(selectors, *text, analysis);
        }
        return static_cast<uint64_t>(text->size());
      });
  if (!run.has_value()) {
    PrintError(run.error().message());
    return 1;
  }
  const uint64_t analysed = run->analysed;
  const uint64_t unreadable = run->unreadable;
  std::printf("identified %llu documents (%s)%s\n", static_cast<unsigned long long>(analysed),
              key.c_str(),
              unreadable > 0 ? (", " + std::to_string(unreadable) + " unreadable").c_str() : "");
  if (auto categories = store->CategoryCounts(analyzer); categories.has_value()) {
    std::printf("categories:");
    for (const auto& [category, n] : *categories)
      std::printf(" %s=%lld", category.c_str(), static_cast<long long>(n));
    std::printf("\n");
  }
  if (auto substances = store->FindingCounts("substance", 10); substances.has_value()) {
    std::printf("substances (documents):");
    for (const auto& [id, n] : *substances)
      std::printf(" %s=%lld", id.c_str(), static_cast<long long>(n));
    std::printf("\n");
  }
  std::string selector_line;
  for (std::string_view kind : {"pgp_key", "bitcoin", "monero", "ethereum", "tron", "onion",
                                "telegram", "wickr", "whatsapp", "phone", "email"}) {
    auto counts = store->FindingCounts("selector:" + std::string(kind), 1000000);
    if (counts.has_value() && !counts->empty())
      selector_line += " " + std::string(kind) + "=" + std::to_string(counts->size());
  }
  if (!selector_line.empty())
    std::printf("distinct selectors:%s\n", selector_line.c_str());
  return unreadable > 0 ? 2 : 0;
}

// ---- eval identify ----

struct EvalOptions {
  IdentifyOptions identify;
  std::string labels;
  std::string text_column;
  std::string label_column;
  std::string map;
  double min_drug_f1 = 0;
  double min_macro_f1 = 0;
  int show_errors = 0;
};

// What a label means: a set of acceptable classes, "any" drug class, or "none" (not drugs).
struct Expected {
  bool drug = false;
  std::vector<std::string> classes;  // empty with drug = any class
};

Result<std::map<std::string, Expected>> LoadLabelMap(const std::string& path, Expected* fallback) {
  std::map<std::string, Expected> map;
  try {
    YAML::Node root = YAML::LoadFile(path);
    auto parse = [&](const YAML::Node& node) -> Result<Expected> {
      Expected expected;
      std::vector<std::string> values;
      if (node.IsSequence()) {
        for (const auto& v : node)
          values.push_back(v.Scalar());
      } else {
        values.push_back(node.Scalar());
      }
      if (values.size() == 1 && values[0] == "none")
        return expected;
      expected.drug = true;
      if (values.size() == 1 && values[0] == "any")
        return expected;
      for (const auto& v : values) {
        if (!identify::IsClassId(v)) {
          return InvalidArgument(path + ":" + std::to_string(node.Mark().line + 1) +
                                 ": unknown class `" + v + "`");
        }
        expected.classes.push_back(v);
      }
      return expected;
    };
    if (root["default"]) {
      DRAGNET_ASSIGN_OR_RETURN(*fallback, parse(root["default"]));
    }
    for (const auto& entry : root["labels"]) {
      DRAGNET_ASSIGN_OR_RETURN(Expected expected, parse(entry.second));
      map[entry.first.Scalar()] = expected;
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return map;
}

struct Counts {
  int64_t tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp == 0 ? 0 : static_cast<double>(tp) / (tp + fp); }
  double Recall() const { return tp + fn == 0 ? 0 : static_cast<double>(tp) / (tp + fn); }
  double F1() const {
    double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

int RunEvalIdentify(const EvalOptions& options) {
  auto data = ReadFile(options.labels);
  if (!data.has_value()) {
    PrintError(data.error().message());
    return 1;
  }
  Expected fallback;
  std::map<std::string, Expected> label_map;
  if (!options.map.empty()) {
    auto loaded = LoadLabelMap(options.map, &fallback);
    if (!loaded.has_value()) {
      PrintError(loaded.error().message());
      return 1;
    }
    label_map = std::move(*loaded);
  }
  auto tools = MakeIdentifier(options.identify);
  if (!tools.has_value()) {
    PrintError(tools.error().message());
    return 1;
  }
  auto& session = tools->session;
  CsvReader reader(*data);
  std::vector<std::string> row;
  if (!reader.Next(row)) {
    PrintError(options.labels + ": empty file");
    return 1;
  }
  auto find_column = [&](const std::string& name) -> std::optional<size_t> {
    auto it = std::find(row.begin(), row.end(), name);
    if (it == row.end())
      return std::nullopt;
    return static_cast<size_t>(it - row.begin());
  };
  auto text_index = find_column(options.text_column);
  if (!text_index) {
    PrintError(options.labels + ":1: no column `" + options.text_column + "`");
    return 1;
  }
  std::vector<size_t> label_indexes;
  for (const auto& name : SplitCommas(options.label_column)) {
    auto index = find_column(name);
    if (!index) {
      PrintError(options.labels + ":1: no column `" + name + "`");
      return 1;
    }
    label_indexes.push_back(*index);
  }

  Counts drug;
  std::map<std::string, Counts> per_class;
  std::map<std::string, std::map<std::string, int64_t>> confusion;
  std::set<std::string> unmapped;
  int64_t rows = 0;
  int shown = 0;
  identify::Identification result;
  while (reader.Next(row)) {
    size_t needed =
        std::max(*text_index, *std::max_element(label_indexes.begin(), label_indexes.end()));
    if (row.size() <= needed)
      continue;
    ++rows;
    std::string label;
    for (size_t i = 0; i < label_indexes.size(); ++i) {
      label += (i ? "/" : "") + row[label_indexes[i]];
    }
    Expected expected;
    if (options.map.empty()) {
      if (label != "none") {
        expected.drug = true;
        expected.classes.push_back(label);
      }
    } else if (auto it = label_map.find(label); it != label_map.end()) {
      expected = it->second;
    } else {
      expected = fallback;
      unmapped.insert(label);
    }
    if (Status status = session->Identify(row[*text_index], "", result); !status.ok()) {
      PrintError(status.error().message());
      return 1;
    }
    bool predicted_drug = result.category == "drugs";
    std::string predicted =
        predicted_drug && !result.primary_class.empty() ? result.primary_class : "none";
    if (predicted_drug && expected.drug)
      ++drug.tp;
    if (predicted_drug && !expected.drug)
      ++drug.fp;
    if (!predicted_drug && expected.drug)
      ++drug.fn;
    bool error = predicted_drug != expected.drug;
    if (!expected.drug || !expected.classes.empty()) {
      std::string gold = expected.drug ? expected.classes.front() : "none";
      bool correct = (!expected.drug && predicted == "none") ||
                     std::find(expected.classes.begin(), expected.classes.end(), predicted) !=
                         expected.classes.end();
      if (correct && expected.drug) {
        ++per_class[predicted].tp;
        predicted = gold;  // an accepted alternative counts on the diagonal
      } else if (!correct) {
        error = true;
        if (expected.drug)
          ++per_class[gold].fn;
        if (predicted != "none")
          ++per_class[predicted].fp;
      }
      ++confusion[gold][predicted];
    }
    if (error && shown < options.show_errors) {
      ++shown;
      std::printf("  miss: [%s -> %s/%s] %s\n", label.c_str(), result.category.c_str(),
                  result.primary_class.c_str(), row[*text_index].substr(0, 100).c_str());
    }
  }

  std::printf("eval identify: %s (%lld rows)\n", options.labels.c_str(),
              static_cast<long long>(rows));
  std::printf("%-24s %9s %9s %9s %8s\n", "", "precision", "recall", "F1", "support");
  std::printf("%-24s %9.3f %9.3f %9.3f %8lld\n", "drug vs non-drug", drug.Precision(),
              drug.Recall(), drug.F1(), static_cast<long long>(drug.tp + drug.fn));
  double macro = 0;
  int classes = 0;
  double any_macro = 0;  // over classes labelled or predicted, as scikit-learn's "macro"
  int any_classes = 0;
  Counts micro;
  for (const auto& [class_id, counts] : per_class) {
    int64_t support = counts.tp + counts.fn;
    std::printf("  %-22s %9.3f %9.3f %9.3f %8lld\n", class_id.c_str(), counts.Precision(),
                counts.Recall(), counts.F1(), static_cast<long long>(support));
    if (support > 0) {
      macro += counts.F1();
      ++classes;
    }
    if (support > 0 || counts.fp > 0) {
      any_macro += counts.F1();
      ++any_classes;
    }
    micro.tp += counts.tp;
    micro.fp += counts.fp;
    micro.fn += counts.fn;
  }
  macro = classes > 0 ? macro / classes : 0;
  std::printf("%-24s %29.3f  (over the classes the labels use)\n", "class macro-F1", macro);
  std::printf("%-24s %29.3f  (over the classes labelled or predicted)\n", "",
              any_classes > 0 ? any_macro / any_classes : 0);
  std::printf("%-24s %9.3f %9.3f %9.3f\n", "class micro", micro.Precision(), micro.Recall(),
              micro.F1());
  // Confusion matrix: gold rows, predicted columns.
  std::set<std::string> columns;
  for (const auto& [gold, predictions] : confusion) {
    columns.insert(gold);
    for (const auto& [p, n] : predictions)
      columns.insert(p);
  }
  std::printf("confusion (rows: expected, columns: predicted)\n%-14s", "");
  for (const auto& c : columns)
    std::printf(" %6.6s", c.c_str());
  std::printf("\n");
  for (const auto& [gold, predictions] : confusion) {
    std::printf("%-14.14s", gold.c_str());
    for (const auto& c : columns) {
      auto it = predictions.find(c);
      std::printf(" %6lld", static_cast<long long>(it == predictions.end() ? 0 : it->second));
    }
    std::printf("\n");
  }
  if (!unmapped.empty()) {
    std::printf("labels not in the map (scored as the default):");
    for (const auto& label : unmapped)
      std::printf(" \"%s\"", label.c_str());
    std::printf("\n");
  }
  bool failed = false;
  if (drug.F1() < options.min_drug_f1) {
    std::printf("FAIL: drug vs non-drug F1 %.3f < %.3f\n", drug.F1(), options.min_drug_f1);
    failed = true;
  }
  if (macro < options.min_macro_f1) {
    std::printf("FAIL: class macro-F1 %.3f < %.3f\n", macro, options.min_macro_f1);
    failed = true;
  }
  return failed ? 1 : 0;
}

// ---- lexicon check / stats ----

int RunLexiconCheck(const std::string& dir, bool stats) {
  auto lexicon = identify::LoadLexicon(dir.empty() ? identify::DefaultLexiconDirectory()
                                                   : std::filesystem::path(dir));
  if (!lexicon.has_value()) {
    PrintError(lexicon.error().message());
    return 1;
  }
  const auto& l = *lexicon;
  std::map<std::string, int> by_role, by_class, by_lang, by_kind;
  int substance_names = 0, class_terms = 0, category_terms = 0;
  for (const auto& s : l.substances) {
    ++by_role[s.role];
    ++by_class[s.class_id];
  }
  for (const auto& n : l.names) {
    if (n.target == identify::Name::Target::kSubstance)
      ++substance_names;
    if (n.target == identify::Name::Target::kClass)
      ++class_terms;
    if (n.target == identify::Name::Target::kCategory)
      ++category_terms;
    ++by_lang[n.lang];
    ++by_kind[n.kind];
  }
  std::printf(
      "lexicon ok: %zu files, %zu substances, %d substance names, %d class terms, "
      "%d category terms, %zu instruments (content %s)\n",
      l.files.size(), l.substances.size(), substance_names, class_terms, category_terms,
      l.instruments.size(), l.content_hash.substr(0, 16).c_str());
  if (!stats)
    return 0;
  auto print = [](const char* title, const std::map<std::string, int>& counts) {
    std::printf("%s:", title);
    for (const auto& [key, n] : counts)
      std::printf(" %s=%d", key.c_str(), n);
    std::printf("\n");
  };
  print("roles", by_role);
  print("classes", by_class);
  print("languages", by_lang);
  print("kinds", by_kind);
  return 0;
}

void AddIdentifyDataOptions(CLI::App* command, IdentifyOptions& o) {
  command
      ->add_option("--lexicon", o.lexicon,
                   "Lexicon directory (default: $DRAGNET_LEXICON or "
                   "the data/lexicon shipped with Dragnet)")
      ->type_name("DIR");
  command
      ->add_option("--rates", o.rates,
                   "Exchange-rate CSV (date,currency,usd_per_unit) replacing the shipped one")
      ->type_name("FILE");
  command->add_flag("--no-cache", o.no_cache,
                    "Compile the lexicon even when a cached database exists");
}

}  // namespace

void RegisterIdentifyCommands(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto identify_options = std::make_shared<IdentifyOptions>();
  CLI::App* identify = app.add_subcommand(
      "identify",
      "Name substances (with class and legal status), quantities, prices, price per gram, NPS "
      "candidates and the listing category of text, HTML, WARC or CSV; one JSON object per "
      "document");
  identify
      ->add_option("inputs", identify_options->inputs,
                   "Files, directories or - for standard input (default: -)")
      ->type_name("PATH");
  identify->add_flag("--lines", identify_options->lines,
                     "Each line is a document; its id is the line number");
  identify
      ->add_option("--csv-column", identify_options->csv_column,
                   "Input is CSV; identify this column of every row (id: row number)")
      ->type_name("NAME");
  identify
      ->add_option("--format", identify_options->format,
                   "jsonl (default), table, or brief (the fields golden tests compare)")
      ->check(CLI::IsMember({"jsonl", "table", "brief"}));
  identify->add_option("--date", identify_options->date,
                       "Convert prices at the rates of this day (YYYY-MM-DD; default: latest)");
  AddIdentifyDataOptions(identify, *identify_options);
  identify->add_flag("--no-selectors", identify_options->no_selectors,
                     "Do not look for seller selectors (PGP keys, wallets, onions, handles, "
                     "phones, e-mails)");
  identify
      ->add_option("--region", identify_options->region,
                   "Region (ISO 3166 code, e.g. RU, KZ, DE) of phone numbers written without a "
                   "country code (default: inferred from each document's letters and currencies)")
      ->type_name("CC");
  identify->add_option("--category-model", identify_options->category_model,
                       "A fastText category model from `dragnet train` that decides the category "
                       "when confident (default: $DRAGNET_CATEGORY_MODEL, else category.bin "
                       "beside the database when it exists)");
  identify->add_flag("--store", identify_options->store,
                     "Identify every document in the store not yet identified by this version "
                     "and lexicon, reading it from the archive; findings are saved in the store");
  identify->callback([&options, &exit_code, identify_options] {
    if (identify_options->store && !identify_options->inputs.empty()) {
      PrintError("identify: --store reads the store; give no input paths with it");
      exit_code = 2;
      return;
    }
    exit_code = identify_options->store ? RunIdentifyStore(options, *identify_options)
                                        : RunIdentify(options, *identify_options);
  });

  CLI::App* eval = app.add_subcommand("eval", "Measure accuracy on labelled data");
  eval->require_subcommand(1);
  auto eval_options = std::make_shared<EvalOptions>();
  RegisterEvalSelectorsCommand(*eval, exit_code);
  RegisterEvalE2eCommand(*eval, options, exit_code);
  RegisterTrainCommands(app, *eval, options, exit_code);
  RegisterEvalParseCommand(*eval, exit_code);
  CLI::App* eval_identify = eval->add_subcommand(
      "identify", "Precision, recall and F1 of substance classes and drug/non-drug on a CSV");
  eval_identify->add_option("--labels", eval_options->labels, "Labelled CSV file")
      ->required()
      ->type_name("FILE");
  eval_identify->add_option("--text-column", eval_options->text_column, "Column with the text")
      ->required();
  eval_identify
      ->add_option("--label-column", eval_options->label_column,
                   "Column(s) with the label; several joined with / (e.g. cat,subcat)")
      ->required();
  eval_identify
      ->add_option("--map", eval_options->map,
                   "YAML mapping labels to class ids, `any` or `none` (data/eval/)")
      ->type_name("FILE");
  eval_identify->add_option("--min-drug-f1", eval_options->min_drug_f1,
                            "Fail (exit 1) below this drug vs non-drug F1");
  eval_identify->add_option("--min-macro-f1", eval_options->min_macro_f1,
                            "Fail (exit 1) below this class macro-F1");
  eval_identify->add_option("--show-errors", eval_options->show_errors,
                            "Print up to N misclassified rows");
  AddIdentifyDataOptions(eval_identify, eval_options->identify);
  eval_identify->callback(
      [&exit_code, eval_options] { exit_code = RunEvalIdentify(*eval_options); });

  CLI::App* lexicon = app.add_subcommand("lexicon", "Validate and count the lexicon");
  lexicon->require_subcommand(1);
  auto lexicon_dir = std::make_shared<std::string>();
  CLI::App* check = lexicon->add_subcommand(
      "check", "Load every lexicon file; print each error with its file and line");
  check->add_option("dir", *lexicon_dir, "Lexicon directory (default: the shipped one)");
  check->callback([&exit_code, lexicon_dir] { exit_code = RunLexiconCheck(*lexicon_dir, false); });
  CLI::App* names = lexicon->add_subcommand(
      "names", "Print every name and term once per line (e.g. as a pattern list for grep)");
  names->add_option("dir", *lexicon_dir, "Lexicon directory (default: the shipped one)");
  names->callback([&exit_code, lexicon_dir] {
    auto loaded = identify::LoadLexicon(lexicon_dir->empty() ? identify::DefaultLexiconDirectory()
                                                             : std::filesystem::path(*lexicon_dir));
    if (!loaded.has_value()) {
      PrintError(loaded.error().message());
      exit_code = 1;
      return;
    }
    std::set<std::string> seen;
    for (const auto& name : loaded->names) {
      if (name.text.find('\n') == std::string::npos && seen.insert(name.text).second) {
        std::printf("%s\n", name.text.c_str());
      }
    }
  });
  CLI::App* stats = lexicon->add_subcommand("stats", "Counts by role, class, language and kind");
  stats->add_option("dir", *lexicon_dir, "Lexicon directory (default: the shipped one)");
  stats->callback([&exit_code, lexicon_dir] { exit_code = RunLexiconCheck(*lexicon_dir, true); });
}

}  // namespace dragnet::app
