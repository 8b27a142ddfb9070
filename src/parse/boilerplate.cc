// Boilerplate removal by text blocks (see boilerplate.h): one SAX pass collects blocks with their
// shallow features and structural context, then the blocks are classified.
//
// Features per block, after Kohlschütter, Fankhauser and Nejdl, "Boilerplate Detection using
// Shallow Text Features" (WSDM 2010): the number of words, the link density (words inside <a>
// over all words) and the text density (words per line when the text is wrapped at 80
// columns). Of the paper's decision tree we keep the link-density split (a block above 1/3 is
// boilerplate) and the use of the neighbours: a short block is dropped when the blocks on both
// sides are boilerplate. Its rule for short blocks next to short blocks is not used: a market
// listing is made of short fields ("Ships from: DE", "1 g", "25 EUR"), which that rule, tuned for
// news articles, would drop. Structural cues decide before the text features.

#include "parse/boilerplate.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <libxml/HTMLparser.h>

#include "parse/html_sax.h"

namespace dragnet::parse {
namespace {

constexpr size_t kMaxTextBytes = size_t{64} << 20;
constexpr size_t kMaxBlocks = size_t{1} << 20;
constexpr size_t kMaxContainers = size_t{1} << 16;
constexpr size_t kMaxFrames = 256;             // deeper elements share the deepest frame's context
constexpr size_t kMaxAttributeScan = 256;      // bytes of an id or class value looked at
constexpr double kMaxLinkDensity = 1.0 / 3.0;  // Kohlschütter et al.'s split
constexpr uint32_t kShortBlockWords = 3;       // a short block between boilerplate goes with it
constexpr size_t kWrapColumns = 80;            // the paper's line width for text density
constexpr double kRunningTextDensity = 9.0;    // words per wrapped line of running prose

// Page furniture found by structure. Kinds decide how a container is judged once the page is read.
enum class ContainerKind : uint8_t {
  kLandmark,  // <nav>, <aside>, site <header>/<footer>, ARIA roles of the same meaning: dropped
  kNamed,     // id or class says nav, menu...: dropped unless it holds the page's main text
  kForm,      // dropped when it is a login or search form
};

struct Container {
  int parent = -1;
  ContainerKind kind = ContainerKind::kLandmark;
  bool login_or_search = false;  // for forms: a password or search field, or such a name
  bool has_h1 = false;
  uint64_t words = 0;
};

struct Block {
  std::string text;
  uint32_t words = 0;
  uint32_t link_words = 0;
  int container = -1;
  bool heading = false;
  bool title = false;
};

struct Frame {
  int container = -1;  // innermost furniture candidate
  int form = -1;       // innermost form container
  bool link = false;
  bool heading = false;
  bool h1 = false;
  bool title = false;
  bool skipped = false;    // script, style, template, noscript
  bool sectioned = false;  // inside article, main, section or role=main
};

struct Collector {
  std::vector<Block> blocks;
  std::vector<Container> containers;
  std::vector<Frame> frames;
  size_t overflow_depth = 0;  // open elements past kMaxFrames
  Block current;
  bool in_word = false;
  bool word_counted = false;
  size_t text_bytes = 0;

