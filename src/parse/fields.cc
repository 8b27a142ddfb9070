// Listing fields from any market's HTML (fields.h): labels from data/parse/labels.yaml matched
// with ICU case folding (Unicode full case folding, UAX #44 CaseFolding.txt) against table rows,
// definition lists, "Label: value" lines and header rows, in one SAX pass of libxml2's parser.

#include "parse/fields.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <yaml-cpp/yaml.h>

#include "core/file.h"
#include "parse/fold.h"
#include "parse/html_sax.h"

namespace dragnet::parse {
namespace {

constexpr size_t kMaxLabelBytes = 160;  // longer text is not a label
constexpr size_t kMaxLineBytes = 1024;  // what a line keeps: a label, ':' and a value
constexpr size_t kMaxLinkBytes = 2048;
constexpr size_t kMaxLineLinks = 8;
constexpr size_t kMaxCellsPerRow = 64;
constexpr size_t kMaxOpenFrames = 256;  // open tables, cells, <dt> and <dd> tracked
constexpr int kMaxDepth = 1 << 20;      // elements counted inside one frame

const std::set<std::string, std::less<>> kLanguages = {"en", "ru", "uk", "de", "pl", "nl", "fr",
                                                       "es", "it", "tr", "kk", "be", "cs", "pt",
                                                       "ro", "uz", "ky", "az", "ka", "hy"};

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence, then trims a space.
void Truncate(std::string& text, size_t max) {
  if (text.size() > max) {
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    text.resize(end);
  }
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
}

// Appends `piece` with runs of white space (ASCII and U+00A0) collapsed to one space and leading
// white space dropped; `space` carries a pending space across calls. Stops at `max` bytes.
// Runs of other bytes are appended whole (a byte at a time was 3% of a page's parse).
void AppendCollapsed(std::string& out, bool& space, std::string_view piece, size_t max) {
  // The length of the white space at piece[i], 0 if none.
  auto white = [&](size_t i) -> size_t {
    auto ch = static_cast<unsigned char>(piece[i]);
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f')
      return 1;
    return ch == 0xC2 && i + 1 < piece.size() && static_cast<unsigned char>(piece[i + 1]) == 0xA0
               ? 2
               : 0;
  };
  size_t i = 0;
  while (i < piece.size() && out.size() < max) {
    if (size_t w = white(i); w > 0) {
      space = space || !out.empty();
      i += w;
      continue;
    }
    size_t end = i + 1;
    while (end < piece.size() && white(end) == 0)
      ++end;
    if (space) {
      out.push_back(' ');
      space = false;
    }
    // At least one byte, as many as fit below `max`.
    size_t take = std::min(end - i, std::max<size_t>(1, max > out.size() ? max - out.size() : 0));
    out.append(piece.data() + i, take);
    i += take;
  }
}

// The label as the page wrote it, without outer spaces and trailing colons.
std::string RawLabel(std::string_view text) {
  std::string out(text);
  while (!out.empty()) {
    if (out.back() == ' ' || out.back() == ':') {
      out.pop_back();
    } else if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xEF\xBC\x9A") == 0) {
      out.resize(out.size() - 3);  // U+FF1A FULLWIDTH COLON
    } else {
      break;
    }
  }
  return out.substr(std::min(out.find_first_not_of(' '), out.size()));
}

enum class Kind { kTable, kCell, kTerm, kDefinition };

// The tags the extractor tracks as frames.
std::optional<Kind> KindOf(std::string_view tag) {
  if (tag == "td" || tag == "th")
    return Kind::kCell;
  if (tag == "table" || tag == "dt" || tag == "dd")
    return tag == "table" ? Kind::kTable : tag == "dt" ? Kind::kTerm : Kind::kDefinition;
  return std::nullopt;
}

// Whether `text` holds a letter or a digit (ICU character classes), not only punctuation.
bool HasAlnum(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(std::min(text.size(), kMaxLineBytes));
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_isalnum(c))
      return true;
  }
  return false;
}

// Whether `text` holds a decimal digit (general category Nd: ASCII, Arabic-Indic, ...).
bool HasDigit(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(std::min(text.size(), kMaxLineBytes));
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_isdigit(c))
      return true;
  }
  return false;
}

// What `match` gives for the first part of an attribute value it gives anything for (anything
// but a default value): the value's words, and the parts of a word between '-' and '_', ASCII
// lower-cased ("nav-Breadcrumbs" gives "nav" and "breadcrumbs"). For class words and breadcrumb
// containers.
template <typename Match>
auto FirstClassPart(std::string_view value, Match match) {
  using Found = std::invoke_result_t<Match, const std::string&>;
  std::string part;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '-' || c == '_') {
      if (Found found = match(part); found != Found{})
        return found;
      part.clear();
    } else {
      part.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
  }
  return match(part);
}

// An open table, cell, <dt> or <dd>; closed cells wait in their table's row.
struct Frame {
  Kind kind = Kind::kTable;
  size_t order = 0;     // document position of the start tag
  bool header = false;  // <th>, or a cell of <thead>
  bool space = false;   // a space is due before the next text
  std::string text, link, alt;
  std::string term;  // kDefinition: the text of the <dt> before it
  size_t term_order = 0;
  // The first link's text, and whether the frame has text of its own outside it: text directly
  // in the frame, not in a child element, with a letter or digit. Elements open inside the
  // frame are counted so that "directly" is known; link_depth is the count inside the link.
  int depth = 0;
  int link_depth = 0;  // > 0 while inside the first link, -1 after it
  bool link_space = false;
  bool loose = false;
  std::string link_text;
  // A vendor's name: the link text when everything else is in other elements or punctuation.
  std::string name;
};

struct Table {
  std::vector<Frame> row;
  std::vector<std::string_view> columns;  // field id per column once a header row was seen
  std::vector<std::string> column_labels;
  int thead = 0;
};

struct Candidate {
  size_t order = 0;
  int rank = 0;  // at one position, structure (0) beats a text line (1)
  Field field;
};

