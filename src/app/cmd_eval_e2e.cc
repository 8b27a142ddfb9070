// dragnet eval e2e --truth DIR: scores what Dragnet stored against the ground truth of a
// simulated web (tools/simnet). Every analysed document whose capture URI the truth knows is
// compared: substances, classes, the listing category, the seller's selectors and the price per
// gram or unit. Precision, recall and F1 per measure; --min-f1 makes it a regression gate.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "core/file.h"

namespace dragnet::app {
namespace {

namespace fs = std::filesystem;

struct TruthPage {
  std::string page_type;
  std::string category;
  std::set<std::string> substances;
  std::set<std::string> classes;
  std::set<std::string> selectors;  // "kind value", normalised
  std::set<std::string> invalid;
  std::string unit;  // "g" or "unit"
  double usd_per_unit[2] = {0, 0};
  std::map<std::string, std::string> fields;  // listing field id -> value as written
  std::string ad;  // posts: the ad it repeats; posts with the same ad are near-duplicates
};

struct Counts {
  uint64_t tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp == 0 ? 1.0 : double(tp) / double(tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1.0 : double(tp) / double(tp + fn); }
  double F1() const {
    double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

// The selector kinds the generator plants; others (URLs, domains...) are not scored.
const std::set<std::string>& ScoredKinds() {
  static const std::set<std::string> kinds = {"pgp",   "bitcoin", "monero",   "onion",
                                              "email", "phone",   "telegram", "wickr"};
  return kinds;
}

std::string NormaliseSelector(std::string kind, std::string value) {
  if (kind == "pgp_key" || kind == "pgp_fingerprint")
    kind = "pgp";
  if (kind == "telegram" && !value.empty() && value[0] == '@')
    value.erase(0, 1);
  if (kind != "bitcoin" && kind != "monero")  // base58 is case-sensitive
    for (char& c : value)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kind + " " + value;
}

void Score(const std::set<std::string>& found, const std::set<std::string>& truth, Counts& c,
           std::map<std::string, int>* misses, std::map<std::string, int>* extras) {
  for (const std::string& f : found) {
    if (truth.count(f) != 0) {
      ++c.tp;
    } else {
      ++c.fp;
      if (extras != nullptr)
        ++(*extras)[f];
    }
  }
  for (const std::string& t : truth) {
    if (found.count(t) == 0) {
      ++c.fn;
      if (misses != nullptr)
        ++(*misses)[t];
    }
  }
}

Result<std::map<std::string, TruthPage>> LoadTruth(const fs::path& file) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  std::map<std::string, TruthPage> truth;
  size_t line_no = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty())
      continue;
    try {
      nlohmann::json j = nlohmann::json::parse(line);
      TruthPage t;
      t.page_type = j.at("page_type").get<std::string>();
      t.category = j.value("category", "");
      for (const auto& s : j.at("substances"))
        t.substances.insert(s.get<std::string>());
      for (const auto& s : j.at("classes"))
        t.classes.insert(s.get<std::string>());
      for (const auto& s : j.at("selectors"))
        t.selectors.insert(NormaliseSelector(s.at("kind"), s.at("value")));
      if (j.contains("invalid_selectors"))
        for (const auto& s : j["invalid_selectors"])
          t.invalid.insert(NormaliseSelector(s.at("kind"), s.at("value")));
      if (j.contains("fields"))
        for (const auto& [id, value] : j["fields"].items())
          t.fields[id] = value.get<std::string>();
      t.ad = j.value("ad", "");
      if (j.contains("unit")) {
        t.unit = j["unit"] == "g" ? "g" : "unit";
        t.usd_per_unit[0] = j.at("usd_per_unit").at(0).get<double>();
        t.usd_per_unit[1] = j.at("usd_per_unit").at(1).get<double>();
      }
      truth[j.at("url").get<std::string>()] = std::move(t);
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgument(file.string() + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return truth;
}

struct E2eArgs {
  std::string truth;
  double min_f1 = 0;
  double price_tolerance = 0.15;
  bool verbose = false;
};

int RunEvalE2e(const GlobalOptions& options, const E2eArgs& args) {
  fs::path dir = args.truth;
  auto truth = LoadTruth(dir / "truth" / "pages.jsonl");
  if (!truth.has_value()) {
    PrintError(truth.error().message());
    return 1;
  }
  auto store = OpenExistingStore(options);
  if (!store)
    return 1;

  // The parse stage's page type of each document, when `dragnet parse --store` has run.
  std::map<int64_t, std::string> page_types;
  std::map<int64_t, std::map<std::string, std::string>> fields_found;  // document -> field -> value
  std::map<int64_t, int64_t> copy_of;  // document -> the earlier near-duplicate it was linked to
  for (int64_t after = 0;;) {
    auto page = store->AnalysedDocuments("parse", after, 5000);
    if (!page.has_value() || page->empty())
      break;
    for (const store::AnalysedDocument& d : *page) {
      after = d.document_id;
      page_types[d.document_id] = d.category;
      for (const store::Finding& f : d.findings) {
        if (f.kind.rfind("field:", 0) == 0)
          fields_found[d.document_id][f.kind.substr(6)] = f.key;
        else if (f.kind == "near_duplicate")
          copy_of[d.document_id] = std::strtoll(f.key.c_str(), nullptr, 10);
      }
    }
  }
  std::vector<std::pair<int64_t, std::string>> posts_with_ad;  // document, the truth's ad
  std::map<std::string, Counts> per_page_type;
  std::map<std::string, Counts> per_field;  // scored on the fields the truth names
  uint64_t typed = 0, typed_ok = 0;
  Counts substances, classes, selectors;
  std::map<std::string, Counts> per_kind, per_category;
  std::map<std::string, int> missed, extra, missed_substances, extra_substances;
  uint64_t documents = 0, scored = 0, unknown = 0, invalid_planted = 0, invalid_reported = 0;
  uint64_t priced = 0, price_ok = 0, category_docs = 0, category_ok = 0;
  std::map<std::string, int> seen;  // uri -> captures scored so far (the crawl's epoch)
  std::set<std::string> covered;
  int64_t after = 0;
  for (;;) {
    auto page = store->AnalysedDocuments("substances", after, 1000);
    if (!page.has_value()) {
      PrintError(page.error().message());
      return 1;
    }
    if (page->empty())
      break;
    for (const store::AnalysedDocument& d : *page) {
      after = d.document_id;
      ++documents;
      auto it = truth->find(d.uri);
      if (it == truth->end()) {
        ++unknown;
        continue;
      }
      const TruthPage& t = it->second;
      ++scored;
      if (!t.ad.empty())
        posts_with_ad.emplace_back(d.document_id, t.ad);
      covered.insert(d.uri);
      int epoch = std::min(seen[d.uri]++, 1);
      std::set<std::string> found_substances, found_classes, found_selectors;
      std::optional<double> price;
      for (const store::Finding& f : d.findings) {
        if (f.kind == "substance")
          found_substances.insert(f.key);
        else if (f.kind == "price_per_unit" && f.key == t.unit && f.value && !price)
          price = f.value;
        else if (f.kind.rfind("selector:", 0) == 0) {
          std::string s = NormaliseSelector(f.kind.substr(9), f.key);
          if (ScoredKinds().count(s.substr(0, s.find(' '))) != 0)
            found_selectors.insert(s);
        }
      }
      size_t from = 0;
      while (from < d.classes.size()) {
        size_t comma = d.classes.find(',', from);
        if (comma == std::string::npos)
          comma = d.classes.size();
        if (comma > from)
          found_classes.insert(d.classes.substr(from, comma - from));
        from = comma + 1;
      }
      Score(found_substances, t.substances, substances, &missed_substances, &extra_substances);
      Score(found_classes, t.classes, classes, nullptr, nullptr);
      Score(found_selectors, t.selectors, selectors, &missed, &extra);
      for (const std::string& kind : ScoredKinds()) {
        std::set<std::string> f, tr;
        for (const std::string& s : found_selectors)
          if (s.compare(0, kind.size() + 1, kind + " ") == 0)
            f.insert(s);
        for (const std::string& s : t.selectors)
          if (s.compare(0, kind.size() + 1, kind + " ") == 0)
            tr.insert(s);
        Score(f, tr, per_kind[kind], nullptr, nullptr);
      }
      for (const std::string& s : t.invalid) {
        ++invalid_planted;
        invalid_reported += found_selectors.count(s);
      }
      if (!t.category.empty()) {
        ++category_docs;
        if (d.category == t.category) {
          ++category_ok;
          ++per_category[t.category].tp;
        } else {
          ++per_category[t.category].fn;
          ++per_category[d.category.empty() ? "(none)" : d.category].fp;
        }
      }
      if (auto found = page_types.find(d.document_id); found != page_types.end()) {
        std::string expected = t.page_type == "post" ? "messenger_post" : t.page_type;
        ++typed;
        if (found->second == expected) {
          ++typed_ok;
          ++per_page_type[expected].tp;
        } else {
          ++per_page_type[expected].fn;
          ++per_page_type[found->second].fp;
        }
      }
      if (!t.fields.empty() && page_types.count(d.document_id) != 0) {
        const auto& found = fields_found[d.document_id];
        for (const auto& [id, value] : t.fields) {
          auto f = found.find(id);
          if (f == found.end()) {
            ++per_field[id].fn;
          } else if (f->second == value) {
            ++per_field[id].tp;
          } else {  // a wrong value counts as extra and as missed
            ++per_field[id].fp;
            ++per_field[id].fn;
          }
        }
      }
      if (!t.unit.empty() && t.usd_per_unit[epoch] > 0) {
        ++priced;
        if (price && std::fabs(*price - t.usd_per_unit[epoch]) <=
                         args.price_tolerance * t.usd_per_unit[epoch])
          ++price_ok;
      }
    }
  }
  uint64_t truth_missing = 0;
  for (const auto& [uri, t] : *truth)
    truth_missing += covered.count(uri) == 0;

  std::printf("end-to-end against %s\n", (dir / "truth" / "pages.jsonl").c_str());
  std::printf(
      "documents: %llu analysed, %llu with ground truth, %llu without (images, other "
      "files); %llu truth pages never captured\n",
      static_cast<unsigned long long>(documents), static_cast<unsigned long long>(scored),
      static_cast<unsigned long long>(unknown), static_cast<unsigned long long>(truth_missing));
  std::printf("%-22s %9s %9s %9s %7s %7s %7s\n", "measure", "precision", "recall", "F1", "tp", "fp",
              "fn");
  auto row = [](const std::string& name, const Counts& c) {
    std::printf("%-22s %9.3f %9.3f %9.3f %7llu %7llu %7llu\n", name.c_str(), c.Precision(),
                c.Recall(), c.F1(), static_cast<unsigned long long>(c.tp),
                static_cast<unsigned long long>(c.fp), static_cast<unsigned long long>(c.fn));
  };
  row("substances", substances);
  row("classes", classes);
  row("selectors", selectors);
  for (const auto& [kind, c] : per_kind)
    if (c.tp + c.fp + c.fn > 0)
      row("  selector " + kind, c);
  double macro = 0;
  int categories = 0;
  for (const auto& [category, c] : per_category) {
    if (c.tp + c.fn == 0)
      continue;  // a category only ever predicted, never true: counted in the others' precision
    row("  category " + category, c);
    macro += c.F1();
    ++categories;
  }
  macro = categories == 0 ? 0 : macro / categories;
  double accuracy = category_docs == 0 ? 0 : double(category_ok) / double(category_docs);
  std::printf("categories: accuracy %.3f over %llu listings and posts, macro-F1 %.3f\n", accuracy,
              static_cast<unsigned long long>(category_docs), macro);
  double page_macro = 0;
  int page_type_count = 0;
  for (const auto& [type, c] : per_page_type) {
    if (c.tp + c.fn == 0)
      continue;
    row("  page type " + type, c);
    page_macro += c.F1();
    ++page_type_count;
  }
  Counts fields_total;
  for (const auto& [id, c] : per_field) {
    row("  field " + id, c);
    fields_total.tp += c.tp;
    fields_total.fp += c.fp;
    fields_total.fn += c.fn;
  }
  if (!per_field.empty())
    row("fields (parse)", fields_total);
  if (typed > 0)
    std::printf("page types (dragnet parse): accuracy %.3f over %llu documents, macro-F1 %.3f\n",
                double(typed_ok) / double(typed), static_cast<unsigned long long>(typed),
                page_macro / std::max(page_type_count, 1));
  else
    std::printf("page types: not scored (run `dragnet parse --store` first)\n");
  std::printf("price per gram or unit within %.0f%% of the truth: %llu of %llu (%.3f)\n",
              args.price_tolerance * 100, static_cast<unsigned long long>(price_ok),
              static_cast<unsigned long long>(priced),
              priced == 0 ? 0.0 : double(price_ok) / double(priced));
  // Near-duplicates, scored over pairs of posts: a pair of copies of one ad should be linked (in
  // one cluster of near_duplicate links), a pair of different ads should not.
  Counts pairs;
  if (!copy_of.empty() || !posts_with_ad.empty()) {
    auto cluster = [&](int64_t doc) {
      for (int hops = 0; hops < 1000; ++hops) {
        auto link = copy_of.find(doc);
        if (link == copy_of.end() || link->second == doc)
          break;
        doc = link->second;
      }
      return doc;
    };
    std::vector<int64_t> roots;
    for (const auto& post : posts_with_ad)
      roots.push_back(cluster(post.first));
    for (size_t i = 0; i < posts_with_ad.size(); ++i) {
      for (size_t j = i + 1; j < posts_with_ad.size(); ++j) {
        bool same_ad = posts_with_ad[i].second == posts_with_ad[j].second;
        bool linked = roots[i] == roots[j];
        if (same_ad && linked)
          ++pairs.tp;
        else if (same_ad)
          ++pairs.fn;
        else if (linked)
          ++pairs.fp;
      }
    }
    std::printf(
        "near-duplicate posts (pairs of copies of one ad linked): P %.3f R %.3f F1 %.3f "
        "over %zu posts\n",
        pairs.Precision(), pairs.Recall(), pairs.F1(), posts_with_ad.size());
  }
  std::printf("planted invalid selectors reported as valid: %llu of %llu\n",
              static_cast<unsigned long long>(invalid_reported),
              static_cast<unsigned long long>(invalid_planted));
  std::printf("actors: not scored yet (the link stage does not exist)\n");
  auto top = [](const char* what, const std::map<std::string, int>& m) {
    std::vector<std::pair<int, std::string>> v;
    for (const auto& [k, n] : m)
      v.emplace_back(-n, k);
    std::sort(v.begin(), v.end());
    if (v.empty())
      return;
    std::printf("%s:", what);
    for (size_t i = 0; i < v.size() && i < 8; ++i)
      std::printf(" %s (%d)", v[i].second.c_str(), -v[i].first);
    std::printf("\n");
  };
  if (args.verbose || args.min_f1 > 0) {
    top("substances missed", missed_substances);
    top("substances extra", extra_substances);
    top("selectors missed", missed);
    top("selectors extra", extra);
  }
  if (scored == 0) {
    PrintError(
        "no analysed document matches the truth: crawl the simulated web and run "
        "`dragnet identify --store` first (or run `dragnet demo`)");
    return 1;
  }
  if (args.min_f1 > 0) {
    std::vector<std::pair<std::string, double>> gates = {{"substances", substances.F1()},
                                                         {"classes", classes.F1()},
                                                         {"selectors", selectors.F1()},
                                                         {"category macro", macro}};
    // The parse stage's measures count once it has run.
    if (typed > 0)
      gates.emplace_back("page type macro", page_macro / std::max(page_type_count, 1));
    if (!per_field.empty())
      gates.emplace_back("fields", fields_total.F1());
    if (typed > 0 && pairs.tp + pairs.fn > 0)
      gates.emplace_back("near-duplicate pairs", pairs.F1());
    bool failed = false;
    for (const auto& [name, f1] : gates) {
      if (f1 < args.min_f1) {
        std::fprintf(stderr, "dragnet: eval e2e: %s F1 %.3f is below --min-f1 %.3f\n", name.c_str(),
                     f1, args.min_f1);
        failed = true;
      }
    }
    if (invalid_reported > 0) {
      std::fprintf(stderr, "dragnet: eval e2e: %llu planted invalid selectors were reported\n",
                   static_cast<unsigned long long>(invalid_reported));
      failed = true;
    }
    if (failed)
      return 1;
  }
  return 0;
}

}  // namespace

void RegisterEvalE2eCommand(CLI::App& eval, GlobalOptions& options, ExitCode& exit_code) {
  auto args = std::make_shared<E2eArgs>();
  auto* cmd = eval.add_subcommand(
      "e2e", "Score what the store holds against a simulated web's ground truth (dragnet demo)");
  cmd->add_option("--truth", args->truth, "The simulated web's directory (with truth/)")
      ->required();
  cmd->add_option("--min-f1", args->min_f1,
                  "Exit 1 when an F1 (substances, classes, selectors, categories, page types, "
                  "fields) is below")
      ->default_val(0);
  cmd->add_option("--price-tolerance", args->price_tolerance,
                  "Relative error allowed on the price per gram or unit")
      ->default_val(0.15);
  cmd->add_flag("--verbose", args->verbose, "List what was missed and what was extra");
  cmd->callback([&options, args, &exit_code] { exit_code = RunEvalE2e(options, *args); });
}

}  // namespace dragnet::app
