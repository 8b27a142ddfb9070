#pragma once
// Concurrent HTTP(S) fetching with libcurl's multi interface: HTTP/1.1 and HTTP/2, TLS, direct or
// through an HTTP or SOCKS5 proxy (remote name resolution). The bytes are kept exactly as they
// arrived (transfer and content encodings included) for the archive; decoding is the reader's
// business. Redirects are not followed here: each hop is its own capture.
//
// Hard guard: a request for a .onion host without a SOCKS5 proxy is refused before any byte is
// sent (FetchError::kOnionWithoutTor), whatever the caller asked.
//
// Not thread-safe: one Fetcher per crawler thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dragnet::capture {

struct FetchRequest {
  uint64_t id = 0;      // caller's id, returned with the result
  std::string url;      // absolute, canonical
  std::string proxy;    // "" (direct), "http://host:port" or "socks5h://host:port"
  std::string circuit;  // SOCKS5 user name: Tor isolates circuits by it
  std::string user_agent;
  std::vector<std::string> headers;  // extra "Name: value" lines
  std::string cookie_file;           // Netscape cookies.txt, "" for none
  long connect_timeout_ms = 30000;
  long total_timeout_ms = 120000;
  uint64_t max_bytes = uint64_t{32} << 20;  // body bytes kept; the rest is cut (WARC-Truncated)
};

enum class FetchError {
  kNone,
  kTimeout,
  kConnect,  // refused, reset, unreachable
  kDns,
  kProxy,  // the proxy (Tor) failed or refused: often a dead circuit or onion service
  kTls,
  kProtocol,  // malformed HTTP
  kOnionWithoutTor,
  kOther,
};
std::string_view FetchErrorName(FetchError error);

struct FetchResult {
  uint64_t id = 0;
  std::string url;
  FetchError error = FetchError::kNone;
  std::string error_message;
  int status = 0;
  std::string http_version;      // "1.1", "2"
  std::string request_head;      // the request as sent: request line and headers, CRLF CRLF
  std::string response_head;     // status line and headers as received, CRLF CRLF
  std::string body;              // as received
  bool truncated = false;        // body cut at max_bytes
  std::string truncated_reason;  // "length" or "time" (WARC-Truncated)
  std::string ip;                // the address connected to (the proxy's when proxied)
  std::string proxy;
  std::string circuit;
  double seconds_connect = 0;
  double seconds_first_byte = 0;
  double seconds_total = 0;
};

class Fetcher {
 public:
  static Result<std::unique_ptr<Fetcher>> Create(size_t max_connections);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Queues a transfer; it starts on the next Poll. A refused request (onion without a SOCKS5
  // proxy, a URL libcurl rejects) comes back from the next Poll as a failed result.
  void Start(FetchRequest request);
  // Drives transfers for at most `wait_ms` and returns those that finished.
  Result<std::vector<FetchResult>> Poll(int wait_ms);
  size_t active() const;

 private:
  struct Impl;
  explicit Fetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The body with its Content-Encoding (gzip, deflate) removed, for reading; nullopt when the
// encoding is unknown or the data is corrupt. At most `max_bytes` are produced.
std::optional<std::string> DecodeContent(std::string_view body, std::string_view content_encoding,
                                         size_t max_bytes);
// A header's value from a raw response head (case-insensitive name), or "".
std::string HeaderValue(std::string_view head, std::string_view name);

}  // namespace dragnet::capture
