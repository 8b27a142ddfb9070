// Loopback serving of the simulated web: the virtual-host file server (libmicrohttpd) and the
// hand-written SOCKS5 front (RFC 1928 CONNECT, RFC 1929 username/password) that maps onion-looking
// names to it. See server.h for the file mapping rules.

#include "simnet/server.h"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <system_error>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encoding.h"

namespace dragnet::simnet {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// SiteServer helpers

std::string HtmlStatus(unsigned status, std::string_view text) {
  return "<!DOCTYPE html>\n<html><head><title>" + std::to_string(status) + " " + std::string(text) +
         "</title></head><body><h1>" + std::to_string(status) + " " + std::string(text) +
         "</h1></body></html>\n";
}

SiteServer::Reply StatusReply(unsigned status, std::string_view text) {
  return {status, "text/html; charset=utf-8", -1, 0, HtmlStatus(status, text)};
}

std::string ContentType(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {"", "text/html; charset=utf-8"},  // generated pages such as /search have no extension
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".asc", "text/plain; charset=utf-8"},
      {".json", "application/json"},
      {".css", "text/css"},
      {".js", "text/javascript"},
      {".xml", "application/xml"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".png", "image/png"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".svg", "image/svg+xml"}};
  std::string ext = file.extension().string();
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// Percent-decodes a path (RFC 3986 2.1); false on a malformed escape or a NUL.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0)
        return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0')
      return false;
    out->push_back(c);
  }
  return true;
}

// Host header -> lower-cased name without port; empty if it is not a plausible host name.
std::string NormalizeHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') {  // IPv6 literal (RFC 3986 3.2.2)
    size_t end = host.find(']');
    host = end == std::string_view::npos ? std::string_view() : host.substr(1, end - 1);
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string out;
  for (char c : host) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
          c == ':'))
      return "";
    out.push_back(c);
  }
  if (out.empty() || out.front() == '.')
    return "";
  return out;
}

// Opens a regular file read-only; -1 if missing or not a regular file.
int OpenRegular(const fs::path& path, uint64_t* size) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

// Per-request state: the raw request-target (with its query), which libmicrohttpd only shows to
// the URI log callback, and whether a response was queued already.
struct RequestState {
  std::string uri;
  bool queued = false;
  bool headers_seen = false;
};

void* OnUri(void* /*cls*/, const char* uri, MHD_Connection* /*conn*/) {
  return new (std::nothrow) RequestState{uri == nullptr ? "" : uri};
}

void OnCompleted(void* /*cls*/, MHD_Connection* /*conn*/, void** req_cls,
                 MHD_RequestTerminationCode /*code*/) {
  delete static_cast<RequestState*>(*req_cls);
  *req_cls = nullptr;
}