  const Frame& top() const {
    static const Frame kRoot;
    return frames.empty() ? kRoot : frames.back();
  }
};

bool Is(const char* a, const char* b) {
  return std::strcmp(a, b) == 0;
}

template <size_t N>
bool OneOf(std::string_view word, const std::array<std::string_view, N>& words) {
  for (std::string_view w : words) {
    if (word == w)
      return true;
  }
  return false;
}

bool Skipped(const char* tag) {
  return Is(tag, "script") || Is(tag, "style") || Is(tag, "template") || Is(tag, "noscript");
}

bool BlockLevel(const char* tag) {
  static constexpr std::array<const char*, 46> kBlocks = {
      "p",      "div",        "br",      "li",         "tr",       "td",     "th",      "h1",
      "h2",     "h3",         "h4",      "h5",         "h6",       "table",  "section", "article",
      "header", "footer",     "nav",     "ul",         "ol",       "dl",     "dt",      "dd",
      "form",   "option",     "pre",     "blockquote", "hr",       "title",  "aside",   "main",
      "figure", "figcaption", "address", "caption",    "fieldset", "legend", "details", "summary",
      "select", "textarea",   "body",    "center",     "menu",     "button"};
  for (const char* block : kBlocks) {
    if (Is(tag, block))
      return true;
  }
  return false;
}

bool Heading(const char* tag) {
  return tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' && tag[2] == '\0';
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool AsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Calls `f` with each lower-case word of an id, class, name or URL value: split at anything not
// an ASCII letter or digit and at camelCase humps ("mainNav-left" -> main, nav, left).
template <typename F>
bool AnyWord(const char* value, F f) {
  std::string word;
  size_t n = 0;
  for (const char* p = value;; ++p, ++n) {
    char c = n < kMaxAttributeScan ? *p : '\0';
    bool hump = c >= 'A' && c <= 'Z' && !word.empty() && p > value && p[-1] >= 'a' && p[-1] <= 'z';
    if (!AsciiAlnum(c) || hump) {
      if (!word.empty() && f(std::string_view(word)))
        return true;
      word.clear();
    }
    if (c == '\0')
      return false;
    if (AsciiAlnum(c))
      word.push_back(Lower(c));
  }
}

bool FurnitureWord(std::string_view w) {
  static constexpr std::array<std::string_view, 16> kWords = {
      "nav",     "navbar",   "navigation", "menu",        "menubar", "topmenu",
      "footer",  "sidebar",  "breadcrumb", "breadcrumbs", "cookie",  "cookies",
      "submenu", "mainmenu", "navmenu",    "crumbs"};
  return OneOf(w, kWords);
}

// Words in a form's action, id, class, name or role that make it a login or search form.
bool LoginOrSearchFormWord(std::string_view w) {
  static constexpr std::array<std::string_view, 10> kWords = {
      "login",  "signin", "logon",    "auth",    "register",
      "signup", "search", "password", "captcha", "searchform"};
  return OneOf(w, kWords);
}

// Names of input fields that do the same.
bool LoginOrSearchFieldWord(std::string_view w) {
  static constexpr std::array<std::string_view, 10> kWords = {
      "q",        "s",        "query",  "search", "keyword",
      "keywords", "password", "passwd", "login",  "searchword"};
  return OneOf(w, kWords);
}

// ARIA landmark roles (WAI-ARIA 1.2, section 5.3.4) that are page furniture.
bool FurnitureRole(std::string_view w) {
  static constexpr std::array<std::string_view, 5> kRoles = {"navigation", "banner", "contentinfo",
                                                             "complementary", "search"};
  return OneOf(w, kRoles);
}

const char* Attribute(const xmlChar** attributes, const char* name) {
  if (attributes == nullptr)
    return nullptr;
  for (size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (Is(reinterpret_cast<const char*>(attributes[i]), name)) {
      const xmlChar* value = attributes[i + 1];
      return value == nullptr ? "" : reinterpret_cast<const char*>(value);
    }
  }
  return nullptr;
}

Collector& Get(void* user) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  return *static_cast<Collector*>(ctxt->_private);
}

void EndBlock(Collector& c) {
  Block& b = c.current;
  while (!b.text.empty() && b.text.back() == ' ')
    b.text.pop_back();
  if (!b.text.empty() && c.blocks.size() < kMaxBlocks)
    c.blocks.push_back(std::move(b));
  b = Block{};
  c.in_word = false;
  c.word_counted = false;
}

// Appends visible text to the current block, one space for each run of white space, counting
// words (tokens with a letter or digit; any non-ASCII byte counts as one) and link words.
void Append(Collector& c, std::string_view piece) {
  const Frame& f = c.top();
  if (f.skipped || c.text_bytes >= kMaxTextBytes)
    return;
  Block& b = c.current;
  for (char ch : piece) {
    bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f';
    if (space) {
      if (!b.text.empty() && b.text.back() != ' ') {
        b.text.push_back(' ');
        ++c.text_bytes;
      }
      c.in_word = false;
      c.word_counted = false;
      continue;
    }
    if (b.text.empty()) {  // the block's context is where its text starts
      b.container = f.container;
      b.heading = f.heading;
      b.title = f.title;
    }
    b.text.push_back(ch);
    ++c.text_bytes;
    c.in_word = true;
    if (!c.word_counted && (AsciiAlnum(ch) || static_cast<unsigned char>(ch) >= 0x80)) {
      c.word_counted = true;
      ++b.words;
      if (f.link)
        ++b.link_words;
    }
    if (c.text_bytes >= kMaxTextBytes)
      return;
  }
}

int NewContainer(Collector& c, ContainerKind kind, int parent) {
  if (c.containers.size() >= kMaxContainers)
    return parent;
  Container container;
  container.parent = parent;
  container.kind = kind;
  c.containers.push_back(container);
  return static_cast<int>(c.containers.size() - 1);
}

void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  Collector& c = Get(user);
  const char* tag = reinterpret_cast<const char*>(name);
  if (c.frames.size() >= kMaxFrames) {
    ++c.overflow_depth;
    if (BlockLevel(tag))
      EndBlock(c);
    return;
  }
  Frame f = c.top();
  if (Skipped(tag))
    f.skipped = true;
  if (Is(tag, "title"))
    f.title = true;
  if (Heading(tag))
    f.heading = true;
  if (Is(tag, "h1"))
    f.h1 = true;
  if (Is(tag, "a") && Attribute(attributes, "href") != nullptr)
    f.link = true;
  const char* role = Attribute(attributes, "role");
  bool main_role = role != nullptr && AnyWord(role, [](std::string_view w) { return w == "main"; });
  bool sectioning = Is(tag, "article") || Is(tag, "main") || Is(tag, "section") || main_role;