// The value in the text of an element a class word marked (FieldLabels::MatchClass): for a price
// the first number with its currency ("35 EUR 0.003834" gives "35 EUR", "$35" and "฿0.006" stay
// whole; "1g" is an amount, not a price); otherwise the first plain number with its scale
// ("4.77 / 5.0", "95.4", "98%"). "" when there is none or the text is prose.
std::string ValueByClass(std::string_view id, std::string_view text) {
  if (text.size() > 64)
    return "";
  std::vector<std::string_view> tokens;
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.find(' ', at), text.size());
    if (end > at)
      tokens.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto digit = [&](std::string_view t) { return std::any_of(t.begin(), t.end(), is_digit); };
  auto number = [&](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(),
                                     [&](char c) { return is_digit(c) || c == '.' || c == ','; });
  };
  // What may stand beside a number as its currency: short, no digit, no unit of amount.
  auto currency = [&](std::string_view t) {
    static constexpr std::string_view kUnits[] = {"g",  "gr", "mg", "kg",  "ml", "oz",
                                                  "lb", "x",  "pc", "pcs", "%",  "/",
                                                  "г",  "гр", "мг", "кг",  "мл", "шт"};
    if (t.empty() || t.size() > 4 || digit(t))
      return false;
    std::string lower(t);
    for (char& c : lower)
      c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    return std::find(std::begin(kUnits), std::end(kUnits), lower) == std::end(kUnits);
  };
  for (size_t k = 0; k < tokens.size(); ++k) {
    std::string_view t = tokens[k];
    if (!digit(t))
      continue;
    if (id == "price") {
      if (number(t)) {
        if (k + 1 < tokens.size() && currency(tokens[k + 1]))
          return std::string(t) + " " + std::string(tokens[k + 1]);
        if (k > 0 && currency(tokens[k - 1]))
          return std::string(tokens[k - 1]) + " " + std::string(t);
        continue;
      }
      // A number written together with its currency: what is not the number is the currency.
      size_t first = t.find_first_of("0123456789");
      size_t last = t.find_last_of("0123456789");
      std::string_view before = t.substr(0, first);
      std::string_view after = t.substr(last + 1);
      if (number(t.substr(first, last - first + 1)) && (before.empty() != after.empty()) &&
          currency(before.empty() ? after : before))
        return std::string(t);
      continue;
    }
    // Other fields: a plain number, a share or a score "4.77 / 5.0" or "4.5/5".
    std::string_view core = t;
    if (core.ends_with('%'))
      core.remove_suffix(1);
    size_t slash = core.find('/');
    bool plain = slash == std::string_view::npos
                     ? number(core)
                     : number(core.substr(0, slash)) && number(core.substr(slash + 1));
    if (!plain)
      return "";
    if (k + 2 < tokens.size() && tokens[k + 1] == "/" && number(tokens[k + 2]))
      return std::string(t) + " / " + std::string(tokens[k + 2]);
    return std::string(t);
  }
  return "";
}

class Extractor {
 public:
  explicit Extractor(const FieldLabels& labels) : labels_(labels) {}
  bool failed = false;

  void Start(std::string_view tag, const xmlChar** attributes) {
    ++events_;
    if (HidesText(tag) || skip_ > 0) {
      skip_ += HidesText(tag) ? 1 : 0;
      return;
    }
    if (EndsLine(tag))
      EndBlock();
    ChoiceStart(tag, attributes);
    CrumbStart(tag, attributes);
    ClassStart(tag, attributes);
    if (tag == "tr" && !tables_.empty())
      EndRow();
    if (tag == "thead" && !tables_.empty())
      ++tables_.back().thead;
    if (tag == "a" || tag == "img") {
      std::string_view value = Attribute(attributes, tag == "a" ? "href" : "alt");
      if (!value.empty() && value.size() <= kMaxLinkBytes)
        Reference(tag == "a", value);
    }
    std::optional<Kind> kind = KindOf(tag);
    if (!kind && !frames_.empty() && frames_.back().kind != Kind::kTable) {
      Frame& frame = frames_.back();
      if (frame.depth < kMaxDepth) {
        ++frame.depth;
        if (tag == "a" && frame.link_depth == 0 && !frame.link.empty())
          frame.link_depth = frame.depth;  // the first <a href>, as Reference just recorded
      }
    }
    if (!kind || (kind == Kind::kCell && tables_.empty()))
      return;
    if (frames_.size() >= kMaxOpenFrames) {
      ++overflow_;
      return;
    }
    Frame& frame = frames_.emplace_back();
    frame.kind = *kind;
    frame.order = events_;
    frame.header = tag == "th" || (!tables_.empty() && tables_.back().thead > 0);
    if (kind == Kind::kTable)
      tables_.emplace_back();
    if (kind == Kind::kDefinition) {
      frame.term = std::exchange(term_, "");
      frame.term_order = term_order_;
    }
  }

  void End(std::string_view tag) {
    if (skip_ > 0) {
      skip_ -= HidesText(tag) ? 1 : 0;
      return;
    }
    if (EndsLine(tag))
      EndBlock();
    if (tag == "a" && !line_links_.empty() && line_links_.back().end == std::string::npos)
      line_links_.back().end = line_.size();
    ChoiceEnd(tag);
    CrumbEnd(tag);
    ClassEnd(tag);
    if (tag == "thead" && !tables_.empty() && tables_.back().thead > 0)
      --tables_.back().thead;
    if (tag == "tr" && !tables_.empty())
      EndRow();
    std::optional<Kind> kind = KindOf(tag);
    if (!kind && !frames_.empty() && frames_.back().kind != Kind::kTable) {
      Frame& frame = frames_.back();
      if (frame.depth > 0) {
        if (frame.link_depth == frame.depth)
          frame.link_depth = -1;
        --frame.depth;
      }
    }
    if (!kind)
      return;
    if (overflow_ > 0) {
      --overflow_;
      return;
    }
    // Closes the innermost open frame of this kind, and what broken markup left open inside it;
    // cells, terms and definitions do not close across a table.
    for (size_t i = frames_.size();
         i-- > 0 && (frames_[i].kind != Kind::kTable || kind == Kind::kTable);) {
      if (frames_[i].kind == kind)
        return CloseFrames(i);
    }
  }

