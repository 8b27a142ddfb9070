#include "parse/site_profile.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <yaml-cpp/yaml.h>

#include "core/file.h"
#include "core/hash.h"

namespace dragnet::parse {

class CompiledXPath {
 public:
  explicit CompiledXPath(xmlXPathCompExprPtr expr) : expr_(expr) {}
  ~CompiledXPath() { xmlXPathFreeCompExpr(expr_); }
  CompiledXPath(const CompiledXPath&) = delete;
  CompiledXPath& operator=(const CompiledXPath&) = delete;
  xmlXPathCompExprPtr get() const { return expr_; }

 private:
  xmlXPathCompExprPtr expr_;
};

namespace {

void InitLibxml() {
  static std::once_flag init;
  std::call_once(init, xmlInitParser);
}

// libxml2 reports XPath syntax errors through a global handler; compiling is silent here and a
// null result is the error.
void IgnoreXmlError(void*, const char*, ...) {}

std::shared_ptr<const CompiledXPath> Compile(const std::string& xpath) {
  InitLibxml();
  xmlGenericErrorFunc previous = xmlGenericError;
  void* previous_context = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(nullptr, IgnoreXmlError);
  xmlXPathCompExprPtr expr = xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath.c_str()));
  xmlSetGenericErrorFunc(previous_context, previous);
  if (expr == nullptr)
    return nullptr;
  return std::make_shared<CompiledXPath>(expr);
}

bool KnownField(std::string_view id) {
  const auto& ids = FieldLabels::KnownIds();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

class ProfileLoader {
 public:
  void Error(const std::string& file, const YAML::Node& node, const std::string& message) {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    errors_.push_back(line > 0 ? file + ":" + std::to_string(line) + ": " + message
                               : file + ": " + message);
  }

  std::vector<std::string> Strings(const std::string& file, const YAML::Node& node,
                                   const char* key) {
    std::vector<std::string> out;
    if (!node)
      return out;
    if (node.IsScalar()) {
      out.push_back(node.Scalar());
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        if (item.IsScalar() && !item.Scalar().empty()) {
          out.push_back(item.Scalar());
        } else {
          Error(file, item, std::string("`") + key + "` entries must be non-empty strings");
        }
      }
    } else {
      Error(file, node, std::string("`") + key + "` must be a list of strings");
    }
    return out;
  }

  std::vector<ProfileField> Fields(const std::string& file, const YAML::Node& node,
                                   const char* section) {
    std::vector<ProfileField> out;
    if (!node)
      return out;
    if (!node.IsMap()) {
      Error(file, node, std::string("`") + section + "` must map field ids to XPath expressions");
      return out;
    }
    for (const auto& entry : node) {
      std::string id = entry.first.Scalar();
      if (!KnownField(id)) {
        Error(file, entry.first, "unknown field id `" + id + "` in `" + section + "`");
        continue;
      }
      if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
        Error(file, entry.second, "field `" + id + "` needs an XPath expression");
        continue;
      }
      ProfileField field;
      field.id = id;
      field.xpath = entry.second.Scalar();
      field.compiled = Compile(field.xpath);
      if (field.compiled == nullptr) {
        Error(file, entry.second,
              "field `" + id + "`: not a valid XPath 1.0 expression: " + field.xpath);
        continue;
      }
      out.push_back(std::move(field));
    }
    return out;
  }

  void Load(const std::string& file, std::string_view text, std::vector<SiteProfile>& profiles) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      errors_.push_back(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
      return;
    }
    if (!root.IsMap()) {
      errors_.push_back(file + ": expected a mapping with `schema: 1` at the top");
      return;
    }
    if (!root["schema"] || root["schema"].as<std::string>("") != "1") {
      errors_.push_back(file + ":1: `schema: 1` is missing or not 1");
      return;
    }
    static const std::set<std::string> kKeys = {"schema", "name",    "version", "description",
                                                "match",  "listing", "vendor",  "feedback"};
    for (const auto& entry : root) {
      if (kKeys.count(entry.first.Scalar()) == 0)
        Error(file, entry.first, "unknown key `" + entry.first.Scalar() + "`");
    }
    SiteProfile profile;
    profile.file = file;
    if (!root["name"] || !root["name"].IsScalar() || root["name"].Scalar().empty()) {
      Error(file, root, "missing `name`");
    } else {
      profile.name = root["name"].Scalar();
      if (!names_.insert(profile.name).second)
        Error(file, root["name"], "a profile named `" + profile.name + "` is defined twice");
    }
    try {
      profile.version = root["version"] ? root["version"].as<int>() : 0;
    } catch (const YAML::Exception&) {
      profile.version = 0;
    }
    if (profile.version < 1)
      Error(file, root["version"] ? root["version"] : root, "`version` must be a number >= 1");
    YAML::Node match = root["match"];
    if (!match || !match.IsMap()) {
      Error(file, match ? match : root, "missing `match` (hosts and/or title_contains)");
    } else {
      for (const auto& entry : match) {
        const std::string& key = entry.first.Scalar();
        if (key != "hosts" && key != "title_contains")
          Error(file, entry.first, "unknown key `" + key + "` in `match`");
      }
      profile.hosts = Strings(file, match["hosts"], "hosts");
      profile.title_contains = Strings(file, match["title_contains"], "title_contains");
      if (profile.hosts.empty() && profile.title_contains.empty())
        Error(file, match, "`match` needs hosts or title_contains");
    }
    profile.listing_fields = Fields(file, root["listing"], "listing");
    profile.vendor_fields = Fields(file, root["vendor"], "vendor");
    if (YAML::Node feedback = root["feedback"]) {
      if (!feedback.IsScalar() || feedback.Scalar().empty()) {
        Error(file, feedback, "`feedback` must be one XPath expression selecting the entries");
      } else if ((profile.feedback = Compile(feedback.Scalar())) == nullptr) {
        Error(file, feedback, "`feedback`: not a valid XPath 1.0 expression: " + feedback.Scalar());
      } else {
        profile.feedback_xpath = feedback.Scalar();
      }
    }
    profiles.push_back(std::move(profile));
  }

  std::vector<std::string> errors_;
  std::set<std::string> names_;
};

