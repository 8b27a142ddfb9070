#include "capture/fetcher.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <curl/curl.h>
#include <zlib.h>

#include "core/check.h"

namespace dragnet::capture {
namespace {

bool EndsWithOnion(std::string_view url) {
  // The host of a canonical URL sits between "://" and the next '/', ':' or '?'.
  size_t start = url.find("://");
  if (start == std::string_view::npos)
    return false;
  start += 3;
  size_t end = url.find_first_of("/:?", start);
  std::string_view host =
      url.substr(start, end == std::string_view::npos ? url.size() - start : end - start);
  while (!host.empty() && host.back() == '.')
    host.remove_suffix(1);
  if (host.size() < 6)
    return false;
  std::string tail(host.substr(host.size() - 6));
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == ".onion";
}

FetchError Classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return FetchError::kConnect;
    case CURLE_COULDNT_RESOLVE_HOST:
      return FetchError::kDns;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
      return FetchError::kProxy;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return FetchError::kTls;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      return FetchError::kProtocol;
    default:
      return FetchError::kOther;
  }
}

struct Transfer {
  FetchResult result;
  uint64_t max_bytes = 0;
  curl_slist* headers = nullptr;
  bool head_done = false;
  ~Transfer() { curl_slist_free_all(headers); }
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  // A new status line (after 100 Continue, or a proxy's CONNECT reply) starts a new head.
  if (line.rfind("HTTP/", 0) == 0) {
    t->result.response_head.clear();
    t->head_done = false;
  }
  if (!t->head_done)
    t->result.response_head.append(line);
  if (line == "\r\n" || line == "\n")
    t->head_done = true;
  return n;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  size_t room = t->max_bytes > t->result.body.size() ? t->max_bytes - t->result.body.size() : 0;
  if (n > room) {
    t->result.body.append(data, room);
    t->result.truncated = true;
    t->result.truncated_reason = "length";
    return 0;  // stops the transfer with CURLE_WRITE_ERROR
  }
  t->result.body.append(data, n);
  return n;
}

int OnDebug(CURL* /*handle*/, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transfer*>(user);
  // The request head exactly as libcurl sent it (after any proxy CONNECT).
  if (type == CURLINFO_HEADER_OUT)
    t->result.request_head.assign(data, size);
  return 0;
}

}  // namespace

std::string_view FetchErrorName(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "none";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kDns:
      return "dns";
    case FetchError::kProxy:
      return "proxy";
    case FetchError::kTls:
      return "tls";
    case FetchError::kProtocol:
      return "protocol";
    case FetchError::kOnionWithoutTor:
      return "onion_without_tor";
    case FetchError::kOther:
      return "other";
  }
  return "other";
}

struct Fetcher::Impl {
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::vector<FetchResult> refused;
  ~Impl() {
    for (auto& [easy, transfer] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
    }
    if (multi != nullptr)
      curl_multi_cleanup(multi);
  }
};

Fetcher::Fetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Fetcher::~Fetcher() = default;

Result<std::unique_ptr<Fetcher>> Fetcher::Create(size_t max_connections) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised)
    return Internal("curl_global_init failed");
  auto impl = std::make_unique<Impl>();
  impl->multi = curl_multi_init();
  if (impl->multi == nullptr)
    return Internal("curl_multi_init failed");
  curl_multi_setopt(impl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(max_connections));
  curl_multi_setopt(impl->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  return std::unique_ptr<Fetcher>(new Fetcher(std::move(impl)));
}

void Fetcher::Start(FetchRequest request) {
  FetchResult refused;
  refused.id = request.id;
  refused.url = request.url;
  refused.proxy = request.proxy;
  refused.circuit = request.circuit;
  // The guard: onion services are reached through Tor's SOCKS port or not at all.
  if (EndsWithOnion(request.url) && request.proxy.rfind("socks5h://", 0) != 0) {
    refused.error = FetchError::kOnionWithoutTor;
    refused.error_message = "refusing to fetch an onion address without a SOCKS5 (Tor) proxy";
    impl_->refused.push_back(std::move(refused));
    return;
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    refused.error = FetchError::kOther;
    refused.error_message = "curl_easy_init failed";
    impl_->refused.push_back(std::move(refused));
    return;
  }
  auto transfer = std::make_unique<Transfer>();
  transfer->result = refused;
  transfer->max_bytes = request.max_bytes;
  Transfer* t = transfer.get();
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  // Keep the bytes as they came: no de-chunking, no decompression.
  curl_easy_setopt(easy, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, request.total_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, OnDebug);
  curl_easy_setopt(easy, CURLOPT_DEBUGDATA, t);
  curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);  // feeds OnDebug; nothing is printed
  curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
  if (!request.user_agent.empty())
    curl_easy_setopt(easy, CURLOPT_USERAGENT, request.user_agent.c_str());
  t->headers = curl_slist_append(t->headers, "Accept: text/html,application/xhtml+xml,*/*;q=0.8");
  t->headers = curl_slist_append(t->headers, "Accept-Encoding: gzip, deflate");
  for (const auto& h : request.headers)
    t->headers = curl_slist_append(t->headers, h.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
  if (!request.cookie_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_COOKIEFILE, request.cookie_file.c_str());
  }
  if (request.proxy.empty()) {
    curl_easy_setopt(easy, CURLOPT_PROXY, "");  // ignore http_proxy and friends: route is ours
  } else {
    curl_easy_setopt(easy, CURLOPT_PROXY, request.proxy.c_str());
    if (!request.circuit.empty()) {
      curl_easy_setopt(easy, CURLOPT_PROXYUSERNAME, request.circuit.c_str());
      curl_easy_setopt(easy, CURLOPT_PROXYPASSWORD, "dragnet");
    }
  }
  impl_->transfers.emplace(easy, std::move(transfer));
  curl_multi_add_handle(impl_->multi, easy);
}

