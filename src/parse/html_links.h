#pragma once
// Links in an HTML page, read with libxml2's HTML parser in SAX mode (html_sax.h), so broken
// markup is recovered the way browsers recover it: every link for the crawler, and the page's
// anchors with their texts and images with their alt texts for analysts.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parse/html_sax.h"

namespace dragnet::parse {

// href of <a>, <area>, <link>; src of <img>, <script>, <iframe>, <frame>, <source>; action of
// <form>; and the <base href> first when the page has one (callers resolve relative links
// against it). At most `max_links` are returned.
std::vector<std::string> ExtractLinks(std::string_view html, size_t max_links = 10000);

struct Anchor {
  std::string href;
  std::string text;  // the visible text inside <a>, white space collapsed, at most 256 bytes
};
struct Image {
  std::string src;
  std::string alt;
};
struct AnchorsAndImages {
  std::vector<Anchor> anchors;  // at most kMaxAnchors, in page order
  std::vector<Image> images;    // at most kMaxAnchors, in page order
};
inline constexpr size_t kMaxAnchors = 2000;

struct AnchorCollector;

// The anchors and images of a page as a sink of a shared pass (ParseHtmlSaxFanout).
class AnchorExtraction {
 public:
  AnchorExtraction();
  ~AnchorExtraction();
  AnchorExtraction(const AnchorExtraction&) = delete;
  AnchorExtraction& operator=(const AnchorExtraction&) = delete;
  SaxSink Sink();
  AnchorsAndImages Finish();

 private:
  std::unique_ptr<AnchorCollector> collector_;
};

}  // namespace dragnet::parse