bool HostMatches(std::string_view host, std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    std::string_view suffix = pattern.substr(1);  // ".example.org"
    return host == pattern.substr(2) || (host.size() > suffix.size() && host.ends_with(suffix));
  }
  return host == pattern;
}

// White space collapsed to single spaces, ends trimmed.
std::string Collapse(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = !out.empty();
    } else {
      if (space)
        out += ' ';
      space = false;
      out += c;
    }
  }
  if (out.size() > kMaxFieldValueBytes) {
    size_t cut = kMaxFieldValueBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out.resize(cut);
  }
  return out;
}

std::string FirstLink(xmlNodePtr node) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE)
    return "";
  if (xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>("a")) == 0) {
    xmlChar* href = xmlGetProp(node, reinterpret_cast<const xmlChar*>("href"));
    std::string out = href != nullptr ? reinterpret_cast<const char*>(href) : "";
    xmlFree(href);
    return out;
  }
  for (xmlNodePtr child = node->children; child != nullptr; child = child->next) {
    std::string link = FirstLink(child);
    if (!link.empty())
      return link;
  }
  return "";
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ContextDeleter {
  void operator()(xmlXPathContext* context) const { xmlXPathFreeContext(context); }
};
struct ObjectDeleter {
  void operator()(xmlXPathObject* object) const { xmlXPathFreeObject(object); }
};

}  // namespace

const SiteProfile* SiteProfiles::Match(std::string_view host, std::string_view title) const {
  for (const SiteProfile& profile : profiles_) {
    for (const std::string& pattern : profile.hosts) {
      if (HostMatches(host, pattern))
        return &profile;
    }
    for (const std::string& words : profile.title_contains) {
      if (title.find(words) != std::string_view::npos)
        return &profile;
    }
  }
  return nullptr;
}

