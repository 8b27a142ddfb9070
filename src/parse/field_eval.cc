// Golden-page evaluation of field extraction and page types (field_eval.h). The golden files are
// JSON Lines read with nlohmann/json, without exceptions (parse(..., nullptr, false)).

#include "parse/field_eval.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/file.h"
#include "parse/html_text.h"

namespace dragnet::parse {
namespace {

constexpr size_t kMaxGoldenLineBytes = size_t{1} << 20;
constexpr size_t kMaxGoldenPages = 100000;
constexpr size_t kMaxErrors = 50;
constexpr size_t kMaxShownValueBytes = 120;  // values quoted in differences

bool IsKnownId(std::string_view id) {
  const auto& ids = FieldLabels::KnownIds();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool IsPageType(std::string_view type) {
  return std::any_of(std::begin(kPageTypes), std::end(kPageTypes),
                     [&](const char* known) { return type == known; });
}

// A value quoted in a difference line, cut at a UTF-8 boundary.
std::string Shown(std::string_view value) {
  if (value.size() <= kMaxShownValueBytes)
    return "`" + std::string(value) + "`";
  size_t end = kMaxShownValueBytes;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
    --end;
  return "`" + std::string(value.substr(0, end)) + "...`";
}

// A relative path that stays below its base: no root, no "..".
bool IsContainedPath(const std::string& file) {
  std::filesystem::path path(file);
  if (file.empty() || path.is_absolute() || path.has_root_name() || path.has_root_directory())
    return false;
  return std::none_of(path.begin(), path.end(), [](const auto& part) { return part == ".."; });
}

// Checks one parsed line and appends the page, or the errors, "file:line: message".
void ReadGoldenLine(const nlohmann::json& json, int line, const std::string& where,
                    std::vector<GoldenPage>& pages, std::vector<std::string>& errors) {
  auto error = [&](const std::string& message) { errors.push_back(where + message); };
  if (!json.is_object())
    return error("a golden page must be a JSON object");
  GoldenPage page;
  page.line = line;
  bool ok = true;
  for (const auto& [key, value] : json.items()) {
    if (key != "file" && key != "url" && key != "page_type" && key != "fields" &&
        key != "checked") {
      error("unknown key `" + key + "`");
      ok = false;
    }
  }
  auto string_of = [&](const char* key, std::string& out, bool required) {
    auto it = json.find(key);
    if (it == json.end()) {
      if (required) {
        error(std::string("`") + key + "` is missing");
        ok = false;
      }
    } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      error(std::string("`") + key + "` must be a non-empty string");
      ok = false;
    } else {
      out = it->get<std::string>();
    }
  };
  string_of("file", page.file, true);
  string_of("url", page.url, false);
  string_of("page_type", page.page_type, true);
  if (!page.file.empty() && !IsContainedPath(page.file)) {
    error("`file` must be a relative path without `..`: " + page.file);
    ok = false;
  }
  if (!page.page_type.empty() && !IsPageType(page.page_type)) {
    error("unknown page type `" + page.page_type + "`");
    ok = false;
  }
  if (auto fields = json.find("fields"); fields == json.end() || !fields->is_object()) {
    error("`fields` must be an object of field ids and values");
    ok = false;
  } else {
    for (const auto& [id, value] : fields->items()) {
      if (!IsKnownId(id)) {
        error("unknown field id `" + id + "`");
        ok = false;
      } else if (!value.is_string() || FieldLabels::Fold(value.get<std::string>()).empty()) {
        error("field `" + id + "` must be a non-empty string");
        ok = false;
      } else {
        page.fields.emplace(id, value.get<std::string>());
      }
    }
  }
  if (auto checked = json.find("checked"); checked == json.end()) {
    for (std::string_view id : FieldLabels::KnownIds())
      page.checked.emplace(id);
  } else if (!checked->is_array()) {
    error("`checked` must be a list of field ids");
    ok = false;
  } else {
    for (const auto& id : *checked) {
      if (!id.is_string() || !IsKnownId(id.get<std::string>())) {
        error("unknown field id in `checked`: " + (id.is_string() ? id.get<std::string>() : ""));
        ok = false;
      } else if (!page.checked.insert(id.get<std::string>()).second) {
        error("field `" + id.get<std::string>() + "` is checked twice");
        ok = false;
      }
    }
    for (const auto& [id, value] : page.fields) {
      if (page.checked.count(id) == 0) {
        error("field `" + id + "` is expected but not in `checked`");
        ok = false;
      }
    }
  }
  if (ok)
    pages.push_back(std::move(page));
}

}  // namespace

double FieldScore::Precision() const {
  return extracted == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(extracted);
}
double FieldScore::Recall() const {
  return expected == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(expected);
}
double FieldScore::F1() const {
  double p = Precision(), r = Recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}
FieldScore& FieldScore::operator+=(const FieldScore& other) {
  expected += other.expected;
  extracted += other.extracted;
  correct += other.correct;
  return *this;
}

bool ValuesMatch(std::string_view expected, std::string_view extracted) {
  std::string folded = FieldLabels::Fold(expected);
  return !folded.empty() && folded == FieldLabels::Fold(extracted);
}

void ScorePage(const std::map<std::string, std::string>& expected,
               const std::vector<Field>& extracted, FieldEvalReport& report) {
  static const std::set<std::string> all = [] {
    std::set<std::string> ids;
    for (std::string_view id : FieldLabels::KnownIds())
      ids.emplace(id);
    return ids;
  }();
  ScorePage(expected, extracted, all, report);
}

void ScorePage(const std::map<std::string, std::string>& expected,
               const std::vector<Field>& extracted, const std::set<std::string>& checked,
               FieldEvalReport& report) {
  ++report.pages;
  for (const auto& [id, value] : expected) {
    ++report.per_field[id].expected;
    ++report.all.expected;
  }
  std::set<std::string_view> seen;  // ids whose first extracted value was scored
  for (const Field& field : extracted) {
    auto want = expected.find(field.id);
    if (want == expected.end() && checked.count(field.id) == 0)
      continue;
    FieldScore& score = report.per_field[field.id];
    ++score.extracted;
    ++report.all.extracted;
    if (want != expected.end() && seen.insert(field.id).second &&
        ValuesMatch(want->second, field.value)) {
      ++score.correct;
      ++report.all.correct;
    }
  }
}

void ScorePageType(std::string_view expected, std::string_view classified,
                   FieldEvalReport& report) {
  if (!expected.empty() && expected == classified)
    ++report.page_type_correct;
}

Result<std::vector<GoldenPage>> ParseGoldenPages(std::string_view jsonl, const std::string& file) {
  std::vector<GoldenPage> pages;
  std::vector<std::string> errors;
  std::set<std::string> files;
  try {
    int line_number = 0;
    for (size_t start = 0; start < jsonl.size() && errors.size() < kMaxErrors;) {
      size_t end = std::min(jsonl.find('\n', start), jsonl.size());
      std::string_view line = jsonl.substr(start, end - start);
      start = end + 1;
      ++line_number;
      std::string where = file + ":" + std::to_string(line_number) + ": ";
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos)
        continue;
      if (line.size() > kMaxGoldenLineBytes) {
        errors.push_back(where + "line longer than 1 MiB");
        continue;
      }
      if (pages.size() >= kMaxGoldenPages) {
        errors.push_back(where + "more than 100000 pages");
        break;
      }
      nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (json.is_discarded()) {
        errors.push_back(where + "invalid JSON");
        continue;
      }
      size_t before = pages.size();
      ReadGoldenLine(json, line_number, where, pages, errors);
      if (pages.size() > before && !files.insert(pages.back().file).second) {
        errors.push_back(where + "file `" + pages.back().file + "` is given twice");
        pages.pop_back();
      }
    }
  } catch (const std::exception& e) {
    errors.push_back(file + ": " + e.what());
  }
  if (!errors.empty()) {
    std::string message = errors.front();
    for (size_t i = 1; i < errors.size() && i < kMaxErrors; ++i)
      message += "\n" + errors[i];
    return InvalidArgument(message + (errors.size() > kMaxErrors ? "\n..." : ""));
  }
  return pages;
}