MHD_Result OnRequest(void* cls, MHD_Connection* conn, const char* url, const char* method,
                     const char* /*version*/, const char* /*upload_data*/, size_t* upload_data_size,
                     void** req_cls) {
  auto* state = static_cast<RequestState*>(*req_cls);
  if (state == nullptr)
    return MHD_NO;  // out of memory in OnUri: drop the connection
  if (!state->headers_seen) {
    // libmicrohttpd 0.9.75 closes the connection (no keep-alive) after a response queued on the
    // first call, so answer on the second, once the (empty) body has been read.
    state->headers_seen = true;
    return MHD_YES;
  }
  if (*upload_data_size != 0 || state->queued) {
    *upload_data_size = 0;  // a request body (only with a 405) is discarded
    return MHD_YES;
  }
  const char* host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  SiteServer::Reply reply = static_cast<SiteServer*>(cls)->Handle(
      method, state->uri.empty() ? url : state->uri, host == nullptr ? "" : host);
  MHD_Response* response = reply.fd >= 0
                               ? MHD_create_response_from_fd(reply.size, reply.fd)
                               : MHD_create_response_from_buffer(
                                     reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) {
    if (reply.fd >= 0)
      close(reply.fd);
    return MHD_NO;
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  if (reply.status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  MHD_Result queued = MHD_queue_response(conn, reply.status, response);
  MHD_destroy_response(response);
  state->queued = true;
  return queued;
}

// ---------------------------------------------------------------------------------------------
// Socks5Front helpers

using Clock = std::chrono::steady_clock;

// Reads exactly n bytes before `deadline`; false on EOF, error, timeout or a Stop().
bool ReadExact(int fd, int stop_fd, uint8_t* buf, size_t n, Clock::time_point deadline) {
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int r = poll(p, 2, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0 || p[1].revents != 0)
      return false;
    ssize_t got = recv(fd, buf, n, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (got <= 0)
      return false;
    buf += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool SendAll(int fd, const uint8_t* buf, size_t n) {
  while (n > 0) {
    ssize_t sent = send(fd, buf, n, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent <= 0)
      return false;
    buf += sent;
    n -= static_cast<size_t>(sent);
  }
  return true;
}

// RFC 1928 section 6 reply; BND.ADDR 0.0.0.0:0 (as Tor does for onion streams).
void SendReply(int fd, uint8_t rep) {
  const uint8_t reply[10] = {5, rep, 0, 1, 0, 0, 0, 0, 0, 0};
  SendAll(fd, reply, sizeof reply);
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SiteServer

Result<std::unique_ptr<SiteServer>> SiteServer::Start(fs::path root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return NotFound("simnet site root is not a directory: " + root.string());
  std::unique_ptr<SiteServer> server(new SiteServer(std::move(root)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;  // the kernel picks a free port; read back below
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Event-driven (epoll) with a small thread pool: many keep-alive connections, 2 cores.
  server->daemon_ =
      MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, nullptr, nullptr, &OnRequest, server.get(),
                       MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
                       MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_LIMIT, 512u,
                       MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_URI_LOG_CALLBACK, &OnUri,
                       nullptr, MHD_OPTION_NOTIFY_COMPLETED, &OnCompleted, nullptr, MHD_OPTION_END);
  if (server->daemon_ == nullptr)
    return Unavailable("libmicrohttpd could not start on 127.0.0.1");
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  if (info == nullptr || info->port == 0)
    return Internal("libmicrohttpd did not report its port");
  server->port_ = info->port;
  return server;
}

SiteServer::~SiteServer() {
  if (daemon_ != nullptr)
    MHD_stop_daemon(daemon_);
}

std::map<std::string, uint64_t> SiteServer::RequestsPerHost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

SiteServer::Reply SiteServer::Handle(const std::string& method, const std::string& raw_uri,
                                     const std::string& host_header) {
  std::string host = NormalizeHost(host_header);
  if (!host.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_[host];
  }
  if (method != "GET" && method != "HEAD")
    return StatusReply(405, "Method Not Allowed");
  if (host.empty())
    return StatusReply(400, "Bad Request");
  size_t q = raw_uri.find('?');
  std::string_view raw_path = std::string_view(raw_uri).substr(0, q);
  std::string query = q == std::string::npos ? "" : raw_uri.substr(q + 1);
  std::string path;
  if (raw_path.empty() || raw_path.front() != '/' || !PercentDecode(raw_path, &path))
    return StatusReply(400, "Bad Request");
  // Dot-dot segments would climb out of the host's tree (RFC 3986 5.2.4 is not applied here).
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    if (path.compare(start, end - start, "..") == 0)
      return StatusReply(400, "Bad Request");
    start = end + 1;
  }
  std::error_code ec;
  fs::path base = root_ / ("epoch-" + std::to_string(epoch_.load()));
  if (!fs::is_directory(base, ec))
    base = root_;
  fs::path host_dir = base / host;
  if (!fs::is_directory(host_dir, ec))
    return StatusReply(404, "Unknown Host");
  std::string rel = path.substr(1);
  if (rel.empty() || rel.back() == '/')
    rel += "index.html";
  fs::path file = host_dir / rel;
  Reply reply{200, ContentType(file), -1, 0, ""};
  if (!query.empty() && query.find('/') == std::string::npos)
    reply.fd = OpenRegular(file.string() + "@" + query, &reply.size);
  if (reply.fd < 0)
    reply.fd = OpenRegular(file, &reply.size);
  if (reply.fd < 0)
    return StatusReply(404, "Not Found");
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Socks5Front

Result<std::unique_ptr<Socks5Front>> Socks5Front::Start(Options options) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ErrnoError("socket", "socks5 front");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(options.port));
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Error error = ErrnoError("bind/listen", "127.0.0.1:" + std::to_string(options.port));
    close(fd);
    return error;
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    Error error = ErrnoError("pipe2", "socks5 front");
    close(fd);
    return error;
  }
  std::unique_ptr<Socks5Front> front(new Socks5Front(options, fd, ntohs(addr.sin_port), pipe_fds));
  try {
    front->acceptor_ = std::thread(&Socks5Front::AcceptLoop, front.get());
  } catch (const std::system_error& e) {
    return Internal(std::string("starting the SOCKS5 accept thread: ") + e.what());
  }
  return front;
}

Socks5Front::Socks5Front(Options options, int listen_fd, int port, int stop_pipe[2])
    : options_(options),
      listen_fd_(listen_fd),
      port_(port),
      stop_rd_(stop_pipe[0]),
      stop_wr_(stop_pipe[1]) {}

Socks5Front::~Socks5Front() {
  Stop();
  close(listen_fd_);
  close(stop_rd_);
  close(stop_wr_);
}

void Socks5Front::AddRoute(std::string host, int port) {
  std::lock_guard<std::mutex> lock(mu_);
  routes_[Lower(std::move(host))] = port;
}

std::map<std::string, uint64_t> Socks5Front::ConnectionsPerHost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_;
}

std::set<std::string> Socks5Front::UsernamesSeen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return usernames_;
}

void Socks5Front::Stop() {
  if (stopping_.exchange(true))
    return;
  const char byte = 'x';
  (void)!write(stop_wr_, &byte, 1);  // wakes every poll(); never read, so it stays readable
  if (acceptor_.joinable())
    acceptor_.join();
  std::list<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : conns_) {  // unblock any send() stuck on a peer that does not read
      if (c->client_fd >= 0)
        shutdown(c->client_fd, SHUT_RDWR);
      if (c->upstream_fd >= 0)
        shutdown(c->upstream_fd, SHUT_RDWR);
    }
    conns.swap(conns_);
  }
  for (auto& c : conns)
    c->thread.join();
}

