#pragma once
// URLs as the crawler keeps them: absolute http(s), canonical (RFC 3986 section 6: lower-case
// scheme and host, no default port, dot segments removed, percent-encoding normalised, no
// fragment), so that two spellings of one page are one frontier entry.

#include <optional>
#include <string>
#include <string_view>

namespace dragnet::capture {

struct ParsedUrl {
  std::string url;             // canonical form
  std::string scheme;          // "http" or "https"
  std::string host;            // lower case
  int port = 0;                // effective port (80/443 when not given)
  std::string path_and_query;  // "/a/b?c=d"
  // "scheme://host[:port]": the unit of politeness, scope and circuit isolation.
  std::string site() const;
  bool onion() const;  // a Tor onion service (host ends in .onion)
};

// Parses and canonicalises an absolute URL; nullopt for anything but a well-formed http(s) URL.
std::optional<ParsedUrl> ParseUrl(std::string_view url);
// Resolves `reference` (a link as written in a page) against `base` (RFC 3986 section 5).
std::optional<ParsedUrl> ResolveUrl(const ParsedUrl& base, std::string_view reference);

}  // namespace dragnet::capture
