// dragnet train: fit the fastText listing-category model (identify/category_model.h) on an
// analyst's labelled CSV;
// dragnet eval classify: precision, recall, F1 and the confusion matrix of such a model on a
// labelled CSV, or k-fold cross-validation on the CSV itself when no model is given, so that a
// unit can measure the approach on its own data before it trusts a model.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/commands.h"
#include "app/csv.h"
#include "core/file.h"
#include "identify/category_model.h"
#include "identify/identifier.h"
#include "identify/lexicon.h"

namespace dragnet::app {
namespace {

// Where labelled rows come from; shared by both commands.
struct LabelledOptions {
  std::string labels;        // CSV file
  std::string text_column;   // column with the listing text
  std::string label_column;  // column(s), several joined with '/' (e.g. cat,subcat)
  std::string map;           // YAML label map; empty = labels are category ids
};

struct TrainCommandOptions {
  LabelledOptions data;
  std::string out;
  int epochs = identify::TrainOptions().epochs;
};

struct ClassifyEvalOptions {
  LabelledOptions data;
  std::string model;
  bool rules = false;   // the lexicon rules identify uses when no model is trained
  std::string lexicon;  // with --rules; "" = the default lexicon
  int folds = 5;
  int epochs = identify::TrainOptions().epochs;
  double min_macro_f1 = 0;
};

// The --map file: a dataset's label -> a category id; "" = not a category, skip the row.
struct CategoryMap {
  std::map<std::string, std::string> labels;
  std::string fallback;  // for labels the map does not name; "" = skip them
};

// Reads the label-map format of data/eval/*.yaml (`schema: 1`, optional `default`, `labels`:
// label -> value), as LoadLabelMap in cmd_identify.cc does. A value is a listing category id,
// `none` (skip the row), or what a drug-class map holds: a class id, a list of class ids or
// `any`, each meaning a drug listing (`drugs`), so the class maps of data/eval work unchanged.
// (LoadLabelMap reads the same files for classes; the values mean different things here.)
Result<CategoryMap> LoadCategoryMap(const std::string& path) {
  CategoryMap map;
  auto at = [&path](const YAML::Node& node) {
    return path + ":" + std::to_string(node.Mark().line + 1) + ": ";
  };
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap() || !root["schema"] || root["schema"].as<std::string>("") != "1")
      return InvalidArgument(path + ":1: `schema: 1` is missing or not 1");
    auto parse = [&](const YAML::Node& node) -> Result<std::string> {
      if (node.IsSequence()) {
        for (const auto& v : node) {
          if (!v.IsScalar() || !identify::IsClassId(v.Scalar())) {
            return InvalidArgument(at(v) +
                                   "a list names drug classes; give one listing category id");
          }
        }
        return std::string("drugs");
      }
      if (!node.IsScalar())
        return InvalidArgument(at(node) + "expected a category id, a class id, `any` or `none`");
      const std::string& value = node.Scalar();
      if (value == "none")
        return std::string();
      if (identify::IsCategoryId(value))
        return value;
      if (value == "any" || identify::IsClassId(value))
        return std::string("drugs");
      return InvalidArgument(at(node) + "`" + value +
                             "` is neither a listing category id, a class id, `any` nor `none`");
    };
    if (root["default"]) {
      DRAGNET_ASSIGN_OR_RETURN(map.fallback, parse(root["default"]));
    }
    YAML::Node labels = root["labels"];
    if (!labels || !labels.IsMap())
      return InvalidArgument(path + ": `labels` (a mapping of labels to categories) is missing");
    for (const auto& entry : labels) {
      DRAGNET_ASSIGN_OR_RETURN(std::string category, parse(entry.second));
      map.labels[entry.first.Scalar()] = category;
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return map;
}

// The category of a row's label; nullopt = skip the row. With a map: the label, else its first
// part ("Weapons" for "Weapons/Melee"), else the default. Without: the label itself when it is
// a category id (ASCII case ignored).
std::optional<std::string> CategoryOf(const CategoryMap* map, const std::string& label) {
  if (map == nullptr) {
    std::string lower = label;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (identify::IsCategoryId(lower))
      return lower;
    return std::nullopt;
  }
  auto it = map->labels.find(label);
  if (it == map->labels.end()) {
    size_t slash = label.find('/');
    if (slash != std::string::npos)
      it = map->labels.find(label.substr(0, slash));
  }
  const std::string& category = it != map->labels.end() ? it->second : map->fallback;
  if (category.empty())
    return std::nullopt;
  return category;
}

struct LabelledData {
  std::vector<identify::TrainExample> examples;
  std::map<std::string, int64_t> skipped;  // labels that map to no category -> rows
  int64_t short_rows = 0;                  // rows without the text or label fields
};

Result<LabelledData> ReadLabelled(const LabelledOptions& o) {
  std::optional<CategoryMap> map;
  if (!o.map.empty()) {
    DRAGNET_ASSIGN_OR_RETURN(map, LoadCategoryMap(o.map));
  }
  DRAGNET_ASSIGN_OR_RETURN(std::string data, ReadFile(o.labels));
  CsvReader reader(data);
  std::vector<std::string> row;
  if (!reader.Next(row))
    return InvalidArgument(o.labels + ": empty file");
  auto find_column = [&](const std::string& name) -> Result<size_t> {
    auto it = std::find(row.begin(), row.end(), name);
    if (it == row.end())
      return InvalidArgument(o.labels + ":1: no column `" + name + "` in the header");
    return static_cast<size_t>(it - row.begin());
  };
  DRAGNET_ASSIGN_OR_RETURN(size_t text_index, find_column(o.text_column));
  std::vector<size_t> label_indexes;
  for (const auto& name : SplitCommas(o.label_column)) {
    DRAGNET_ASSIGN_OR_RETURN(size_t index, find_column(name));
    label_indexes.push_back(index);
  }
  size_t needed =
      std::max(text_index, *std::max_element(label_indexes.begin(), label_indexes.end()));
  LabelledData out;
  while (reader.Next(row)) {
    if (row.size() <= needed) {
      ++out.short_rows;
      continue;
    }
    std::string label;
    for (size_t i = 0; i < label_indexes.size(); ++i)
      label += (i ? "/" : "") + row[label_indexes[i]];
    std::optional<std::string> category = CategoryOf(map ? &*map : nullptr, label);
    if (!category) {
      ++out.skipped[label];
      continue;
    }
    out.examples.push_back(identify::TrainExample{std::move(row[text_index]), *category});
  }
  if (reader.unterminated()) {
    std::fprintf(stderr, "dragnet: %s:%d: unterminated quoted field at the end of the file\n",
                 o.labels.c_str(), reader.line());
  }
  return out;
}

void PrintSkipped(const LabelledOptions& o, const LabelledData& data) {
  int64_t skipped = 0;
  for (const auto& [label, n] : data.skipped)
    skipped += n;
  if (data.short_rows > 0) {
    std::printf("skipped %lld rows without the `%s` or `%s` fields\n",
                static_cast<long long>(data.short_rows), o.text_column.c_str(),
                o.label_column.c_str());
  }
  if (skipped == 0)
    return;
  std::printf("skipped %lld rows whose label maps to no category:",
              static_cast<long long>(skipped));
  int shown = 0;
  for (const auto& [label, n] : data.skipped) {
    if (++shown > 20) {
      std::printf(" ...");
      break;
    }
    std::printf(" \"%s\" (%lld)", label.c_str(), static_cast<long long>(n));
  }
  std::printf("\n");
}

int RunTrain(const GlobalOptions& global, const TrainCommandOptions& o) {
  auto data = ReadLabelled(o.data);
  if (!data.has_value()) {
    PrintError(data.error().message());
    return 1;
  }
  std::filesystem::path out = o.out.empty() ? DatabasePath(global).parent_path() / "category.bin"
                                            : std::filesystem::path(o.out);
  if (!out.parent_path().empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    if (ec) {
      PrintError("cannot create " + out.parent_path().string() + ": " + ec.message());
      return 1;
    }
  }
  PrintSkipped(o.data, *data);
  identify::TrainOptions options;
  options.epochs = o.epochs;
  if (Status status = identify::TrainCategoryModel(data->examples, options, out); !status.ok()) {
    PrintError("train: " + status.error().message());
    return 1;
  }
  std::map<std::string, int64_t> per_category;
  for (const auto& example : data->examples)
    ++per_category[example.label];
  std::printf("trained on %zu rows of %s\n", data->examples.size(), o.data.labels.c_str());
  for (const auto& [category, n] : per_category)
    std::printf("  %-14s %8lld\n", category.c_str(), static_cast<long long>(n));
  std::printf("model: %s\n", out.string().c_str());
  return 0;
}

void PrintReport(const identify::ClassificationReport& r) {
  using Report = identify::ClassificationReport;
  auto name = [](size_t c) {
    return c == Report::kNone ? std::string("(none)") : std::string(identify::kCategoryIds[c]);
  };
  std::vector<size_t> rows, columns;  // gold categories present; predicted columns present
  for (size_t c = 0; c < Report::kCategories; ++c) {
    if (r.Support(c) > 0)
      rows.push_back(c);
    if (r.Support(c) > 0 || r.FalsePositives(c) > 0)
      columns.push_back(c);
  }
  bool unpredicted = false;
  for (size_t c : rows)
    unpredicted = unpredicted || r.confusion[c][Report::kNone] > 0;
  std::printf("%-16s %9s %9s %9s %8s\n", "", "precision", "recall", "F1", "support");
  for (size_t c : columns) {
    std::printf("  %-14s %9.3f %9.3f %9.3f %8lld\n", name(c).c_str(), r.Precision(c), r.Recall(c),
                r.F1(c), static_cast<long long>(r.Support(c)));
  }
  std::printf("%-16s %29.3f\n", "macro-F1", r.MacroF1());
  std::printf("%-16s %29.3f  (over the categories the labels use)\n", "", r.LabelledMacroF1());
  std::printf("%-16s %9.3f %9.3f %9.3f\n", "micro", r.MicroPrecision(), r.MicroRecall(),
              r.MicroF1());
  std::printf("%-16s %29.3f\n", "accuracy", r.Accuracy());
  if (unpredicted)
    columns.push_back(Report::kNone);
  std::printf("confusion (rows: expected, columns: predicted)\n%-14s", "");
  for (size_t c : columns)
    std::printf(" %7.7s", name(c).c_str());
  std::printf("\n");
  for (size_t gold : rows) {
    std::printf("%-14.14s", name(gold).c_str());
    for (size_t c : columns)
      std::printf(" %7lld", static_cast<long long>(r.confusion[gold][c]));
    std::printf("\n");
  }
}

// Scores the explainable default: the category identify gives each text from its lexicon's
// terms and rules, with no model.
Result<identify::ClassificationReport> EvaluateRules(
    const ClassifyEvalOptions& o, const std::vector<identify::TrainExample>& examples) {
  identify::IdentifierOptions options;
  options.lexicon_dir = o.lexicon;
  DRAGNET_ASSIGN_OR_RETURN(auto identifier, identify::Identifier::Create(options));
  DRAGNET_ASSIGN_OR_RETURN(auto session, identifier->NewSession());
  auto index_of = [](std::string_view id) {
    return static_cast<size_t>(
        std::find(identify::kCategoryIds.begin(), identify::kCategoryIds.end(), id) -
        identify::kCategoryIds.begin());
  };
  identify::ClassificationReport report;
  identify::Identification result;
  for (const identify::TrainExample& example : examples) {
    size_t gold = index_of(example.label);
    if (gold >= identify::ClassificationReport::kCategories)
      return InvalidArgument("label \"" + example.label + "\" is not a listing category id");
    result = {};
    DRAGNET_RETURN_IF_ERROR(session->Identify(example.text, "", result));
    report.Add(gold, index_of(result.category));
  }
  return report;
}

int RunEvalClassify(const ClassifyEvalOptions& o) {
  auto data = ReadLabelled(o.data);
  if (!data.has_value()) {
    PrintError(data.error().message());
    return 1;
  }
  Result<identify::ClassificationReport> report = Internal("not run");
  if (o.rules) {
    std::printf("eval classify: the lexicon rules on %s (%zu rows)\n", o.data.labels.c_str(),
                data->examples.size());
    report = EvaluateRules(o, data->examples);
  } else if (!o.model.empty()) {
    auto model = identify::CategoryModel::Load(o.model);
    if (!model.has_value()) {
      PrintError(model.error().message());
      return 1;
    }
    std::printf("eval classify: model %s on %s (%zu rows)\n", o.model.c_str(),
                o.data.labels.c_str(), data->examples.size());
    report = identify::EvaluateCategoryModel(*model, data->examples);
  } else {
    identify::TrainOptions options;
    options.epochs = o.epochs;
    std::printf("eval classify: %d-fold cross-validation on %s (%zu rows)\n", o.folds,
                o.data.labels.c_str(), data->examples.size());
    report = identify::CrossValidateCategoryModel(data->examples, options, o.folds);
  }
  PrintSkipped(o.data, *data);
  if (!report.has_value()) {
    PrintError("eval classify: " + report.error().message());
    return 1;
  }
  PrintReport(*report);
  if (report->MacroF1() < o.min_macro_f1) {
    std::printf("FAIL: macro-F1 %.3f < %.3f\n", report->MacroF1(), o.min_macro_f1);
    return 1;
  }
  return 0;
}

void AddLabelledOptions(CLI::App* command, LabelledOptions& o) {
  command->add_option("--labels", o.labels, "Labelled CSV file")->required()->type_name("FILE");
  command->add_option("--text-column", o.text_column, "Column with the listing text")
      ->required()
      ->type_name("NAME");
  command
      ->add_option("--label-column", o.label_column,
                   "Column(s) with the label; several joined with / (e.g. cat,subcat)")
      ->required()
      ->type_name("NAME[,NAME]");
  command
      ->add_option("--map", o.map,
                   "YAML mapping labels (or their first part) to listing category ids, `none` "
                   "to skip; class ids and `any` mean drugs (data/eval/ maps work). Without "
                   "it, labels must be category ids")
      ->type_name("FILE");
}

}  // namespace

void RegisterTrainCommands(CLI::App& app, CLI::App& eval, GlobalOptions& options,
                           ExitCode& exit_code) {
  auto train_options = std::make_shared<TrainCommandOptions>();
  CLI::App* train = app.add_subcommand(
      "train",
      "Train the listing-category model (fastText) on a labelled CSV; once present it "
      "categorises listings instead of the lexicon rules");
  AddLabelledOptions(train, train_options->data);
  train
      ->add_option("--out", train_options->out,
                   "Model file (default: category.bin beside the database)")
      ->type_name("PATH");
  train->add_option("--epochs", train_options->epochs, "Passes over the data (default: 25)")
      ->check(CLI::Range(1, 1000));
  train->callback(
      [&options, &exit_code, train_options] { exit_code = RunTrain(options, *train_options); });

  auto eval_options = std::make_shared<ClassifyEvalOptions>();
  CLI::App* classify = eval.add_subcommand(
      "classify",
      "Precision, recall, F1 and confusion matrix of listing categories on a labelled CSV: of "
      "--model, of the lexicon rules with --rules, or by k-fold cross-validation on the CSV");
  AddLabelledOptions(classify, eval_options->data);
  auto* model_option =
      classify->add_option("--model", eval_options->model, "Model file written by `dragnet train`")
          ->type_name("PATH");
  classify
      ->add_flag("--rules", eval_options->rules,
                 "Score the lexicon rules identify uses when no model is trained")
      ->excludes(model_option);
  classify->add_option("--lexicon", eval_options->lexicon, "Lexicon directory for --rules")
      ->type_name("DIR");
  classify
      ->add_option("--folds", eval_options->folds,
                   "Cross-validation folds without --model; row i is in fold i mod k (default: 5)")
      ->check(CLI::Range(2, 100));
  classify
      ->add_option("--epochs", eval_options->epochs,
                   "Training passes in cross-validation (default: 25)")
      ->check(CLI::Range(1, 1000));
  classify->add_option("--min-macro-f1", eval_options->min_macro_f1,
                       "Fail (exit 1) below this macro-F1");
  classify->callback([&exit_code, eval_options] { exit_code = RunEvalClassify(*eval_options); });
}

}  // namespace dragnet::app
