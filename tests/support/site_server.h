#pragma once
// A real HTTP server (GNU libmicrohttpd) on loopback serving a generated site for crawler tests:
// linked pages, redirects, errors that heal, slow and oversized responses, gzip and chunked
// bodies, robots.txt. It counts every request so tests can prove nothing was fetched twice.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

struct MHD_Daemon;

namespace dragnet::testing {

class SiteServer {
 public:
  // Serves /page/0.html .. /page/<pages-1>.html and the special paths; port 0 picks a free one.
  explicit SiteServer(int pages, int slow_ms = 0);
  ~SiteServer();
  SiteServer(const SiteServer&) = delete;
  SiteServer& operator=(const SiteServer&) = delete;

  bool ok() const { return daemon_ != nullptr; }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Requests seen per path.
  std::map<std::string, int> hits() const;
  int total_hits() const;

  // Internal: answers one request (called from libmicrohttpd's threads).
  struct Reply {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::map<std::string, std::string> headers;
    bool chunked = false;
  };
  Reply Answer(const std::string& path);

 private:
  int pages_;
  int slow_ms_;
  int port_ = 0;
  ::MHD_Daemon* daemon_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, int> hits_;
};

// Starts microsocks (Debian) on a free loopback port; stops it on destruction.
class SocksProxy {
 public:
  SocksProxy();
  ~SocksProxy();
  SocksProxy(const SocksProxy&) = delete;
  SocksProxy& operator=(const SocksProxy&) = delete;
  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }

 private:
  int pid_ = -1;
  int port_ = 0;
};

// A loopback port that was free a moment ago.
int FreePort();

}  // namespace dragnet::testing
