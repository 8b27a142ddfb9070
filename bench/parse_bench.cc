// Throughput of the parse stage on market pages, in pages/s and MB/s on one core, against what a
// script would otherwise do first: have libxml2 build the page's tree (lxml and BeautifulSoup's
// fast path do exactly that), measured in the same run on the same pages.
//
// Pages: every page of a simulated web (tools/simnet: listings, vendor pages, category pages,
// dead-drop price tables, forum threads, shop pages), each wrapped in the furniture real markets
// carry (a style sheet, a script, a menu of 40 categories, a footer), about 9 KiB a page.

#include <cstdio>
#include <filesystem>
#include <optional>

#include <benchmark/benchmark.h>
#include <libxml/HTMLparser.h>

#include "core/file.h"
#include "core/scratch_dir.h"
#include "identify/lexicon.h"
#include "identify/rates.h"
#include "parse/charset.h"
#include "parse/fields.h"
#include "parse/html_text.h"
#include "parse/language.h"
#include "parse/near_duplicate.h"
#include "parse/page_parser.h"
#include "parse/page_type.h"
#include "simnet/generator.h"

namespace dragnet::parse {
namespace {

namespace fs = std::filesystem;

std::string Furniture(const std::string& page) {
  std::string head = "<style>";
  for (int i = 0; i < 60; ++i)
    head += ".c" + std::to_string(i) + "{margin:0 auto;padding:4px 8px;color:#333;}";
  head += "</style><script>var market={";
  for (int i = 0; i < 60; ++i)
    head += "k" + std::to_string(i) + ":'value " + std::to_string(i) + "',";
  head += "};</script>";
  std::string menu = "<div class=\"menu\"><ul>";
  for (int i = 0; i < 40; ++i)
    menu += "<li><a href=\"/category/" + std::to_string(i) + "\">Category " + std::to_string(i) +
            "</a></li>";
  menu += "</ul></div>";
  std::string footer =
      "<div class=\"footer\"><p>Support | Rules | FAQ | Mirrors | PGP | Canary</p>"
      "<p>Copyright the market. All rights reserved. Never finalize early.</p></div>";
  std::string out = page;
  size_t head_at = out.find("</head>");
  if (head_at != std::string::npos)
    out.insert(head_at, head);
  size_t body_at = out.find("<body>");
  if (body_at != std::string::npos)
    out.insert(body_at + 6, menu);
  size_t end_at = out.rfind("</body>");
  if (end_at != std::string::npos)
    out.insert(end_at, footer);
  return out;
}

struct Corpus {
  std::vector<std::string> pages;
  std::vector<std::string> urls;  // where each page was served (for page type and profiles)
  size_t bytes = 0;
  PageTypeVocabulary vocabulary;
  FieldLabels labels;
  std::optional<PageParser> parser;
};

const Corpus& TheCorpus() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    auto lexicon = identify::LoadLexicon(identify::DefaultLexiconDirectory());
    auto world = lexicon ? simnet::LoadWorld(simnet::DefaultWorldFile(), *lexicon)
                         : Result<simnet::World>(lexicon.error());
    auto rates = identify::ExchangeRates::Load(identify::DefaultDataDirectory() / "rates" /
                                               "exchange_rates.csv");
    auto vocabulary = LoadPageTypeVocabulary(DefaultParseDataFile("page_types.yaml"));
    auto labels = LoadFieldLabels(DefaultFieldLabelsFile());
    if (!lexicon || !world || !rates || !vocabulary || !labels) {
      std::fprintf(stderr, "parse_bench: cannot load the data files\n");
      std::exit(1);
    }
    c->vocabulary = std::move(*vocabulary);
    c->labels = std::move(*labels);
    auto parser = PageParser::Load({});
    if (!parser) {
      std::fprintf(stderr, "parse_bench: %s\n", parser.error().message().c_str());
      std::exit(1);
    }
    c->parser.emplace(std::move(*parser));
    ScratchDir scratch("parse_bench");
    simnet::GenerateOptions options;
    options.listings_per_market = 200;
    auto web = simnet::Generate(*lexicon, *world, *rates, options, scratch.path() / "web");
    if (!web) {
      std::fprintf(stderr, "parse_bench: %s\n", web.error().message().c_str());
      std::exit(1);
    }
    for (const auto& e :
         fs::recursive_directory_iterator(scratch.path() / "web" / "sites" / "epoch-1")) {
      std::string name = e.path().filename().string();
      if (!e.is_regular_file() || name.ends_with(".jpg"))
        continue;
      auto html = ReadFile(e.path());
      if (html) {
        c->pages.push_back(Furniture(*html));
        c->bytes += c->pages.back().size();
        fs::path relative = fs::relative(e.path(), scratch.path() / "web" / "sites" / "epoch-1");
        std::string url = "http://" + relative.generic_string();
        for (char& ch : url)
          ch = ch == '@' ? '?' : ch;  // the generator's file names keep queries as '@'
        c->urls.push_back(url);
      }
    }
    return c;
  }();
  return *corpus;
}