void Socks5Front::ReapLocked() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      it = conns_.erase(it);
    } else {
      ++it;
    }
  }
}

void Socks5Front::AcceptLoop() {
  while (true) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_rd_, POLLIN, 0}};
    if (poll(p, 2, -1) < 0 && errno != EINTR)
      return;
    if (p[1].revents != 0)
      return;
    if ((p[0].revents & POLLIN) == 0)
      continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
        poll(p + 1, 1, 50);  // out of descriptors: back off instead of spinning
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    ReapLocked();
    if (conns_.size() >= static_cast<size_t>(options_.max_connections)) {
      close(fd);  // over the cap: refuse without a word
      continue;
    }
    auto conn = std::make_unique<Conn>();
    conn->client_fd = fd;
    Conn* raw = conn.get();
    conns_.push_back(std::move(conn));
    try {
      raw->thread = std::thread(&Socks5Front::Serve, this, raw);
    } catch (const std::system_error&) {
      close(fd);
      conns_.pop_back();
    }
  }
}

void Socks5Front::Serve(Conn* conn) {
  int client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    client = conn->client_fd;
  }
  if (Handshake(conn, client)) {
    int upstream;
    {
      std::lock_guard<std::mutex> lock(mu_);
      upstream = conn->upstream_fd;
    }
    Relay(client, upstream);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    close(conn->client_fd);
    conn->client_fd = -1;
    if (conn->upstream_fd >= 0)
      close(conn->upstream_fd);
    conn->upstream_fd = -1;
  }
  conn->done.store(true);
}

