#include "parse/html_sax.h"

#include <algorithm>
#include <mutex>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

namespace dragnet::parse {
namespace {

void InitOnce() {
  // The crawler extracts links on a second thread; xmlInitParser is idempotent but not itself
  // thread-safe, so it runs once before any parse.
  static std::once_flag init;
  std::call_once(init, xmlInitParser);
}

// Runs a created context over `html` and frees it.
void Feed(htmlParserCtxtPtr ctxt, std::string_view html, int options) {
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | options);
  // Fed in pieces: libxml2 takes an int length.
  constexpr size_t kPiece = size_t{1} << 30;
  while (html.size() > kPiece) {
    htmlParseChunk(ctxt, html.data(), static_cast<int>(kPiece), 0);
    html.remove_prefix(kPiece);
  }
  htmlParseChunk(ctxt, html.data(), static_cast<int>(html.size()), 1);
}

// The state of a fan-out parse, kept in the context's `_private` between events.
struct Fanout {
  std::span<SaxSink> sinks;
  htmlSAXHandler tree;  // libxml2's tree builder (SAX2), when a tree is wanted
  bool build_tree = false;
};

Fanout& Of(void* user) {
  return *static_cast<Fanout*>(static_cast<htmlParserCtxtPtr>(user)->_private);
}

// Calls `call(handler)` for the tree builder and then for each sink whose handler has the
// callback, with `_private` pointing at the sink's state during its call.
template <typename Call>
void Each(void* user, const Call& call) {
  auto* ctxt = static_cast<htmlParserCtxtPtr>(user);
  Fanout& f = Of(user);
  if (f.build_tree)
    call(f.tree);
  for (SaxSink& sink : f.sinks) {
    ctxt->_private = sink.state;
    call(sink.handler);
  }
  ctxt->_private = &f;
}

void OnStartDocument(void* user) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.startDocument != nullptr)
      h.startDocument(user);
  });
}
void OnEndDocument(void* user) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.endDocument != nullptr)
      h.endDocument(user);
  });
}
void OnInternalSubset(void* user, const xmlChar* name, const xmlChar* external_id,
                      const xmlChar* system_id) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.internalSubset != nullptr)
      h.internalSubset(user, name, external_id, system_id);
  });
}
void OnStart(void* user, const xmlChar* name, const xmlChar** attributes) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.startElement != nullptr)
      h.startElement(user, name, attributes);
  });
}
void OnEnd(void* user, const xmlChar* name) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.endElement != nullptr)
      h.endElement(user, name);
  });
}
void OnCharacters(void* user, const xmlChar* bytes, int length) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.characters != nullptr)
      h.characters(user, bytes, length);
  });
}
// White space libxml2 calls ignorable. It decides that by looking at the tree it is building
// (htmlParseCharData's areBlanks), so with a tree it calls more white space ignorable than
// without one; sinks get it as characters then, and see the same text either way.
void OnIgnorableWhitespace(void* user, const xmlChar* bytes, int length) {
  // Read before Each: during a sink's call `_private` is the sink's state.
  const Fanout& fanout = Of(user);
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.ignorableWhitespace != nullptr) {
      h.ignorableWhitespace(user, bytes, length);
    } else if (fanout.build_tree && &h != &fanout.tree && h.characters != nullptr) {
      h.characters(user, bytes, length);
    }
  });
}
void OnCdata(void* user, const xmlChar* bytes, int length) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.cdataBlock != nullptr)
      h.cdataBlock(user, bytes, length);
  });
}
void OnComment(void* user, const xmlChar* text) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.comment != nullptr)
      h.comment(user, text);
  });
}
void OnProcessingInstruction(void* user, const xmlChar* target, const xmlChar* data) {
  Each(user, [&](const htmlSAXHandler& h) {
    if (h.processingInstruction != nullptr)
      h.processingInstruction(user, target, data);
  });
}

}  // namespace

bool EndsLine(std::string_view tag) {
  static constexpr std::string_view kLineEnds[] = {
      "article", "aside", "blockquote", "br",    "caption", "dd",     "div", "dl",  "dt",
      "footer",  "form",  "h1",         "h2",    "h3",      "h4",     "h5",  "h6",  "header",
      "hr",      "li",    "main",       "nav",   "ol",      "option", "p",   "pre", "section",
      "table",   "td",    "th",         "title", "tr",      "ul"};
  // Compared as string views: the length test rejects most tags before any byte is compared.
  return std::find(std::begin(kLineEnds), std::end(kLineEnds), tag) != std::end(kLineEnds);
}

bool HidesText(std::string_view tag) {
  return tag == "script" || tag == "style" || tag == "template" || tag == "noscript";
}

bool ParseHtmlSax(std::string_view html, htmlSAXHandler& sax, void* user, int options) {
  InitOnce();
  htmlParserCtxtPtr ctxt =
      htmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8);
  if (ctxt == nullptr)
    return false;
  ctxt->_private = user;
  ctxt->userData = ctxt;
  Feed(ctxt, html, options);
  htmlFreeParserCtxt(ctxt);
  return true;
}

bool ParseHtmlSaxFanout(std::string_view html, std::span<SaxSink> sinks, xmlDocPtr* tree,
                        int options) {
  InitOnce();
  if (tree != nullptr)
    *tree = nullptr;
  Fanout fanout{sinks, {}, tree != nullptr};
  if (fanout.build_tree)
    xmlSAX2InitHtmlDefaultSAXHandler(&fanout.tree);
  htmlSAXHandler sax{};
  sax.startDocument = OnStartDocument;
  sax.endDocument = OnEndDocument;
  sax.internalSubset = OnInternalSubset;
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnCharacters;
  sax.ignorableWhitespace = OnIgnorableWhitespace;
  sax.cdataBlock = OnCdata;
  sax.comment = OnComment;
  sax.processingInstruction = OnProcessingInstruction;
  htmlParserCtxtPtr ctxt =
      htmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8);
  if (ctxt == nullptr)
    return false;
  ctxt->_private = &fanout;
  ctxt->userData = ctxt;
  // The bytes are UTF-8 already (charset.h decoded them): a <meta charset> must not make
  // libxml2 decode them a second time.
  Feed(ctxt, html, options | HTML_PARSE_IGNORE_ENC);
  if (tree != nullptr) {
    *tree = ctxt->myDoc;
    ctxt->myDoc = nullptr;
  } else if (ctxt->myDoc != nullptr) {
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
  }
  htmlFreeParserCtxt(ctxt);
  return true;
}

}  // namespace dragnet::parse
