#include "capture/crawler.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <future>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "capture/fetcher.h"
#include "capture/import_util.h"
#include "capture/robots.h"
#include "capture/url.h"
#include "core/encoding.h"
#include "core/hash.h"

namespace dragnet::capture {
namespace {

// Robots requests use ids below zero so they never collide with frontier ids.
constexpr int64_t kRobotsIdBase = -1;

std::chrono::microseconds Seconds(double s) {
  return std::chrono::microseconds(static_cast<int64_t>(s * 1e6));
}

bool Retryable(FetchError error) {
  return error == FetchError::kTimeout || error == FetchError::kConnect ||
         error == FetchError::kProxy || error == FetchError::kDns;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

struct Crawler::SiteState {
  std::string site;
  std::string host;
  bool onion = false;
  size_t in_flight = 0;
  TimePoint next_start{};
  double delay_seconds = 0;
  size_t concurrency = 1;
  const SiteConfig* config = nullptr;
  enum class Robots { kUnknown, kFetching, kReady } robots_state = Robots::kUnknown;
  RobotsRules robots = RobotsRules::AllowAll();
  bool stopped = false;  // session expired: nothing more from this site in this run
  uint64_t pages = 0;    // entries known for this site (for max-pages)
  bool pages_loaded = false;
};

Crawler::Crawler(CrawlOptions options, CrawlState& state, archive::WarcWriter& writer,
                 LinkExtractor extract_links, const Clock& clock)
    : options_(std::move(options)),
      state_(state),
      writer_(writer),
      extract_links_(std::move(extract_links)),
      clock_(clock) {}

Result<CrawlSummary> Crawler::Run(Progress& progress) {
  CrawlSummary summary;
  auto started = std::chrono::steady_clock::now();
  DRAGNET_ASSIGN_OR_RETURN(summary.requeued_after_crash, state_.RequeueInFlight());
  DRAGNET_ASSIGN_OR_RETURN(auto fetcher, Fetcher::Create(options_.concurrency * 2));

  std::set<std::string> seed_sites;
  std::vector<FrontierItem> seeds;
  for (const auto& seed : options_.seeds) {
    auto url = ParseUrl(seed);
    if (!url)
      return InvalidArgument("not an http(s) URL: " + seed);
    seed_sites.insert(url->site());
    seeds.push_back({0, url->url, url->site(), 0, 0, 0, "seed"});
  }
  DRAGNET_RETURN_IF_ERROR(state_.Add(seeds));

  std::unordered_map<std::string, SiteState> sites;
  // URLs this run already handed to the frontier: most links on a page point to pages already
  // known, and asking the store about each of them was a tenth of the crawl's time. Exact (no
  // hash-only entries, so no new URL can be mistaken for a known one) and capped; the store's
  // own uniqueness stays the rule.
  constexpr size_t kKnownUrlsCap = size_t{1} << 18;
  std::unordered_set<std::string> known_urls;
  auto site_state = [&](const ParsedUrl& url) -> SiteState& {
    auto [it, inserted] = sites.try_emplace(url.site());
    SiteState& s = it->second;
    if (inserted) {
      s.site = url.site();
      s.host = url.host;
      s.onion = url.onion();
      s.config = options_.sites.For(url.host);
      s.concurrency = options_.per_site_concurrency;
      s.delay_seconds = options_.min_delay_seconds;
      if (s.config != nullptr && s.config->concurrency)
        s.concurrency = *s.config->concurrency;
      if (s.config != nullptr && s.config->rate)
        s.delay_seconds = 1.0 / *s.config->rate;
      bool robots = options_.robots;
      if (s.config != nullptr && s.config->robots)
        robots = *s.config->robots;
      s.robots_state = robots ? SiteState::Robots::kUnknown : SiteState::Robots::kReady;
    }
    return s;
  };

  // The request for `url` with this site's route, circuit and session.
  auto make_request = [&](int64_t id, const ParsedUrl& url, SiteState& site) {
    FetchRequest request;
    request.id = static_cast<uint64_t>(id);
    request.url = url.url;
    request.max_bytes = options_.max_bytes;
    request.total_timeout_ms = options_.timeout_ms;
    request.user_agent = options_.user_agent;
    request.cookie_file = options_.default_cookie_file;
    if (site.onion) {
      request.proxy = "socks5h://" + options_.tor;
    } else {
      request.proxy = options_.proxy;
    }
    // One circuit per site: Tor isolates streams by SOCKS credentials (IsolateSOCKSAuth).
    if (request.proxy.rfind("socks5h://", 0) == 0)
      request.circuit = "dragnet-" + url.host;
    if (site.config != nullptr) {
      if (!site.config->user_agent.empty())
        request.user_agent = site.config->user_agent;
      if (!site.config->cookie_file.empty())
        request.cookie_file = site.config->cookie_file;
      request.headers = site.config->headers;
    }
    return request;
  };

  auto in_scope = [&](const ParsedUrl& url, SiteState* site) {
    for (const auto& re : options_.deny) {
      if (std::regex_search(url.url, re))
        return false;
    }
    bool allowed_by_pattern = false;
    for (const auto& re : options_.allow) {
      if (std::regex_search(url.url, re))
        allowed_by_pattern = true;
    }
    if (options_.same_site && !seed_sites.count(url.site()) && !allowed_by_pattern)
      return false;
    if (site != nullptr && site->config != nullptr) {
      const auto& c = *site->config;
      for (const auto& prefix : c.deny_paths) {
        if (url.path_and_query.rfind(prefix, 0) == 0)
          return false;
      }
      if (!c.allow_paths.empty() &&
          std::none_of(c.allow_paths.begin(), c.allow_paths.end(),
                       [&](const std::string& p) { return url.path_and_query.rfind(p, 0) == 0; })) {
        return false;
      }
    }
    return true;
  };

  // Requests in flight: frontier item (or robots fetch) by request id.
  std::unordered_map<int64_t, FrontierItem> pending;
  int64_t next_robots_id = kRobotsIdBase;
  std::vector<std::string> work_sites;
  size_t site_cursor = 0;
  auto last_refresh = std::chrono::steady_clock::time_point{};
  bool frontier_empty = false;

  auto archive_fetch = [&](const FetchResult& r, const FrontierItem* item,
                           std::vector<ImportedRecord>& records, bool& revisit) -> Status {
    std::string target = r.url;
    TimePoint date = clock_.Now();
    archive::WarcRecordSpec request;
    request.type = archive::WarcType::kRequest;
    request.target_uri = target;
    request.date = date;
    request.content_type = "application/http; msgtype=request";
    request.block = r.request_head;
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord req, writer_.Write(request));
    records.push_back(RecordFromWritten(request, req));

    std::string response_block = r.response_head + r.body;
    std::string payload_digest;
    if (auto payload = archive::HttpPayload(response_block)) {
      payload_digest = archive::FormatSha256Digest(Digest(DigestAlgorithm::kSha256, *payload));
    }
    std::optional<PreviousCapture> previous;
    if (!payload_digest.empty() && !r.truncated) {
      DRAGNET_ASSIGN_OR_RETURN(previous, state_.Previous(target));
    }
    archive::WarcRecordSpec response;
    response.target_uri = target;
    response.date = date;
    response.content_type = "application/http; msgtype=response";
    response.extra_fields.emplace_back("WARC-Concurrent-To", req.record_id);
    if (options_.proxy.empty() && !r.ip.empty() && r.proxy.empty()) {
      response.extra_fields.emplace_back("WARC-IP-Address", r.ip);
    }
    std::string head_only = r.response_head;
    if (previous && previous->payload_digest == payload_digest) {
      // Same payload as last time: a revisit record keeps the headers, not the body again.
      revisit = true;
      response.type = archive::WarcType::kRevisit;
      response.block = head_only;
      response.extra_fields.emplace_back("WARC-Profile",
                                         std::string(archive::kRevisitIdenticalPayload));
      response.extra_fields.emplace_back("WARC-Refers-To", previous->record_id);
      response.extra_fields.emplace_back("WARC-Refers-To-Target-URI", target);
      response.extra_fields.emplace_back("WARC-Refers-To-Date", previous->date);
      response.extra_fields.emplace_back("WARC-Payload-Digest", payload_digest);
      response.extra_fields.emplace_back("WARC-Truncated", "length");
    } else {
      response.type = archive::WarcType::kResponse;
      response.block = response_block;
      if (r.truncated)
        response.extra_fields.emplace_back("WARC-Truncated", r.truncated_reason);
    }
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord resp, writer_.Write(response));
    ImportedRecord rec = RecordFromWritten(response, resp);
    rec.http_status = r.status;
    rec.content_type = HeaderValue(r.response_head, "Content-Type");
    if (revisit)
      rec.payload_digest = payload_digest;
    if (!revisit && r.status >= 200 && r.status < 300 &&
        Lower(rec.content_type).find("html") != std::string::npos) {
      rec.document_kind = "html";
    }
    records.push_back(rec);

    // How it was fetched, for the court: route, circuit, address, timings, who and why.
    std::string meta;
    auto field = [&meta](std::string_view k, std::string_view v) {
      if (!v.empty())
        meta.append(k).append(": ").append(v).append("\r\n");
    };
    field("route", r.proxy.empty()
                       ? "direct"
                       : (r.proxy.rfind("socks5h://", 0) == 0 ? "socks5h" : "http-proxy"));
    field("proxy", r.proxy);
    field("circuit", r.circuit);
    field("ip", r.ip);
    field("http-version", r.http_version);
    field("connect-seconds", std::to_string(r.seconds_connect));
    field("first-byte-seconds", std::to_string(r.seconds_first_byte));
    field("total-seconds", std::to_string(r.seconds_total));
    field("job", options_.job_id);
    field("case", options_.case_id);
    field("operator", options_.operator_name);
    if (item != nullptr) {
      field("depth", std::to_string(item->depth));
      field("via", item->discovered_from);
    }
    archive::WarcRecordSpec metadata;
    metadata.type = archive::WarcType::kMetadata;
    metadata.target_uri = target;
    metadata.date = date;
    metadata.content_type = "application/warc-fields";
    metadata.block = meta;
    metadata.extra_fields.emplace_back("WARC-Concurrent-To", resp.record_id);
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord m, writer_.Write(metadata));
    records.push_back(RecordFromWritten(metadata, m));
    return Status::Ok();
  };

