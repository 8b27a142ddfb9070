#pragma once
// Links in an HTML page, read with a real HTML5 parser (gumbo, from Debian), so broken markup is
// recovered the way browsers recover it.

#include <string>
#include <string_view>
#include <vector>

namespace dragnet::parse {

// href of <a>, <area>, <link>; src of <img>, <script>, <iframe>, <frame>, <source>; action of
// <form>; and the <base href> first when the page has one (callers resolve relative links
// against it). At most `max_links` are returned.
std::vector<std::string> ExtractLinks(std::string_view html, size_t max_links = 10000);

}  // namespace dragnet::parse
