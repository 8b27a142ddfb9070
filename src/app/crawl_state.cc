#include "app/crawl_state.h"

#include "capture/url.h"

namespace dragnet::app {
namespace {

// Frontier times compare as strings, so they are always written with the same precision.
std::string Stamp(TimePoint t) {
  return FormatW3c(t, 6);
}

std::string StateName(capture::ItemState state) {
  switch (state) {
    case capture::ItemState::kDone:
      return "done";
    case capture::ItemState::kRetry:
      return "queued";
    case capture::ItemState::kFailed:
      return "failed";
    case capture::ItemState::kSkipped:
      return "skipped";
  }
  return "failed";
}

capture::FrontierItem Item(const store::FrontierEntry& e) {
  return {e.id, e.url, e.site, e.depth, e.redirects, e.attempts, e.discovered_from};
}

}  // namespace

std::vector<store::FrontierEntry> StoreCrawlState::Entries(
    const std::vector<capture::FrontierItem>& items) const {
  std::vector<store::FrontierEntry> entries;
  entries.reserve(items.size());
  for (const auto& item : items) {
    store::FrontierEntry e;
    e.job_id = job_id_;
    e.url = item.url;
    e.site = item.site;
    e.depth = item.depth;
    e.redirects = item.redirects;
    e.discovered_from = item.discovered_from;
    entries.push_back(std::move(e));
  }
  return entries;
}

Status StoreCrawlState::Transaction(const std::function<Status()>& body) {
  if (in_batch_) {
    return body();
  }
  Status status = store_.InTransaction(body);
  sink_.Committed(status.ok());
  return status;
}

Status StoreCrawlState::Batch(const std::function<Status()>& body) {
  if (in_batch_) {
    return body();
  }
  in_batch_ = true;
  Status status = store_.InTransaction(body);
  in_batch_ = false;
  sink_.Committed(status.ok());
  return status;
}

Result<uint64_t> StoreCrawlState::RequeueInFlight() {
  return store_.RequeueInFlight(job_id_);
}

Result<uint64_t> StoreCrawlState::Add(const std::vector<capture::FrontierItem>& items) {
  return store_.AddFrontier(Entries(items));
}

Result<std::vector<std::string>> StoreCrawlState::SitesWithWork(TimePoint now) {
  return store_.FrontierSites(job_id_, Stamp(now));
}

Result<std::vector<capture::FrontierItem>> StoreCrawlState::Peek(const std::string& site,
                                                                 TimePoint now, size_t limit) {
  DRAGNET_ASSIGN_OR_RETURN(auto entries, store_.PeekFrontier(job_id_, site, Stamp(now), limit));
  std::vector<capture::FrontierItem> out;
  for (const auto& e : entries)
    out.push_back(Item(e));
  return out;
}

Status StoreCrawlState::Claim(const capture::FrontierItem& item) {
  store::FrontierEntry e;
  e.id = item.id;
  e.state = "in_flight";
  e.attempts = item.attempts;
  return store_.UpdateFrontier(e);
}

Status StoreCrawlState::Complete(const capture::FrontierItem& item,
                                 const capture::ItemOutcome& outcome,
                                 const std::vector<capture::ImportedRecord>& records,
                                 const std::vector<capture::FrontierItem>& links) {
  std::string host = item.site.substr(item.site.find("://") + 3);
  capture::ImportSource source{"site", item.site, host};
  return Transaction([&]() -> Status {
    if (!records.empty())
      DRAGNET_RETURN_IF_ERROR(sink_.RecordItem(source, records));
    if (item.id > 0) {  // robots.txt fetches are captures without a frontier entry
      store::FrontierEntry e;
      e.id = item.id;
      e.state = StateName(outcome.state);
      e.attempts = item.attempts + 1;
      e.next_at = outcome.state == capture::ItemState::kRetry ? Stamp(outcome.retry_at) : "";
      e.last_error = outcome.error_kind.empty() ? "" : outcome.error_kind + ": " + outcome.message;
      e.http_status = outcome.http_status;
      e.fetched_at = Stamp(SystemClock().Now());
      DRAGNET_RETURN_IF_ERROR(store_.UpdateFrontier(e));
    }
    if (!outcome.error_kind.empty()) {
      DRAGNET_RETURN_IF_ERROR(
          store_.AddFetchError(job_id_, item.url, outcome.error_kind, outcome.message));
    }
    if (!links.empty())
      DRAGNET_RETURN_IF_ERROR(store_.AddFrontier(Entries(links)));
    return Status::Ok();
  });
}

Result<std::optional<capture::PreviousCapture>> StoreCrawlState::Previous(const std::string& uri) {
  DRAGNET_ASSIGN_OR_RETURN(auto captures, store_.CapturesForUri(uri));
  // The latest capture decides whether the payload changed; a revisit refers to the response
  // that holds the payload.
  const store::Capture* latest = nullptr;
  for (const auto& c : captures) {
    if ((c.record_type == "response" || c.record_type == "revisit") && !c.payload_digest.empty()) {
      latest = &c;
    }
  }
  if (latest == nullptr)
    return std::optional<capture::PreviousCapture>();
  for (auto it = captures.rbegin(); it != captures.rend(); ++it) {
    if (it->record_type == "response" && it->payload_digest == latest->payload_digest) {
      return std::optional<capture::PreviousCapture>(
          capture::PreviousCapture{it->record_id, it->date, it->payload_digest});
    }
  }
  return std::optional<capture::PreviousCapture>();
}

Result<uint64_t> StoreCrawlState::CountForSite(const std::string& site) {
  return store_.CountFrontierForSite(job_id_, site);
}

}  // namespace dragnet::app