  void Text(std::string_view piece) {
    if (skip_ > 0)
      return;
    if (crumbs_depth_ > 0 && crumbs_.size() <= kMaxCrumbs)
      AppendCollapsed(crumb_.text, crumb_space_, piece, kMaxFieldValueBytes + 4);
    if (!choice_field_.empty())
      AppendCollapsed(choice_text_, choice_space_, piece, kMaxChoiceBytes + 4);
    // Text struck through (an old price) is no part of a marked element's value.
    for (ClassCapture& capture : class_open_) {
      if (struck_ == 0)
        AppendCollapsed(capture.text, capture.space, piece, 128);
    }
    if (line_.empty())
      line_order_ = events_;
    AppendCollapsed(line_, line_space_, piece, kMaxLineBytes);
    if (!frames_.empty() && frames_.back().kind != Kind::kTable) {
      Frame& frame = frames_.back();
      AppendCollapsed(frame.text, frame.space, piece, kMaxFieldValueBytes + 4);
      if (frame.link_depth > 0) {
        AppendCollapsed(frame.link_text, frame.link_space, piece, kMaxFieldValueBytes + 4);
      } else if (frame.depth == 0 && !frame.loose) {
        frame.loose = HasAlnum(piece);
      }
    }
  }

  ExtractedFields Finish() {
    EndLine();
    CloseFrames(0);
    std::stable_sort(best_.begin(), best_.end(),
                     [](const Candidate& a, const Candidate& b) { return a.order < b.order; });
    ExtractedFields out;
    for (Candidate& candidate : best_)
      out.fields.push_back(std::move(candidate.field));
    out.rows = std::move(rows_);
    out.breadcrumbs = std::move(crumbs_);
    EndChoice();
    for (const auto& [id, choices] : choices_) {
      std::string value;
      for (const std::string& choice : choices)
        value.append(value.empty() ? "" : ", ").append(choice);
      Truncate(value, kMaxFieldValueBytes);
      if (labels_.Accepts(id, value) && by_class_.size() < kMaxFieldsPerPage)
        by_class_.push_back({events_, 2, {std::string(id), "(form)", std::move(value), ""}});
    }
    // Values marked by a class word, a badge or a form only where no label gave the field.
    for (Candidate& candidate : by_class_) {
      bool have = std::any_of(out.fields.begin(), out.fields.end(),
                              [&](const Field& f) { return f.id == candidate.field.id; });
      if (!have)
        out.fields.push_back(std::move(candidate.field));
    }
    return out;
  }

 private:
  // Choices of the order form (labels.yaml `controls`): radio buttons or check boxes whose name
  // has a control word of a field (<input type="radio" name="currency"> Bitcoin (BTC)<br> is a
  // payment), or the options of such a <select>. Each choice's text runs to the end of its line,
  // label or option; disabled choices ("Multisig COMING SOON") and empty placeholders are left
  // out. The field's value is the choices in page order, joined by ", ".
  void ChoiceStart(std::string_view tag, const xmlChar** attributes) {
    bool input = tag == "input";
    if (input || tag == "option" || tag == "select" || tag == "button" || EndsLine(tag))
      EndChoice();
    bool disabled = HasAttribute(attributes, "disabled");
    if (tag == "select") {
      select_field_ = labels_.MatchControl(Attribute(attributes, "name"));
    } else if (tag == "option") {
      bool placeholder =
          HasAttribute(attributes, "value") && Attribute(attributes, "value").empty();
      choice_field_ = disabled || placeholder ? std::string_view() : select_field_;
    } else if (input) {
      std::string_view type = Attribute(attributes, "type");
      if ((type == "radio" || type == "checkbox") && !disabled)
        choice_field_ = labels_.MatchControl(Attribute(attributes, "name"));
    }
  }
  void ChoiceEnd(std::string_view tag) {
    if (tag == "option" || tag == "label" || tag == "select" || EndsLine(tag))
      EndChoice();
    if (tag == "select")
      select_field_ = {};
  }
  void EndChoice() {
    if (choice_field_.empty())
      return;
    std::string_view id = std::exchange(choice_field_, {});
    choice_space_ = false;
    std::string text = std::exchange(choice_text_, "");
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    if (text.size() > kMaxChoiceBytes || !HasAlnum(text))
      return;
    auto field = std::find_if(choices_.begin(), choices_.end(),
                              [&](const auto& c) { return c.first == id; });
    if (field == choices_.end())
      field = choices_.insert(choices_.end(), {id, {}});
    if (field->second.size() < kMaxChoices &&
        std::find(field->second.begin(), field->second.end(), text) == field->second.end())
      field->second.push_back(std::move(text));
  }
  static bool HasAttribute(const xmlChar** attributes, std::string_view key) {
    for (size_t i = 0; attributes != nullptr && attributes[i] != nullptr; i += 2) {
      if (key == reinterpret_cast<const char*>(attributes[i]))
        return true;
    }
    return false;
  }

  // Elements whose class names a field (labels.yaml `classes`): their text, each read to its end;
  // nested ones each on their own ("rating-box" around "rating"), the first value found wins.
  void ClassStart(std::string_view tag, const xmlChar** attributes) {
    if (tag == "s" || tag == "del" || tag == "strike")
      ++struck_;
    for (ClassCapture& capture : class_open_)
      ++capture.depth;
    std::string_view id = labels_.MatchClass(Attribute(attributes, "class"));
    if (id.empty() || class_open_.size() >= kMaxClassCaptures ||
        std::any_of(by_class_.begin(), by_class_.end(),
                    [&](const Candidate& c) { return c.field.id == id; }))
      return;
    class_open_.push_back({id, 1, {}, false});
  }
  void ClassEnd(std::string_view tag) {
    if ((tag == "s" || tag == "del" || tag == "strike") && struck_ > 0)
      --struck_;
    for (ClassCapture& capture : class_open_)
      --capture.depth;
    while (!class_open_.empty() && class_open_.back().depth <= 0) {
      ClassCapture capture = std::move(class_open_.back());
      class_open_.pop_back();
      bool found = std::any_of(by_class_.begin(), by_class_.end(),
                               [&](const Candidate& c) { return c.field.id == capture.id; });
      std::string value = found ? "" : ValueByClass(capture.id, capture.text);
      if (!value.empty() && labels_.Accepts(capture.id, value))
        by_class_.push_back(
            {events_, 2, {std::string(capture.id), "(class)", std::move(value), ""}});
    }
  }

