#pragma once
// The character encoding of a captured page, and the page as UTF-8 for the rest of parse/.
// Markets serve windows-1251, KOI8-R, UTF-16, Shift_JIS, GB18030 and plain UTF-8; the decision
// follows the HTML Living Standard's encoding sniffing (section 13.2.3.2, "Determining the
// character encoding"): a byte order mark, then the HTTP Content-Type charset, then a prescan of
// the first 1024 bytes for <meta charset> or <meta http-equiv=Content-Type content=...>, then
// ICU's statistical detector (ucsdet), then UTF-8 when the bytes are valid UTF-8, else
// windows-1252. Labels are mapped as the WHATWG Encoding Standard says (section 4.2, "Names and
// labels": "latin1" and "ascii" mean windows-1252, "x-cp1251" means windows-1251...), and the
// bytes are converted with ICU (ucnv); invalid sequences become U+FFFD.

#include <string>
#include <string_view>

namespace dragnet::parse {

struct DecodedPage {
  std::string utf8;      // the page as UTF-8 (invalid sequences replaced by U+FFFD), BOM removed
  std::string charset;   // the Encoding Standard's name of the encoding used ("windows-1251")
  std::string source;    // how it was decided: "bom", "http", "meta", "detected" or "default"
  int confidence = 100;  // ICU's detector confidence (0-100) when detected, else 100
};

// Never fails: a declaration that names no encoding, or one ICU cannot convert, falls through to
// the next step, and hostile bytes cost time and memory linear in their size (detection reads
// only the first 64 KiB; the output is at most 3 bytes per input byte). Valid UTF-8 that is
// declared UTF-8 or not declared at all is copied without conversion; undeclared valid UTF-8 is
// taken as UTF-8 (source "default") before detection is tried, since ICU would call plain ASCII
// ISO-8859-1. Detection results below ICU confidence 16 (its floor guesses) and BOM-less UTF-16
// are not used.
DecodedPage DecodePage(std::string_view bytes, std::string_view content_type_header);

// The charset parameter of an HTTP Content-Type value (`text/html; Charset="KOI8-R"`), unquoted
// and in ASCII lower case ("koi8-r"), cut at 65 bytes (no label is longer); "" when there is
// none. Parameter names are matched without
// regard to case, and the first charset parameter wins (WHATWG MIME Sniffing, "parse a MIME
// type").
std::string CharsetFromContentType(std::string_view content_type);

// The Encoding Standard's name for a label ("CP1251 " -> "windows-1251"); "" for an unknown label.
// Leading and trailing ASCII white space is ignored and case does not matter.
std::string EncodingForLabel(std::string_view label);

// The charset of a <meta> in the first 1024 bytes, by the HTML standard's prescan algorithm
// (section 13.2.3.2, "prescan a byte stream to determine its encoding"), as an encoding name;
// "" when there is none. UTF-16 there means UTF-8 and x-user-defined means windows-1252.
std::string PrescanMetaCharset(std::string_view bytes);

}  // namespace dragnet::parse
