#pragma once
// CrawlState on the store: the crawl job's frontier, its failures and its captures, with each
// completed entry recorded in one transaction.

#include <string>

#include "app/store_sink.h"
#include "capture/crawler.h"
#include "store/store.h"

namespace dragnet::app {

class StoreCrawlState final : public capture::CrawlState {
 public:
  StoreCrawlState(store::Store& store, StoreSink& sink, std::string job_id)
      : store_(store), sink_(sink), job_id_(std::move(job_id)) {}

  Result<uint64_t> RequeueInFlight() override;
  Result<uint64_t> Add(const std::vector<capture::FrontierItem>& items) override;
  Result<std::vector<std::string>> SitesWithWork(TimePoint now) override;
  Result<std::vector<capture::FrontierItem>> Peek(const std::string& site, TimePoint now,
                                                  size_t limit) override;
  Status Claim(const capture::FrontierItem& item) override;
  Status Complete(const capture::FrontierItem& item, const capture::ItemOutcome& outcome,
                  const std::vector<capture::ImportedRecord>& records,
                  const std::vector<capture::FrontierItem>& links) override;
  Status Batch(const std::function<Status()>& body) override;
  Result<std::optional<capture::PreviousCapture>> Previous(const std::string& uri) override;
  Result<uint64_t> CountForSite(const std::string& site) override;

 private:
  std::vector<store::FrontierEntry> Entries(const std::vector<capture::FrontierItem>& items) const;

  // Runs `body` in a transaction of its own, or inside the open batch.
  Status Transaction(const std::function<Status()>& body);

  store::Store& store_;
  StoreSink& sink_;
  std::string job_id_;
  bool in_batch_ = false;
};

}  // namespace dragnet::app