  // Furniture: landmarks first, then names, then forms.
  bool landmark = Is(tag, "nav") || Is(tag, "aside") ||
                  ((Is(tag, "header") || Is(tag, "footer")) && !f.sectioned) ||
                  (role != nullptr && AnyWord(role, FurnitureRole));
  bool named = false;
  if (!landmark && !sectioning && !Is(tag, "html") && !Is(tag, "body")) {
    const char* id = Attribute(attributes, "id");
    const char* klass = Attribute(attributes, "class");
    named = (id != nullptr && AnyWord(id, FurnitureWord)) ||
            (klass != nullptr && AnyWord(klass, FurnitureWord));
  }
  bool form = Is(tag, "form");
  int opened = -1;
  if (landmark || named || form) {
    EndBlock(c);  // furniture never shares a block with the text around it
    ContainerKind kind = landmark ? ContainerKind::kLandmark
                         : named  ? ContainerKind::kNamed
                                  : ContainerKind::kForm;
    opened = NewContainer(c, kind, f.container);
    f.container = opened;
    if (form && opened >= 0 && c.containers[opened].kind == ContainerKind::kForm) {
      f.form = opened;
      for (const char* key : {"action", "id", "class", "name", "role"}) {
        const char* value = Attribute(attributes, key);
        if (value != nullptr && AnyWord(value, LoginOrSearchFormWord))
          c.containers[opened].login_or_search = true;
      }
    }
  }
  if (sectioning)
    f.sectioned = true;
  // Fields that make a form a login or search form.
  if (f.form >= 0 && (Is(tag, "input") || Is(tag, "button"))) {
    const char* type = Attribute(attributes, "type");
    const char* field = Attribute(attributes, "name");
    bool signal = (type != nullptr && (Is(type, "password") || Is(type, "search"))) ||
                  (field != nullptr && Is(tag, "input") && AnyWord(field, LoginOrSearchFieldWord));
    if (signal)
      c.containers[f.form].login_or_search = true;
  }
  if (f.h1 && f.container >= 0)
    c.containers[f.container].has_h1 = true;
  if (BlockLevel(tag))
    EndBlock(c);
  c.frames.push_back(f);
  if (Is(tag, "img")) {
    const char* alt = Attribute(attributes, "alt");
    if (alt != nullptr && *alt != '\0') {
      Append(c, " [");
      Append(c, alt);
      Append(c, "] ");
    }
  }
}

void OnEnd(void* user, const xmlChar* name) {
  Collector& c = Get(user);
  const char* tag = reinterpret_cast<const char*>(name);
  if (BlockLevel(tag))
    EndBlock(c);
  if (c.overflow_depth > 0) {
    --c.overflow_depth;
    return;
  }
  if (c.frames.empty())
    return;
  int container = c.frames.back().container;
  c.frames.pop_back();
  if (container != c.top().container)
    EndBlock(c);  // left a furniture candidate
}

void OnCharacters(void* user, const xmlChar* bytes, int length) {
  if (length <= 0)
    return;
  Append(Get(user),
         std::string_view(reinterpret_cast<const char*>(bytes), static_cast<size_t>(length)));
}

enum class Verdict : uint8_t { kContent, kLinks, kShortAmongBoilerplate, kFurniture, kTitle };

double LinkDensity(const Block& b) {
  return b.words == 0 ? 0.0 : static_cast<double>(b.link_words) / b.words;
}

// Words per line when the text is wrapped at 80 columns (code points), as in the paper.
double TextDensity(const Block& b) {
  size_t code_points = 0;
  for (char ch : b.text)
    code_points += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  size_t lines = code_points / kWrapColumns + 1;
  return static_cast<double>(b.words) / static_cast<double>(lines);
}

std::vector<Verdict> Classify(const Collector& c) {
  // Furniture decisions need the words under each container: children come after parents, so
  // one backward pass sums them up and one forward pass inherits the decision.
  std::vector<Container> containers = c.containers;
  uint64_t total_words = 0;
  for (const Block& b : c.blocks) {
    total_words += b.words;
    if (b.container >= 0)
      containers[b.container].words += b.words;
  }
  for (size_t i = containers.size(); i-- > 0;) {
    int parent = containers[i].parent;
    if (parent >= 0) {
      containers[parent].words += containers[i].words;
      containers[parent].has_h1 = containers[parent].has_h1 || containers[i].has_h1;
    }
  }
  std::vector<bool> dropped(containers.size());
  for (size_t i = 0; i < containers.size(); ++i) {
    const Container& k = containers[i];
    bool drop = false;
    switch (k.kind) {
      case ContainerKind::kLandmark:
        drop = true;
        break;
      case ContainerKind::kNamed:
        // A "sidebar" or "menu" that holds the title or most of the words is a layout wrapper.
        drop = !k.has_h1 && k.words * 2 < total_words;
        break;
      case ContainerKind::kForm:
        drop = k.login_or_search;
        break;
    }
    dropped[i] = drop || (k.parent >= 0 && dropped[k.parent]);
  }

  std::vector<Verdict> verdicts(c.blocks.size(), Verdict::kContent);
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const Block& b = c.blocks[i];
    if (b.title) {
      verdicts[i] = Verdict::kTitle;
    } else if (b.container >= 0 && dropped[b.container]) {
      verdicts[i] = Verdict::kFurniture;
    } else if (LinkDensity(b) > kMaxLinkDensity) {
      // Prose that links a few of its words stays: two wrapped lines or more of dense text.
      bool prose = LinkDensity(b) <= 0.5 && b.text.size() > kWrapColumns &&
                   TextDensity(b) >= kRunningTextDensity;
      if (!prose)
        verdicts[i] = Verdict::kLinks;
    }
  }
  // A short block between two boilerplate blocks ("|", "Welcome, guest", "© 2024") goes with
  // them; the first and last blocks count as having boilerplate outside.
  std::vector<Verdict> first_pass = verdicts;
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const Block& b = c.blocks[i];
    if (first_pass[i] != Verdict::kContent || b.heading || b.words > kShortBlockWords)
      continue;
    bool prev = i == 0 || first_pass[i - 1] != Verdict::kContent;
    bool next = i + 1 == c.blocks.size() || first_pass[i + 1] != Verdict::kContent;
    if (prev && next)
      verdicts[i] = Verdict::kShortAmongBoilerplate;
  }
  return verdicts;
}