  auto handle_robots = [&](const FetchResult& r, SiteState& site) -> Status {
    if (r.error == FetchError::kNone) {
      std::vector<ImportedRecord> records;
      bool revisit = false;
      DRAGNET_RETURN_IF_ERROR(archive_fetch(r, nullptr, records, revisit));
      FrontierItem robots_item{0, r.url, site.site, 0, 0, 0, "robots"};
      DRAGNET_RETURN_IF_ERROR(
          state_.Complete(robots_item, {ItemState::kDone, r.status, "", "", {}}, records, {}));
    }
    // RFC 9309 section 2.3.1: 4xx = no rules; 5xx or unreachable = assume full disallow, but
    // a crawler may go on after a while; we treat unreachable as disallow for this run.
    if (r.error != FetchError::kNone || r.status >= 500) {
      site.robots = RobotsRules::DisallowAll();
      ++summary.errors["robots_unreachable"];
    } else if (r.status >= 400) {
      site.robots = RobotsRules::AllowAll();
    } else {
      auto body =
          DecodeContent(r.body, HeaderValue(r.response_head, "Content-Encoding"), 512 * 1024);
      site.robots = RobotsRules::Parse(body.value_or(""), options_.robots_token);
      if (auto delay = site.robots.crawl_delay_seconds()) {
        site.delay_seconds = std::max(site.delay_seconds, std::min(*delay, 60.0));
      }
    }
    site.robots_state = SiteState::Robots::kReady;
    return Status::Ok();
  };

