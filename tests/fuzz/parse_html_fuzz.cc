// Fuzzes the parse stage's path from untrusted HTML bytes: charset decoding, page text, main
// content, page type, listing fields, feedback lists and the SimHash of the text, with their
// invariants (UTF-8 out, a known page type, capped fields, rows and feedback).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/boilerplate.h"
#include "parse/charset.h"
#include "parse/fields.h"
#include "parse/html_text.h"
#include "parse/near_duplicate.h"
#include "parse/page_type.h"
#include "parse/site_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dragnet::parse;
  static const PageTypeVocabulary* vocabulary = [] {
    auto loaded = LoadPageTypeVocabulary(DefaultParseDataFile("page_types.yaml"));
    if (!loaded.has_value())
      std::abort();  // the shipped data file must load
    return new PageTypeVocabulary(std::move(*loaded));
  }();
  static const FieldLabels* labels = [] {
    auto loaded = LoadFieldLabels(DefaultFieldLabelsFile());
    if (!loaded.has_value())
      std::abort();
    return new FieldLabels(std::move(*loaded));
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks a declared charset, as an HTTP header would give it.
  static const char* const kTypes[] = {"",
                                       "text/html; charset=windows-1251",
                                       "text/html; charset=koi8-r",
                                       "text/html; charset=utf-16le",
                                       "text/html; charset=\"shift_jis\"",
                                       "text/html; charset=nonsense"};
  std::string_view content_type = size > 0 ? kTypes[data[0] % 6] : "";
  DecodedPage decoded = DecodePage(bytes, content_type);
  if (decoded.utf8.size() > 3 * size + 3 || decoded.charset.empty())
    std::abort();
  std::string_view html = decoded.utf8;
  MainContent main = ExtractMainContent(html);
  if (main.text.size() > html.size() + 4096 * (main.kept_blocks + 1))
    std::abort();
  ProfileExtraction read = ApplyProfile(nullptr, "vendor", html);
  if (read.feedback.size() > kMaxFeedbackPerPage)
    std::abort();
  HtmlText text = ExtractText(html, 1 << 20);
  if (text.text.size() > (1 << 20) + 4096)
    std::abort();
  PageType type = ClassifyPage(html, text.text, "http://fuzz.onion/listing/1.html", *vocabulary);
  bool known = false;
  for (const char* t : kPageTypes)
    known = known || type.type == t;
  if (!known || type.confidence < 0 || type.confidence > 1)
    std::abort();
  ExtractedFields fields = ExtractFields(html, *labels);
  if (fields.fields.size() > kMaxFieldsPerPage || fields.rows.size() > kMaxRowsPerPage)
    std::abort();
  for (const Field& f : fields.fields) {
    if (f.value.size() > kMaxFieldValueBytes || f.id.empty())
      std::abort();
  }
  uint64_t a = SimHash(text.text);
  if (a != SimHash(text.text))
    std::abort();
  return 0;
}
