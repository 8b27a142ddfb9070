#pragma once
// The readable text of an HTML page (what a person sees), for analyzers that work on text.
// libxml2's HTML parser in SAX mode, like html_links.h: no tree, broken markup recovered.
// Script, style, template and noscript contents are dropped; block elements and <br> end a line;
// image alt texts are kept in brackets, since sellers put product names there.

#include <memory>
#include <string>
#include <string_view>

#include "parse/html_sax.h"

namespace dragnet::parse {

struct HtmlText {
  std::string title;
  std::string text;  // UTF-8, lines separated by '\n'
  // The main heading: the text of the first <h1>, else the first <h2>, else the first <h3>,
  // white space collapsed (at most 512 bytes). Markets put the product or seller's name there.
  std::string heading;
};

// At most `max_bytes` of text are kept (a hostile page cannot exhaust memory).
HtmlText ExtractText(std::string_view html, size_t max_bytes = size_t{64} << 20);

struct TextCollector;

// ExtractText as a sink of a shared pass (html_sax.h, ParseHtmlSaxFanout): give Sink() to the
// parse, then Finish() once.
class TextExtraction {
 public:
  explicit TextExtraction(size_t max_bytes = size_t{64} << 20);
  ~TextExtraction();
  TextExtraction(const TextExtraction&) = delete;
  TextExtraction& operator=(const TextExtraction&) = delete;
  SaxSink Sink();
  HtmlText Finish();

 private:
  std::unique_ptr<TextCollector> collector_;
};

}  // namespace dragnet::parse