Result<SiteProfiles> ParseSiteProfiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
  ProfileLoader loader;
  SiteProfiles out;
  std::string all;
  for (const auto& [name, text] : files) {
    loader.Load(name, text, out.profiles_);
    all += name;
    all += '\0';
    all += text;
    all += '\0';
  }
  if (!loader.errors_.empty()) {
    std::string message;
    for (const std::string& e : loader.errors_)
      message += (message.empty() ? "" : "\n") + e;
    return InvalidArgument(message);
  }
  out.digest_ = Sha256Hex(all).substr(0, 16);
  return out;
}

Result<SiteProfiles> LoadSiteProfiles(const std::filesystem::path& dir) {
  DRAGNET_ASSIGN_OR_RETURN(auto files, ReadDirectoryFiles(dir, ".yaml"));
  return ParseSiteProfiles(files);
}

std::filesystem::path DefaultSiteProfileDir() {
  return DefaultParseDataFile("labels.yaml").parent_path().parent_path() / "sites";
}

namespace {

// The words of the generic feedback rule as they stand in text of either case (XPath's
// translate() folds ASCII only), for a cheap first test of every candidate heading and for
// MayHaveFeedbackList.
constexpr std::string_view kFeedbackWords[] = {
    "eedback",  "EEDBACK",  "eviews", "EVIEWS",    "тзыв", "ТЗЫВ", "ідгук", "ІДГУК",
    "ewertung", "EWERTUNG", "pinie",  "oordeling", "Avis", "AVIS", "Pikir"};

// The entries of a feedback list found by FindGenericFeedbackList.
constexpr const char* kFeedbackEntriesXPath =
    "descendant-or-self::*[self::li or self::tr[td]][not(ancestor::li)]";

// XPath's normalize-space(): runs of XML white space as one space, none at either end.
std::string NormalizeSpace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space)
      out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

size_t CodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The exact test of a candidate's string value (see GenericFeedbackListXPath).
bool NamesFeedback(std::string_view raw) {
  if (!MayHaveFeedbackList(raw))
    return false;
  std::string normal = NormalizeSpace(raw);
  if (CodePoints(normal) >= 40)
    return false;
  std::string lower = normal;
  for (char& c : lower)
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower.find("feedback") != std::string::npos || lower.find("reviews") != std::string::npos)
    return true;
  static constexpr std::string_view kExact[] = {"Отзывы",        "отзывы",      "Відгуки",
                                                "відгуки",       "Bewertungen", "Opinie",
                                                "Beoordelingen", "Avis",        "Pikirler"};
  return std::any_of(std::begin(kExact), std::end(kExact),
                     [&](std::string_view w) { return normal.find(w) != std::string::npos; });
}

bool IsElement(const xmlNode* node, std::initializer_list<const char*> names) {
  if (node->type != XML_ELEMENT_NODE || node->name == nullptr)
    return false;
  const char* name = reinterpret_cast<const char*>(node->name);
  return std::any_of(names.begin(), names.end(),
                     [&](const char* n) { return std::strcmp(name, n) == 0; });
}

// The candidate heading's string value when it is a leaf element (no element children): its
// text and CDATA children, as XPath's string value.
bool LeafText(const xmlNode* node, std::string& out) {
  out.clear();
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE)
      return false;
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr)
      out += reinterpret_cast<const char*>(c->content);
  }
  return true;
}

// The generic feedback list as one XPath expression: the specification FindGenericFeedbackList
// follows. Candidates are leaf elements whose raw text holds one of kFeedbackWords (cheap: no
// string functions) before the exact test (normalize-space and translate for every word).
std::string GenericFeedbackXPath() {
  std::string prefilter;
  for (std::string_view word : kFeedbackWords) {
    prefilter += prefilter.empty() ? "[" : " or ";
    prefilter += "contains(., '" + std::string(word) + "')";
  }
  prefilter += "]";
  return "(/descendant::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::div or "
         "self::span][not(*)]" +
         prefilter +
         "[string-length(normalize-space(.)) < 40]"
         "[contains(translate(normalize-space(.), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
         "'abcdefghijklmnopqrstuvwxyz'), 'feedback') or contains(translate(normalize-space(.), "
         "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), 'reviews') or "
         "contains(normalize-space(.), 'Отзывы') or contains(normalize-space(.), 'отзывы') or "
         "contains(normalize-space(.), 'Відгуки') or contains(normalize-space(.), 'відгуки') or "
         "contains(normalize-space(.), 'Bewertungen') or contains(normalize-space(.), 'Opinie') "
         "or contains(normalize-space(.), 'Beoordelingen') or contains(normalize-space(.), "
         "'Avis') or contains(normalize-space(.), 'Pikirler')]"
         "/following-sibling::*[self::ul or self::ol or self::table][1])[1]";
}

