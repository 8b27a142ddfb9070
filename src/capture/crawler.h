#pragma once
// The crawler: a resumable, polite crawl of the open web and onion services into the archive.
//
// One thread drives libcurl's multi interface (Fetcher); politeness is per site (scheme, host,
// port): at most `per_site_concurrency` requests in flight and `min_delay` between starts.
// Onion sites always go through the Tor SOCKS port with one circuit per site. The frontier lives
// behind CrawlState (the store, in app/): an entry is claimed before its request starts and
// completed, with its WARC records and the links it yielded, in one transaction, so a crawl
// killed at any moment resumes with no page lost and none fetched twice but those in flight.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "archive/warc_writer.h"
#include "capture/importer.h"
#include "capture/site_config.h"
#include "core/clock.h"
#include "core/progress.h"
#include "core/result.h"

namespace dragnet::capture {

struct FrontierItem {
  int64_t id = 0;
  std::string url;
  std::string site;
  int depth = 0;
  int redirects = 0;
  int attempts = 0;
  std::string discovered_from;
};

// How an entry ended. kRetry puts it back in the queue until `retry_at`.
enum class ItemState { kDone, kRetry, kFailed, kSkipped };

struct ItemOutcome {
  ItemState state = ItemState::kDone;
  int http_status = 0;
  std::string error_kind;  // FetchErrorName, "robots", "session_expired", "http_5xx"...
  std::string message;
  TimePoint retry_at;
};

struct PreviousCapture {
  std::string record_id;
  std::string date;
  std::string payload_digest;
};

// The crawl job's state as the crawler needs it; app/ implements it on the store.
class CrawlState {
 public:
  virtual ~CrawlState() = default;
  virtual Result<uint64_t> RequeueInFlight() = 0;
  // Adds URLs to the frontier; known URLs are ignored. Returns how many were new.
  virtual Result<uint64_t> Add(const std::vector<FrontierItem>& items) = 0;
  virtual Result<std::vector<std::string>> SitesWithWork(TimePoint now) = 0;
  virtual Result<std::vector<FrontierItem>> Peek(const std::string& site, TimePoint now,
                                                 size_t limit) = 0;
  // Marks the entry in flight (committed before the request starts).
  virtual Status Claim(const FrontierItem& item) = 0;
  // In one transaction: the entry's outcome, the WARC records written for it, the links found.
  virtual Status Complete(const FrontierItem& item, const ItemOutcome& outcome,
                          const std::vector<ImportedRecord>& records,
                          const std::vector<FrontierItem>& links) = 0;
  // Runs `body` (a series of Claim/Complete/Add calls) as one transaction; a crash loses the
  // whole batch, which only ever contains entries that were in flight.
  virtual Status Batch(const std::function<Status()>& body) = 0;
  virtual Result<std::optional<PreviousCapture>> Previous(const std::string& uri) = 0;
  virtual Result<uint64_t> CountForSite(const std::string& site) = 0;
};

// Finds the links in an HTML page (the parse stage provides it; app/ wires it in).
using LinkExtractor = std::function<std::vector<std::string>(std::string_view html)>;

struct CrawlOptions {
  std::string job_id;
  std::string case_id;
  std::string operator_name;
  std::vector<std::string> seeds;
  int max_depth = 3;
  uint64_t max_pages_per_site = 100000;
  size_t concurrency = 64;
  size_t per_site_concurrency = 4;
  double min_delay_seconds = 0.0;      // between request starts on one site
  std::string proxy;                   // for clearweb sites: "", http://..., socks5h://...
  std::string tor = "127.0.0.1:9050";  // Tor SOCKS port, for every .onion site
  bool same_site = true;               // follow links only within the seeds' sites
  std::vector<std::regex> allow;       // URL patterns that are in scope beyond the seeds' sites
  std::vector<std::regex> deny;        // URL patterns never fetched
  bool robots = true;
  std::string user_agent = "Mozilla/5.0 (compatible; Dragnet/0.1)";
  std::string robots_token = "dragnet";
  uint64_t max_bytes = uint64_t{32} << 20;
  long timeout_ms = 120000;
  int max_redirects = 5;
  int max_retries = 3;
  double retry_base_seconds = 2.0;
  SiteConfigs sites;
  std::string default_cookie_file;
  bool recrawl = false;
  double recrawl_hours = 24;
};

struct CrawlSummary {
  uint64_t fetched = 0;
  uint64_t revisits = 0;
  uint64_t bytes = 0;
  uint64_t failed = 0;
  uint64_t retried = 0;
  uint64_t skipped = 0;
  uint64_t requeued_after_crash = 0;
  std::map<std::string, uint64_t> errors;  // kind -> count
  std::vector<std::string> stopped_sites;  // expired sessions
  double seconds = 0;
};

class Crawler {
 public:
  Crawler(CrawlOptions options, CrawlState& state, archive::WarcWriter& writer,
          LinkExtractor extract_links, const Clock& clock);
  // Runs until the frontier is exhausted. Environment failures (disk, store) stop the crawl with
  // an error; fetch failures are outcomes, counted in the summary and the store.
  Result<CrawlSummary> Run(Progress& progress);

 private:
  struct SiteState;
  struct Pending;
  CrawlOptions options_;
  CrawlState& state_;
  archive::WarcWriter& writer_;
  LinkExtractor extract_links_;
  const Clock& clock_;
};

}  // namespace dragnet::capture