// RFC 1928 sections 3-6 (+ RFC 1929 section 2). Sends the replies; true once a CONNECT succeeded
// and conn->upstream_fd is set.
bool Socks5Front::Handshake(Conn* conn, int fd) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.handshake_timeout_ms);
  uint8_t buf[256];
  // Greeting: VER NMETHODS METHODS (section 3).
  if (!ReadExact(fd, stop_rd_, buf, 2, deadline) || buf[0] != 5)
    return false;
  const size_t nmethods = buf[1];
  if (!ReadExact(fd, stop_rd_, buf, nmethods, deadline))
    return false;
  bool no_auth = false, user_pass = false;
  for (size_t i = 0; i < nmethods; ++i) {
    no_auth |= buf[i] == 0x00;
    user_pass |= buf[i] == 0x02;
  }
  // Like Tor, prefer username/password when offered: curl offers {0x00, 0x02} when
  // CURLOPT_PROXYUSERNAME is set, and the credentials select the isolated circuit.
  const uint8_t method = user_pass ? 0x02 : no_auth ? 0x00 : 0xFF;
  const uint8_t choice[2] = {5, method};
  if (!SendAll(fd, choice, 2) || method == 0xFF)
    return false;
  if (method == 0x02) {
    // RFC 1929 section 2: VER(1) ULEN UNAME PLEN PASSWD; any credentials are accepted.
    if (!ReadExact(fd, stop_rd_, buf, 2, deadline))
      return false;
    if (buf[0] != 1) {
      const uint8_t fail[2] = {1, 1};
      SendAll(fd, fail, 2);
      return false;
    }
    std::string user(buf[1], '\0');
    if (!ReadExact(fd, stop_rd_, reinterpret_cast<uint8_t*>(user.data()), user.size(), deadline) ||
        !ReadExact(fd, stop_rd_, buf, 1, deadline) ||
        !ReadExact(fd, stop_rd_, buf + 1, buf[0], deadline))
      return false;
    const uint8_t ok[2] = {1, 0};
    if (!SendAll(fd, ok, 2))
      return false;
    std::lock_guard<std::mutex> lock(mu_);
    usernames_.insert(user);
  }
  // Request: VER CMD RSV ATYP DST.ADDR DST.PORT (section 4).
  if (!ReadExact(fd, stop_rd_, buf, 4, deadline) || buf[0] != 5)
    return false;
  const uint8_t cmd = buf[1], atyp = buf[3];
  std::string host;
  bool is_domain = false;
  if (atyp == 0x01 || atyp == 0x04) {
    const size_t n = atyp == 0x01 ? 4 : 16;
    char text[INET6_ADDRSTRLEN] = {};
    if (!ReadExact(fd, stop_rd_, buf, n, deadline) ||
        inet_ntop(atyp == 0x01 ? AF_INET : AF_INET6, buf, text, sizeof text) == nullptr)
      return false;
    host = text;
  } else if (atyp == 0x03) {
    if (!ReadExact(fd, stop_rd_, buf, 1, deadline))
      return false;
    host.assign(buf[0], '\0');
    if (!ReadExact(fd, stop_rd_, reinterpret_cast<uint8_t*>(host.data()), host.size(), deadline))
      return false;
    host = Lower(std::move(host));
    is_domain = true;
  } else {
    SendReply(fd, 0x08);  // address type not supported
    return false;
  }
  if (!ReadExact(fd, stop_rd_, buf, 2, deadline))  // DST.PORT: every port goes to the route
    return false;
  if (cmd != 0x01) {
    SendReply(fd, 0x07);  // command not supported: CONNECT only, like Tor
    return false;
  }
  int port = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = routes_.find(host); it != routes_.end())
      port = it->second;
  }
  if (port < 0) {
    // Tor answers an unknown onion with "host unreachable"; IP literals are not our business.
    SendReply(fd, is_domain ? 0x04 : 0x02);
    return false;
  }
  int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (up < 0 || connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (up >= 0)
      close(up);
    SendReply(fd, 0x05);  // connection refused
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn->upstream_fd = up;
    if (stopping_.load())
      return false;
    ++connections_[host];
  }
  SendReply(fd, 0x00);
  return true;
}

// Copies bytes both ways until both directions are closed; an EOF on one side is passed on as a
// half-close (shutdown SHUT_WR) to the other.
void Socks5Front::Relay(int client, int upstream) {
  const int fds[2] = {client, upstream};
  bool open[2] = {true, true};
  std::vector<uint8_t> buf(16384);
  while (open[0] || open[1]) {
    pollfd p[3] = {{open[0] ? client : -1, POLLIN, 0},
                   {open[1] ? upstream : -1, POLLIN, 0},
                   {stop_rd_, POLLIN, 0}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (p[2].revents != 0)
      return;
    for (int i = 0; i < 2; ++i) {
      if (p[i].revents == 0)
        continue;
      ssize_t n = recv(fds[i], buf.data(), buf.size(), 0);
      if (n > 0) {
        if (!SendAll(fds[1 - i], buf.data(), static_cast<size_t>(n)))
          return;
      } else if (n == 0) {
        shutdown(fds[1 - i], SHUT_WR);
        open[i] = false;
      } else if (errno != EINTR && errno != EAGAIN) {
        return;  // reset: drop both sides
      }
    }
  }
}

}  // namespace dragnet::simnet