  // Breadcrumbs: the first element whose class, id or aria-label says "breadcrumb"; each link or
  // list item in it is a crumb, and so is text between them ("Home > Drugs > Steroids").
  static bool NamesBreadcrumb(std::string_view value) {
    return FirstClassPart(value.substr(0, 512), [](const std::string& part) {
      return part == "breadcrumb" || part == "breadcrumbs";
    });
  }
  void CrumbStart(std::string_view tag, const xmlChar** attributes) {
    if (crumbs_depth_ > 0) {
      ++crumbs_depth_;
      if (tag == "a" || tag == "li") {
        CloseCrumb();
        std::string_view href = tag == "a" ? Attribute(attributes, "href") : "";
        // "#" and scripts lead nowhere: such a crumb is the page itself, like one without a link.
        if (href.size() <= kMaxLinkBytes && !href.starts_with('#') &&
            !href.starts_with("javascript:"))
          crumb_.link = std::string(href);
      }
      return;
    }
    if (crumbs_done_)
      return;
    const bool container = tag == "ol" || tag == "ul" || tag == "nav" || tag == "div" ||
                           tag == "p" || tag == "section" || tag == "span";
    if (!container)
      return;
    if (NamesBreadcrumb(Attribute(attributes, "class")) ||
        NamesBreadcrumb(Attribute(attributes, "id")) ||
        NamesBreadcrumb(Attribute(attributes, "aria-label")))
      crumbs_depth_ = 1;
  }
  void CrumbEnd(std::string_view tag) {
    if (crumbs_depth_ == 0)
      return;
    if (tag == "a" || tag == "li" || crumbs_depth_ == 1)
      CloseCrumb();
    // A trail of one step is no trail (an icon, a heading): the next one may be.
    if (--crumbs_depth_ == 0) {
      crumbs_done_ = crumbs_.size() >= 2;
      if (!crumbs_done_)
        crumbs_.clear();
    }
  }
  // Ends the crumb being read; separators around it ("›", ">", "/", "»", "|") are not its text.
  void CloseCrumb() {
    std::string& text = crumb_.text;
    auto separator = [](std::string_view t) {
      for (std::string_view s : {">", "/", "|", "\u00BB", "\u203A", "\u2192", "-", "\u2014", ":"}) {
        if (t.starts_with(s))
          return s.size();
      }
      return size_t{0};
    };
    for (size_t n; (n = separator(text)) > 0;)
      text.erase(0, std::min(text.find_first_not_of(' ', n), text.size()));
    while (!text.empty()) {
      size_t n = 0;
      for (std::string_view s :
           {">", "/", "|", "\u00BB", "\u203A", "\u2192", "-", "\u2014", ":", " "}) {
        if (text.ends_with(s)) {
          n = s.size();
          break;
        }
      }
      if (n == 0)
        break;
      text.resize(text.size() - n);
    }
    if (!text.empty() && text.size() <= kMaxFieldValueBytes && crumbs_.size() < kMaxCrumbs)
      crumbs_.push_back(std::move(crumb_));
    crumb_ = {};
    crumb_space_ = false;
  }

  static std::string_view Attribute(const xmlChar** attributes, std::string_view key) {
    for (size_t i = 0; attributes != nullptr && attributes[i] != nullptr; i += 2) {
      if (key == reinterpret_cast<const char*>(attributes[i]) && attributes[i + 1] != nullptr)
        return reinterpret_cast<const char*>(attributes[i + 1]);
    }
    return {};
  }

  // An <a href> or <img alt> inside the open cell or definition, and on the current line.
  void Reference(bool link, std::string_view value) {
    if (!frames_.empty() && frames_.back().kind != Kind::kTable) {
      std::string& slot = link ? frames_.back().link : frames_.back().alt;
      if (slot.empty())
        slot = link ? value : value.substr(0, kMaxFieldValueBytes + 4);
    }
    if (link && line_links_.size() < kMaxLineLinks)
      line_links_.push_back(
          {line_.size() + (line_space_ ? 1 : 0), std::string::npos, std::string(value)});
  }

  // A block element or <br> ends a line, and is a space inside a cell ("Медеуский,<br>Ауэзовский").
  void EndBlock() {
    EndLine();
    if (!frames_.empty() && frames_.back().kind != Kind::kTable)
      frames_.back().space = frames_.back().space || !frames_.back().text.empty();
  }

  // A row ends: cells left open by broken markup close with it.
  void EndRow() {
    size_t table = frames_.size();
    while (table > 0 && frames_[table - 1].kind != Kind::kTable)
      --table;
    CloseFrames(table);
    FlushRow(tables_.back());
  }

  // Closes the frames from index `first` up, innermost first.
  void CloseFrames(size_t first) {
    while (frames_.size() > first) {
      Frame frame = std::move(frames_.back());
      frames_.pop_back();
      if (frame.text.empty())
        frame.text = std::move(frame.alt);  // a flag or star image with no text
      Truncate(frame.text, kMaxFieldValueBytes);
      if (!frame.loose && frame.kind != Kind::kTable) {
        frame.name = std::move(frame.link_text);
        Truncate(frame.name, kMaxFieldValueBytes);
      }
      if (frame.kind == Kind::kTable && !tables_.empty()) {
        FlushRow(tables_.back());
        tables_.pop_back();
      } else if (frame.kind == Kind::kCell && !tables_.empty()) {
        if (tables_.back().row.size() < kMaxCellsPerRow)
          tables_.back().row.push_back(std::move(frame));
      } else if (frame.kind == Kind::kTerm) {
        term_ = std::move(frame.text);
        term_order_ = frame.order;
      } else if (frame.kind == Kind::kDefinition) {
        std::string_view id = labels_.Match(frame.term);
        if (!IsOtherLabel(id, frame.text))
          BadgeRating(id, frame);
        if (!IsOtherLabel(id, frame.text))
          Offer(frame.term_order, 0, id, frame.term, ValueOf(id, frame), std::move(frame.link));
      }
    }
  }

