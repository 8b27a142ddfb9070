#pragma once
// Loopback serving of the simulated web: SiteServer answers HTTP/1.1 for virtual hosts from a
// directory tree written by the generator, and Socks5Front is a SOCKS5 front (RFC 1928, RFC 1929)
// that maps onion-looking host names to loopback ports, so Dragnet's crawler reaches the
// generated sites with "socks5h://127.0.0.1:PORT" exactly as it reaches onions through Tor.
//
// SiteServer file mapping, for a request http://HOST/PATH?QUERY:
//   base   = ROOT/epoch-N if that directory exists, else ROOT (N from SetEpoch, default 1)
//   file   = base/HOST/PATH, with "index.html" appended when PATH is "/" or ends in "/"
//   query  = if QUERY is non-empty and the file "<file>@<QUERY>" exists (raw query bytes, as
//            sent), that file is served instead: "/search?page=2" -> base/HOST/search@page=2.
//            Otherwise the query is ignored.
//   HOST is the Host header, lower-cased, port stripped. The request-target must be origin-form
//   (RFC 9112 3.2.1), else 400. PATH is percent-decoded (RFC 3986 2.1);
//   a ".." segment or NUL gives 400; an unknown host or missing file gives 404; methods other than
//   GET and HEAD give 405 (RFC 9110 15.5.6). Content-Type comes from the extension of the file
//   before any "@query" suffix; a name without extension is served as HTML.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/result.h"

struct MHD_Daemon;

namespace dragnet::simnet {

class SiteServer {
 public:
  // Binds 127.0.0.1 on a free port and serves `root` until destroyed.
  static Result<std::unique_ptr<SiteServer>> Start(std::filesystem::path root);
  ~SiteServer();
  SiteServer(const SiteServer&) = delete;
  SiteServer& operator=(const SiteServer&) = delete;

  int port() const { return port_; }
  // Switches the served tree to ROOT/epoch-N (takes effect for the next request).
  void SetEpoch(int epoch) { epoch_.store(epoch); }
  int epoch() const { return epoch_.load(); }
  // Requests received per Host (lower-cased, port stripped), whatever their status.
  std::map<std::string, uint64_t> RequestsPerHost() const;

  // Used by the libmicrohttpd callbacks; not part of the API.
  struct Reply {
    unsigned status;
    std::string content_type;
    int fd = -1;  // the file to send, or -1 for `body`
    uint64_t size = 0;
    std::string body;
  };
  Reply Handle(const std::string& method, const std::string& raw_uri, const std::string& host);

 private:
  explicit SiteServer(std::filesystem::path root) : root_(std::move(root)) {}

  std::filesystem::path root_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::atomic<int> epoch_{1};
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> requests_;  // guarded by mu_
};

// A SOCKS5 server written by hand: no Debian library offers an embeddable one (microsocks is a
// standalone program that resolves names itself and cannot map onion names to ports).
class Socks5Front {
 public:
  struct Options {
    int handshake_timeout_ms = 10000;  // greeting + auth + request must arrive within this
    int max_connections = 256;         // accepted connections beyond this are closed at once
    int port = 0;                      // loopback port to listen on; 0 = a free one
  };
  static Result<std::unique_ptr<Socks5Front>> Start(Options options);
  static Result<std::unique_ptr<Socks5Front>> Start() { return Start(Options{}); }
  ~Socks5Front();  // Stop()s
  Socks5Front(const Socks5Front&) = delete;
  Socks5Front& operator=(const Socks5Front&) = delete;

  int port() const { return port_; }
  // Routes CONNECTs to `host` (a domain name or an IP literal, case-insensitive; any destination
  // port) to 127.0.0.1:`port`. Unrouted domains get reply 0x04, unrouted IP literals 0x02.
  void AddRoute(std::string host, int port);
  // Successful CONNECTs per requested host name (lower-cased).
  std::map<std::string, uint64_t> ConnectionsPerHost() const;
  // RFC 1929 user names that clients authenticated with (Tor uses them for stream isolation).
  std::set<std::string> UsernamesSeen() const;
  // Closes the listener and every connection, and joins all threads. Idempotent.
  void Stop();

 private:
  struct Conn {
    std::thread thread;
    std::atomic<bool> done{false};
    int client_fd = -1;    // guarded by mu_ once the thread runs
    int upstream_fd = -1;  // guarded by mu_
  };
  Socks5Front(Options options, int listen_fd, int port, int stop_pipe[2]);
  void AcceptLoop();
  void Serve(Conn* conn);
  bool Handshake(Conn* conn, int fd);
  void Relay(int client, int upstream);
  void ReapLocked();

  Options options_;
  int listen_fd_;
  int port_;
  int stop_rd_, stop_wr_;  // a pipe written once by Stop(); every poll() watches its read end
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::map<std::string, int> routes_;            // guarded by mu_
  std::map<std::string, uint64_t> connections_;  // guarded by mu_
  std::set<std::string> usernames_;              // guarded by mu_
  std::list<std::unique_ptr<Conn>> conns_;       // guarded by mu_
};

}  // namespace dragnet::simnet
