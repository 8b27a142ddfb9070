// Tests for the simnet loopback serving: libcurl reaches generated sites through Socks5Front by
// onion-looking names (socks5h://, as the crawler does through Tor) and SiteServer answers them.

#include "simnet/server.h"

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dragnet::simnet {
namespace {

namespace fs = std::filesystem;

const std::string kOnion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";
const std::string kShop = "shop.example";

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Got {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;
  long connects = -1;
  long proxy_error = 0;
  curl_off_t content_length = -1;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One easy handle per Client, so consecutive Gets may reuse the connection.
class Client {
 public:
  explicit Client(int socks_port, const std::string& user = "") : easy_(curl_easy_init()) {
    proxy_ = "socks5h://127.0.0.1:" + std::to_string(socks_port);
    curl_easy_setopt(easy_, CURLOPT_PROXY, proxy_.c_str());
    curl_easy_setopt(easy_, CURLOPT_NOPROXY, "");
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, 1L);  // send "/../" as written
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, Append);
    if (!user.empty()) {  // what capture/fetcher.cc does for a circuit
      curl_easy_setopt(easy_, CURLOPT_PROXYUSERNAME, user.c_str());
      curl_easy_setopt(easy_, CURLOPT_PROXYPASSWORD, "dragnet");
    }
  }
  ~Client() { curl_easy_cleanup(easy_); }
  CURL* easy() { return easy_; }

  Got Get(const std::string& url) {
    Got got;
    curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &got.body);
    got.code = curl_easy_perform(easy_);
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &got.status);
    curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &got.connects);
    curl_easy_getinfo(easy_, CURLINFO_PROXY_ERROR, &got.proxy_error);
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &got.content_length);
    char* type = nullptr;
    if (curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr)
      got.content_type = type;
    return got;
  }

 private:
  CURL* easy_;
  std::string proxy_;
};

// A raw TCP connection to the SOCKS port, for byte-level checks.
class Raw {
 public:
  explicit Raw(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Raw() { close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    ASSERT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Reads exactly n bytes (or fewer if the peer closes or `ms` pass).
  std::string Read(size_t n, int ms = 5000) {
    std::string out;
    while (out.size() < n) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, ms) <= 0)
        break;
      char buf[512];
      ssize_t got = recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0)
        break;
      out.append(buf, static_cast<size_t>(got));
    }
    return out;
  }
  // True if the peer closed (EOF or reset) within `ms`.
  bool ClosedWithin(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
      return false;
    char buf[64];
    return recv(fd_, buf, sizeof buf, 0) <= 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes)
    out.push_back(static_cast<char>(b));
  return out;
}

std::string ConnectDomain(const std::string& host, int port = 80) {
  return Bytes({5, 1, 0, 3, static_cast<int>(host.size())}) + host +
         Bytes({port >> 8, port & 0xff});
}

class SimnetServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("simnet_server_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    const fs::path e1 = root_ / "epoch-1", e2 = root_ / "epoch-2";
    WriteFile(e1 / kOnion / "index.html", "<html>market home, price 0.0120 BTC</html>");
    WriteFile(e1 / kOnion / "robots.txt", "User-agent: *\nDisallow:\n");
    WriteFile(e1 / kOnion / "search", "<html>search page 1</html>");
    WriteFile(e1 / kOnion / "search@page=2", "<html>search page 2</html>");
    WriteFile(e1 / kOnion / "vendor" / "index.html", "<html>vendors</html>");
    WriteFile(e1 / kOnion / "vendor" / "pgp.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
    WriteFile(e1 / kOnion / "api" / "items.json", "{\"items\":[]}");
    WriteFile(e1 / kOnion / "img" / "a.png", std::string("\x89PNG\r\n\x1a\n", 8));
    WriteFile(e1 / kShop / "index.html", "<html>shop</html>");
    WriteFile(e1 / kShop / "style.css", "body{}");
    WriteFile(e1 / "secret.txt", "outside any host");
    WriteFile(e2 / kOnion / "index.html", "<html>market home, price 0.0135 BTC</html>");
    auto site = SiteServer::Start(root_);
    ASSERT_TRUE(site.has_value()) << site.error().ToString();
    site_ = std::move(site).value();
    auto socks = Socks5Front::Start();
    ASSERT_TRUE(socks.has_value()) << socks.error().ToString();
    socks_ = std::move(socks).value();
    socks_->AddRoute(kOnion, site_->port());
    socks_->AddRoute("Shop.Example", site_->port());  // routes are case-insensitive
    socks_->AddRoute("ghost.onion", site_->port());   // routed, but no tree on disk
  }

  void TearDown() override {
    socks_.reset();
    site_.reset();
    fs::remove_all(root_);
  }

  std::string Onion(const std::string& path) { return "http://" + kOnion + path; }

  fs::path root_;
  std::unique_ptr<SiteServer> site_;
  std::unique_ptr<Socks5Front> socks_;
};

