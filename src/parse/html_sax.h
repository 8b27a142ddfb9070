#pragma once
// libxml2's HTML parser in SAX mode, shared by the extractors of this folder: no tree is
// built unless asked for, broken markup is recovered as browsers do, and it is safe to call from
// several threads (libxml2 is initialised once, on first use).

#include <span>
#include <string_view>

#include <libxml/HTMLparser.h>

namespace dragnet::parse {

// Feeds `html` (UTF-8) through the handlers of `sax`. In every handler the first argument is
// the parser context; its `_private` is `user`. `options` are HTML_PARSE_* flags added to
// RECOVER, NOERROR, NOWARNING and NONET. Returns false when libxml2 cannot create a parser.
bool ParseHtmlSax(std::string_view html, htmlSAXHandler& sax, void* user, int options = 0);

// One extractor's handlers and state, for parsing a page once with several extractors.
struct SaxSink {
  htmlSAXHandler handler{};
  void* state = nullptr;
};

// Parses `html` (UTF-8, whatever its <meta> says: see charset.h) once and gives every event to
// each sink in turn, with the context's `_private`
// set to that sink's state, exactly as ParseHtmlSax would for the sink alone: the parse stage
// reads text, page structure and fields in one pass instead of one pass each. With `tree`,
// libxml2's own tree is built in the same pass and returned there (free it with xmlFreeDoc);
// nullptr when it could not be built.
bool ParseHtmlSaxFanout(std::string_view html, std::span<SaxSink> sinks, xmlDocPtr* tree = nullptr,
                        int options = 0);

// Elements that end a line of visible text (p, div, br, li, td, h1..h6, ...), as the text and
// field extractors split a page into lines. `tag` is libxml2's lower-case element name.
bool EndsLine(std::string_view tag);

// Elements whose content is never visible text: script, style, template, noscript.
bool HidesText(std::string_view tag);

}  // namespace dragnet::parse
