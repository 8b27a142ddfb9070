#include "support/site_server.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

namespace dragnet::testing {
namespace {

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

struct ChunkState {
  std::string body;
  size_t pos = 0;
};

ssize_t ChunkReader(void* cls, uint64_t /*pos*/, char* buf, size_t max) {
  auto* state = static_cast<ChunkState*>(cls);
  if (state->pos >= state->body.size())
    return MHD_CONTENT_READER_END_OF_STREAM;
  size_t n = std::min({max, size_t{100}, state->body.size() - state->pos});  // small chunks
  std::memcpy(buf, state->body.data() + state->pos, n);
  state->pos += n;
  return static_cast<ssize_t>(n);
}

void ChunkFree(void* cls) {
  delete static_cast<ChunkState*>(cls);
}

MHD_Result Handle(void* cls, struct MHD_Connection* connection, const char* url,
                  const char* /*method*/, const char* /*version*/, const char* /*upload*/,
                  size_t* /*upload_size*/, void** /*state*/) {
  auto* server = static_cast<SiteServer*>(cls);
  SiteServer::Reply reply = server->Answer(url);
  struct MHD_Response* response;
  if (reply.chunked) {
    auto* chunk = new ChunkState{reply.body, 0};
    response =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, ChunkReader, chunk, ChunkFree);
  } else {
    response = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(),
                                               MHD_RESPMEM_MUST_COPY);
  }
  MHD_add_response_header(response, "Content-Type", reply.content_type.c_str());
  for (const auto& [k, v] : reply.headers)
    MHD_add_response_header(response, k.c_str(), v.c_str());
  MHD_Result result = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);
  return result;
}

}  // namespace

SiteServer::SiteServer(int pages, int slow_ms) : pages_(pages), slow_ms_(slow_ms) {
  daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
      nullptr, nullptr, &Handle, this, MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(30),
      MHD_OPTION_END);
  if (daemon_ != nullptr) {
    const union MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    port_ = info != nullptr ? info->port : 0;
  }
}

SiteServer::~SiteServer() {
  if (daemon_ != nullptr)
    MHD_stop_daemon(daemon_);
}

std::map<std::string, int> SiteServer::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

int SiteServer::total_hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int total = 0;
  for (const auto& [path, n] : hits_)
    total += n;
  return total;
}

SiteServer::Reply SiteServer::Answer(const std::string& path) {
  int previous;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    previous = hits_[path]++;
  }
  Reply r;
  if (path == "/robots.txt") {
    r.content_type = "text/plain";
    r.body = "User-agent: *\nDisallow: /private/\n";
    return r;
  }
  if (path == "/private/secret.html") {
    r.body = "<p>robots.txt says no</p>";
    return r;
  }
  // A members area whose session ends on the second page: a redirect to the login form.
  if (path == "/members/1.html") {
    r.body = "<a href='/members/2.html'>more</a>";
    return r;
  }
  if (path == "/members/2.html") {
    r.status = 302;
    r.headers["Location"] = "/login?next=/members/2.html";
    return r;
  }
  if (path.rfind("/login", 0) == 0) {
    r.body = "<form>Please log in</form>";
    return r;
  }
  if (path == "/redirect") {
    r.status = 302;
    r.headers["Location"] = "/page/1.html";
    return r;
  }
  if (path == "/flaky") {
    if (previous == 0) {
      r.status = 503;
      r.body = "try again";
    } else {
      r.body = "<title>healed</title>";
    }
    return r;
  }
  if (path == "/missing") {
    r.status = 404;
    r.body = "not here";
    return r;
  }
  if (path == "/big") {
    r.content_type = "application/octet-stream";
    r.body.assign(3 << 20, 'x');
    return r;
  }
  if (path == "/gzip") {
    r.headers["Content-Encoding"] = "gzip";
    r.body = Gzip("<html><a href='/from-gzip.html'>g</a></html>");
    return r;
  }
  if (path == "/from-gzip.html" || path == "/from-chunked.html") {
    r.body = "<title>found through an encoded page</title>";
    return r;
  }
  if (path == "/chunked") {
    r.chunked = true;
    r.body = "<html>" + std::string(500, ' ') + "<a href='/from-chunked.html'>c</a></html>";
    return r;
  }
  int n = -1;
  if (std::sscanf(path.c_str(), "/page/%d.html", &n) == 1 && n >= 0 && n < pages_) {
    if (slow_ms_ > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
    r.body = "<html><head><title>Page " + std::to_string(n) + "</title></head><body>";
    r.body += "<a href='/page/" + std::to_string((n + 1) % pages_) + ".html'>next</a> ";
    r.body += "<a href='../page/" + std::to_string((n * 7 + 3) % pages_) + ".html'>jump</a> ";
    r.body += "<a href='http://outside.invalid/'>elsewhere</a> <a href='#top'>top</a> ";
    if (n == 0) {
      for (const char* special : {"/redirect", "/flaky", "/missing", "/big", "/gzip", "/chunked",
                                  "/private/secret.html"}) {
        r.body += std::string("<a href='") + special + "'>" + special + "</a> ";
      }
    }
    r.body += std::string(2000, ' ') + "</body></html>";
    return r;
  }
  r.status = 404;
  r.body = "no such page";
  return r;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

SocksProxy::SocksProxy() {
  port_ = FreePort();
  pid_ = ::fork();
  if (pid_ == 0) {
    std::string port = std::to_string(port_);
    ::execlp("microsocks", "microsocks", "-i", "127.0.0.1", "-p", port.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until it accepts connections.
  for (int i = 0; i < 200; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up)
      return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;  // microsocks is missing or failed
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

SocksProxy::~SocksProxy() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

}  // namespace dragnet::testing