TEST_F(SimnetServerTest, ServesBothHostsThroughSocks) {
  Client client(socks_->port());
  Got home = client.Get(Onion("/"));
  ASSERT_EQ(home.code, CURLE_OK) << curl_easy_strerror(home.code);
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, "<html>market home, price 0.0120 BTC</html>");
  EXPECT_EQ(home.content_type, "text/html; charset=utf-8");
  Got shop = client.Get("http://SHOP.example:80/");
  EXPECT_EQ(shop.status, 200);
  EXPECT_EQ(shop.body, "<html>shop</html>");
  Got css = client.Get("http://shop.example/style.css");
  EXPECT_EQ(css.body, "body{}");
  EXPECT_EQ(css.content_type, "text/css");
  Got vendor = client.Get(Onion("/vendor/"));
  EXPECT_EQ(vendor.body, "<html>vendors</html>");
  Got robots = client.Get(Onion("/robots.txt"));
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.body, "User-agent: *\nDisallow:\n");
  EXPECT_EQ(robots.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(client.Get(Onion("/vendor/pgp.asc")).content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(client.Get(Onion("/api/items.json")).content_type, "application/json");
  Got png = client.Get(Onion("/img/a.png"));
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(png.body, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(client.Get(Onion("/img/%61.png")).body.size(), 8u);  // percent-decoded path
}

TEST_F(SimnetServerTest, StatusCodes) {
  Client client(socks_->port());
  Got missing = client.Get(Onion("/no/such/page"));
  EXPECT_EQ(missing.code, CURLE_OK);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("404 Not Found"), std::string::npos);
  EXPECT_EQ(client.Get(Onion("/vendor")).status, 404);  // a directory is not a file
  EXPECT_EQ(client.Get(Onion("/../secret.txt")).status, 400);
  EXPECT_EQ(client.Get(Onion("/vendor/../../secret.txt")).status, 400);
  EXPECT_EQ(client.Get(Onion("/%2e%2e/secret.txt")).status, 400);
  EXPECT_EQ(client.Get(Onion("/a%00b")).status, 400);
  EXPECT_EQ(client.Get(Onion("/a%zz")).status, 400);
  EXPECT_EQ(client.Get(Onion("/..foo")).status, 404);  // not a dot-dot segment
  Got ghost = client.Get("http://ghost.onion/");
  EXPECT_EQ(ghost.status, 404);
  EXPECT_NE(ghost.body.find("404 Unknown Host"), std::string::npos);
  EXPECT_EQ(ghost.content_type, "text/html; charset=utf-8");

  curl_easy_setopt(client.easy(), CURLOPT_CUSTOMREQUEST, "POST");
  Got post = client.Get(Onion("/"));
  EXPECT_EQ(post.status, 405);
  curl_easy_setopt(client.easy(), CURLOPT_CUSTOMREQUEST, nullptr);

  curl_easy_setopt(client.easy(), CURLOPT_NOBODY, 1L);  // HEAD
  Got head = client.Get(Onion("/"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.content_length, 42);
  curl_easy_setopt(client.easy(), CURLOPT_NOBODY, 0L);
  curl_easy_setopt(client.easy(), CURLOPT_HTTPGET, 1L);
  EXPECT_EQ(client.Get(Onion("/")).body.size(), 42u);
}

TEST_F(SimnetServerTest, UnknownHostThroughSocksIsHostUnreachable) {
  Client client(socks_->port());
  Got got = client.Get("http://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.onion/");
  EXPECT_EQ(got.code, CURLE_PROXY);
  EXPECT_EQ(got.proxy_error, CURLPX_REPLY_HOST_UNREACHABLE);
  EXPECT_EQ(got.status, 0);
  Got literal = client.Get("http://127.0.0.1:" + std::to_string(site_->port()) + "/");
  EXPECT_EQ(literal.code, CURLE_PROXY);
  EXPECT_EQ(literal.proxy_error, CURLPX_REPLY_NOT_ALLOWED);
  EXPECT_TRUE(socks_->ConnectionsPerHost().empty());
}

TEST_F(SimnetServerTest, KeepAliveReusesTheConnection) {
  Client client(socks_->port());
  Got first = client.Get(Onion("/"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.connects, 1);
  Got second = client.Get(Onion("/robots.txt"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.connects, 0);
  Got third = client.Get(Onion("/missing"));  // a 404 keeps the connection too
  EXPECT_EQ(third.connects, 0);
  EXPECT_EQ(client.Get(Onion("/")).connects, 0);
  EXPECT_EQ(socks_->ConnectionsPerHost(), (std::map<std::string, uint64_t>{{kOnion, 1}}));
}

TEST_F(SimnetServerTest, EpochSwitchChangesPrices) {
  Client client(socks_->port());
  EXPECT_EQ(site_->epoch(), 1);
  EXPECT_EQ(client.Get(Onion("/")).body, "<html>market home, price 0.0120 BTC</html>");
  site_->SetEpoch(2);
  EXPECT_EQ(client.Get(Onion("/")).body, "<html>market home, price 0.0135 BTC</html>");
  EXPECT_EQ(client.Get(Onion("/robots.txt")).status, 404);  // not written in epoch 2
  EXPECT_EQ(client.Get("http://shop.example/").status, 404);
  site_->SetEpoch(1);
  EXPECT_EQ(client.Get(Onion("/")).body, "<html>market home, price 0.0120 BTC</html>");
}

TEST_F(SimnetServerTest, NoEpochDirectoriesServesTheRootItself) {
  const fs::path flat = root_ / "flat";
  WriteFile(flat / kShop / "index.html", "flat shop");
  auto site = SiteServer::Start(flat);
  ASSERT_TRUE(site.has_value());
  socks_->AddRoute(kShop, (*site)->port());
  Client client(socks_->port());
  EXPECT_EQ(client.Get("http://shop.example/").body, "flat shop");
  EXPECT_FALSE(SiteServer::Start(root_ / "nope").has_value());
}

TEST_F(SimnetServerTest, QueryMapsToAtFile) {
  Client client(socks_->port());
  EXPECT_EQ(client.Get(Onion("/search")).body, "<html>search page 1</html>");
  Got page2 = client.Get(Onion("/search?page=2"));
  EXPECT_EQ(page2.body, "<html>search page 2</html>");
  EXPECT_EQ(page2.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(client.Get(Onion("/search?page=9")).body, "<html>search page 1</html>");
  EXPECT_EQ(client.Get(Onion("/search?page=2/x")).body, "<html>search page 1</html>");
  EXPECT_EQ(client.Get(Onion("/?utm=1")).status, 200);
  EXPECT_EQ(client.Get(Onion("/nothing?page=2")).status, 404);
}

TEST_F(SimnetServerTest, CountsPerHost) {
  Client client(socks_->port());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(client.Get(Onion("/")).status, 200);
  EXPECT_EQ(client.Get(Onion("/missing")).status, 404);
  EXPECT_EQ(client.Get("http://shop.example/").status, 200);
  EXPECT_EQ(client.Get("http://ghost.onion/").status, 404);
  EXPECT_EQ(site_->RequestsPerHost(),
            (std::map<std::string, uint64_t>{{kOnion, 4}, {kShop, 1}, {"ghost.onion", 1}}));
  EXPECT_EQ(socks_->ConnectionsPerHost(),
            (std::map<std::string, uint64_t>{{kOnion, 1}, {kShop, 1}, {"ghost.onion", 1}}));
}

TEST_F(SimnetServerTest, IsolationCredentialsAreAccepted) {
  Client a(socks_->port(), "circuit-a"), b(socks_->port(), "circuit-b");
  Got got_a = a.Get(Onion("/"));
  ASSERT_EQ(got_a.code, CURLE_OK) << curl_easy_strerror(got_a.code);
  EXPECT_EQ(got_a.status, 200);
  EXPECT_EQ(b.Get("http://shop.example/").body, "<html>shop</html>");
  EXPECT_EQ(socks_->UsernamesSeen(), (std::set<std::string>{"circuit-a", "circuit-b"}));
}

TEST_F(SimnetServerTest, RawProtocolReplies) {
  {  // only username/password offered (RFC 1929)
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 2}));
    EXPECT_EQ(raw.Read(2), Bytes({5, 2}));
    raw.Send(Bytes({1, 3}) + "bob" + Bytes({2}) + "pw");
    EXPECT_EQ(raw.Read(2), Bytes({1, 0}));
    raw.Send(ConnectDomain(kShop));
    EXPECT_EQ(raw.Read(10), Bytes({5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
    raw.Send("GET / HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n");
    std::string response = raw.Read(4096);
    EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
    EXPECT_NE(response.find("<html>shop</html>"), std::string::npos);
  }
  {  // only GSSAPI offered: no acceptable method
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 1}));
    EXPECT_EQ(raw.Read(2), Bytes({5, 0xFF}));
    EXPECT_TRUE(raw.ClosedWithin(2000));
  }
  {  // BIND is not supported
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 0}));
    EXPECT_EQ(raw.Read(2), Bytes({5, 0}));
    raw.Send(Bytes({5, 2, 0, 1, 127, 0, 0, 1, 0, 80}));
    EXPECT_EQ(raw.Read(10), Bytes({5, 7, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
  {  // unrouted IPv4 literal: not allowed by ruleset
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 0}) + Bytes({5, 1, 0, 1, 127, 0, 0, 1, 0, 80}));
    EXPECT_EQ(raw.Read(12), Bytes({5, 0}) + Bytes({5, 2, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
  {  // routed IPv6 literal ::1
    socks_->AddRoute("::1", site_->port());
    Raw raw(socks_->port());
    std::string req = Bytes({5, 1, 0, 4}) + std::string(15, '\0') + Bytes({1, 0, 80});
    raw.Send(Bytes({5, 1, 0}) + req);
    EXPECT_EQ(raw.Read(12), Bytes({5, 0}) + Bytes({5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
  {  // unknown address type
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 0}) + Bytes({5, 1, 0, 9, 1, 2, 3, 4, 0, 80}));
    EXPECT_EQ(raw.Read(12), Bytes({5, 0}) + Bytes({5, 8, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
  {  // routed host whose port has nothing listening: connection refused
    int dead_port;
    {
      auto tmp = SiteServer::Start(root_);
      ASSERT_TRUE(tmp.has_value());
      dead_port = (*tmp)->port();
    }
    socks_->AddRoute("dead.onion", dead_port);
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 1, 0}) + ConnectDomain("dead.onion"));
    EXPECT_EQ(raw.Read(12), Bytes({5, 0}) + Bytes({5, 5, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
  EXPECT_EQ(socks_->ConnectionsPerHost(),
            (std::map<std::string, uint64_t>{{kShop, 1}, {"::1", 1}}));
}

TEST_F(SimnetServerTest, GarbageIsClosedWithoutHarm) {
  {
    Raw raw(socks_->port());
    raw.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");  // speaks HTTP to the SOCKS port
    EXPECT_TRUE(raw.ClosedWithin(2000));
  }
  {
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 0}));  // no methods at all
    EXPECT_EQ(raw.Read(2), Bytes({5, 0xFF}));
  }
  {
    Raw raw(socks_->port());  // bad RFC 1929 version
    raw.Send(Bytes({5, 1, 2, 7, 0, 0}));
    EXPECT_EQ(raw.Read(4), Bytes({5, 2, 1, 1}));
    EXPECT_TRUE(raw.ClosedWithin(2000));
  }
  std::string noise;
  for (int i = 0; i < 2000; ++i)
    noise.push_back(static_cast<char>((i * 7919 + 13) & 0xff));
  for (size_t cut : {1u, 2u, 3u, 50u, 2000u}) {
    Raw raw(socks_->port());
    raw.Send(Bytes({5, 255}) + noise.substr(0, cut));
    raw.Read(1, 100);  // whatever comes, the server must survive
  }
  Client client(socks_->port());
  EXPECT_EQ(client.Get(Onion("/")).status, 200);
}

TEST(Socks5FrontTest, HandshakeTimeoutAndConnectionCap) {
  auto socks = Socks5Front::Start({/*handshake_timeout_ms=*/300, /*max_connections=*/2});
  ASSERT_TRUE(socks.has_value());
  const int port = (*socks)->port();
  Raw slow(port);
  slow.Send(Bytes({5}));  // never finishes its greeting
  Raw idle(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Raw third(port);  // over the cap of 2
  EXPECT_TRUE(third.ClosedWithin(2000));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow.ClosedWithin(3000));
  EXPECT_TRUE(idle.ClosedWithin(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // Slots are free again once the timed-out connections are reaped.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Raw fourth(port);
  fourth.Send(Bytes({5, 1, 0}));
  EXPECT_EQ(fourth.Read(2), Bytes({5, 0}));
  (*socks)->Stop();
  EXPECT_TRUE(fourth.ClosedWithin(2000));  // Stop closes live connections
  (*socks)->Stop();                        // idempotent
}

TEST_F(SimnetServerTest, SixteenConcurrentKeepAliveClients) {
  constexpr int kClients = 16, kRequests = 20;
  std::vector<int> ok(kClients, 0);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      Client client(socks_->port(), "iso-" + std::to_string(c % 4));
      for (int i = 0; i < kRequests; ++i) {
        Got got = client.Get(i % 2 == 0 ? Onion("/search?page=2") : "http://shop.example/");
        if (got.status == 200 &&
            (got.body == "<html>search page 2</html>" || got.body == "<html>shop</html>"))
          ++ok[c];
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int c = 0; c < kClients; ++c)
    EXPECT_EQ(ok[c], kRequests) << "client " << c;
  auto per_host = site_->RequestsPerHost();
  EXPECT_EQ(per_host[kOnion], uint64_t{kClients * kRequests / 2});
  EXPECT_EQ(per_host[kShop], uint64_t{kClients * kRequests / 2});
  // Each client keeps one connection per host alive: 16 per host, not 160.
  EXPECT_EQ(socks_->ConnectionsPerHost(),
            (std::map<std::string, uint64_t>{{kOnion, kClients}, {kShop, kClients}}));
}

}  // namespace
}  // namespace dragnet::simnet