// "4.5/5", "5 / 5", "10/10" in an entry; "" when none.
std::string RatingOf(std::string_view text) {
  for (size_t slash = text.find('/'); slash != std::string_view::npos;
       slash = text.find('/', slash + 1)) {
    size_t a = slash;
    while (a > 0 && text[a - 1] == ' ')
      --a;
    size_t begin = a;
    while (begin > 0 && (std::isdigit(static_cast<unsigned char>(text[begin - 1])) ||
                         text[begin - 1] == '.' || text[begin - 1] == ','))
      --begin;
    size_t b = slash + 1;
    while (b < text.size() && text[b] == ' ')
      ++b;
    size_t end = b;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
      ++end;
    if (begin < a && end > b && std::isdigit(static_cast<unsigned char>(text[begin])) &&
        end - b <= 3)
      return std::string(text.substr(begin, a - begin)) + "/" +
             std::string(text.substr(b, end - b));
  }
  return "";
}

}  // namespace

std::string GenericFeedbackListXPath() {
  return GenericFeedbackXPath();
}

xmlNode* FindGenericFeedbackList(xmlDoc* doc) {
  if (doc == nullptr)
    return nullptr;
  xmlNode* best = nullptr;
  std::string text;
  // The list after the last heading looked at, valid for its later siblings up to that list:
  // thousands of sibling headings (a hostile page) are then not each a scan of the rest.
  xmlNode* scanned_parent = nullptr;
  xmlNode* scanned_list = nullptr;
  // Document order without recursion: hostile pages nest deeply.
  for (xmlNode* node = doc->children; node != nullptr;) {
    // A heading after the earliest list found so far can only give a later list.
    if (node == best)
      break;
    if (node == scanned_list)
      scanned_parent = nullptr;
    if (IsElement(node, {"h1", "h2", "h3", "h4", "h5", "div", "span"}) && LeafText(node, text) &&
        NamesFeedback(text)) {
      if (node->parent != scanned_parent) {
        xmlNode* list = node->next;
        while (list != nullptr && !IsElement(list, {"ul", "ol", "table"}))
          list = list->next;
        scanned_parent = node->parent;
        scanned_list = list;
      }
      xmlNode* list = scanned_list;
      if (list != nullptr && (best == nullptr || xmlXPathCmpNodes(list, best) == 1))
        best = list;
    }
    if (node->children != nullptr && node->type == XML_ELEMENT_NODE) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node->next == nullptr) {
      node = node->parent;
      if (node == reinterpret_cast<xmlNode*>(doc))
        node = nullptr;
    }
    if (node != nullptr)
      node = node->next;
  }
  return best;
}

bool MayHaveFeedbackList(std::string_view text) {
  return std::any_of(std::begin(kFeedbackWords), std::end(kFeedbackWords),
                     [&](std::string_view word) { return text.find(word) != std::string::npos; });
}

ProfileExtraction ApplyProfile(const SiteProfile* profile, std::string_view page_type,
                               std::string_view html) {
  if (page_type != "listing" && page_type != "vendor")
    return {};
  if (html.empty() || html.size() > static_cast<size_t>(INT_MAX))
    return ApplyProfile(profile, page_type, static_cast<xmlDoc*>(nullptr));
  InitLibxml();
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                         HTML_PARSE_NONET | HTML_PARSE_COMPACT));
  return ApplyProfile(profile, page_type, doc.get());
}

