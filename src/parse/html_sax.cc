#include "parse/html_sax.h"

#include <mutex>

#include <libxml/parser.h>

namespace dragnet::parse {

bool ParseHtmlSax(std::string_view html, htmlSAXHandler& sax, void* user, int options) {
  // The crawler extracts links on a second thread; xmlInitParser is idempotent but not itself
  // thread-safe, so it runs once before any parse.
  static std::once_flag init;
  std::call_once(init, xmlInitParser);
  htmlParserCtxtPtr ctxt =
      htmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8);
  if (ctxt == nullptr)
    return false;
  ctxt->_private = user;
  ctxt->userData = ctxt;
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | options);
  // Fed in pieces: libxml2 takes an int length.
  constexpr size_t kPiece = size_t{1} << 30;
  while (html.size() > kPiece) {
    htmlParseChunk(ctxt, html.data(), static_cast<int>(kPiece), 0);
    html.remove_prefix(kPiece);
  }
  htmlParseChunk(ctxt, html.data(), static_cast<int>(html.size()), 1);
  htmlFreeParserCtxt(ctxt);
  return true;
}

}  // namespace dragnet::parse