  auto handle_result = [&](const FetchResult& r, const FrontierItem& item,
                           SiteState& site) -> Status {
    ItemOutcome outcome;
    outcome.http_status = r.status;
    std::vector<ImportedRecord> records;
    std::vector<FrontierItem> links;
    if (r.error != FetchError::kNone) {
      outcome.error_kind = std::string(FetchErrorName(r.error));
      outcome.message = r.error_message;
      ++summary.errors[outcome.error_kind];
      if (Retryable(r.error) && item.attempts + 1 < options_.max_retries) {
        outcome.state = ItemState::kRetry;
        outcome.retry_at =
            clock_.Now() + Seconds(options_.retry_base_seconds * std::pow(2.0, item.attempts));
        ++summary.retried;
      } else {
        outcome.state = ItemState::kFailed;
        ++summary.failed;
      }
      return state_.Complete(item, outcome, records, links);
    }
    // An expired login: stop the site instead of archiving login pages.
    if (site.config != nullptr && !site.config->session_expired.empty()) {
      const auto& expiry = site.config->session_expired;
      std::string location = HeaderValue(r.response_head, "Location");
      bool expired = std::find(expiry.statuses.begin(), expiry.statuses.end(), r.status) !=
                     expiry.statuses.end();
      if (!expiry.url_contains.empty() && location.find(expiry.url_contains) != std::string::npos)
        expired = true;
      if (!expiry.body_contains.empty()) {
        auto body =
            DecodeContent(r.body, HeaderValue(r.response_head, "Content-Encoding"), 4 << 20);
        if (body && body->find(expiry.body_contains) != std::string::npos)
          expired = true;
      }
      if (expired) {
        site.stopped = true;
        summary.stopped_sites.push_back(site.site);
        ++summary.errors["session_expired"];
        outcome.state = ItemState::kRetry;  // fetched again once the session is renewed
        outcome.retry_at = clock_.Now();
        outcome.error_kind = "session_expired";
        outcome.message =
            "the session for " + site.site + " expired; export fresh cookies and run again";
        return state_.Complete(item, outcome, records, links);
      }
    }
    // Links are extracted on another core while this one writes the WARC records: the two
    // are independent and together most of the time spent on a page.
    std::future<std::vector<std::string>> refs;
    if (r.status >= 200 && r.status < 300 && extract_links_ &&
        Lower(HeaderValue(r.response_head, "Content-Type")).find("html") != std::string::npos) {
      refs = std::async(std::launch::async, [this, &r]() -> std::vector<std::string> {
        std::string body(r.body);
        if (Lower(HeaderValue(r.response_head, "Transfer-Encoding")).find("chunked") !=
            std::string::npos) {
          body = archive::HttpPayload(r.response_head + r.body).value_or(r.body);
        }
        auto decoded = DecodeContent(body, HeaderValue(r.response_head, "Content-Encoding"),
                                     options_.max_bytes);
        if (!decoded)
          return {};
        return extract_links_(*decoded);
      });
    }
    bool revisit = false;
    DRAGNET_RETURN_IF_ERROR(archive_fetch(r, &item, records, revisit));
    summary.bytes += r.response_head.size() + r.body.size();
    if (revisit)
      ++summary.revisits;
    ++summary.fetched;
    if (r.status >= 500 && item.attempts + 1 < options_.max_retries) {
      outcome.state = ItemState::kRetry;
      outcome.error_kind = "http_5xx";
      outcome.retry_at =
          clock_.Now() + Seconds(options_.retry_base_seconds * std::pow(2.0, item.attempts));
      ++summary.errors["http_5xx"];
      ++summary.retried;
      return state_.Complete(item, outcome, records, links);
    }
    if (r.status >= 400) {
      outcome.error_kind = "http_" + std::to_string(r.status / 100) + "xx";
      ++summary.errors[outcome.error_kind];
    }
    auto base = ParseUrl(item.url);
    auto add_link = [&](const std::string& ref, int depth, int redirects) {
      auto url = ResolveUrl(*base, ref);
      if (!url || depth > options_.max_depth || redirects > options_.max_redirects)
        return;
      SiteState* target_site = sites.count(url->site()) ? &sites[url->site()] : nullptr;
      if (!in_scope(*url, target_site))
        return;
      links.push_back({0, url->url, url->site(), depth, redirects, 0, item.url});
    };
    if (r.status >= 300 && r.status < 400) {
      std::string location = HeaderValue(r.response_head, "Location");
      if (!location.empty() && base)
        add_link(location, item.depth, item.redirects + 1);
    } else if (refs.valid() && base) {
      for (const auto& ref : refs.get())
        add_link(ref, item.depth + 1, 0);
    }
    // Per-site page budget.
    std::vector<FrontierItem> kept;
    for (auto& link : links) {
      if (known_urls.contains(link.url))
        continue;
      auto parsed = ParseUrl(link.url);
      SiteState& s = site_state(*parsed);
      if (!s.pages_loaded) {
        DRAGNET_ASSIGN_OR_RETURN(s.pages, state_.CountForSite(s.site));
        s.pages_loaded = true;
      }
      if (s.pages >= options_.max_pages_per_site)
        continue;
      ++s.pages;  // an upper bound: links known before this run are not new, but count
      if (known_urls.size() >= kKnownUrlsCap)
        known_urls.clear();
      known_urls.insert(link.url);
      kept.push_back(std::move(link));
    }
    return state_.Complete(item, outcome, records, kept);
  };

