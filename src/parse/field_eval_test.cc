// Tests of the golden-page field evaluation (field_eval.h): scores with exact counts, the golden
// file loader's messages, hostile golden files, and the two golden sets of tests/golden/parse/
// (the real market pages of ../shared are skipped when absent).

#include "parse/field_eval.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "core/shared_data_for_test.h"

namespace dragnet::parse {
namespace {

const std::filesystem::path kSource = DRAGNET_SOURCE_DIR;
const std::filesystem::path kGolden = kSource / "tests" / "golden" / "parse";

Field F(std::string id, std::string value) {
  return Field{std::move(id), "", std::move(value), ""};
}

TEST(FieldScore, PrecisionRecallF1) {
  FieldScore s{4, 5, 3};
  EXPECT_DOUBLE_EQ(s.Precision(), 0.6);
  EXPECT_DOUBLE_EQ(s.Recall(), 0.75);
  EXPECT_DOUBLE_EQ(s.F1(), 2 * 0.6 * 0.75 / 1.35);
  FieldScore none;
  EXPECT_EQ(none.Precision(), 0.0);
  EXPECT_EQ(none.Recall(), 0.0);
  EXPECT_EQ(none.F1(), 0.0);
  s += FieldScore{1, 0, 0};
  EXPECT_EQ(s.expected, 5);
  EXPECT_EQ(s.extracted, 5);
  EXPECT_EQ(s.correct, 3);
}

TEST(ValuesMatch, FoldsButIsStrict) {
  EXPECT_TRUE(ValuesMatch("Worldwide", "  worldwide "));
  EXPECT_TRUE(ValuesMatch("ЛЕНИНСКИЙ", "Ленинский"));
  EXPECT_TRUE(ValuesMatch("4.77 / 5.0", "4.77\u00a0/  5.0"));
  EXPECT_FALSE(ValuesMatch("fredthebaker", "fredthebaker 95.4"));
  EXPECT_FALSE(ValuesMatch("fredthebaker", "fredthebakery"));
  EXPECT_FALSE(ValuesMatch("1G of PURE UNCUT PERUVIAN COCAINE", "seller"));
  EXPECT_FALSE(ValuesMatch("", ""));
  EXPECT_FALSE(ValuesMatch("x", ""));
}

TEST(ScorePage, CountsExpectedExtractedAndCorrect) {
  FieldEvalReport report;
  std::map<std::string, std::string> expected = {
      {"vendor", "fredthebaker"}, {"title", "1G of cocaine"}, {"price", "฿0.0060"}};
  std::vector<Field> extracted = {F("title", "seller"), F("vendor", "fredthebaker 95.4"),
                                  F("price", "฿0.0060"), F("quantity", "Bitcoin (BTC)"),
                                  F("ships_to", "Worldwide")};
  ScorePage(expected, extracted, report);
  EXPECT_EQ(report.pages, 1);
  EXPECT_EQ(report.all.expected, 3);
  EXPECT_EQ(report.all.extracted, 5);  // quantity and ships_to: checked (all ids), not expected
  EXPECT_EQ(report.all.correct, 1);
  EXPECT_EQ(report.per_field["vendor"].extracted, 1);
  EXPECT_EQ(report.per_field["vendor"].correct, 0);
  EXPECT_EQ(report.per_field["price"].correct, 1);
  EXPECT_EQ(report.per_field["quantity"].expected, 0);
  EXPECT_EQ(report.per_field["quantity"].extracted, 1);

  // Only `checked` ids count when not expected; only the first value of an id can be correct.
  ScorePage({{"vendor", "bob"}}, {F("vendor", "bob 4.9"), F("vendor", "bob"), F("sales", "12")},
            {"vendor"}, report);
  EXPECT_EQ(report.pages, 2);
  EXPECT_EQ(report.all.expected, 4);
  EXPECT_EQ(report.all.extracted, 7);
  EXPECT_EQ(report.all.correct, 1);
  EXPECT_EQ(report.per_field["vendor"].extracted, 3);
  EXPECT_EQ(report.per_field.count("sales"), 0u);

  ScorePage({}, {}, report);
  EXPECT_EQ(report.pages, 3);
  EXPECT_EQ(report.all.expected, 4);
  ScorePageType("listing", "listing", report);
  ScorePageType("vendor", "listing", report);
  ScorePageType("", "", report);
  EXPECT_EQ(report.page_type_correct, 1);

  std::string table = FormatFieldEvalReport(report);
  EXPECT_NE(table.find("vendor            2     3     0  0.000  0.000  0.000\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("all               4     7     1  0.143  0.250  0.182\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("page type     1/3 correct\n"), std::string::npos) << table;
}

TEST(GoldenPages, ParsesLinesDefaultsAndCrlf) {
  auto pages = ParseGoldenPages(
      "{\"file\": \"a/b.htm\", \"page_type\": \"listing\", \"fields\": {\"vendor\": \"bob\"}}\r\n"
      "\n   \n"
      "{\"file\": \"c.htm\", \"url\": \"http://m.onion/v/1\", \"page_type\": \"vendor\", "
      "\"fields\": {}, \"checked\": [\"vendor\", \"sales\"]}",
      "g.jsonl");
  ASSERT_TRUE(pages.has_value()) << pages.error().message();
  ASSERT_EQ(pages->size(), 2u);
  const GoldenPage& a = (*pages)[0];
  EXPECT_EQ(a.file, "a/b.htm");
  EXPECT_EQ(a.url, "");
  EXPECT_EQ(a.page_type, "listing");
  EXPECT_EQ(a.fields, (std::map<std::string, std::string>{{"vendor", "bob"}}));
  EXPECT_EQ(a.checked.size(), FieldLabels::KnownIds().size());
  EXPECT_EQ(a.line, 1);
  const GoldenPage& c = (*pages)[1];
  EXPECT_EQ(c.url, "http://m.onion/v/1");
  EXPECT_EQ(c.checked, (std::set<std::string>{"sales", "vendor"}));
  EXPECT_EQ(c.line, 4);
  auto empty = ParseGoldenPages("", "g.jsonl");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(GoldenPages, ErrorsNameFileAndLine) {
  auto pages = ParseGoldenPages(
      R"({"file": "a.htm", "page_type": "listing", "fields": {"vendor": "bob"}}
{"file": "b.htm", "page_type": "shop", "fields": {"seller": "x", "price": 5}}
not json
[1, 2]
{"file": "/etc/passwd", "page_type": "vendor", "fields": {}, "colour": "red"}
{"file": "../x.htm", "fields": {"title": "  "}}
{"file": "a.htm", "page_type": "listing", "fields": {}}
{"file": "d.htm", "page_type": "listing", "fields": {"vendor": "v"}, "checked": ["price", "price", "x"]}
{"page_type": "listing", "fields": []}
)",
      "g.jsonl");
  ASSERT_FALSE(pages.has_value());
  const std::string& m = pages.error().message();
  for (const char* want : {
           "g.jsonl:2: unknown page type `shop`",
           "g.jsonl:2: unknown field id `seller`",
           "g.jsonl:2: field `price` must be a non-empty string",
           "g.jsonl:3: invalid JSON",
           "g.jsonl:4: a golden page must be a JSON object",
           "g.jsonl:5: unknown key `colour`",
           "g.jsonl:5: `file` must be a relative path without `..`: /etc/passwd",
           "g.jsonl:6: `file` must be a relative path without `..`: ../x.htm",
           "g.jsonl:6: `page_type` is missing",
           "g.jsonl:6: field `title` must be a non-empty string",
           "g.jsonl:7: file `a.htm` is given twice",
           "g.jsonl:8: field `price` is checked twice",
           "g.jsonl:8: unknown field id in `checked`: x",
           "g.jsonl:8: field `vendor` is expected but not in `checked`",
           "g.jsonl:9: `file` is missing",
           "g.jsonl:9: `fields` must be an object of field ids and values",
       }) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n" << m;
  }
  EXPECT_EQ(m.find("g.jsonl:1:"), std::string::npos) << m;
  EXPECT_EQ(m.rfind("g.jsonl:2: ", 0), 0u) << m;
}

TEST(GoldenPages, HostileFilesAreRejectedWithoutCrashing) {
  std::string deep(400000, '[');
  deep += std::string(400000, ']');
  std::string bad_utf8 = "{\"file\": \"a\xff.htm\", \"page_type\": \"listing\", \"fields\": {}}";
  std::string long_line = "{\"file\": \"" + std::string(size_t{2} << 20, 'a') + "\"}";
  for (const std::string& text : {deep, bad_utf8, long_line, std::string(100, '\0')}) {
    auto pages = ParseGoldenPages(text, "h.jsonl");
    ASSERT_FALSE(pages.has_value());
    EXPECT_EQ(pages.error().message().rfind("h.jsonl:1: ", 0), 0u) << pages.error().message();
  }
  std::string many;
  for (int i = 0; i < 200; ++i)
    many += "x\n";
  auto pages = ParseGoldenPages(many, "h.jsonl");
  ASSERT_FALSE(pages.has_value());
  EXPECT_NE(pages.error().message().find("h.jsonl:50: invalid JSON"), std::string::npos);
  EXPECT_EQ(pages.error().message().find("h.jsonl:51:"), std::string::npos);
}

TEST(GoldenPages, LoadAndEvaluateNameTheFile) {
  ScratchDir dir("GoldenPages.LoadAndEvaluateNameTheFile");
  EXPECT_FALSE(LoadGoldenPages(dir / "missing.jsonl").has_value());
  ASSERT_TRUE(WriteFileAtomic(dir / "g.jsonl",
                              "{\"file\": \"p.html\", \"page_type\": \"listing\", \"fields\": "
                              "{\"vendor\": \"alice\", \"price\": \"5 USD\"}}\n"
                              "{\"file\": \"q.html\", \"page_type\": \"other\", \"fields\": {}}\n")
                  .ok());
  auto bad = ParseGoldenPages("{]", (dir / "g.jsonl").string());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), (dir / "g.jsonl").string() + ":1: invalid JSON");
  auto pages = LoadGoldenPages(dir / "g.jsonl");
  ASSERT_TRUE(pages.has_value()) << pages.error().message();

