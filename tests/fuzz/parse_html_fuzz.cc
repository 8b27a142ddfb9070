// Fuzzes the parse stage's path from untrusted HTML bytes: page text, page type, listing fields
// and the SimHash of the text, with their invariants (a known page type, capped fields and rows).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/fields.h"
#include "parse/html_text.h"
#include "parse/near_duplicate.h"
#include "parse/page_type.h"

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
  std::string_view html(reinterpret_cast<const char*>(data), size);
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
