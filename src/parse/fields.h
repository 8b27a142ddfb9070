#pragma once
// Listing fields (vendor, price, ships from, district, stash type...) read from any market's HTML
// without per-site code: the labels that name a field in many languages come from
// data/parse/labels.yaml, and the page's own layout pairs labels with values. Four layouts are
// understood: label/value table rows, definition lists, "Label: value" lines, and tables whose
// header row names the columns (price lists of dead-drop shops: one record per data row), with
// the meaning the HTML Living Standard gives <th>, <thead>, <dt> and <dd> (sections 4.9, 4.4.9).
// libxml2's HTML parser in SAX mode (html_sax.h): no tree, broken markup recovered.
// Rules that keep values clean (each found on real market pages, tests/golden/parse/):
// - a vendor value cell that holds a link is the link's text when the rest of the cell is set
//   apart in other elements or is punctuation (a rating badge: "fredthebaker <span>95.4</span>");
// - a value that is wholly another field's label is no value ("Item info:" then "seller");
// - a field whose data file says `value: number` takes only values with a digit;
// - a line that is wholly the label of a number field, outside tables and without a colon, takes
//   the next line as its value ("price" then "฿0.0060" in two <div>s).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "parse/html_sax.h"

namespace dragnet::parse {

// One label of a field as the data file gives it.
struct FieldLabel {
  std::string text;  // as written ("Ships from", "Тип клада")
  std::string lang;  // ISO 639-1 ("en", "ru", "kk")
};

// What a field's value must hold to be taken: any text, or a number (at least one decimal digit,
// Unicode general category Nd), so that "Quantity:" followed by a currency choice is no quantity.
enum class FieldValueType { kText, kNumber };

struct FieldDefinition {
  std::string id;  // one of FieldLabels::KnownIds()
  std::vector<FieldLabel> labels;
  FieldValueType value = FieldValueType::kText;  // `value: number` in the data file
  // Words of an element's class that mark its text as this field's value when no label gives
  // one (`classes: [price]`: <div class="listing-price">35 EUR</div>).
  std::vector<std::string> classes;
  // Words that, as a part of a form control's name, make the control's choices this field's
  // value (`controls: [currency]`: <input type="radio" name="currency"> Bitcoin (BTC)).
  std::vector<std::string> controls;
};

// The labels of every field, folded for matching. Built by LoadFieldLabels.
class FieldLabels {
 public:
  // The field ids the extractor knows: vendor, price, ships_from, ships_to, city, district,
  // stash_type, stock, weight, quantity, rating, sales, member_since, category, payment,
  // escrow, title, preorder, level.
  static const std::vector<std::string_view>& KnownIds();

  const std::vector<FieldDefinition>& fields() const { return fields_; }
  size_t label_count() const { return by_label_.size(); }

  // The id of the field `label` names, "" when none. Case-folded (ICU), white space collapsed,
  // trailing ':' and white space trimmed; an exact label first, else the longest known label the
  // text starts with, followed by a non-letter ("Ships from (country)", "Price, BTC").
  std::string_view Match(std::string_view label) const;

  // The id of the field one of whose labels is the whole of `text` (folded), "" when none: no
  // prefix matching, so "Seller" is a label and "Seller level" or "Germany" are not.
  std::string_view MatchWhole(std::string_view text) const;

  // The id of the field one of whose `classes` words is a part of a word of `class_attribute`
  // (split at white space, '-' and '_', ASCII case-folded: "listing-price", "username_rating"),
  // "" when none.
  std::string_view MatchClass(std::string_view class_attribute) const;
  // The same for the `controls` words and a form control's name ("currency", "pay_coin"); else
  // the whole name read as a label of a field that has control words ("betaalmethode").
  std::string_view MatchControl(std::string_view name) const;

  // The type of value field `id` takes; kText for unknown ids.
  FieldValueType ValueType(std::string_view id) const;
  // Whether `value` is of the type field `id` takes; true for unknown ids.
  bool Accepts(std::string_view id, std::string_view value) const;

  // Folds `text` the way labels are compared: ICU full case folding, zero-width and other
  // format characters dropped, white space collapsed, outer white space and trailing ':'
  // trimmed.
  static std::string Fold(std::string_view text);

 private:
  friend Result<FieldLabels> ParseFieldLabels(std::string_view yaml, const std::string& file);
  std::vector<FieldDefinition> fields_;
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  // Folded label -> index in fields_; looked up by string_view without a copy.
  std::unordered_map<std::string, size_t, Hash, std::equal_to<>> by_label_;
  size_t longest_label_ = 0;                                   // bytes, folded
  std::vector<std::pair<std::string, size_t>> class_words_;    // class word -> index in fields_
  std::vector<std::pair<std::string, size_t>> control_words_;  // control word -> index
  // by_label_'s index for a wording that names no field (`id: none` in the data file).
  static constexpr size_t kNotAField = static_cast<size_t>(-1);
  std::string_view IdAt(size_t index, std::string_view none = {}) const {
    return index < fields_.size() ? std::string_view(fields_[index].id) : none;
  }
  std::string_view MatchWordIn(std::string_view attribute,
                               const std::vector<std::pair<std::string, size_t>>& words) const;
};

// Parses the YAML text of a labels file; errors are "file:line: message", one per line, for
// unknown keys, unknown field ids, languages or value types, empty labels, and a label given to
// two fields.
Result<FieldLabels> ParseFieldLabels(std::string_view yaml, const std::string& file);
Result<FieldLabels> LoadFieldLabels(const std::filesystem::path& path);

// A file of data/parse/: $DRAGNET_DATA/parse/NAME, else DRAGNET_SOURCE_DATA_DIR/parse/NAME when
// that compile definition names a directory, else data/parse/NAME.
std::filesystem::path DefaultParseDataFile(std::string_view name);
inline std::filesystem::path DefaultFieldLabelsFile() {
  return DefaultParseDataFile("labels.yaml");
}

struct Field {
  std::string id;     // field id ("ships_from")
  std::string label;  // the label as the page wrote it ("Versand aus")
  std::string value;  // visible text, white space collapsed, at most kMaxFieldValueBytes
  std::string link;   // href of the first link in the value ("/vendor/bob"), else ""
};

// One step of a page's breadcrumb trail ("Home › Drugs › Steroids › <the listing>").
struct Crumb {
  std::string text;
  std::string link;  // the crumb's href; "" for text without a link (often the page itself)
};

struct ExtractedFields {
  std::vector<Field> fields;             // one per id, the first occurrence in the page
  std::vector<std::vector<Field>> rows;  // records of header-row tables, in document order
  std::vector<Crumb> breadcrumbs;        // the first breadcrumb trail, up to 16 steps
};

inline constexpr size_t kMaxFieldValueBytes = 512;
inline constexpr size_t kMaxFieldsPerPage = 1000;
inline constexpr size_t kMaxRowsPerPage = 10000;

// Never throws; hostile markup and invalid UTF-8 give partial or empty results.
ExtractedFields ExtractFields(std::string_view html, const FieldLabels& labels);

// ExtractFields as a sink of a shared pass (html_sax.h, ParseHtmlSaxFanout): give Sink() to the
// parse, then Finish() once. `labels` must outlive it.
class FieldExtraction {
 public:
  explicit FieldExtraction(const FieldLabels& labels);
  ~FieldExtraction();
  FieldExtraction(const FieldExtraction&) = delete;
  FieldExtraction& operator=(const FieldExtraction&) = delete;
  SaxSink Sink();
  ExtractedFields Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dragnet::parse
