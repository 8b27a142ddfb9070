#pragma once
// What kind of page a captured page is: a listing, a vendor or shop profile, a category or
// search page, a forum thread, a messenger post, a login or captcha wall, or other. Decided by
// structure (links to pages of the same shape, prices, a PGP key block, password fields,
// repeated posts, the URL) and by words from data/parse/page_types.yaml, with a confidence and
// the reasons that decided it, so an analyst can see why.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "parse/html_sax.h"

namespace dragnet::parse {

// The page type ids, as written in output and the store.
inline constexpr const char* kPageTypes[] = {"listing",        "vendor", "category", "forum_thread",
                                             "messenger_post", "login",  "other"};

struct PageWordIndex;

struct PageTypeVocabulary {
  struct Words {
    std::vector<std::string> folded;  // case-folded UTF-8
    int max = 3;                      // most points the words can give
  };
  std::map<std::string, Words> types;  // page type id -> words
  // Every word of every type in one Hyperscan database, so a page's text is read once rather than
  // once per word; built by LoadPageTypeVocabulary.
  std::shared_ptr<const PageWordIndex> index;
};

// Loads data/parse/page_types.yaml; errors read "file:line: message".
Result<PageTypeVocabulary> LoadPageTypeVocabulary(const std::filesystem::path& path);

struct PageType {
  std::string type;  // one of kPageTypes
  double confidence = 0;
  std::vector<std::string> reasons;  // "3 links to pages like /listing/N.html", "word: feedback"
};

// `text` is the page's visible text (ExtractText), `url` where it was captured.
PageType ClassifyPage(std::string_view html, std::string_view text, std::string_view url,
                      const PageTypeVocabulary& vocabulary);

struct Structure;

// ClassifyPage as a sink of a shared pass (html_sax.h, ParseHtmlSaxFanout): give Sink() to the
// parse, then Classify with the page's text.
class PageStructure {
 public:
  PageStructure();
  ~PageStructure();
  PageStructure(const PageStructure&) = delete;
  PageStructure& operator=(const PageStructure&) = delete;
  SaxSink Sink();
  PageType Classify(std::string_view text, std::string_view url,
                    const PageTypeVocabulary& vocabulary) const;

 private:
  std::unique_ptr<Structure> structure_;
};

}  // namespace dragnet::parse
