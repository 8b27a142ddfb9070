#include "parse/page_parser.h"

#include <algorithm>
#include <memory>

#include <libxml/tree.h>

#include "core/file.h"
#include "core/hash.h"
#include "parse/boilerplate.h"
#include "parse/charset.h"
#include "parse/html_sax.h"
#include "parse/html_text.h"
#include "parse/near_duplicate.h"
#include "parse/site_profile.h"

namespace dragnet::parse {
namespace {

// The host of an absolute URL ("" for file: and anything without one), lower-cased. Only the
// profile match needs it; the crawler's full URL parser lives upstream in capture/.
std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos)
    return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos)
    rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() != '[')
    rest = rest.substr(0, rest.find(':'));
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return host;
}

// Badges that give the number before the words: "99 In stock", "1 items sold since Sep 2019",
// "12 шт. в наличии", "340 продаж". A short line of the text starting with a number and then one
// of these (folded) fills stock or sales when no label gave them.
struct CountBadge {
  std::string_view field;
  std::string_view words;
};
constexpr CountBadge kCountBadges[] = {
    {"stock", "in stock"},    {"stock", "available"},     {"stock", "pcs in stock"},
    {"stock", "left"},        {"stock", "шт. в наличии"}, {"stock", "шт в наличии"},
    {"stock", "в наличии"},   {"stock", "в наявності"},   {"stock", "auf lager"},
    {"stock", "verfügbar"},   {"stock", "na stanie"},     {"stock", "op voorraad"},
    {"stock", "en stock"},    {"stock", "disponibles"},   {"stock", "stokta"},
    {"sales", "items sold"},  {"sales", "item sold"},     {"sales", "sold"},
    {"sales", "sales"},       {"sales", "orders"},        {"sales", "продаж"},
    {"sales", "продажи"},     {"sales", "продаж(и)"},     {"sales", "заказов"},
    {"sales", "продажів"},    {"sales", "verkäufe"},      {"sales", "verkauft"},
    {"sales", "sprzedanych"}, {"sales", "verkocht"},      {"sales", "ventes"},
    {"sales", "vendidos"},    {"sales", "satış"},
};

void FillFromCountBadges(std::string_view text, ExtractedFields& fields) {
  auto have = [&](std::string_view id) {
    return std::any_of(fields.fields.begin(), fields.fields.end(),
                       [&](const Field& f) { return f.id == id; });
  };
  bool need_stock = !have("stock");
  bool need_sales = !have("sales");
  size_t lines = 0;
  while (!text.empty() && (need_stock || need_sales) && ++lines < 5000) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && line.front() == ' ')
      line.remove_prefix(1);
    if (line.empty() || line.size() > 80 || line[0] < '0' || line[0] > '9')
      continue;
    size_t digits = 0;
    while (digits < line.size() && ((line[digits] >= '0' && line[digits] <= '9') ||
                                    line[digits] == ',' || line[digits] == '.'))
      ++digits;
    std::string number(line.substr(0, digits));
    while (!number.empty() && (number.back() == ',' || number.back() == '.'))
      number.pop_back();
    std::string rest = FieldLabels::Fold(line.substr(digits));
    for (const CountBadge& badge : kCountBadges) {
      bool wanted = badge.field == "stock" ? need_stock : need_sales;
      if (!wanted || !rest.starts_with(badge.words))
        continue;
      // The words end there or go on after a space or punctuation ("sold since Sep 2019").
      size_t after = badge.words.size();
      if (after < rest.size() && rest[after] != ' ' && rest[after] != ',' && rest[after] != '.')
        continue;
      fields.fields.push_back({std::string(badge.field), "(count)", number, ""});
      (badge.field == "stock" ? need_stock : need_sales) = false;
      break;
    }
  }
}

// The raw text of the first <title> in the first 64 KiB, found without parsing, so that the one
// parse of the page knows whether to build the tree a site profile needs. Entities stay as
// written; the title libxml2 decodes has the last word (PageParser::Parse).
std::string_view PrescanTitle(std::string_view html) {
  std::string_view head = html.substr(0, 64 * 1024);
  auto find_ci = [&](std::string_view needle, size_t from) {
    for (size_t i = from; i + needle.size() <= head.size(); ++i) {
      size_t k = 0;
      while (k < needle.size() &&
             (head[i + k] | 0x20) == needle[k])  // ASCII letters only in the needles
        ++k;
      if (k == needle.size())
        return i;
    }
    return std::string_view::npos;
  };
  size_t open = find_ci("<title", 0);
  if (open == std::string_view::npos)
    return "";
  size_t start = head.find('>', open);
  if (start == std::string_view::npos)
    return "";
  size_t end = find_ci("</title", start + 1);
  if (end == std::string_view::npos)
    return "";
  return head.substr(start + 1, end - start - 1);
}