  for (;;) {
    TimePoint now = clock_.Now();
    auto steady_now = std::chrono::steady_clock::now();
    // Refresh the list of sites with work now and then, or when it ran dry.
    if (work_sites.empty() || steady_now - last_refresh > std::chrono::milliseconds(500)) {
      DRAGNET_ASSIGN_OR_RETURN(work_sites, state_.SitesWithWork(now));
      // Sites stopped by an expired session keep their entries queued for the next run.
      std::erase_if(work_sites, [&](const std::string& name) {
        auto it = sites.find(name);
        return it != sites.end() && it->second.stopped;
      });
      last_refresh = steady_now;
      frontier_empty = work_sites.empty();
    }
    // Start what politeness allows, round-robin over sites. Claims commit together, before
    // any of their requests starts.
    std::vector<std::pair<FrontierItem, SiteState*>> to_start;
    std::vector<FrontierItem> skipped;
    size_t tried = 0;
    while (fetcher->active() + to_start.size() < options_.concurrency &&
           tried < work_sites.size()) {
      const std::string& site_name = work_sites[site_cursor % work_sites.size()];
      ++site_cursor;
      ++tried;
      auto site_url = ParseUrl(site_name + "/");
      if (!site_url) {
        continue;
      }
      SiteState& site = site_state(*site_url);
      if (site.stopped || site.in_flight >= site.concurrency || now < site.next_start) {
        continue;
      }
      if (site.robots_state == SiteState::Robots::kUnknown) {
        auto robots_url = ParseUrl(site_name + "/robots.txt");
        int64_t id = next_robots_id--;
        pending[id] = {id, robots_url->url, site.site, 0, 0, 0, "robots"};
        fetcher->Start(make_request(id, *robots_url, site));
        site.robots_state = SiteState::Robots::kFetching;
        ++site.in_flight;
        continue;
      }
      if (site.robots_state == SiteState::Robots::kFetching) {
        continue;
      }
      size_t room = std::min(site.concurrency - site.in_flight,
                             options_.concurrency - fetcher->active() - to_start.size());
      DRAGNET_ASSIGN_OR_RETURN(auto items,
                               state_.Peek(site.site, now, site.delay_seconds > 0 ? 1 : room));
      for (auto& item : items) {
        auto url = ParseUrl(item.url);
        if (!url || !site.robots.Allowed(url->path_and_query)) {
          ++summary.skipped;
          ++summary.errors["robots"];
          skipped.push_back(item);
          continue;
        }
        to_start.emplace_back(item, &site);
        ++site.in_flight;
        site.next_start = now + Seconds(site.delay_seconds);
      }
    }
    if (!to_start.empty() || !skipped.empty()) {
      DRAGNET_RETURN_IF_ERROR(state_.Batch([&]() -> Status {
        for (const auto& item : skipped) {
          DRAGNET_RETURN_IF_ERROR(state_.Complete(
              item, {ItemState::kSkipped, 0, "robots", "disallowed by robots.txt", {}}, {}, {}));
        }
        for (const auto& entry : to_start) {
          DRAGNET_RETURN_IF_ERROR(state_.Claim(entry.first));
        }
        return Status::Ok();
      }));
      for (const auto& [item, site] : to_start) {
        pending[item.id] = item;
        fetcher->Start(make_request(item.id, *ParseUrl(item.url), *site));
      }
    }
    if (fetcher->active() == 0 && frontier_empty) {
      // Nothing due now: finish unless retries or politeness delays still hold work for a site
      // whose session is alive.
      DRAGNET_ASSIGN_OR_RETURN(auto waiting, state_.SitesWithWork(now + Seconds(3600)));
      bool live = std::any_of(waiting.begin(), waiting.end(), [&](const std::string& name) {
        auto it = sites.find(name);
        return it == sites.end() || !it->second.stopped;
      });
      if (!live)
        break;
    }
    DRAGNET_ASSIGN_OR_RETURN(auto results, fetcher->Poll(fetcher->active() > 0 ? 50 : 20));
    if (!results.empty()) {
      // One transaction for everything that finished in this round.
      DRAGNET_RETURN_IF_ERROR(state_.Batch([&]() -> Status {
        for (auto& r : results) {
          auto it = pending.find(static_cast<int64_t>(r.id));
          if (it == pending.end()) {
            continue;
          }
          FrontierItem item = it->second;
          pending.erase(it);
          auto url = ParseUrl(item.url);
          SiteState& site = site_state(*url);
          if (site.in_flight > 0) {
            --site.in_flight;
          }
          if (item.id < 0) {
            DRAGNET_RETURN_IF_ERROR(handle_robots(r, site));
          } else {
            DRAGNET_RETURN_IF_ERROR(handle_result(r, item, site));
          }
        }
        return Status::Ok();
      }));
    }
    std::string errors;
    for (const auto& [kind, n] : summary.errors) {
      errors += (errors.empty() ? "" : " ") + kind + "=" + std::to_string(n);
    }
    progress.Update(summary.fetched, summary.bytes,
                    std::to_string(fetcher->active()) + " in flight, " +
                        std::to_string(work_sites.size()) + " sites queued" +
                        (errors.empty() ? "" : ", errors: " + errors));
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace dragnet::capture