size_t Fetcher::active() const {
  return impl_->transfers.size() + impl_->refused.size();
}

Result<std::vector<FetchResult>> Fetcher::Poll(int wait_ms) {
  std::vector<FetchResult> done = std::move(impl_->refused);
  impl_->refused.clear();
  int running = 0;
  CURLMcode mc = curl_multi_perform(impl_->multi, &running);
  if (mc != CURLM_OK)
    return Internal(std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
  if (done.empty()) {
    mc = curl_multi_poll(impl_->multi, nullptr, 0, wait_ms, nullptr);
    if (mc != CURLM_OK)
      return Internal(std::string("curl_multi_poll: ") + curl_multi_strerror(mc));
    mc = curl_multi_perform(impl_->multi, &running);
    if (mc != CURLM_OK)
      return Internal(std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
  }
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(impl_->multi, &queued)) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    CURL* easy = msg->easy_handle;
    auto it = impl_->transfers.find(easy);
    DRAGNET_CHECK(it != impl_->transfers.end(), "finished transfer unknown to the fetcher");
    FetchResult& r = it->second->result;
    CURLcode code = msg->data.result;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    r.status = static_cast<int>(status);
    long version = 0;
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    r.http_version = version == CURL_HTTP_VERSION_2_0   ? "2"
                     : version == CURL_HTTP_VERSION_1_0 ? "1.0"
                                                        : "1.1";
    char* ip = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr)
      r.ip = ip;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME, &r.seconds_connect);
    curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME, &r.seconds_first_byte);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &r.seconds_total);
    if (code == CURLE_WRITE_ERROR && r.truncated) {
      code = CURLE_OK;  // we cut the body ourselves; the capture is kept, marked truncated
    }
    if (code == CURLE_OPERATION_TIMEDOUT && r.status > 0 && !r.body.empty()) {
      // A response that started but did not finish in time is kept as truncated evidence.
      r.truncated = true;
      r.truncated_reason = "time";
      code = CURLE_OK;
    }
    if (code != CURLE_OK) {
      r.error = Classify(code);
      r.error_message = curl_easy_strerror(code);
    } else if (r.status == 0 || r.response_head.empty()) {
      r.error = FetchError::kProtocol;
      r.error_message = "no HTTP response";
    }
    done.push_back(std::move(r));
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
    impl_->transfers.erase(it);
  }
  return done;
}

std::string HeaderValue(std::string_view head, std::string_view name) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string_view line =
        head.substr(pos, eol == std::string_view::npos ? head.size() - pos : eol - pos);
    pos = eol == std::string_view::npos ? head.size() : eol + 1;
    size_t colon = line.find(':');
    if (colon != name.size())
      continue;
    bool same = std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) ==
             std::tolower(static_cast<unsigned char>(b));
    });
    if (!same)
      continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' '))
      value.remove_suffix(1);
    return std::string(value);
  }
  return "";
}

std::optional<std::string> DecodeContent(std::string_view body, std::string_view encoding,
                                         size_t max_bytes) {
  std::string enc(encoding);
  std::transform(enc.begin(), enc.end(), enc.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (enc.empty() || enc == "identity")
    return std::string(body.substr(0, max_bytes));
  int window;
  if (enc == "gzip" || enc == "x-gzip") {
    window = 15 + 16;
  } else if (enc == "deflate") {
    window = 15 + 32;  // zlib or raw, auto-detected by header
  } else {
    return std::nullopt;
  }
  z_stream zs{};
  if (inflateInit2(&zs, window) != Z_OK)
    return std::nullopt;
  std::string out;
  char buf[64 * 1024];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs.avail_in = static_cast<uInt>(body.size());
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < max_bytes) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0)
      break;  // truncated body: keep what decoded
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR)
    return std::nullopt;
  if (out.size() > max_bytes)
    out.resize(max_bytes);
  return out;
}

}  // namespace dragnet::capture
