#include "capture/robots.h"

#include <algorithm>
#include <cctype>

namespace dragnet::capture {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Matches `pattern` ("*" wildcards, optional trailing "$") against the start of `path`.
bool Matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored)
    pattern.remove_suffix(1);
  // Classic wildcard matching with backtracking over the last '*'.
  size_t p = 0;
  size_t s = 0;
  size_t star = std::string_view::npos;
  size_t star_s = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // prefix match
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules_.push_back({false, "/"});
  return rules;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view agent) {
  constexpr size_t kMaxBytes = 500 * 1024;
  if (body.size() > kMaxBytes)
    body = body.substr(0, kMaxBytes);
  std::string token = Lower(agent);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<double> delay;
  };
  std::vector<Group> groups;
  bool last_was_agent = false;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find_first_of("\r\n", pos);
    std::string_view line =
        body.substr(pos, eol == std::string_view::npos ? body.size() - pos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 1;
    if (size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    std::string key = Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || groups.empty())
        groups.emplace_back();
      groups.back().agents.push_back(Lower(value));
      last_was_agent = true;
      continue;
    }
    last_was_agent = false;
    if (groups.empty())
      continue;  // rules before any user-agent line belong to no group
    if (key == "allow" || key == "disallow") {
      if (value.empty())
        continue;  // "Disallow:" with nothing allows everything
      groups.back().rules.push_back({key == "allow", std::string(value)});
    } else if (key == "crawl-delay") {
      try {
        groups.back().delay = std::stod(std::string(value));
      } catch (const std::exception&) {
        // Not a number: ignored like any malformed line.
      }
    }
  }
  // Section 2.2.1: the group(s) matching our token; else "*". Matching groups merge.
  RobotsRules out;
  bool found = false;
  for (const auto& g : groups) {
    for (const auto& a : g.agents) {
      if (!a.empty() && a != "*" && token.rfind(a, 0) == 0) {
        out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
        if (g.delay)
          out.crawl_delay_ = g.delay;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    for (const auto& g : groups) {
      if (std::find(g.agents.begin(), g.agents.end(), "*") != g.agents.end()) {
        out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
        if (g.delay)
          out.crawl_delay_ = g.delay;
      }
    }
  }
  return out;
}

bool RobotsRules::Allowed(std::string_view path) const {
  if (path == "/robots.txt")
    return true;  // section 2.2.2: always allowed
  size_t best = 0;
  bool allowed = true;
  bool any = false;
  for (const auto& rule : rules_) {
    if (!Matches(rule.pattern, path))
      continue;
    size_t length = rule.pattern.size();
    if (!any || length > best || (length == best && rule.allow && !allowed)) {
      best = length;
      allowed = rule.allow;
      any = true;
    }
  }
  return allowed;
}

}  // namespace dragnet::capture