Result<std::vector<GoldenPage>> LoadGoldenPages(const std::filesystem::path& jsonl) {
  auto contents = ReadFile(jsonl);
  if (!contents.has_value())
    return std::move(contents).error();
  return ParseGoldenPages(*contents, jsonl.string());
}

Result<GoldenEvaluation> EvaluateGoldenPages(const std::vector<GoldenPage>& pages,
                                             const std::filesystem::path& base,
                                             const PageParser& parser) {
  GoldenEvaluation out;
  try {
    for (const GoldenPage& page : pages) {
      auto html = ReadFile(base / page.file);
      if (!html.has_value())
        return std::move(html).error().WithContext("golden page " + page.file);
      // The whole per-page path of `dragnet parse`: charset, page type, profile, generic fields.
      ParsedPage parsed = parser.Parse(*html, "", page.url);
      const PageType& type = parsed.type;
      const ExtractedFields& extracted = parsed.fields;
      ScorePage(page.fields, extracted.fields, page.checked, out.report);
      ScorePageType(page.page_type, type.type, out.report);
      auto& differences = out.differences;
      if (type.type != page.page_type) {
        differences.push_back(page.file + ": page type: expected " + page.page_type +
                              ", classified " + type.type);
      }
      std::set<std::string> found;
      for (const Field& field : extracted.fields) {
        auto want = page.fields.find(field.id);
        if (!found.insert(field.id).second)
          continue;
        if (want == page.fields.end()) {
          if (page.checked.count(field.id) > 0) {
            differences.push_back(page.file + ": " + field.id + ": not expected, extracted " +
                                  Shown(field.value));
          }
        } else if (!ValuesMatch(want->second, field.value)) {
          differences.push_back(page.file + ": " + field.id + ": expected " + Shown(want->second) +
                                ", extracted " + Shown(field.value));
        }
      }
      for (const auto& [id, value] : page.fields) {
        if (found.count(id) == 0)
          differences.push_back(page.file + ": " + id + ": missing, expected " + Shown(value));
      }
    }
  } catch (const std::exception& e) {
    return Internal(std::string("evaluating golden pages: ") + e.what());
  }
  return out;
}

std::string FormatFieldEvalReport(const FieldEvalReport& report) {
  std::string out;
  char line[160];
  auto row = [&](const std::string& name, const FieldScore& s) {
    std::snprintf(line, sizeof line, "%-13s %5lld %5lld %5lld  %5.3f  %5.3f  %5.3f\n", name.c_str(),
                  static_cast<long long>(s.expected), static_cast<long long>(s.extracted),
                  static_cast<long long>(s.correct), s.Precision(), s.Recall(), s.F1());
    out += line;
  };
  out += "field           exp   ext    ok      P      R     F1\n";
  for (const auto& [id, score] : report.per_field)
    row(id, score);
  row("all", report.all);
  std::snprintf(line, sizeof line, "page type     %lld/%lld correct\n",
                static_cast<long long>(report.page_type_correct),
                static_cast<long long>(report.pages));
  out += line;
  return out;
}

}  // namespace dragnet::parse
