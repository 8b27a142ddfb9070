#include "capture/site_config.h"

#include <fstream>

#include <yaml-cpp/yaml.h>

#include "core/file.h"

namespace dragnet::capture {
namespace {

std::string Where(const std::filesystem::path& path, const YAML::Node& node) {
  return path.string() + ":" + std::to_string(node.Mark().line + 1);
}

}  // namespace

Result<SiteConfigs> SiteConfigs::Load(const std::filesystem::path& path) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  SiteConfigs configs;
  // yaml-cpp throws on malformed input; every exception is turned into an Error right here.
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap())
      return InvalidArgument(path.string() + ": expected a mapping with `sites:`");
    if (root["version"] && root["version"].as<int>() != 1) {
      return InvalidArgument(Where(path, root["version"]) +
                             ": unsupported version (this dragnet reads 1)");
    }
    YAML::Node sites = root["sites"];
    if (!sites || !sites.IsSequence()) {
      return InvalidArgument(path.string() + ": `sites:` must be a list");
    }
    for (const auto& node : sites) {
      if (!node.IsMap())
        return InvalidArgument(Where(path, node) + ": each site must be a mapping");
      SiteConfig c;
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (key == "host") {
          c.host = v.as<std::string>();
        } else if (key == "cookies") {
          std::filesystem::path cookies = v.as<std::string>();
          c.cookie_file =
              cookies.is_relative() ? (path.parent_path() / cookies).string() : cookies.string();
        } else if (key == "headers") {
          c.headers = v.as<std::vector<std::string>>();
        } else if (key == "user_agent") {
          c.user_agent = v.as<std::string>();
        } else if (key == "rate") {
          c.rate = v.as<double>();
          if (*c.rate <= 0)
            return InvalidArgument(Where(path, v) + ": rate must be > 0 requests/s");
        } else if (key == "concurrency") {
          c.concurrency = v.as<size_t>();
        } else if (key == "allow_paths") {
          c.allow_paths = v.as<std::vector<std::string>>();
        } else if (key == "deny_paths") {
          c.deny_paths = v.as<std::vector<std::string>>();
        } else if (key == "robots") {
          c.robots = v.as<bool>();
        } else if (key == "recrawl_hours") {
          c.recrawl_hours = v.as<double>();
        } else if (key == "session_expired") {
          if (v["status"])
            c.session_expired.statuses = v["status"].as<std::vector<int>>();
          if (v["url_contains"])
            c.session_expired.url_contains = v["url_contains"].as<std::string>();
          if (v["body_contains"])
            c.session_expired.body_contains = v["body_contains"].as<std::string>();
        } else {
          return InvalidArgument(Where(path, kv.first) + ": unknown field `" + key + "`");
        }
      }
      if (c.host.empty())
        return InvalidArgument(Where(path, node) + ": site without `host`");
      if (!c.cookie_file.empty()) {
        DRAGNET_RETURN_IF_ERROR(CheckCookieFile(c.cookie_file));
      }
      configs.sites_.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return configs;
}

const SiteConfig* SiteConfigs::For(std::string_view host) const {
  const SiteConfig* best = nullptr;
  for (const auto& c : sites_) {
    bool match = host == c.host || (host.size() > c.host.size() && host.ends_with(c.host) &&
                                    host[host.size() - c.host.size() - 1] == '.');
    if (match && (best == nullptr || c.host.size() > best->host.size()))
      best = &c;
  }
  return best;
}

Result<size_t> CheckCookieFile(const std::filesystem::path& path) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  size_t cookies = 0;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? text.size() : eol + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.rfind("#HttpOnly_", 0) == 0)
      line = line.substr(10);
    if (line.empty() || line[0] == '#')
      continue;
    size_t tabs = static_cast<size_t>(std::count(line.begin(), line.end(), '\t'));
    if (tabs != 6) {
      return InvalidArgument(path.string() + ":" + std::to_string(line_number) +
                             ": not a Netscape cookies.txt line (7 tab-separated fields: domain, "
                             "subdomains, path, secure, expiry, name, value)");
    }
    ++cookies;
  }
  return cookies;
}

}  // namespace dragnet::capture
