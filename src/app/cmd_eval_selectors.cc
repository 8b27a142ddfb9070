// dragnet eval selectors: precision, recall and F1 of the selectors analyzer per selector kind,
// on a CSV whose label column lists the selectors each text holds ("kind value; kind value").

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/csv.h"
#include "core/file.h"
#include "identify/selectors/selectors.h"

namespace dragnet::app {
namespace {

struct EvalSelectorsOptions {
  std::string labels;
  std::string text_column = "text";
  std::string label_column = "selectors";
  std::string region;
  double min_f1 = 0;
  double min_confidence = 0;
  bool show_errors = false;
};

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos)
    return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// "telegram shop_bot; phone +79161234567" -> {"telegram shop_bot", "phone +79161234567"}.
std::set<std::string> ParseLabel(const std::string& label) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= label.size()) {
    size_t stop = label.find(';', start);
    if (stop == std::string::npos)
      stop = label.size();
    std::string item = Trim(std::string_view(label).substr(start, stop - start));
    if (!item.empty())
      out.insert(item);
    start = stop + 1;
  }
  return out;
}

struct Counts {
  int tp = 0;
  int fp = 0;
  int fn = 0;
};

double Ratio(int a, int b) {
  return b == 0 ? 0 : static_cast<double>(a) / b;
}

int RunEvalSelectors(const EvalSelectorsOptions& options) {
  auto data = ReadFile(options.labels);
  if (!data.has_value()) {
    PrintError(options.labels + ": " + data.error().message());
    return 1;
  }
  CsvReader reader(*data);
  std::vector<std::string> row;
  if (!reader.Next(row)) {
    PrintError(options.labels + ":1: empty file");
    return 1;
  }
  auto column = [&](const std::string& name) -> std::optional<size_t> {
    auto it = std::find(row.begin(), row.end(), name);
    if (it == row.end())
      return std::nullopt;
    return static_cast<size_t>(it - row.begin());
  };
  auto text_index = column(options.text_column);
  auto label_index = column(options.label_column);
  if (!text_index || !label_index) {
    PrintError(options.labels + ":1: no column `" +
               (text_index ? options.label_column : options.text_column) + "` in the header");
    return 1;
  }
  identify::SelectorOptions selector_options;
  selector_options.region = options.region;
  identify::SelectorFindings found;
  std::map<std::string, Counts> per_kind;
  int rows = 0;
  while (reader.Next(row)) {
    if (std::max(*text_index, *label_index) >= row.size()) {
      std::fprintf(stderr, "dragnet: %s:%d: row has too few fields; skipped\n",
                   options.labels.c_str(), reader.line());
      continue;
    }
    ++rows;
    std::set<std::string> expected = ParseLabel(row[*label_index]);
    std::set<std::string> actual;
    identify::FindSelectors(row[*text_index], selector_options, found);
    for (const auto& s : found.selectors) {
      if (s.confidence < options.min_confidence)
        continue;
      actual.insert(std::string(identify::SelectorKindName(s.kind)) + " " + s.value);
    }
    auto kind_of = [](const std::string& item) { return item.substr(0, item.find(' ')); };
    for (const auto& item : actual) {
      if (expected.count(item) != 0) {
        ++per_kind[kind_of(item)].tp;
      } else {
        ++per_kind[kind_of(item)].fp;
        if (options.show_errors)
          std::printf("  line %d: false positive: %s\n", reader.line(), item.c_str());
      }
    }
    for (const auto& item : expected) {
      if (actual.count(item) == 0) {
        ++per_kind[kind_of(item)].fn;
        if (options.show_errors)
          std::printf("  line %d: missed: %s\n", reader.line(), item.c_str());
      }
    }
  }
  std::printf("selectors: %d texts\n%-16s %6s %6s %6s %9s %7s %7s\n", rows, "kind", "tp", "fp",
              "fn", "precision", "recall", "f1");
  Counts total;
  double macro = 0;
  for (const auto& [kind, c] : per_kind) {
    double p = Ratio(c.tp, c.tp + c.fp);
    double r = Ratio(c.tp, c.tp + c.fn);
    double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    macro += f1;
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
    std::printf("%-16s %6d %6d %6d %9.3f %7.3f %7.3f\n", kind.c_str(), c.tp, c.fp, c.fn, p, r, f1);
  }
  double p = Ratio(total.tp, total.tp + total.fp);
  double r = Ratio(total.tp, total.tp + total.fn);
  double micro = p + r > 0 ? 2 * p * r / (p + r) : 0;
  macro = per_kind.empty() ? 0 : macro / static_cast<double>(per_kind.size());
  std::printf("%-16s %6d %6d %6d %9.3f %7.3f %7.3f\n", "micro", total.tp, total.fp, total.fn, p, r,
              micro);
  std::printf("macro-F1 over %zu kinds: %.3f\n", per_kind.size(), macro);
  if (micro < options.min_f1) {
    std::printf("FAIL: micro-F1 %.3f is below --min-f1 %.3f\n", micro, options.min_f1);
    return 3;
  }
  return 0;
}

}  // namespace

void RegisterEvalSelectorsCommand(CLI::App& eval, ExitCode& exit_code) {
  auto options = std::make_shared<EvalSelectorsOptions>();
  CLI::App* command = eval.add_subcommand(
      "selectors",
      "Precision, recall and F1 per selector kind on a CSV listing each text's selectors");
  command->add_option("--labels", options->labels, "Labelled CSV file")
      ->required()
      ->type_name("FILE");
  command->add_option("--text-column", options->text_column,
                      "Column with the text (default: text)");
  command->add_option("--label-column", options->label_column,
                      "Column listing the selectors as \"kind value; kind value\" (default: "
                      "selectors), values canonical as dragnet identify prints them");
  command->add_option("--region", options->region,
                      "Region of phone numbers written without a country code (default: inferred)");
  command->add_option("--min-f1", options->min_f1, "Exit 3 when micro-F1 is below this");
  command->add_option("--min-confidence", options->min_confidence,
                      "Count only selectors at least this confident (default: 0, all)");
  command->add_flag("--show-errors", options->show_errors,
                    "Print every false positive and missed selector");
  command->callback([options, &exit_code] { exit_code = RunEvalSelectors(*options); });
}

}  // namespace dragnet::app