  // A table row ends: a header row names the columns, later rows of that table are records;
  // elsewhere a cell holding a label pairs with the cell after it.
  void FlushRow(Table& table) {
    std::vector<Frame> cells = std::exchange(table.row, {});
    bool all_header =
        std::all_of(cells.begin(), cells.end(), [](const Frame& c) { return c.header; });
    if (all_header && cells.size() >= 2) {
      std::vector<std::string_view> ids;
      for (const Frame& cell : cells)
        ids.push_back(labels_.Match(cell.text));
      if (std::count_if(ids.begin(), ids.end(), [](auto id) { return !id.empty(); }) >= 2) {
        table.columns = std::move(ids);
        table.column_labels.clear();
        for (const Frame& cell : cells)
          table.column_labels.push_back(RawLabel(cell.text));
        return;
      }
    }
    if (!table.columns.empty() && !all_header) {
      std::vector<Field> record;
      for (size_t i = 0; i < cells.size() && i < table.columns.size(); ++i) {
        std::string_view id = table.columns[i];
        if (!id.empty() && !cells[i].text.empty() && labels_.Accepts(id, cells[i].text)) {
          record.push_back({std::string(id), table.column_labels[i], ValueOf(id, cells[i]),
                            std::move(cells[i].link)});
        }
      }
      if (cells.size() >= 2 && !record.empty() && rows_.size() < kMaxRowsPerPage)
        rows_.push_back(std::move(record));
      return;
    }
    for (size_t i = 0; i + 1 < cells.size(); ++i) {
      std::string_view id = labels_.Match(cells[i].text);
      if (!id.empty() && !IsOtherLabel(id, cells[i + 1].text)) {
        BadgeRating(id, cells[i + 1]);
        Offer(cells[i].order, 0, id, cells[i].text, ValueOf(id, cells[i + 1]),
              std::move(cells[i + 1].link));
        ++i;
      }
    }
  }

  // A value that is wholly the label of another field is the next label, not a value: a label
  // row rendered as lines, or a section heading ("Item info:") before a label ("seller"). The
  // same field's label stays a value ("Availability: In stock").
  bool IsOtherLabel(std::string_view id, std::string_view value) const {
    std::string_view other = labels_.MatchWhole(value);
    return !other.empty() && other != id;
  }

  // The value of field `id` in a closed cell or definition: a vendor's link text when the rest
  // of the cell is a badge, else all its text.
  static std::string ValueOf(std::string_view id, Frame& frame) {
    if (id == "vendor" && !frame.name.empty())
      return std::move(frame.name);
    return std::move(frame.text);
  }

  // A vendor's score written beside the name in the vendor's cell, in elements of its own:
  // "SocialPharma [<b>+62</b>|<b>−0</b>]" (positive and negative feedback), "bob (98%)",
  // "bob <span>4.9/5</span>". Taken as the rating where no label gives one.
  void BadgeRating(std::string_view id, const Frame& frame) {
    if (id != "vendor" || frame.name.empty() || by_class_.size() >= kMaxFieldsPerPage)
      return;
    size_t at = frame.text.find(frame.name);
    if (at == std::string::npos)
      return;
    std::string_view score =
        TrimBrackets(std::string_view(frame.text).substr(at + frame.name.size()));
    if (IsScore(score))
      OfferBadgeRating(frame.order, score);
  }
  void OfferBadgeRating(size_t order, std::string_view score) {
    if (by_class_.size() >= kMaxFieldsPerPage ||
        std::any_of(by_class_.begin(), by_class_.end(),
                    [](const Candidate& c) { return c.field.id == "rating"; }))
      return;
    by_class_.push_back({order, 2, {"rating", "(beside vendor)", std::string(score), ""}});
  }
  // `t` without the outer characters of `set`: spaces, or spaces and brackets ("[+62|−0]").
  static std::string_view Trim(std::string_view t, std::string_view set = " ") {
    size_t first = t.find_first_not_of(set);
    if (first == std::string_view::npos)
      return {};
    return t.substr(first, t.find_last_not_of(set) - first + 1);
  }
  static std::string_view TrimBrackets(std::string_view t) { return Trim(t, " ()[]"); }
  // "+62|−0", "62/0", "98%", "95.4", "4.9/5", "4.77 / 5.0", "★ 4.8": counts of positive and
  // negative feedback, a share, or a score. Signs may be ASCII or U+2212 MINUS SIGN.
  static bool IsScore(std::string_view t) {
    if (t.empty() || t.size() > 32)
      return false;
    size_t i = 0;
    for (std::string_view star : {"\xE2\x98\x85", "\xE2\xAD\x90"}) {  // U+2605, U+2B50
      if (t.substr(0, star.size()) == star)
        i = star.size();
    }
    auto number = [&](bool decimals) {
      size_t start = i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9')
        ++i;
      if (decimals && i < t.size() && (t[i] == '.' || t[i] == ',') && i + 1 < t.size() &&
          t[i + 1] >= '0' && t[i + 1] <= '9') {
        ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9')
          ++i;
      }
      return i > start;
    };
    auto skip = [&](std::string_view what) {
      while (i < t.size() && t[i] == ' ')
        ++i;
      if (t.substr(i, what.size()) != what)
        return false;
      i += what.size();
      while (i < t.size() && t[i] == ' ')
        ++i;
      return true;
    };
    bool plus = skip("+");
    if (!number(!plus))
      return false;
    if (i == t.size() || (!plus && skip("%") && i == t.size()))
      return !plus;
    if (skip("|") || skip("/")) {
      bool minus = skip("-") || skip("\xE2\x88\x92");  // U+2212
      return number(!minus && !plus) && i == t.size();
    }
    return false;
  }

  // Whether the line being ended is inside a table cell, <dt> or <dd>: tables pair their own
  // labels and values, so a bare label line there is a column header, not a label.
  bool InStructure() const { return !frames_.empty() && frames_.back().kind != Kind::kTable; }

