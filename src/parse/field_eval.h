#pragma once
// Scores listing field extraction (fields.h) and page types (page_type.h) against golden pages
// written by hand: tests/golden/parse/*.expected.jsonl, one JSON object per page (JSON Lines,
// RFC 8259 per line). Precision, recall and F1 per field id and over all fields, as in the
// standard information-extraction evaluation (Makhoul et al. 1999, "Performance measures for
// information extraction"). How values compare is fixed by ValuesMatch and documented in
// tests/golden/parse/README.md.

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "parse/fields.h"
#include "parse/page_parser.h"
#include "parse/page_type.h"

namespace dragnet::parse {

struct FieldScore {
  int64_t expected = 0;   // values the golden page gives
  int64_t extracted = 0;  // values extracted for ids the golden page checks
  int64_t correct = 0;    // extracted values that match the expected one

  // Each is 0 when its denominator is 0 (nothing extracted, nothing expected).
  double Precision() const;
  double Recall() const;
  double F1() const;
  FieldScore& operator+=(const FieldScore& other);
};

struct FieldEvalReport {
  std::map<std::string, FieldScore> per_field;  // field id -> score
  FieldScore all;                               // the sum over fields
  int64_t pages = 0, page_type_correct = 0;
};

// One page of a golden file.
struct GoldenPage {
  std::string file;                           // relative to the golden set's base folder
  std::string url;                            // passed to ClassifyPage; "" when the line gives none
  std::string page_type;                      // one of kPageTypes
  std::map<std::string, std::string> fields;  // field id -> value as the page shows it
  // Ids whose extracted values are scored: an extracted field of an id outside `checked` and
  // `fields` is ignored. All of FieldLabels::KnownIds() when the line gives no "checked".
  std::set<std::string> checked;
  int line = 0;  // in the golden file, for messages
};

// Whether an extracted value is the expected one: equal after FieldLabels::Fold (case folding,
// white space collapsed, outer white space and trailing ':' trimmed). Nothing more lenient, so
// "fredthebaker 95.4" is not "fredthebaker" and "seller" is no title.
bool ValuesMatch(std::string_view expected, std::string_view extracted);

// Adds one page to `report` (pages + 1): each expected value counts as expected; each extracted
// field whose id is expected or checked counts as extracted, and as correct when it is the first
// extracted value of an expected id and ValuesMatch. The first overload checks every known id.
void ScorePage(const std::map<std::string, std::string>& expected,
               const std::vector<Field>& extracted, FieldEvalReport& report);
void ScorePage(const std::map<std::string, std::string>& expected,
               const std::vector<Field>& extracted, const std::set<std::string>& checked,
               FieldEvalReport& report);
// Counts a correct page type (the page itself is counted by ScorePage).
void ScorePageType(std::string_view expected, std::string_view classified, FieldEvalReport& report);

// Reads a golden file. Every error is "file:line: message" (invalid JSON, unknown keys, field
// ids or page types, a value that is not a non-empty string, an absolute or ".." path, a file
// given twice, an expected id missing from "checked"), one per line, at most 50.
Result<std::vector<GoldenPage>> ParseGoldenPages(std::string_view jsonl, const std::string& file);
Result<std::vector<GoldenPage>> LoadGoldenPages(const std::filesystem::path& jsonl);

struct GoldenEvaluation {
  FieldEvalReport report;
  // What did not match, one line each: "FILE: vendor: expected `x`, extracted `y`",
  // "FILE: price: missing", "FILE: title: not expected, extracted `y`",
  // "FILE: page type: expected listing, classified vendor".
  std::vector<std::string> differences;
};

// Runs ExtractText, ClassifyPage and ExtractFields on each page read from base / page.file and
// scores it. An unreadable page is an error naming it.
Result<GoldenEvaluation> EvaluateGoldenPages(const std::vector<GoldenPage>& pages,
                                             const std::filesystem::path& base,
                                             const PageParser& parser);

// A table for people: one line per field id ("vendor  exp 3  ext 3  ok 2  P 0.667 ..."), then
// "all" and the page types.
std::string FormatFieldEvalReport(const FieldEvalReport& report);

}  // namespace dragnet::parse