// The page's <title> without the site's name: the longest part between separators.
std::string_view TitleWithoutSite(std::string_view title) {
  std::string_view best;
  while (!title.empty()) {
    size_t cut = std::string_view::npos;
    size_t width = 0;
    for (std::string_view separator : {" | ", " - ", " — ", " :: ", " @ "}) {
      size_t at = title.find(separator);
      if (at < cut) {
        cut = at;
        width = separator.size();
      }
    }
    std::string_view part = title.substr(0, cut);
    if (part.size() > best.size())
      best = part;
    if (cut == std::string_view::npos)
      break;
    title.remove_prefix(cut + width);
  }
  return best;
}

// A listing's title and a vendor page's vendor when neither the profile nor a label gave them:
// the main heading, which markets fill with the product or the seller's name.
void FillFromHeading(const HtmlText& text, std::string_view page_type, ExtractedFields& fields) {
  std::string_view id = page_type == "listing" ? "title" : "vendor";
  for (const Field& f : fields.fields) {
    if (f.id == id)
      return;
  }
  std::string value = text.heading;
  for (std::string_view prefix : {"Vendor profile: ", "Vendor: ", "Продавец: ", "Verkäufer: "}) {
    if (value.starts_with(prefix))
      value.erase(0, prefix.size());
  }
  if (value.size() < 2 || value.size() > 200)
    value = std::string(TitleWithoutSite(text.title));
  if (value.size() < 2 || value.size() > kMaxFieldValueBytes)
    return;
  fields.fields.push_back({std::string(id), "(heading)", std::move(value), ""});
}

// A listing's category from its breadcrumb trail, when no label gave one: the last linked crumb
// before the listing itself, not the first (the site's home). "Home › Drugs › Steroids › AXA MED
// TREN 1MG" gives "Steroids".
void FillFromBreadcrumbs(ExtractedFields& fields, std::string_view url) {
  for (const Field& f : fields.fields) {
    if (f.id == "category")
      return;
  }
  std::string title;
  for (const Field& f : fields.fields) {
    if (f.id == "title")
      title = FieldLabels::Fold(f.value);
  }
  const std::vector<Crumb>& crumbs = fields.breadcrumbs;
  size_t last = crumbs.size();
  // The page itself: crumbs at the end without a link, linking to the page, or naming the
  // listing (its title, in any case, perhaps with more words).
  auto is_page = [&](const Crumb& crumb) {
    if (crumb.link.empty() || (!url.empty() && (crumb.link == url || url.ends_with(crumb.link))))
      return true;
    std::string text = FieldLabels::Fold(crumb.text);
    return !title.empty() && text.find(title) != std::string::npos;
  };
  while (last > 0 && is_page(crumbs[last - 1]))
    --last;
  if (last < 2)
    return;
  const Crumb& crumb = crumbs[last - 1];
  fields.fields.push_back({"category", "(breadcrumb)", crumb.text, crumb.link});
}

}  // namespace

Result<PageParser> PageParser::Load(const PageParserOptions& options) {
  PageParser parser;
  std::filesystem::path profile_dir =
      options.profiles.empty() ? DefaultSiteProfileDir() : options.profiles;
  std::error_code ec;
  if (!options.profiles.empty() && !std::filesystem::is_directory(profile_dir, ec))
    return NotFound("no site profile directory " + profile_dir.string());
  DRAGNET_ASSIGN_OR_RETURN(parser.profiles_, LoadSiteProfiles(profile_dir));
  std::filesystem::path vocabulary_file = DefaultParseDataFile("page_types.yaml");
  std::filesystem::path labels_file = DefaultFieldLabelsFile();
  DRAGNET_ASSIGN_OR_RETURN(parser.vocabulary_, LoadPageTypeVocabulary(vocabulary_file));
  DRAGNET_ASSIGN_OR_RETURN(parser.labels_, LoadFieldLabels(labels_file));
  // The gazetteer ships with Dragnet like the other data: missing, it is a broken installation.
  if (!std::filesystem::is_directory(DefaultGazetteerDir(), ec))
    return NotFound("no gazetteer directory " + DefaultGazetteerDir().string());
  DRAGNET_ASSIGN_OR_RETURN(parser.slots_, AdSlots::Load(DefaultGazetteerDir(),
                                                        DefaultParseDataFile("stash_types.yaml")));
  DRAGNET_ASSIGN_OR_RETURN(std::string a, ReadFile(vocabulary_file));
  DRAGNET_ASSIGN_OR_RETURN(std::string b, ReadFile(labels_file));
  parser.data_digest_ =
      Sha256Hex(a + '\0' + b + '\0' + parser.profiles_.digest() + '\0' + parser.slots_.digest())
          .substr(0, 16);
  parser.main_text_ = options.main_text;
  return parser;
}