// All that `dragnet parse` computes per page (parse/page_parser.h): charset, text, page type,
// site profile and generic fields, feedback, SimHash, language and scripts.
void BM_ParsePage(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state) {
    size_t k = i++ % c.pages.size();
    benchmark::DoNotOptimize(c.parser->Parse(c.pages[k], "text/html", c.urls[k]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes / c.pages.size()));
  state.counters["pages"] = static_cast<double>(c.pages.size());
}
BENCHMARK(BM_ParsePage);

// Every page of the corpus once per iteration: the same work in every run, for comparing
// instruction counts (valgrind --tool=callgrind) between builds.
void BM_ParseCorpus(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  for (auto _ : state) {
    for (size_t k = 0; k < c.pages.size(); ++k)
      benchmark::DoNotOptimize(c.parser->Parse(c.pages[k], "text/html", c.urls[k]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.pages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_ParseCorpus)->Iterations(1);

// The real market pages of ../shared/data/dev/market-pages (15 to 42 KiB each, as saved from
// two markets), when that directory is there: page length as crawled, not as simulated.
void BM_ParseRealPages(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  const char* env = std::getenv("DRAGNET_SHARED_DATA");
  fs::path dir = fs::path(env != nullptr && *env != '\0' ? env : "../shared/data") / "dev" /
                 "market-pages" / "html";
  std::vector<std::string> pages;
  size_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file())
      continue;
    if (auto html = ReadFile(e.path()); html) {
      bytes += html->size();
      pages.push_back(std::move(*html));
    }
  }
  if (pages.empty()) {
    state.SkipWithError("no pages in ../shared/data/dev/market-pages/html (DRAGNET_SHARED_DATA)");
    return;
  }
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(c.parser->Parse(pages[i++ % pages.size()], "text/html", ""));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes / pages.size()));
  state.counters["pages"] = static_cast<double>(pages.size());
}
BENCHMARK(BM_ParseRealPages);

// The baseline: libxml2 builds the page's tree and frees it, nothing more.
void BM_Libxml2Tree(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& page = c.pages[i++ % c.pages.size()];
    htmlDocPtr doc = htmlReadMemory(
        page.data(), static_cast<int>(page.size()), nullptr, "UTF-8",
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    benchmark::DoNotOptimize(doc);
    xmlFreeDoc(doc);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes / c.pages.size()));
}
BENCHMARK(BM_Libxml2Tree);

// Each step alone, to see where the time goes.
void BM_PageText(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(ExtractText(c.pages[i++ % c.pages.size()]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PageText);

void BM_PageType(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state) {
    size_t k = i++ % c.pages.size();
    benchmark::DoNotOptimize(
        ClassifyPage(c.pages[k], ExtractText(c.pages[k]).text, c.urls[k], c.vocabulary));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PageType);

void BM_Charset(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(DecodePage(c.pages[i++ % c.pages.size()], "text/html"));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Charset);

void BM_Language(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  static const std::vector<std::string>* texts = [&] {
    auto* t = new std::vector<std::string>;
    for (const std::string& page : c.pages)
      t->push_back(ExtractText(page).text);
    return t;
  }();
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(DetectLanguage((*texts)[i++ % texts->size()]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Language);

void BM_Fields(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(ExtractFields(c.pages[i++ % c.pages.size()], c.labels));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Fields);

}  // namespace
}  // namespace dragnet::parse

BENCHMARK_MAIN();