  auto parser = PageParser::Load({});
  ASSERT_TRUE(parser.has_value()) << parser.error().message();
  auto missing = EvaluateGoldenPages(*pages, dir.path(), *parser);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("golden page p.html"), std::string::npos);

  ASSERT_TRUE(
      WriteFileAtomic(dir / "p.html",
                      "<table><tr><td>Vendor</td><td><a href=/u/alice>alice</a> "
                      "<span>(trusted)</span></td></tr><tr><td>Quantity:</td><td>Monero</td>"
                      "</tr></table><button>Add to cart</button><p>Ships to: EU</p>")
          .ok());
  ASSERT_TRUE(WriteFileAtomic(dir / "q.html", "<p>Welcome</p>").ok());
  auto run = EvaluateGoldenPages(*pages, dir.path(), *parser);
  ASSERT_TRUE(run.has_value()) << run.error().message();
  EXPECT_EQ(run->report.pages, 2);
  EXPECT_EQ(run->report.all.expected, 2);
  EXPECT_EQ(run->report.all.extracted, 2);  // vendor and ships_to; "Monero" is no quantity
  EXPECT_EQ(run->report.all.correct, 1);
  EXPECT_EQ(run->differences,
            (std::vector<std::string>{"p.html: ships_to: not expected, extracted `EU`",
                                      "p.html: price: missing, expected `5 USD`"}));
}

