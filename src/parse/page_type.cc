// Page types by structure and words (see page_type.h).

#include "parse/page_type.h"

#include <algorithm>
#include <cstring>

#include <hs/hs.h>
#include <libxml/HTMLparser.h>
#include <yaml-cpp/yaml.h>

#include "core/file.h"
#include "parse/fold.h"
#include "parse/html_sax.h"

namespace dragnet::parse {

// What one SAX pass over the page counts.
struct Structure {
  std::map<std::string, int> link_shapes;  // a link's path with digit runs as N -> links
  int links = 0;
  int password_inputs = 0;
  int captcha = 0;  // elements whose id, class, name, src or alt says captcha
  int h1 = 0;
  int forms = 0;
  std::map<std::string, int> classes;  // class attribute -> elements
  static constexpr int kMaxLinks = 5000;
};

// The vocabulary's words as Hyperscan literals, numbered in the order of the types' map and each
// type's list.
struct PageWordIndex {
  size_t words = 0;
  std::unique_ptr<hs_database_t, decltype(&hs_free_database)> db{nullptr, hs_free_database};
};

namespace {

std::string Fold(std::string_view utf8) {
  return FoldCase(utf8);
}

// "/listing/1042.html?x=1" -> "/listing/N.html"; "item?id=7" -> "item?id=N". Absolute links
// keep their host, so links to other sites form their own shapes.
std::string LinkShape(std::string_view href) {
  std::string shape;
  bool digits = false;
  for (char c : href.substr(0, 200)) {
    if (c >= '0' && c <= '9') {
      if (!digits)
        shape += 'N';
      digits = true;
      continue;
    }
    digits = false;
    shape += c;
  }
  return shape;
}

// Whether `haystack` contains `needle` (lower-case ASCII) in any case, without copying: this runs
// for every attribute of every element.
bool Contains(std::string_view haystack, std::string_view needle) {
  if (haystack.size() < needle.size())
    return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == needle[k])
      ++k;
    if (k == needle.size())
      return true;
  }
  return false;
}

Structure& Of(void* user) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  return *static_cast<Structure*>(ctxt->_private);
}

void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  Structure& s = Of(user);
  const std::string_view tag = reinterpret_cast<const char*>(name);
  bool a = tag == "a";
  bool input = tag == "input";
  if (tag == "h1")
    ++s.h1;
  if (tag == "form")
    ++s.forms;
  if (attributes == nullptr)
    return;
  for (size_t i = 0; attributes[i] != nullptr; i += 2) {
    const std::string_view key = reinterpret_cast<const char*>(attributes[i]);
    const char* raw = reinterpret_cast<const char*>(attributes[i + 1]);
    std::string_view value = raw == nullptr ? std::string_view() : std::string_view(raw);
    if (a && key == "href" && s.links < Structure::kMaxLinks) {
      ++s.links;
      if (!value.empty() && value[0] != '#' && !value.starts_with("javascript:"))
        ++s.link_shapes[LinkShape(value)];
    }
    if (input && key == "type" && Contains(value, "password"))
      ++s.password_inputs;
    bool names_it = key == "id" || key == "class" || key == "name" || key == "src" || key == "alt";
    if (names_it && Contains(value, "captcha"))
      ++s.captcha;
    if (key == "class" && !value.empty() && s.classes.size() < 2000)
      ++s.classes[std::string(value.substr(0, 64))];
  }
}

// Prices written on the page: currency signs and codes next to digits, counted roughly.
int CountPrices(std::string_view folded) {
  static constexpr std::string_view kMarkers[] = {"$",   "€",   "£",   "₽", "₴",   "₸",
                                                  "usd", "eur", "btc", "xmr", "руб", "грн"};
  int count = 0;
  for (std::string_view marker : kMarkers) {
    for (size_t at = folded.find(marker); at != std::string_view::npos && count < 1000;
         at = folded.find(marker, at + marker.size())) {
      // An amount right before or after it ("85 usd", "$85", "3 200 ₽"), a space allowed.
      auto digit = [&](size_t i) {
        return i < folded.size() && folded[i] >= '0' && folded[i] <= '9';
      };
      size_t after = at + marker.size();
      bool before_digit =
          (at >= 1 && digit(at - 1)) || (at >= 2 && folded[at - 1] == ' ' && digit(at - 2));
      bool after_digit =
          digit(after) || (after + 1 < folded.size() && folded[after] == ' ' && digit(after + 1));
      if (before_digit || after_digit)
        ++count;
    }
  }
  return count;
}

