#pragma once
// Per-site crawl settings from a YAML file (--site-config): cookies, headers, user agent, rate,
// allowed paths, robots override, recrawl schedule and how to recognise an expired session.
// Schema: docs/formats/site-config.md. Errors name the file and line.

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/result.h"

namespace dragnet::capture {

struct SessionExpiry {
  std::vector<int> statuses;  // e.g. 401, 403
  std::string url_contains;   // a redirect to the login page
  std::string body_contains;  // text only the login page shows
  bool empty() const { return statuses.empty() && url_contains.empty() && body_contains.empty(); }
};

struct SiteConfig {
  std::string host;  // matches the host and its subdomains
  std::string cookie_file;
  std::vector<std::string> headers;
  std::string user_agent;
  std::optional<double> rate;  // requests per second
  std::optional<size_t> concurrency;
  std::vector<std::string> allow_paths;  // path prefixes; empty = all
  std::vector<std::string> deny_paths;
  std::optional<bool> robots;
  std::optional<double> recrawl_hours;
  SessionExpiry session_expired;
};

class SiteConfigs {
 public:
  static Result<SiteConfigs> Load(const std::filesystem::path& path);
  // The most specific config for `host`, or nullptr.
  const SiteConfig* For(std::string_view host) const;
  const std::vector<SiteConfig>& all() const { return sites_; }
  void Add(SiteConfig config) { sites_.push_back(std::move(config)); }

 private:
  std::vector<SiteConfig> sites_;
};

// Checks a Netscape cookies.txt file (as browsers' extensions export it): seven tab-separated
// fields per line, "#HttpOnly_" prefixes allowed. Returns the number of cookies, or an error
// naming the file and line.
Result<size_t> CheckCookieFile(const std::filesystem::path& path);

}  // namespace dragnet::capture
