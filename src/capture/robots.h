#pragma once
// robots.txt as RFC 9309 defines it: groups of user-agent lines with allow/disallow rules; the
// group naming our product token wins over "*"; the longest matching rule decides, allow on a
// tie; "*" matches any run of characters and a final "$" anchors the end. Crawl-delay, which
// many sites use though the RFC leaves it out, is read too.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::capture {

class RobotsRules {
 public:
  // Parses a robots.txt body for the product token `agent` (e.g. "dragnet"). Malformed lines
  // are ignored, as the RFC asks; a body over 500 KiB is cut there (section 2.5).
  static RobotsRules Parse(std::string_view body, std::string_view agent);
  // Everything allowed: no robots.txt (4xx) or rules the site owner chose not to publish.
  static RobotsRules AllowAll() { return RobotsRules(); }
  // Everything disallowed: the RFC's answer to an unreachable robots.txt (5xx).
  static RobotsRules DisallowAll();

  // `path_and_query` as in a request line, e.g. "/shop/item?id=3".
  bool Allowed(std::string_view path_and_query) const;
  std::optional<double> crawl_delay_seconds() const { return crawl_delay_; }
  size_t rule_count() const { return rules_.size(); }

 private:
  struct Rule {
    bool allow;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
};

}  // namespace dragnet::capture
