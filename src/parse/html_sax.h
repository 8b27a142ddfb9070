#pragma once
// libxml2's HTML parser in SAX mode, shared by the extractors of this folder: no tree is
// built, broken markup is recovered as browsers do, and it is safe to call from several
// threads (libxml2 is initialised once, on first use).

#include <string_view>

#include <libxml/HTMLparser.h>

namespace dragnet::parse {

// Feeds `html` (UTF-8) through the handlers of `sax`. In every handler the first argument is
// the parser context; its `_private` is `user`. `options` are HTML_PARSE_* flags added to
// RECOVER, NOERROR, NOWARNING and NONET. Returns false when libxml2 cannot create a parser.
bool ParseHtmlSax(std::string_view html, htmlSAXHandler& sax, void* user, int options = 0);

}  // namespace dragnet::parse