  // A line of text ends: "Label: value", or "Label:" alone with the value on the next line.
  void EndLine() {
    if (line_.empty())
      return;
    std::string line = std::exchange(line_, "");
    auto links = std::exchange(line_links_, {});
    line_space_ = false;
    size_t colon = std::min(line.find(':'), line.find("\xEF\xBC\x9A"));  // or U+FF1A
    std::string_view id =
        colon > 0 && colon <= kMaxLabelBytes ? labels_.Match(line.substr(0, colon)) : "";
    if (!id.empty()) {
      size_t start =
          std::min(line.find_first_not_of(" :", colon + (line[colon] == ':' ? 1 : 3)), line.size());
      auto link =
          std::find_if(links.begin(), links.end(), [&](auto& l) { return l.begin > colon; });
      pending_.reset();
      if (start == line.size()) {
        pending_ = Candidate{line_order_, 1, {std::string(id), line.substr(0, colon), "", ""}};
      } else {
        Offer(line_order_, 1, id, line.substr(0, colon), line.substr(start),
              link == links.end() ? "" : std::move(link->href));
      }
      return;
    }
    if (pending_) {
      std::optional<Candidate> pending = std::exchange(pending_, std::nullopt);
      if (!IsOtherLabel(pending->field.id, line)) {
        return Offer(pending->order, pending->rank, pending->field.id, pending->field.label,
                     std::move(line), links.empty() ? "" : std::move(links.front().href));
      }
    }
    // "Sold by <a>bob</a>", "Продавец <a>bob</a> ★ 4.9": a vendor label without a colon, then a
    // link that ends the line or is followed only by a score (the vendor's rating).
    if (!links.empty() && links.front().end != std::string::npos &&
        links.front().end <= line.size()) {
      const LineLink& link = links.front();
      std::string_view before = Trim(std::string_view(line).substr(0, link.begin));
      std::string_view name =
          Trim(std::string_view(line).substr(link.begin, link.end - link.begin));
      std::string_view score = TrimBrackets(std::string_view(line).substr(link.end));
      if (!before.empty() && !name.empty() && labels_.MatchWhole(before) == "vendor" &&
          (score.empty() || IsScore(score))) {
        Offer(line_order_, 1, "vendor", before, std::string(name), link.href);
        if (!score.empty())
          OfferBadgeRating(line_order_, score);
        return;
      }
    }
    // A line that is wholly the label of a number field, without a colon and outside tables:
    // the value may be the next line ("price" then "฿0.0060"); the number type guards it.
    std::string_view bare = InStructure() ? "" : labels_.MatchWhole(line);
    if (!bare.empty() && labels_.ValueType(bare) == FieldValueType::kNumber)
      pending_ = Candidate{line_order_, 2, {std::string(bare), line, "", ""}};
  }

  // First occurrence wins: the earliest label position, structure before text at a tie.
  void Offer(size_t order, int rank, std::string_view id, std::string_view label, std::string value,
             std::string link) {
    Truncate(value, kMaxFieldValueBytes);
    if (id.empty() || value.empty() || !labels_.Accepts(id, value))
      return;
    Candidate candidate{
        order, rank, {std::string(id), RawLabel(label), std::move(value), std::move(link)}};
    for (Candidate& best : best_) {
      if (best.field.id == id) {
        if (std::pair(order, rank) < std::pair(best.order, best.rank))
          best = std::move(candidate);
        return;
      }
    }
    if (best_.size() < kMaxFieldsPerPage)
      best_.push_back(std::move(candidate));
  }

  const FieldLabels& labels_;
  size_t events_ = 0;
  static constexpr size_t kMaxCrumbs = 16;
  int crumbs_depth_ = 0;  // > 0 inside the breadcrumbs element: elements open in it, plus one
  bool crumbs_done_ = false;
  Crumb crumb_;
  bool crumb_space_ = false;
  std::vector<Crumb> crumbs_;
  struct ClassCapture {
    std::string_view id;
    int depth = 0;  // elements open inside it, plus one
    std::string text;
    bool space = false;
  };
  static constexpr size_t kMaxClassCaptures = 8;
  std::vector<ClassCapture> class_open_;
  int struck_ = 0;                   // <s>, <del> and <strike> elements open
  std::vector<Candidate> by_class_;  // from class words, vendor badges and order forms
  static constexpr size_t kMaxChoiceBytes = 64;
  static constexpr size_t kMaxChoices = 16;
  std::string_view select_field_;  // the field of the open <select>, "" for none
  std::string_view choice_field_;  // the field of the choice being read, "" for none
  bool choice_space_ = false;
  std::string choice_text_;
  std::vector<std::pair<std::string_view, std::vector<std::string>>> choices_;  // per field
  int skip_ = 0;         // inside script, style, template or noscript
  size_t overflow_ = 0;  // frames not tracked because kMaxOpenFrames were open
  std::vector<Frame> frames_;
  std::vector<Table> tables_;
  std::string term_;  // the last <dt>, waiting for its <dd>
  size_t term_order_ = 0;
  std::string line_;
  bool line_space_ = false;
  size_t line_order_ = 0;
  struct LineLink {
    size_t begin = 0;                // offset of the link's text in line_
    size_t end = std::string::npos;  // one past it, once </a> was seen
    std::string href;
  };
  std::vector<LineLink> line_links_;
  std::optional<Candidate> pending_;  // "Label:" waiting for a value line
  std::vector<Candidate> best_;
  std::vector<std::vector<Field>> rows_;
};

// SAX callbacks: no exception may unwind through libxml2's C frames.
template <typename F>
void Guarded(void* user, F&& f) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  auto& extractor = *static_cast<Extractor*>(ctxt->_private);
  if (extractor.failed)
    return;
  try {
    f(extractor);
  } catch (...) {
    // Out of memory: this extractor ignores the rest of the page; the parse goes on for the
    // other sinks of a shared pass.
    extractor.failed = true;
  }
}

void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  Guarded(user, [&](Extractor& x) { x.Start(reinterpret_cast<const char*>(name), attributes); });
}
void OnEnd(void* user, const xmlChar* name) {
  Guarded(user, [&](Extractor& x) { x.End(reinterpret_cast<const char*>(name)); });
}
void OnCharacters(void* user, const xmlChar* bytes, int length) {
  if (length > 0) {
    Guarded(user, [&](Extractor& x) {
      x.Text({reinterpret_cast<const char*>(bytes), static_cast<size_t>(length)});
    });
  }
}

}  // namespace

const std::vector<std::string_view>& FieldLabels::KnownIds() {
  static const std::vector<std::string_view> ids = {
      "vendor",  "price",  "ships_from", "ships_to", "city",  "district",     "stash_type",
      "stock",   "weight", "quantity",   "rating",   "sales", "member_since", "category",
      "payment", "escrow", "title",      "preorder", "level"};
  return ids;
}

