#include "parse/html_links.h"

#include <cstring>

#include <libxml/HTMLparser.h>

#include "parse/html_sax.h"

namespace dragnet::parse {
namespace {

// libxml2's HTML parser in SAX mode: no tree is built, so link extraction runs at about 280 MB/s
// against 27 MB/s for a DOM-building HTML5 parser on the same pages (bench: parse_bench); it
// recovers from broken markup as browsers do for the elements that carry links.
struct LinkCollector {
  std::vector<std::string> links;
  std::string base;
  size_t max_links = 0;
};

const char* LinkAttribute(const char* tag) {
  switch (tag[0]) {
    case 'a':
      if (std::strcmp(tag, "a") == 0 || std::strcmp(tag, "area") == 0)
        return "href";
      break;
    case 'b':
      if (std::strcmp(tag, "base") == 0)
        return "href";
      break;
    case 'l':
      if (std::strcmp(tag, "link") == 0)
        return "href";
      break;
    case 'i':
      if (std::strcmp(tag, "img") == 0 || std::strcmp(tag, "iframe") == 0)
        return "src";
      break;
    case 's':
      if (std::strcmp(tag, "script") == 0 || std::strcmp(tag, "source") == 0)
        return "src";
      break;
    case 'f':
      if (std::strcmp(tag, "frame") == 0)
        return "src";
      if (std::strcmp(tag, "form") == 0)
        return "action";
      break;
    default:
      break;
  }
  return nullptr;
}

void OnStartElement(void* user, const xmlChar* name, const xmlChar** attributes) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  auto* collector = static_cast<LinkCollector*>(ctxt->_private);
  if (attributes == nullptr || collector->links.size() >= collector->max_links)
    return;
  const char* tag = reinterpret_cast<const char*>(name);
  const char* wanted = LinkAttribute(tag);
  if (wanted == nullptr)
    return;
  for (size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (std::strcmp(reinterpret_cast<const char*>(attributes[i]), wanted) != 0)
      continue;
    const char* value = reinterpret_cast<const char*>(attributes[i + 1]);
    if (value == nullptr || *value == '\0')
      return;
    if (std::strcmp(tag, "base") == 0) {
      if (collector->base.empty())
        collector->base = value;
    } else {
      collector->links.emplace_back(value);
    }
    return;
  }
}

}  // namespace

struct AnchorCollector {
  AnchorsAndImages out;
  int in_anchor = 0;  // depth of <a> elements open (nested anchors are broken markup)
  bool space = false;
};

namespace {

constexpr size_t kMaxAnchorText = 256;

const char* Attribute(const xmlChar** attributes, const char* name) {
  if (attributes == nullptr)
    return nullptr;
  for (size_t i = 0; attributes[i] != nullptr; i += 2) {
    if (std::strcmp(reinterpret_cast<const char*>(attributes[i]), name) == 0)
      return reinterpret_cast<const char*>(attributes[i + 1]);
  }
  return nullptr;
}

AnchorCollector& Anchors(void* user) {
  return *static_cast<AnchorCollector*>(static_cast<htmlParserCtxtPtr>(user)->_private);
}

void OnAnchorStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  AnchorCollector& c = Anchors(user);
  const char* tag = reinterpret_cast<const char*>(name);
  if (std::strcmp(tag, "a") == 0) {
    const char* href = Attribute(attributes, "href");
    if (c.in_anchor == 0 && href != nullptr && *href != '\0' &&
        c.out.anchors.size() < kMaxAnchors) {
      c.out.anchors.push_back({std::string(href).substr(0, 2048), ""});
      c.in_anchor = 1;
      c.space = false;
    } else if (c.in_anchor > 0) {
      ++c.in_anchor;
    }
  } else if (std::strcmp(tag, "img") == 0 && c.out.images.size() < kMaxAnchors) {
    const char* src = Attribute(attributes, "src");
    const char* alt = Attribute(attributes, "alt");
    if (src != nullptr && *src != '\0') {
      c.out.images.push_back({std::string(src).substr(0, 2048),
                              alt == nullptr ? "" : std::string(alt).substr(0, 512)});
    }
  }
}

void OnAnchorEnd(void* user, const xmlChar* name) {
  AnchorCollector& c = Anchors(user);
  if (c.in_anchor > 0 && std::strcmp(reinterpret_cast<const char*>(name), "a") == 0)
    --c.in_anchor;
}

void OnAnchorText(void* user, const xmlChar* bytes, int length) {
  AnchorCollector& c = Anchors(user);
  if (c.in_anchor == 0 || length <= 0 || c.out.anchors.empty())
    return;
  std::string& text = c.out.anchors.back().text;
  for (int i = 0; i < length && text.size() < kMaxAnchorText; ++i) {
    char ch = static_cast<char>(bytes[i]);
    if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
      c.space = !text.empty();
    } else {
      if (c.space)
        text.push_back(' ');
      c.space = false;
      text.push_back(ch);
    }
  }
}

}  // namespace

AnchorExtraction::AnchorExtraction() : collector_(std::make_unique<AnchorCollector>()) {}
AnchorExtraction::~AnchorExtraction() = default;

SaxSink AnchorExtraction::Sink() {
  SaxSink sink;
  sink.handler.startElement = OnAnchorStart;
  sink.handler.endElement = OnAnchorEnd;
  sink.handler.characters = OnAnchorText;
  sink.state = collector_.get();
  return sink;
}

AnchorsAndImages AnchorExtraction::Finish() {
  // A cut in the middle of a UTF-8 sequence is taken back to the last whole character.
  for (Anchor& a : collector_->out.anchors) {
    size_t cut = a.text.size();
    size_t back = 0;
    while (cut > 0 && back < 4 && (static_cast<unsigned char>(a.text[cut - 1]) & 0xC0) == 0x80) {
      --cut;
      ++back;
    }
    if (cut > 0 && static_cast<unsigned char>(a.text[cut - 1]) >= 0xC0) {
      size_t lead = static_cast<unsigned char>(a.text[cut - 1]);
      size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
      if (back < need)
        a.text.resize(cut - 1);
    }
  }
  return std::move(collector_->out);
}

std::vector<std::string> ExtractLinks(std::string_view html, size_t max_links) {
  LinkCollector collector;
  collector.max_links = max_links;
  if (html.empty())
    return {};
  htmlSAXHandler sax{};
  sax.startElement = OnStartElement;
  if (!ParseHtmlSax(html, sax, &collector, HTML_PARSE_NOBLANKS))
    return {};
  if (!collector.base.empty())
    collector.links.insert(collector.links.begin(), collector.base);
  return collector.links;
}

}  // namespace dragnet::parse
