#include "parse/html_text.h"

#include <cstring>

#include <libxml/HTMLparser.h>

#include "parse/html_sax.h"

namespace dragnet::parse {

struct TextCollector {
  HtmlText out;
  size_t max_bytes = 0;
  int skip_depth = 0;  // inside script/style/template/noscript
  bool in_title = false;
  int in_heading = 0;       // 1-3 inside the first <h1>-<h3> of its level, else 0
  std::string headings[3];  // the first h1, h2 and h3
  bool heading_done[3] = {false, false, false};
};

namespace {

// 1, 2 or 3 for h1-h3, else 0.
int HeadingLevel(std::string_view tag) {
  if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '3')
    return tag[1] - '0';
  return 0;
}

void AppendCollapsed(std::string& out, std::string_view piece, size_t cap) {
  for (char ch : piece) {
    if (out.size() >= cap)
      return;
    bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    if (!space) {
      out.push_back(ch);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
}

void NewLine(TextCollector& c) {
  if (!c.out.text.empty() && c.out.text.back() != '\n')
    c.out.text.push_back('\n');
}

TextCollector& Collector(void* user) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  return *static_cast<TextCollector*>(ctxt->_private);
}

void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  TextCollector& c = Collector(user);
  const std::string_view tag = reinterpret_cast<const char*>(name);
  if (HidesText(tag)) {
    ++c.skip_depth;
    return;
  }
  if (tag == "title")
    c.in_title = true;
  if (int level = HeadingLevel(tag); level > 0 && c.in_heading == 0 && !c.heading_done[level - 1])
    c.in_heading = level;
  if (EndsLine(tag))
    NewLine(c);
  if (tag == "img" && attributes != nullptr) {
    for (size_t i = 0; attributes[i] != nullptr; i += 2) {
      const char* key = reinterpret_cast<const char*>(attributes[i]);
      const char* value = reinterpret_cast<const char*>(attributes[i + 1]);
      if (std::strcmp(key, "alt") == 0 && value != nullptr && *value != '\0' &&
          c.out.text.size() < c.max_bytes) {
        c.out.text += " [";
        c.out.text += value;
        c.out.text += "] ";
      }
    }
  }
}

void OnEnd(void* user, const xmlChar* name) {
  TextCollector& c = Collector(user);
  const std::string_view tag = reinterpret_cast<const char*>(name);
  if (HidesText(tag)) {
    if (c.skip_depth > 0)
      --c.skip_depth;
    return;
  }
  if (tag == "title")
    c.in_title = false;
  if (int level = HeadingLevel(tag); level > 0 && level == c.in_heading) {
    c.heading_done[level - 1] = true;
    c.in_heading = 0;
  }
  if (EndsLine(tag))
    NewLine(c);
}

void OnCharacters(void* user, const xmlChar* bytes, int length) {
  TextCollector& c = Collector(user);
  if (c.skip_depth > 0 || length <= 0)
    return;
  std::string_view piece(reinterpret_cast<const char*>(bytes), static_cast<size_t>(length));
  if (c.in_title && c.out.title.size() < 4096)
    c.out.title.append(piece);
  if (c.in_heading > 0)
    AppendCollapsed(c.headings[c.in_heading - 1], piece, 512);
  if (c.out.text.size() + piece.size() > c.max_bytes)
    return;
  // Runs of white space become one space, so offsets stay short and lines readable.
  for (char ch : piece) {
    bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    if (space) {
      if (!c.out.text.empty() && c.out.text.back() != ' ' && c.out.text.back() != '\n') {
        c.out.text.push_back(' ');
      }
    } else {
      c.out.text.push_back(ch);
    }
  }
}

htmlSAXHandler TextHandler() {
  htmlSAXHandler sax{};
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnCharacters;
  sax.cdataBlock = OnCharacters;
  return sax;
}

HtmlText FinishText(TextCollector& collector) {
  while (!collector.out.text.empty() &&
         (collector.out.text.back() == '\n' || collector.out.text.back() == ' ')) {
    collector.out.text.pop_back();
  }
  for (std::string& heading : collector.headings) {
    while (!heading.empty() && heading.back() == ' ')
      heading.pop_back();
    if (!heading.empty() && heading.front() == ' ')
      heading.erase(0, 1);
    if (!heading.empty()) {
      collector.out.heading = std::move(heading);
      break;
    }
  }
  return std::move(collector.out);
}

}  // namespace

HtmlText ExtractText(std::string_view html, size_t max_bytes) {
  if (html.empty())
    return {};
  TextExtraction extraction(max_bytes);
  SaxSink sink = extraction.Sink();
  std::span<SaxSink> sinks(&sink, 1);
  if (!ParseHtmlSaxFanout(html, sinks))
    return {};
  return extraction.Finish();
}

TextExtraction::TextExtraction(size_t max_bytes) : collector_(std::make_unique<TextCollector>()) {
  collector_->max_bytes = max_bytes;
}
TextExtraction::~TextExtraction() = default;

SaxSink TextExtraction::Sink() {
  return {TextHandler(), collector_.get()};
}

HtmlText TextExtraction::Finish() {
  return FinishText(*collector_);
}

}  // namespace dragnet::parse