std::string FieldLabels::Fold(std::string_view text) {
  text = text.substr(0, 4096);
  std::string out;
  out.reserve(text.size());
  bool space = false;
  auto keep = [&](UChar32 c) {
    if (u_isUWhiteSpace(c)) {
      space = space || !out.empty();
    } else if (u_charType(c) != U_FORMAT_CHAR) {  // zero-width characters, soft hyphens
      if (space)
        out.push_back(' ');
      space = false;
      char utf8[U8_MAX_LENGTH];
      int32_t n = 0;
      U8_APPEND_UNSAFE(utf8, n, c);
      out.append(utf8, static_cast<size_t>(n));
    }
  };
  if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
    // ASCII: folding is lower-casing, white space is \t..\r and the space, and no character is a
    // format character; no ICU lookups.
    for (char c : text) {
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        space = space || !out.empty();
        continue;
      }
      if (space)
        out.push_back(' ');
      space = false;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c);
    }
    return RawLabel(out);
  }
  const std::string folded = FoldCase(text);
  for (int32_t i = 0, n = static_cast<int32_t>(folded.size()); i < n;) {
    UChar32 c = 0;
    U8_NEXT(folded.data(), i, n, c);
    keep(c < 0 ? 0xFFFD : c);
  }
  return RawLabel(out);
}

std::string_view FieldLabels::Match(std::string_view label) const {
  if (label.size() > kMaxLabelBytes || by_label_.empty())
    return {};
  std::string folded = Fold(label);
  if (folded.empty())
    return {};
  if (auto it = by_label_.find(folded); it != by_label_.end())
    return IdAt(it->second);
  if (folded.find(':') != std::string::npos)
    return {};  // "Vendor: bob" is a line, not a label
  // The longest known label the text starts with, ending where a letter or digit does not follow.
  std::string_view best;
  const auto* bytes = reinterpret_cast<const uint8_t*>(folded.data());
  auto length = static_cast<int32_t>(folded.size());
  for (int32_t i = 0; i < length;) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (static_cast<size_t>(at) > longest_label_ + 1)
      break;
    if (at == 0 || (c >= 0 && (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0)))
      continue;
    size_t end = static_cast<size_t>(at) - (folded[at - 1] == ' ' ? 1 : 0);
    if (auto it = by_label_.find(std::string_view(folded).substr(0, end)); it != by_label_.end())
      best = IdAt(it->second);
  }
  return best;
}

std::string_view FieldLabels::MatchWhole(std::string_view text) const {
  if (text.size() > kMaxLabelBytes || by_label_.empty())
    return {};
  auto it = by_label_.find(Fold(text));
  return it == by_label_.end() ? std::string_view() : IdAt(it->second);
}

FieldValueType FieldLabels::ValueType(std::string_view id) const {
  for (const FieldDefinition& field : fields_) {
    if (field.id == id)
      return field.value;
  }
  return FieldValueType::kText;
}

std::string_view FieldLabels::MatchWordIn(
    std::string_view attribute, const std::vector<std::pair<std::string, size_t>>& words) const {
  if (words.empty() || attribute.size() > 1024)
    return {};
  return FirstClassPart(attribute, [&](const std::string& part) -> std::string_view {
    for (const auto& [word, index] : words) {
      if (part == word)
        return fields_[index].id;
    }
    return {};
  });
}

std::string_view FieldLabels::MatchClass(std::string_view class_attribute) const {
  return MatchWordIn(class_attribute, class_words_);
}

std::string_view FieldLabels::MatchControl(std::string_view name) const {
  if (std::string_view id = MatchWordIn(name, control_words_); !id.empty())
    return id;
  // Else the whole name as a label of a field that takes choices, in any language
  // ("betaalmethode", "sposob_oplaty" does not: labels are not transliterated).
  if (name.empty() || name.size() > kMaxLabelBytes)
    return {};
  std::string label(name);
  std::replace_if(
      label.begin(), label.end(), [](char c) { return c == '_' || c == '-'; }, ' ');
  std::string_view id = MatchWhole(label);
  for (const FieldDefinition& field : fields_) {
    if (field.id == id && !field.controls.empty())
      return id;
  }
  return {};
}

bool FieldLabels::Accepts(std::string_view id, std::string_view value) const {
  return ValueType(id) != FieldValueType::kNumber || HasDigit(value);
}

