// Throughput of the substances and selectors analyzers per stage on a realistic multilingual
// corpus of listing titles and descriptions, in MB/s of input on one core. The comparison with
// ripgrep over all lexicon names on the same corpus is bench/identify_compare.sh.
//
//   identify_bench                         Google Benchmark run (corpus generated in memory)
//   identify_bench --write-corpus FILE MB  writes the corpus (one listing a line) and exits
//
// The corpus mixes names from the shipped lexicon (as written and obfuscated: spaced letters,
// look-alike letters, transliteration, stretched letters), quantities, prices in several
// currencies, and filler text in English, Russian, German and Polish, in the proportions of a
// market where most words are not drug names; about one listing in twelve carries a seller
// selector (wallet, onion, handle, phone, e-mail), as written by sellers.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include <benchmark/benchmark.h>

#include "identify/identifier.h"
#include "identify/selectors/selectors.h"

namespace dragnet::identify {
namespace {

const char* const kFiller[] = {
    "top",         "quality",  "stealth", "shipping", "worldwide", "escrow", "fast",    "tracked",
    "refund",      "vendor",   "new",     "stock",    "best",      "price",  "sale",    "discount",
    "качество",    "закладка", "магнит",  "прикоп",   "район",     "центр",  "Москва",  "Алматы",
    "Київ",        "Батуми",   "скидка",  "отзывы",   "в наличии", "клад",   "Versand", "aus",
    "Deutschland", "Qualität", "wysyłka", "z",        "Polski",    "jakość", "the",     "and",
    "for",         "with",     "from",    "EU",       "USA",       "UK",     "BTC",     "XMR",
    "SALE",        "!!!",      "—",       "|",        "✅",         "🔥",      "(VHQ)",   "24/7"};
const char* const kQuantities[] = {"1g",     "0.5g",       "3,5гр",   "5G",   "300mg",
                                   "100шт.", "10 x 200mg", "20+2 gr", "1 кг", "3.5g",
                                   "1oz",    "1000ug/ml",  "2 грамма"};
const char* const kPrices[] = {"40$",      "€45",     "3200₽", "1 500 грн", "0.002 BTC",
                               "12000 тг", "150 USD", "90 EUR",  "2500 руб",  "80 GEL"};

// Selectors as sellers write them (valid checksums; the text around them varies).
const char* const kSelectors[] = {
    "BTC: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "pay 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "USDT TRC20 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "ERC20 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "mirror http://25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion/shop",
    "Wickr ID....shop2020",
    "WhatsApp: +1 636-306-2692",
    "оператор @klad_operator",
    "бот t.me/klad_shop_bot",
    "тел 8 (916) 123-45-67",
    "mail vendor [at] protonmail [dot] com",
    "jabber: dealer@exploit.im"};

std::string Obfuscate(std::string name, std::mt19937& rng) {
  switch (rng() % 6) {
    case 0: {  // spaced letters
      std::string spaced;
      for (char c : name) {
        spaced.push_back(c);
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
          spaced.push_back(' ');
      }
      return spaced;
    }
    case 1:  // Cyrillic о for Latin o
      for (size_t at = name.find('o'); at != std::string::npos; at = name.find('o', at + 2)) {
        name.replace(at, 1, "\xd0\xbe");
      }
      return name;
    case 2:  // stretched
      return name.empty() ? name : name + std::string(3, name.back());
    default:
      return name;
  }
}

std::string Corpus(const Lexicon& lexicon, size_t bytes) {
  std::mt19937 rng(20261129);
  std::vector<const std::string*> names;
  for (const Name& name : lexicon.names) {
    if (name.target != Name::Target::kCategory)
      names.push_back(&name.text);
  }
  std::string corpus;
  corpus.reserve(bytes + 1024);
  while (corpus.size() < bytes) {
    // A title, then sometimes a description: 1 drug name per 12-40 words.
    int words = 12 + static_cast<int>(rng() % 28);
    int name_at = static_cast<int>(rng() % static_cast<unsigned>(words));
    for (int w = 0; w < words; ++w) {
      if (w == name_at && !names.empty()) {
        corpus += Obfuscate(*names[rng() % names.size()], rng);
      } else if (rng() % 9 == 0) {
        corpus += kQuantities[rng() % std::size(kQuantities)];
      } else if (rng() % 11 == 0) {
        corpus += kPrices[rng() % std::size(kPrices)];
      } else if (rng() % 240 == 0) {
        corpus += kSelectors[rng() % std::size(kSelectors)];
      } else {
        corpus += kFiller[rng() % std::size(kFiller)];
      }
      corpus.push_back(' ');
    }
    corpus.back() = '\n';
  }
  return corpus;
}

struct Fixture {
  std::unique_ptr<Identifier> identifier;
  std::string corpus;
  std::vector<std::string_view> lines;
};

Fixture& Shared() {
  static Fixture fixture = [] {
    Fixture f;
    auto identifier = Identifier::Create({});
    if (!identifier.has_value()) {
      std::fprintf(stderr, "identify_bench: %s\n", identifier.error().message().c_str());
      std::exit(1);
    }
    f.identifier = std::move(*identifier);
    f.corpus = Corpus(f.identifier->lexicon(), size_t{16} << 20);
    for (size_t start = 0; start < f.corpus.size();) {
      size_t stop = f.corpus.find('\n', start);
      f.lines.emplace_back(f.corpus.data() + start, stop - start);
      start = stop + 1;
    }
    return f;
  }();
  return fixture;
}

void BM_Identify(benchmark::State& state) {
  Fixture& f = Shared();
  auto session = f.identifier->NewSession();
  Identification result;
  for (auto _ : state) {
    for (std::string_view line : f.lines) {
      if (!(*session)->Identify(line, "", result).ok())
        state.SkipWithError("identify failed");
      benchmark::DoNotOptimize(result.substances.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_Identify)->Unit(benchmark::kMillisecond)->MinTime(2);

// The same corpus cut into pages of about 16 KiB, as crawled listing pages come.
void BM_IdentifyPages(benchmark::State& state) {
  Fixture& f = Shared();
  auto session = f.identifier->NewSession();
  Identification result;
  std::vector<std::string_view> pages;
  for (size_t start = 0; start < f.corpus.size();) {
    size_t stop = f.corpus.find('\n', std::min(f.corpus.size(), start + (16 << 10)));
    if (stop == std::string::npos)
      stop = f.corpus.size();
    pages.emplace_back(f.corpus.data() + start, stop - start);
    start = stop + 1;
  }
  for (auto _ : state) {
    for (std::string_view page : pages) {
      if (!(*session)->Identify(page, "", result).ok())
        state.SkipWithError("identify failed");
      benchmark::DoNotOptimize(result.substances.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_IdentifyPages)->Unit(benchmark::kMillisecond)->MinTime(2);

// Pages of about 16 KiB, as crawled listing pages come.
std::vector<std::string_view> Pages(const std::string& corpus) {
  std::vector<std::string_view> pages;
  for (size_t start = 0; start < corpus.size();) {
    size_t stop = corpus.find('\n', std::min(corpus.size(), start + (16 << 10)));
    if (stop == std::string::npos)
      stop = corpus.size();
    pages.emplace_back(corpus.data() + start, stop - start);
    start = stop + 1;
  }
  return pages;
}

// The selectors analyzer alone, on the same pages.
void BM_Selectors(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<std::string_view> pages = Pages(f.corpus);
  SelectorFindings found;
  size_t count = 0;
  for (auto _ : state) {
    for (std::string_view page : pages) {
      FindSelectors(page, {}, found);
      count += found.selectors.size();
    }
  }
  benchmark::DoNotOptimize(count);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_Selectors)->Unit(benchmark::kMillisecond)->MinTime(2);

// What `dragnet identify` does per page: selectors first (their opaque strings blanked), then
// substances. Compare with BM_IdentifyPages for the cost of the selectors.
void BM_IdentifyPagesWithSelectors(benchmark::State& state) {
  Fixture& f = Shared();
  auto session = f.identifier->NewSession();
  Identification result;
  SelectorFindings found;
  std::string masked;
  std::vector<std::string_view> pages = Pages(f.corpus);
  for (auto _ : state) {
    for (std::string_view page : pages) {
      std::string_view text = FindSelectorsAndMask(page, {}, found, masked);
      if (!(*session)->Identify(text, "", result).ok())
        state.SkipWithError("identify failed");
      benchmark::DoNotOptimize(result.substances.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_IdentifyPagesWithSelectors)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_Normalize(benchmark::State& state) {
  Fixture& f = Shared();
  NormalizedText normalized;
  for (auto _ : state) {
    for (std::string_view line : f.lines) {
      f.identifier->normalizer().Normalize(line, normalized);
      benchmark::DoNotOptimize(normalized.key.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond)->MinTime(2);

// The matcher alone, on each listing's folded text (as Identify scans it). Scanning the whole
// corpus as one text would stop at the hit limit per document and measure a fraction of it.
void BM_HyperscanScan(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<NormalizedText> normalized(f.lines.size());
  for (size_t i = 0; i < f.lines.size(); ++i)
    f.identifier->normalizer().Normalize(f.lines[i], normalized[i]);
  auto session = f.identifier->matcher().NewSession();
  std::vector<NameHit> hits;
  for (auto _ : state) {
    for (const NormalizedText& text : normalized) {
      hits.clear();
      if (!(*session)->Scan(text, hits).ok())
        state.SkipWithError("scan failed");
      benchmark::DoNotOptimize(hits.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_HyperscanScan)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_Quantities(benchmark::State& state) {
  Fixture& f = Shared();
  QuantityFindings found;
  for (auto _ : state) {
    for (std::string_view line : f.lines) {
      ParseQuantities(line, found);
      benchmark::DoNotOptimize(found.quantities.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.corpus.size()));
}
BENCHMARK(BM_Quantities)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace dragnet::identify

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--write-corpus") == 0) {
    auto identifier = dragnet::identify::Identifier::Create({});
    if (!identifier.has_value()) {
      std::fprintf(stderr, "identify_bench: %s\n", identifier.error().message().c_str());
      return 1;
    }
    std::string corpus = dragnet::identify::Corpus((*identifier)->lexicon(),
                                                   std::strtoull(argv[3], nullptr, 10) << 20);
    std::ofstream out(argv[2], std::ios::binary);
    out.write(corpus.data(), static_cast<std::streamsize>(corpus.size()));
    return out.good() ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