// The golden sets: exact counts, so that a change to the extractor shows here. Update the
// numbers (and tests/golden/parse/README.md) when a change is meant to move them.
struct GoldenRun {
  GoldenEvaluation evaluation;
  bool ok = false;
};

GoldenRun RunGolden(const std::filesystem::path& jsonl, const std::filesystem::path& base) {
  GoldenRun run;
  auto parser = PageParser::Load({});
  auto pages = LoadGoldenPages(jsonl);
  if (!parser.has_value() || !pages.has_value()) {
    ADD_FAILURE() << (!pages.has_value() ? pages.error().message() : parser.error().message());
    return run;
  }
  auto evaluation = EvaluateGoldenPages(*pages, base, *parser);
  if (!evaluation.has_value()) {
    ADD_FAILURE() << evaluation.error().message();
    return run;
  }
  run.evaluation = std::move(*evaluation);
  run.ok = true;
  std::printf("%s", FormatFieldEvalReport(run.evaluation.report).c_str());
  for (const std::string& difference : run.evaluation.differences)
    std::printf("  %s\n", difference.c_str());
  return run;
}

TEST(GoldenSets, RealMarketPages) {
  auto base = testing::SharedDataDir() / "dev" / "market-pages";
  if (!std::filesystem::exists(base / "html"))
    GTEST_SKIP() << "../shared absent";
  GoldenRun run = RunGolden(kGolden / "market-pages.expected.jsonl", base);
  ASSERT_TRUE(run.ok);
  const FieldEvalReport& r = run.evaluation.report;
  EXPECT_EQ(r.pages, 3);
  EXPECT_EQ(r.page_type_correct, 3);
  EXPECT_EQ(r.all.expected, 22);
  EXPECT_EQ(r.all.extracted, 22);
  // The Berlusconi page's category from its breadcrumbs, price by its class word, rating from
  // the feedback counts beside the vendor and payment from the order form's radio button; the
  // cocaine listing's rating by its class word.
  EXPECT_EQ(r.all.correct, 22);
  EXPECT_EQ(run.evaluation.differences.size(), 0u);
  for (const char* fixed : {"vendor", "title", "quantity"}) {
    const FieldScore& s = r.per_field.count(fixed) ? r.per_field.at(fixed) : FieldScore{};
    EXPECT_EQ(s.extracted, s.correct) << fixed;  // no glued rating, no "seller", no "Bitcoin"
  }
}

TEST(GoldenSets, Layouts) {
  GoldenRun run = RunGolden(kGolden / "layouts.expected.jsonl", kGolden / "layouts");
  ASSERT_TRUE(run.ok);
  const FieldEvalReport& r = run.evaluation.report;
  EXPECT_EQ(r.pages, 8);
  EXPECT_EQ(r.page_type_correct, 8);
  EXPECT_EQ(r.all.expected, 66);
  // Payment from order forms (also a select named in Dutch); "Vendor level" is a label of its
  // own and "Product class" none; "Sold by <a>benzoking</a> 4.96/5" gives vendor and rating.
  EXPECT_EQ(r.all.extracted, 64);
  EXPECT_EQ(r.all.correct, 64);
  EXPECT_EQ(r.per_field.at("vendor").correct, 7);
  EXPECT_EQ(r.per_field.at("title").correct, 6);  // the main heading, where no label names it
  EXPECT_EQ(r.per_field.count("quantity"), 0u);   // no currency choice taken as a quantity
}

}  // namespace
}  // namespace dragnet::parse