Result<FieldLabels> ParseFieldLabels(std::string_view yaml, const std::string& file) {
  FieldLabels labels;
  std::vector<std::string> errors;
  auto error = [&](const YAML::Node& node, const std::string& message) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    errors.push_back(file + ":" + (line > 0 ? std::to_string(line) + ":" : "") + " " + message);
  };
  auto check_keys = [&](const YAML::Node& map, std::initializer_list<std::string_view> keys) {
    for (const auto& entry : map) {
      if (std::find(keys.begin(), keys.end(), entry.first.Scalar()) == keys.end())
        error(entry.first, "unknown key `" + entry.first.Scalar() + "`");
    }
  };
  struct Seen {
    size_t field;
    std::string lang;
    int line;
  };
  std::map<std::string, Seen> seen;  // folded label -> first use
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    const YAML::Node fields = root.IsMap() ? root["fields"] : YAML::Node();
    if (!root.IsMap() || !root["schema"] || root["schema"].as<std::string>("") != "1")
      error(root.IsMap() && root["schema"] ? root["schema"] : root,
            "`schema: 1` is missing or not 1");
    if (root.IsMap())
      check_keys(root, {"schema", "fields"});
    if (root.IsMap() && (!fields || !fields.IsSequence()))
      error(fields ? fields : root, "`fields` must be a list");
    for (size_t f = 0; fields.IsSequence() && f < fields.size(); ++f) {
      const YAML::Node field = fields[f];
      const YAML::Node id = field.IsMap() ? field["id"] : YAML::Node();
      const YAML::Node by_lang = field.IsMap() ? field["labels"] : YAML::Node();
      const auto& known = FieldLabels::KnownIds();
      if (field.IsMap())
        check_keys(field, {"id", "labels", "value", "classes", "controls"});
      // `id: none`: wordings that name no field, listed so that the prefix rule does not read them
      // as a shorter label followed by more words ("Product class" is not the label "Product").
      const bool none = id.IsScalar() && id.Scalar() == "none";
      if (!none &&
          (!id.IsScalar() || std::find(known.begin(), known.end(), id.Scalar()) == known.end())) {
        error(id ? id : field, "unknown field id `" + (id.IsScalar() ? id.Scalar() : "") + "`");
        continue;
      }
      if (!by_lang.IsMap()) {
        error(by_lang ? by_lang : field, "`labels` must map languages to lists of labels");
        continue;
      }
      size_t index = none ? FieldLabels::kNotAField : labels.fields_.size();
      for (const FieldDefinition& other : labels.fields_) {
        if (other.id == id.Scalar())
          error(id, "field `" + id.Scalar() + "` is defined twice");
      }
      FieldDefinition unused;
      FieldDefinition& definition = none ? unused : labels.fields_.emplace_back();
      definition.id = id.Scalar();
      if (none && (field["value"] || field["classes"] || field["controls"]))
        error(field, "`none` takes only `labels`");
      if (const YAML::Node value = field["value"]; value) {
        if (value.IsScalar() && (value.Scalar() == "number" || value.Scalar() == "text")) {
          definition.value =
              value.Scalar() == "number" ? FieldValueType::kNumber : FieldValueType::kText;
        } else {
          error(value, "`value` must be `text` or `number`");
        }
      }
      // `classes` and `controls`: lists of lower-case ASCII words.
      auto read_words = [&](const char* key, const char* what, std::vector<std::string>& words,
                            std::vector<std::pair<std::string, size_t>>& index_of) {
        const YAML::Node list = field[key];
        if (!list)
          return;
        for (size_t c = 0; list.IsSequence() && c < list.size(); ++c) {
          const std::string word = list[c].IsScalar() ? list[c].Scalar() : "";
          bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
          });
          if (!plain) {
            error(list[c], std::string(what) + " is lower-case ASCII letters and digits");
            continue;
          }
          index_of.emplace_back(word, index);
          words.push_back(word);
        }
        if (!list.IsSequence())
          error(list, std::string("`") + key + "` must be a list of words");
      };
      read_words("classes", "a class word", definition.classes, labels.class_words_);
      read_words("controls", "a control word", definition.controls, labels.control_words_);
      for (const auto& entry : by_lang) {
        const std::string& lang = entry.first.Scalar();
        if (kLanguages.count(lang) == 0)
          error(entry.first, "unknown language `" + lang + "`");
        std::vector<YAML::Node> items;
        for (const auto& item : entry.second)  // a list, or one label written alone
          items.push_back(item);
        if (!entry.second.IsSequence())
          items.assign(1, entry.second);
        for (const YAML::Node& item : items) {
          std::string folded = item.IsScalar() ? FieldLabels::Fold(item.Scalar()) : "";
          auto [it, fresh] = seen.try_emplace(folded, Seen{index, lang, item.Mark().line + 1});
          if (folded.empty() || folded.size() > kMaxLabelBytes) {
            error(item, folded.empty() ? "empty label" : "label longer than 160 bytes");
          } else if (it->second.field != index) {
            error(item, "label `" + item.Scalar() + "` already names field `" +
                            std::string(labels.IdAt(it->second.field, "none")) + "` (line " +
                            std::to_string(it->second.line) + ")");
          } else if (!fresh && it->second.lang == lang) {
            error(item, "duplicate label `" + item.Scalar() + "`");
          } else {  // a new label, or the same word in another language
            definition.labels.push_back({item.Scalar(), lang});
            labels.by_label_.emplace(folded, index);
            labels.longest_label_ = std::max(labels.longest_label_, folded.size());
          }
        }
      }
      if (definition.labels.empty())
        error(field, "field `" + definition.id + "` has no labels");
    }
  } catch (const YAML::Exception& e) {
    errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    errors.push_back(file + ": " + e.what());
  }
  if (!errors.empty()) {
    std::string message = errors.front();
    for (size_t i = 1; i < errors.size() && i < 50; ++i)
      message += "\n" + errors[i];
    return InvalidArgument(message + (errors.size() > 50 ? "\n..." : ""));
  }
  return labels;
}

Result<FieldLabels> LoadFieldLabels(const std::filesystem::path& path) {
  auto contents = ReadFile(path);
  if (!contents.has_value())
    return std::move(contents).error();
  return ParseFieldLabels(*contents, path.string());
}

std::filesystem::path DefaultParseDataFile(std::string_view name) {
  std::filesystem::path file = std::filesystem::path("parse") / std::string(name);
  if (const char* env = std::getenv("DRAGNET_DATA"); env != nullptr && *env != '\0')
    return std::filesystem::path(env) / file;
#ifdef DRAGNET_SOURCE_DATA_DIR
  std::error_code ec;
  if (std::filesystem::is_directory(DRAGNET_SOURCE_DATA_DIR, ec))
    return std::filesystem::path(DRAGNET_SOURCE_DATA_DIR) / file;
#endif
#ifdef DRAGNET_INSTALL_DATA_DIR
  return std::filesystem::path(DRAGNET_INSTALL_DATA_DIR) / file;
#else
  return std::filesystem::path("data") / file;
#endif
}

ExtractedFields ExtractFields(std::string_view html, const FieldLabels& labels) {
  if (html.empty())
    return {};
  try {
    FieldExtraction extraction(labels);
    SaxSink sink = extraction.Sink();
    if (!ParseHtmlSaxFanout(html, std::span<SaxSink>(&sink, 1)))
      return {};
    return extraction.Finish();
  } catch (const std::exception&) {
    return {};  // out of memory: nothing rather than a crash
  }
}

struct FieldExtraction::Impl {
  explicit Impl(const FieldLabels& labels) : extractor(labels) {}
  Extractor extractor;
};

FieldExtraction::FieldExtraction(const FieldLabels& labels)
    : impl_(std::make_unique<Impl>(labels)) {}
FieldExtraction::~FieldExtraction() = default;

SaxSink FieldExtraction::Sink() {
  SaxSink sink;
  sink.handler.startElement = OnStart;
  sink.handler.endElement = OnEnd;
  sink.handler.characters = OnCharacters;
  sink.handler.cdataBlock = OnCharacters;
  sink.state = &impl_->extractor;
  return sink;
}

ExtractedFields FieldExtraction::Finish() {
  try {
    if (impl_->extractor.failed)
      return {};
    return impl_->extractor.Finish();
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace dragnet::parse
