#include "capture/url.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>

#include "core/encoding.h"

namespace dragnet::capture {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::optional<std::string> Part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr)
    return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 section 6.2.2: escapes of unreserved characters are decoded, the others get upper-case
// hex digits; characters that may not appear raw are escaped.
std::string NormalizeEscapes(std::string_view in) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      auto decoded = static_cast<unsigned char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      if (Unreserved(decoded)) {
        out += static_cast<char>(decoded);
      } else {
        out += '%';
        out += kHex[decoded >> 4];
        out += kHex[decoded & 15];
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' ||
               c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '%') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<ParsedUrl> FromHandle(CURLU* u) {
  auto scheme = Part(u, CURLUPART_SCHEME);
  auto host = Part(u, CURLUPART_HOST);
  if (!scheme || !host || host->empty())
    return std::nullopt;
  std::transform(scheme->begin(), scheme->end(), scheme->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (*scheme != "http" && *scheme != "https")
    return std::nullopt;
  std::transform(host->begin(), host->end(), host->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!host->empty() && host->back() == '.')
    host->pop_back();  // "example.com." is the same
  if (host->empty())
    return std::nullopt;
  ParsedUrl out;
  out.scheme = *scheme;
  out.host = *host;
  int default_port = out.scheme == "https" ? 443 : 80;
  out.port = default_port;
  if (auto port = Part(u, CURLUPART_PORT)) {
    try {
      out.port = std::stoi(*port);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (out.port <= 0 || out.port > 65535)
      return std::nullopt;
  }
  std::string path = NormalizeEscapes(Part(u, CURLUPART_PATH).value_or("/"));
  if (path.empty())
    path = "/";
  out.path_and_query = path;
  if (auto query = Part(u, CURLUPART_QUERY))
    out.path_and_query += "?" + NormalizeEscapes(*query);
  out.url = out.scheme + "://" + out.host;
  if (out.port != default_port)
    out.url += ":" + std::to_string(out.port);
  out.url += out.path_and_query;
  return out;
}

}  // namespace

std::string ParsedUrl::site() const {
  std::string s = scheme + "://" + host;
  if (port != (scheme == "https" ? 443 : 80))
    s += ":" + std::to_string(port);
  return s;
}

bool ParsedUrl::onion() const {
  return host.size() > 6 && host.compare(host.size() - 6, 6, ".onion") == 0;
}

std::optional<ParsedUrl> ParseUrl(std::string_view url) {
  UrlHandle u(curl_url());
  if (!u)
    return std::nullopt;
  std::string text(url);
  // Trim what users paste around URLs.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start])))
    ++start;
  text = text.substr(start);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
    return std::nullopt;
  }
  return FromHandle(u.get());
}

std::optional<ParsedUrl> ResolveUrl(const ParsedUrl& base, std::string_view reference) {
  std::string ref(reference);
  while (!ref.empty() && std::isspace(static_cast<unsigned char>(ref.back())))
    ref.pop_back();
  size_t start = 0;
  while (start < ref.size() && std::isspace(static_cast<unsigned char>(ref[start])))
    ++start;
  ref = ref.substr(start);
  if (ref.empty() || ref[0] == '#')
    return std::nullopt;
  // Schemes a page may link to that are not for crawling.
  for (std::string_view skip : {"javascript:", "mailto:", "tel:", "data:", "ftp:", "magnet:"}) {
    if (ref.size() >= skip.size() &&
        std::equal(skip.begin(), skip.end(), ref.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return std::nullopt;
    }
  }
  UrlHandle u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, base.url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  if (curl_url_set(u.get(), CURLUPART_URL, ref.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
    return std::nullopt;
  }
  return FromHandle(u.get());
}

}  // namespace dragnet::capture