// The words of each type found in `folded`, in the vocabulary's order, at most `max` per type.
std::vector<std::pair<std::string, std::string>> FindWords(std::string_view folded,
                                                           const PageTypeVocabulary& vocabulary) {
  std::vector<std::pair<std::string, std::string>> out;
  const PageWordIndex* index = vocabulary.index.get();
  size_t total = 0;
  for (const auto& entry : vocabulary.types)
    total += entry.second.folded.size();
  if (index != nullptr && index->words != total)
    index = nullptr;  // the words changed since the index was built: search them one by one
  std::vector<char> hit(index != nullptr ? index->words : 0, 0);
  struct Scratch {
    hs_scratch_t* scratch = nullptr;
    ~Scratch() { hs_free_scratch(scratch); }
  };
  // One scratch per thread, grown to fit any database it has served.
  thread_local Scratch scratch;
  bool scanned =
      index != nullptr && index->db != nullptr &&
      hs_alloc_scratch(index->db.get(), &scratch.scratch) == HS_SUCCESS &&
      hs_scan(
          index->db.get(), folded.data(), static_cast<unsigned>(folded.size()), 0, scratch.scratch,
          [](unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
            static_cast<char*>(context)[id] = 1;
            return 0;
          },
          hit.data()) == HS_SUCCESS;
  size_t flat = 0;
  for (const auto& [type, words] : vocabulary.types) {
    int found = 0;
    for (size_t i = 0; i < words.folded.size(); ++i, ++flat) {
      // Without the index (out of memory), the slow way: a search per word.
      bool present =
          scanned ? hit[flat] != 0 : folded.find(words.folded[i]) != std::string_view::npos;
      if (present && found < words.max) {
        ++found;
        out.emplace_back(type, words.folded[i]);
      }
    }
  }
  return out;
}

}  // namespace

Result<PageTypeVocabulary> LoadPageTypeVocabulary(const std::filesystem::path& path) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const std::string file = path.string();
  auto at = [&](const YAML::Node& node) {
    return file + ":" + std::to_string(node.Mark().line + 1) + ": ";
  };
  PageTypeVocabulary vocabulary;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || root["schema"].as<std::string>("") != "1")
      return InvalidArgument(file + ":1: expected a mapping with `schema: 1`");
    if (!root["types"].IsMap())
      return InvalidArgument(at(root) + "`types` must map page types to their words");
    for (const auto& entry : root["types"]) {
      std::string type = entry.first.as<std::string>();
      if (std::find_if(std::begin(kPageTypes), std::end(kPageTypes),
                       [&](const char* known) { return type == known; }) == std::end(kPageTypes))
        return InvalidArgument(at(entry.first) + "unknown page type `" + type + "`");
      PageTypeVocabulary::Words words;
      words.max = entry.second["max"].as<int>(3);
      if (!entry.second["words"].IsSequence())
        return InvalidArgument(at(entry.second) + "`words` must be a list");
      for (const YAML::Node& word : entry.second["words"]) {
        std::string w = word.as<std::string>("");
        if (w.empty())
          return InvalidArgument(at(word) + "an empty word");
        words.folded.push_back(Fold(w));
      }
      vocabulary.types[type] = std::move(words);
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  auto index = std::make_shared<PageWordIndex>();
  std::vector<const char*> expressions;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (const auto& entry : vocabulary.types) {
    const auto& words = entry.second;
    for (size_t i = 0; i < words.folded.size(); ++i) {
      ids.push_back(static_cast<unsigned>(index->words++));
      expressions.push_back(words.folded[i].data());
      lengths.push_back(words.folded[i].size());
      flags.push_back(HS_FLAG_SINGLEMATCH);
    }
  }
  if (!expressions.empty()) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                             &error) != HS_SUCCESS) {
      std::string message = error != nullptr ? error->message : "unknown error";
      hs_free_compile_error(error);
      return Internal(file + ": compiling the page-type words with Hyperscan: " + message);
    }
    index->db.reset(db);
  }
  vocabulary.index = std::move(index);
  return vocabulary;
}

PageType ClassifyPage(std::string_view html, std::string_view text, std::string_view url,
                      const PageTypeVocabulary& vocabulary) {
  PageStructure structure;
  SaxSink sink = structure.Sink();
  ParseHtmlSaxFanout(html, std::span<SaxSink>(&sink, 1));
  return structure.Classify(text, url, vocabulary);
}

PageStructure::PageStructure() : structure_(std::make_unique<Structure>()) {}
PageStructure::~PageStructure() = default;

SaxSink PageStructure::Sink() {
  SaxSink sink;
  sink.handler.startElement = OnStart;
  sink.state = structure_.get();
  return sink;
}