ParsedPage PageParser::Parse(std::string_view bytes, std::string_view content_type,
                             std::string_view url) const {
  ParsedPage out;
  DecodedPage decoded = DecodePage(bytes, content_type);
  out.charset = decoded.charset;
  out.charset_source = decoded.source;
  std::string_view html = decoded.utf8;
  // One pass of libxml2's parser feeds the text, the page's structure and the fields; it also
  // builds libxml2's tree when the page's host or <title> (prescanned) names a profiled site, or
  // when the markup names a feedback list the generic extractor may read: a second parse for the
  // tree was a quarter of the time of a real listing page.
  std::string host = HostOf(url);
  const SiteProfile* profile = profiles_.Match(host, PrescanTitle(html));
  const bool want_tree = profile != nullptr || MayHaveFeedbackList(html);
  TextExtraction text_sink;
  PageStructure structure;
  FieldExtraction fields_sink(labels_);
  AnchorExtraction anchors_sink;
  SaxSink sinks[] = {text_sink.Sink(), structure.Sink(), fields_sink.Sink(), anchors_sink.Sink()};
  xmlDoc* raw_tree = nullptr;
  ParseHtmlSaxFanout(html, sinks, want_tree ? &raw_tree : nullptr);
  std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> tree(raw_tree, [](xmlDoc* d) {
    if (d != nullptr)
      xmlFreeDoc(d);
  });
  HtmlText text = text_sink.Finish();
  out.title = text.title;
  out.type = structure.Classify(text.text, url, vocabulary_);
  out.fields = fields_sink.Finish();
  out.links = anchors_sink.Finish();
  // A known layout is read by its profile first; the generic extractor fills what it leaves.
  // The title libxml2 decoded decides (entities and all); an unprofiled page whose text names a
  // feedback list gets a tree of its own.
  const SiteProfile* matched = profiles_.Match(host, text.title);
  const bool feedback = MayHaveFeedbackList(text.text);
  ProfileExtraction read;
  if (tree != nullptr && (matched == profile || matched == nullptr)) {
    read = ApplyProfile(matched, out.type.type, tree.get(), feedback);
  } else if (matched != nullptr || feedback) {
    read = ApplyProfile(matched, out.type.type, html);
  }
  profile = matched;
  if (profile != nullptr && !read.tried.empty()) {
    out.profile = profile->Key();
    for (const std::string& id : read.tried) {
      bool filled = std::any_of(read.fields.begin(), read.fields.end(),
                                [&](const Field& f) { return f.id == id; });
      out.profile_fills.emplace_back(id, filled);
    }
    out.fields.fields = MergeFields(read, out.fields.fields);
  }
  if (out.type.type == "listing" || out.type.type == "vendor") {
    FillFromHeading(text, out.type.type, out.fields);
    FillFromCountBadges(text.text, out.fields);
  }
  if (out.type.type == "listing")
    FillFromBreadcrumbs(out.fields, url);
  out.feedback = std::move(read.feedback);
  if (main_text_)
    out.main_text = ExtractMainContent(html).text;
  // Near-duplicates are judged on the whole text, not the main content (boilerplate.h): on short
  // card listings the main content drops the seller's link and leaves little but the offers, and
  // different listings of one shop then fall within 3 bits (measured on the simulated web).
  out.text = std::move(text.text);
  AnalyseText(out.type.type == "listing" || out.type.type == "messenger_post", out);
  return out;
}

ParsedPage PageParser::ParseMessage(std::string_view text) const {
  ParsedPage out;
  out.text = std::string(text);
  AnalyseText(true, out);
  return out;
}

void PageParser::AnalyseText(bool dead_drop_fields, ParsedPage& out) const {
  const std::vector<SimHashWord> words = SimHashWords(out.text);
  out.places = slots_.places().Find(words);
  if (dead_drop_fields)
    FillDeadDropFields(slots_, out.text, words, out.places, out.fields);
  // Place names and stash types are one word to it: the ad a shop posts for every district and
  // stash type is one ad.
  const std::vector<bool> slots = slots_.Slots(words, out.places);
  out.simhash = SimHash(words, &slots);
  out.language = DetectLanguage(out.text);
}

}  // namespace dragnet::parse