MainContent Assemble(const Collector& c, const std::vector<Verdict>& verdicts, Verdict worst) {
  MainContent out;
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    if (verdicts[i] > worst) {
      ++out.dropped_blocks;
      continue;
    }
    ++out.kept_blocks;
    if (!out.text.empty())
      out.text.push_back('\n');
    out.text += c.blocks[i].text;
  }
  return out;
}

MainContent Extract(std::string_view html) {
  Collector c;
  htmlSAXHandler sax{};
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnCharacters;
  sax.cdataBlock = OnCharacters;
  if (!ParseHtmlSax(html, sax, &c, HTML_PARSE_IGNORE_ENC))  // UTF-8 already (charset.h)
    return {};
  EndBlock(c);
  std::vector<Verdict> verdicts = Classify(c);
  // Content first; then everything that is not furniture (a category page is all links); then
  // the full text.
  for (Verdict worst : {Verdict::kContent, Verdict::kShortAmongBoilerplate, Verdict::kTitle}) {
    MainContent out = Assemble(c, verdicts, worst);
    if (!out.text.empty())
      return out;
  }
  return {};
}

}  // namespace

MainContent ExtractMainContent(std::string_view html) {
  if (html.empty())
    return {};
  try {
    return Extract(html);
  } catch (...) {  // std::bad_alloc: nothing else here throws
    return {};
  }
}

}  // namespace dragnet::parse