PageType PageStructure::Classify(std::string_view text, std::string_view url,
                                 const PageTypeVocabulary& vocabulary) const {
  const Structure& s = *structure_;
  // Words are looked for in the first 64 KiB of the text: enough for any page's furniture.
  std::string folded = Fold(text.substr(0, std::min<size_t>(text.size(), 64 * 1024)));
  std::string folded_url = Fold(url);

  std::map<std::string, double> score;
  std::map<std::string, std::vector<std::string>> why;
  auto add = [&](const char* type, double points, std::string reason) {
    score[type] += points;
    why[type].push_back(std::move(reason));
  };
  for (const auto& [type, word] : FindWords(folded, vocabulary))
    add(type.c_str(), 1, "word: " + word);
  // The largest family of links to pages of one shape: a list of items.
  int family = 0;
  std::string family_shape;
  for (const auto& [shape, n] : s.link_shapes) {
    // Menus of categories are on every page of a market; the items a page lists are not.
    std::string lower = Fold(shape);
    if (lower.find("categor") != std::string::npos || lower.find("/c/") != std::string::npos ||
        lower.find("cat=") != std::string::npos)
      continue;
    if (n > family) {
      family = n;
      family_shape = shape;
    }
  }
  int prices = CountPrices(folded);
  // Blocks of a class that names posts, repeated: the messages of a thread.
  int repeated_class = 0;
  std::string repeated_name;
  for (const auto& [name, n] : s.classes) {
    if (n > repeated_class && (Contains(name, "post") || Contains(name, "reply") ||
                               Contains(name, "message") || Contains(name, "comment"))) {
      repeated_class = n;
      repeated_name = name;
    }
  }
  bool pgp_block = folded.find("begin pgp public key block") != std::string::npos;

  if (s.password_inputs > 0)
    add("login", 3, "a password field");
  if (s.captcha > 0)
    add("login", 2, "a captcha");
  if (pgp_block)
    add("vendor", 2, "a PGP public key block");
  if (family >= 8)
    add("category", 3, std::to_string(family) + " links to pages like " + family_shape);
  else if (family >= 5)
    add("category", 2, std::to_string(family) + " links to pages like " + family_shape);
  // A category URL that lists two or more items of one shape is a category page even when an
  // item's title carries a price ("Counterfeit 50 EUR notes"): it outweighs the price and the
  // heading a listing would have, but not a listing's own URL as well.
  for (const char* marker : {"/category", "/search", "?q=", "/c/", "categor"}) {
    if (folded_url.find(marker) != std::string::npos) {
      add("category",
          family >= 2   ? 3.5
          : family >= 1 ? 2
                        : 1,
          std::string("URL: ") + marker +
              (family >= 2 ? " with " + std::to_string(family) + " items" : ""));
      break;
    }
  }
  for (const char* marker : {"thread", "topic", "viewtopic", "showthread", "/t/"}) {
    if (folded_url.find(marker) != std::string::npos) {
      add("forum_thread", 2, std::string("URL: ") + marker);
      break;
    }
  }
  if (repeated_class >= 2)
    add("forum_thread", 2,
        std::to_string(repeated_class) + " repeated blocks of class " + repeated_name);
  for (const char* marker : {"/vendor", "/user", "/u/", "/profile", "/seller", "/shop/"}) {
    if (folded_url.find(marker) != std::string::npos) {
      add("vendor", 1, std::string("URL: ") + marker);
      break;
    }
  }
  if (prices >= 1 && family < 5) {
    add("listing", 2, std::to_string(prices) + " prices and no list of items");
    if (s.h1 == 1)
      add("listing", 1, "one main heading");
  }
  for (const char* marker : {"/listing", "/item", "/product", "/tovar", "/offer", "/p/"}) {
    if (folded_url.find(marker) != std::string::npos) {
      add("listing", 1, std::string("URL: ") + marker);
      break;
    }
  }
  // A login wall has little else: many links or prices mean a page with a login box in a corner.
  if (score.count("login") != 0 && (family >= 8 || prices >= 3))
    score["login"] -= 2;

  PageType out;
  out.type = "other";
  double best = 0, total = 0;
  for (const auto& [type, points] : score) {
    total += std::max(0.0, points);
    if (points > best) {
      best = points;
      out.type = type;
    }
  }
  if (best < 2) {
    out.type = "other";
    out.confidence = 0.5;
    out.reasons = {"no page type scored 2 or more"};
    return out;
  }
  out.confidence =
      std::min(0.99, 0.5 + 0.5 * best / std::max(total, 1.0) * std::min(best, 5.0) / 5);
  out.reasons = why[out.type];
  return out;
}

}  // namespace dragnet::parse