ProfileExtraction ApplyProfile(const SiteProfile* profile, std::string_view page_type, xmlDoc* doc,
                               bool generic_feedback) {
  ProfileExtraction out;
  if (page_type != "listing" && page_type != "vendor")
    return out;
  static const std::vector<ProfileField> kNone;
  const std::vector<ProfileField>& fields = profile == nullptr       ? kNone
                                            : page_type == "listing" ? profile->listing_fields
                                                                     : profile->vendor_fields;
  for (const ProfileField& f : fields)
    out.tried.push_back(f.id);
  if (doc == nullptr)
    return out;
  std::unique_ptr<xmlXPathContext, ContextDeleter> context(xmlXPathNewContext(doc));
  if (context == nullptr)
    return out;
  // Numbering the elements once lets libxml2 sort node sets in document order by number instead
  // of walking the tree for every comparison; the object cache saves an allocation per step.
  xmlXPathOrderDocElems(doc);
  xmlXPathContextSetCache(context.get(), 1, -1, 0);
  for (const ProfileField& f : fields) {
    std::unique_ptr<xmlXPathObject, ObjectDeleter> result(
        xmlXPathCompiledEval(f.compiled->get(), context.get()));
    if (result == nullptr)
      continue;
    Field field;
    field.id = f.id;
    field.label = "profile " + profile->Key();
    if (result->type == XPATH_NODESET) {
      if (result->nodesetval == nullptr || result->nodesetval->nodeNr == 0)
        continue;
      xmlNodePtr node = result->nodesetval->nodeTab[0];
      xmlChar* content = xmlNodeGetContent(node);
      if (content != nullptr) {
        field.value = Collapse(reinterpret_cast<const char*>(content));
        xmlFree(content);
      }
      field.link = FirstLink(node);
    } else {
      xmlChar* text = xmlXPathCastToString(result.get());
      if (text != nullptr) {
        field.value = Collapse(reinterpret_cast<const char*>(text));
        xmlFree(text);
      }
    }
    if (!field.value.empty())
      out.fields.push_back(std::move(field));
  }
  static const std::shared_ptr<const CompiledXPath> generic_entries =
      Compile(kFeedbackEntriesXPath);
  const CompiledXPath* feedback = nullptr;
  if (profile != nullptr && profile->feedback != nullptr) {
    feedback = profile->feedback.get();
  } else if (generic_feedback) {
    xmlNode* list = FindGenericFeedbackList(doc);
    if (list == nullptr)
      return out;
    context->node = list;
    feedback = generic_entries.get();
  }
  if (feedback == nullptr)
    return out;
  std::unique_ptr<xmlXPathObject, ObjectDeleter> entries(
      xmlXPathCompiledEval(feedback->get(), context.get()));
  if (entries == nullptr || entries->type != XPATH_NODESET || entries->nodesetval == nullptr)
    return out;
  for (int i = 0; i < entries->nodesetval->nodeNr && out.feedback.size() < kMaxFeedbackPerPage;
       ++i) {
    xmlChar* content = xmlNodeGetContent(entries->nodesetval->nodeTab[i]);
    if (content == nullptr)
      continue;
    FeedbackItem item;
    item.text = Collapse(reinterpret_cast<const char*>(content));
    xmlFree(content);
    item.rating = RatingOf(item.text);
    if (!item.text.empty())
      out.feedback.push_back(std::move(item));
  }
  return out;
}

std::vector<Field> MergeFields(const ProfileExtraction& profile,
                               const std::vector<Field>& generic) {
  std::vector<Field> out = profile.fields;
  for (const Field& f : generic) {
    bool have = std::any_of(out.begin(), out.end(), [&](const Field& p) { return p.id == f.id; });
    if (!have)
      out.push_back(f);
  }
  return out;
}

std::vector<DriftAlert> DetectDrift(const std::map<std::string, FillCount>& previous,
                                    const std::map<std::string, FillCount>& current,
                                    const DriftThresholds& thresholds) {
  std::vector<DriftAlert> out;
  for (const auto& [field, now] : current) {
    auto before = previous.find(field);
    if (before == previous.end())
      continue;
    if (before->second.pages < thresholds.min_pages || now.pages < thresholds.min_pages)
      continue;
    if (before->second.Rate() >= thresholds.was_at_least && now.Rate() < thresholds.now_below)
      out.push_back({field, before->second.Rate(), now.Rate(), now.pages});
  }
  return out;
}

}  // namespace dragnet::parse
