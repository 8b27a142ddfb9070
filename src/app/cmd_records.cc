// dragnet records listings|vendors|posts|drift: what `dragnet parse --store` made of the pages, as
// an analyst reads it: listings with their site, vendor, first and last sighting, how often they
// were seen and their latest price and stock; vendors per site; posts with the earliest
// near-duplicate they repeat; drift alerts of site profiles. JSON Lines (default) or a table.

#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.h"
#include "core/json_writer.h"

namespace dragnet::app {
namespace {

struct RecordsArgs {
  std::string kind;
  std::string format = "jsonl";
  int64_t limit = 0;  // 0 = all
};

// Prints one row: a JSON object written by `write`, or the table's cells.
class RowPrinter {
 public:
  explicit RowPrinter(bool table) : table_(table) {}
  template <typename WriteJson, typename WriteCells>
  void Print(const WriteJson& write, const WriteCells& cells) {
    if (table_) {
      cells();
      return;
    }
    line_.clear();
    JsonWriter w(line_);
    w.BeginObject();
    write(w);
    w.EndObject();
    std::printf("%s\n", line_.c_str());
  }

 private:
  bool table_;
  std::string line_;
};

// Walks pages of rows from `fetch(after, n)` until `limit` rows (0 = all) were printed.
template <typename Row, typename Fetch, typename Id, typename PrintRow>
int Walk(int64_t limit, const Fetch& fetch, const Id& id_of, const PrintRow& print) {
  int64_t printed = 0;
  for (int64_t after = 0;;) {
    auto page = fetch(after, size_t{1000});
    if (!page.has_value()) {
      PrintError(page.error().message());
      return 1;
    }
    if (page->empty())
      return 0;
    for (const Row& row : *page) {
      after = id_of(row);
      print(row);
      if (limit > 0 && ++printed >= limit)
        return 0;
    }
  }
}

int RunRecords(const GlobalOptions& global, const RecordsArgs& args) {
  auto store = OpenExistingStore(global);
  if (!store)
    return 1;
  bool table = args.format == "table";
  RowPrinter printer(table);
  if (args.kind == "listings") {
    if (table)
      std::printf("%-6s %-24.24s %-32.32s %-16.16s %5s %-20.20s %s\n", "id", "site", "title",
                  "vendor", "seen", "price", "last seen");
    return Walk<store::ListingRow>(
        args.limit, [&](int64_t after, size_t n) { return store->Listings(after, n); },
        [](const store::ListingRow& r) { return r.id; },
        [&](const store::ListingRow& r) {
          printer.Print(
              [&](JsonWriter& w) {
                w.FieldInt("id", r.id);
                w.Field("site", r.site);
                w.Field("url", r.url_key);
                w.Field("title", r.title);
                w.Field("vendor", r.vendor);
                w.Field("first_seen", r.first_seen);
                w.Field("last_seen", r.last_seen);
                w.FieldInt("observations", r.observations);
                w.Field("price", r.price);
                w.Field("stock", r.stock);
                if (r.same_as != 0)
                  w.FieldInt("same_as", r.same_as);
              },
              [&] {
                std::printf("%-6lld %-24.24s %-32.32s %-16.16s %5lld %-20.20s %s\n",
                            static_cast<long long>(r.id), r.site.c_str(), r.title.c_str(),
                            r.vendor.c_str(), static_cast<long long>(r.observations),
                            r.price.c_str(), r.last_seen.c_str());
              });
        });
  }
  if (args.kind == "vendors") {
    if (table)
      std::printf("%-6s %-24.24s %-24.24s %8s %8s %s\n", "id", "site", "name", "listings",
                  "feedback", "first seen");
    return Walk<store::VendorRow>(
        args.limit, [&](int64_t after, size_t n) { return store->Vendors(after, n); },
        [](const store::VendorRow& r) { return r.id; },
        [&](const store::VendorRow& r) {
          printer.Print(
              [&](JsonWriter& w) {
                w.FieldInt("id", r.id);
                w.Field("site", r.site);
                w.Field("name", r.name);
                w.Field("profile_url", r.profile_url);
                w.Field("first_seen", r.first_seen);
                w.Field("last_seen", r.last_seen);
                w.FieldInt("listings", r.listings);
                w.FieldInt("feedback", r.feedback);
              },
              [&] {
                std::printf("%-6lld %-24.24s %-24.24s %8lld %8lld %s\n",
                            static_cast<long long>(r.id), r.site.c_str(), r.name.c_str(),
                            static_cast<long long>(r.listings), static_cast<long long>(r.feedback),
                            r.first_seen.c_str());
              });
        });
  }
  if (args.kind == "posts") {
    if (table)
      std::printf("%-9s %-24.24s %-15s %-40.40s %s\n", "document", "source", "kind", "id",
                  "repeats");
    return Walk<store::PostRow>(
        args.limit, [&](int64_t after, size_t n) { return store->Posts(after, n); },
        [](const store::PostRow& r) { return r.document_id; },
        [&](const store::PostRow& r) {
          printer.Print(
              [&](JsonWriter& w) {
                w.FieldInt("document", r.document_id);
                w.Field("source", r.source);
                w.Field("kind", r.kind);
                w.Field("external_id", r.external_id);
                if (!r.author.empty())
                  w.Field("author", r.author);
                w.Field("posted_at", r.posted_at);
                // The post it repeats: its external id (a t.me link's channel/message) when it is
                // a post, else the document.
                if (!r.duplicate_of_external_id.empty()) {
                  w.Field("repeats", r.duplicate_of_external_id);
                } else if (r.duplicate_of_document != 0) {
                  w.FieldInt("repeats_document", r.duplicate_of_document);
                }
              },
              [&] {
                std::string repeats =
                    !r.duplicate_of_external_id.empty() ? r.duplicate_of_external_id
                    : r.duplicate_of_document != 0      ? std::to_string(r.duplicate_of_document)
                                                        : std::string();
                std::printf("%-9lld %-24.24s %-15s %-40.40s %s\n",
                            static_cast<long long>(r.document_id), r.source.c_str(), r.kind.c_str(),
                            r.external_id.c_str(), repeats.c_str());
              });
        });
  }
  // drift
  auto alerts = store->DriftAlerts();
  if (!alerts.has_value()) {
    PrintError(alerts.error().message());
    return 1;
  }
  if (table)
    std::printf("%-4s %-24.24s %-12s %-10s %-14s %7s %7s %s\n", "id", "site", "profile", "page",
                "field", "before", "after", "at");
  int64_t printed = 0;
  for (const store::DriftAlertRow& a : *alerts) {
    if (args.limit > 0 && printed++ >= args.limit)
      break;
    printer.Print(
        [&](JsonWriter& w) {
          w.FieldInt("id", a.id);
          w.Field("site", a.source_key);
          w.Field("profile", a.profile);
          w.Field("page_type", a.page_type);
          w.Field("field", a.field);
          w.FieldInt("batch", a.batch);
          w.FieldDouble("previous_fill", a.previous_fill);
          w.FieldDouble("fill", a.fill);
          w.FieldInt("pages", a.pages);
          w.Field("at", a.at);
        },
        [&] {
          std::printf("%-4lld %-24.24s %-12s %-10s %-14s %6.0f%% %6.0f%% %s\n",
                      static_cast<long long>(a.id), a.source_key.c_str(), a.profile.c_str(),
                      a.page_type.c_str(), a.field.c_str(), 100 * a.previous_fill, 100 * a.fill,
                      a.at.c_str());
        });
  }
  return 0;
}

}  // namespace

void RegisterRecordsCommand(CLI::App& app, GlobalOptions& options, ExitCode& exit_code) {
  auto args = std::make_shared<RecordsArgs>();
  auto* cmd = app.add_subcommand(
      "records",
      "The records `dragnet parse --store` made: listings (with sightings and latest price), "
      "vendors, posts (with the ad they repeat) or site-profile drift alerts");
  cmd->add_option("KIND", args->kind, "listings, vendors, posts or drift")
      ->required()
      ->check(CLI::IsMember({"listings", "vendors", "posts", "drift"}));
  cmd->add_option("--format", args->format, "jsonl (default) or table")
      ->check(CLI::IsMember({"jsonl", "table"}));
  cmd->add_option("--limit", args->limit, "At most this many rows (default: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&options, args, &exit_code] { exit_code = RunRecords(options, *args); });
}

}  // namespace dragnet::app
