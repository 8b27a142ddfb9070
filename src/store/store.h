#pragma once
// The store: what Dragnet knows about its sources, captures and documents, plus the audit log.
// The WARC archive is the system of record; the store is an index over it and can be rebuilt
// from it. Backends (SQLite now, PostgreSQL for a team) implement this interface and pass the
// same conformance suite (store_conformance_test.cc).
//
// Thread-safety: one Store object per thread. Every write runs inside a transaction: either
// explicitly through InTransaction, or implicitly (one per call) outside one.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dragnet::store {

// A site, channel, export or directory that captures come from.
struct Source {
  int64_t id = 0;
  std::string kind;  // "site", "telegram_channel", "html_directory", "warc_import"
  std::string key;   // unique within kind: host name, channel id, absolute path
  std::string name;  // human-readable
};

// A WARC file Dragnet wrote or indexed in place.
struct ArchiveFile {
  int64_t id = 0;
  std::string path;    // absolute path
  std::string sha256;  // of the whole file when registered
  uint64_t size = 0;
  std::string origin;  // "written" or "indexed"
  uint64_t records = 0;
  std::string registered_at;
};

// One WARC record of interest, and where it lives.
struct Capture {
  int64_t id = 0;
  int64_t source_id = 0;  // 0 = none
  int64_t archive_file_id = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string record_id;  // WARC-Record-ID
  std::string record_type;
  std::string uri;
  std::string date;     // WARC-Date
  int http_status = 0;  // 0 when not HTTP
  std::string content_type;
  std::string payload_digest;
  std::string case_id;
};

// A unit of content an analyst reads: a web page, a saved file, a messenger post.
struct Document {
  int64_t id = 0;
  int64_t capture_id = 0;
  std::string kind;  // "html", "telegram_message", "file"
  std::string title;
  std::string language;     // BCP 47 when known
  std::string external_id;  // e.g. "channel/message id" for messenger posts
  std::string date;
};

// Append-only: who did what, when and why (EU Directive 2016/680 Art. 25).
struct AuditEntry {
  int64_t id = 0;
  std::string at;      // W3C timestamp
  std::string actor;   // operator name
  std::string action;  // "ingest", "crawl", "export"...
  std::string target;  // what it acted on
  std::string reason;  // why (case id or free text)
};

struct StoreStats {
  int64_t sources = 0;
  int64_t archive_files = 0;
  int64_t captures = 0;
  int64_t documents = 0;
  int64_t audit_entries = 0;
  std::vector<std::pair<std::string, int64_t>> captures_by_type;   // record type -> count
  std::vector<std::pair<std::string, int64_t>> documents_by_kind;  // kind -> count
  std::vector<std::pair<std::string, int64_t>> sources_by_kind;
  std::string first_capture_date;
  std::string last_capture_date;
  int schema_version = 0;
};

// A document to analyse and where its bytes are in the archive.
struct DocumentToAnalyze {
  int64_t document_id = 0;
  int64_t capture_id = 0;
  int64_t source_id = 0;  // 0 = none
  int64_t archive_file_id = 0;
  std::string kind;          // documents.kind
  std::string archive_path;  // the WARC file
  uint64_t offset = 0;       // of the record in it
  std::string record_type;
  std::string content_type;
  std::string uri;
  std::string date;           // WARC-Date of the capture
  std::string document_date;  // documents.date: a message's own date, "" when unknown
  std::string external_id;    // documents.external_id ("channel/message")
};

// One thing an analyzer found in a document: a substance, a class term, a quantity, a price,
// a price per gram or unit, an NPS candidate.
struct Finding {
  std::string kind;      // "substance", "term", "quantity", "price", "price_per_unit", "nps"
  std::string key;       // substance id, class id, unit, currency, family
  std::string class_id;  // the substance class where there is one
  std::string matched;   // the text as written
  uint32_t begin = 0;    // byte offsets in the document's text
  uint32_t end = 0;
  std::optional<double> value;  // amount, grams, USD per unit
  double confidence = 0;
  std::string detail;  // JSON with the rest (evidence, legal status)
};

// The outcome of one analyzer on one document.
struct Analysis {
  int64_t document_id = 0;
  std::string analyzer;      // "substances"
  std::string analyzer_key;  // analyzer, version and data it used: a change means re-analyse
  std::string category;
  std::string classes;  // comma-separated class ids
  std::vector<Finding> findings;
};

// An analysed document with what one analyzer found in it, for reports and evaluations.
struct AnalysedDocument {
  int64_t document_id = 0;
  std::string uri;   // of its capture
  std::string date;  // WARC-Date of its capture
  std::string kind;  // documents.kind
  std::string category;
  std::string classes;
  std::vector<Finding> findings;  // kind, key, class_id, value and confidence are filled
};

// A crawl job: its frontier and failures live in the store so a killed crawl resumes.
struct CrawlJob {
  std::string id;
  std::string created;
  std::string config;  // the options it was started with (JSON), for the record
};

// One URL of a crawl job's frontier. States: queued, in_flight, done, failed, skipped.
struct FrontierEntry {
  int64_t id = 0;
  std::string job_id;
  std::string url;
  std::string site;
  int depth = 0;
  int redirects = 0;  // redirect hops that led here
  int attempts = 0;
  std::string state = "queued";
  std::string next_at;  // not before this time (W3C); "" = now
  std::string discovered_from;
  std::string last_error;
  int http_status = 0;
  std::string fetched_at;
};

// One entry of a feedback list on a listing or vendor page.
struct FeedbackEntry {
  std::string rating;  // as written ("5/5", "positive"), "" when none
  std::string text;
};

// What the parse stage read from one document as records: a listing observed (its price, stock
// and fields at the capture's time), a vendor profile observed, or a post. Putting it again for
// the same document replaces what it put before.
struct PageRecord {
  int64_t document_id = 0;
  int64_t capture_id = 0;
  int64_t source_id = 0;    // the site or channel; 0 = none (no listing or vendor is recorded)
  std::string observed_at;  // WARC-Date of the capture
  std::string page_type;    // listing, vendor, messenger_post, forum_thread
  std::string url_key;      // the listing's identity on its site: URL path and query
  std::string title;
  std::string vendor;      // the seller's name on the site
  std::string vendor_url;  // link to the seller's page
  std::string author;      // of a post
  std::string external_id;
  std::string price;  // as shown
  std::string stock;
  std::string rating;
  std::string sales;
  std::string fields_json;  // every field read, {"id": "value"}
  std::string profile;      // the site profile that read it ("nexus/1"), "" = generic only
  int64_t duplicate_of_document = 0;  // the earliest near-duplicate document, 0 = none
  std::vector<FeedbackEntry> feedback;
};

// How many records the store holds.
struct RecordCounts {
  int64_t sites = 0;  // sources with listings or vendors
  int64_t channels = 0;
  int64_t listings = 0;
  int64_t listings_on_mirrors = 0;  // listings that are the same as one on another site
  int64_t observations = 0;
  int64_t vendors = 0;
  int64_t posts = 0;
  int64_t unique_posts = 0;  // posts that are no near-duplicate of an earlier one
  int64_t feedback = 0;
  int64_t drift_alerts = 0;
};

// A listing observed in one capture.
struct ListingObservation {
  int64_t listing_id = 0;
  int64_t document_id = 0;
  int64_t capture_id = 0;
  std::string observed_at;
  std::string price;
  std::string stock;
};

// A listing as the records hold it, with its latest observation.
struct ListingRow {
  int64_t id = 0;
  std::string site;  // source key
  std::string url_key;
  std::string title;
  std::string vendor;
  std::string first_seen;
  std::string last_seen;
  int64_t observations = 0;
  std::string price;  // of the latest observation
  std::string stock;
  int64_t same_as = 0;  // the listing on another site it copies, 0 = none
};

struct VendorRow {
  int64_t id = 0;
  std::string site;
  std::string name;
  std::string profile_url;
  std::string first_seen;
  std::string last_seen;
  int64_t listings = 0;
  int64_t feedback = 0;
};

struct PostRow {
  int64_t document_id = 0;
  std::string source;  // channel or site key
  std::string kind;    // messenger_post, forum_thread
  std::string external_id;
  std::string author;
  std::string posted_at;
  int64_t duplicate_of_document = 0;     // 0 = a unique post
  std::string duplicate_of_external_id;  // the repeated post's external id, when it is a post
};

// How often a site profile's field filled on the documents of one capture batch (a WARC file).
struct ProfileFillRow {
  int64_t source_id = 0;
  std::string source_key;
  std::string profile;  // "nexus/1"
  int64_t batch = 0;    // archive file id: batches in the order they were captured
  std::string page_type;
  std::string field;
  int64_t pages = 0;
  int64_t filled = 0;
};

// A site profile's field that stopped filling: the analyst updates the profile; meanwhile the
// generic extractor fills the field.
struct DriftAlertRow {
  int64_t id = 0;
  int64_t source_id = 0;
  std::string source_key;
  std::string profile;
  std::string page_type;
  std::string field;
  int64_t batch = 0;  // the capture batch where it stopped
  double previous_fill = 0;
  double fill = 0;
  int64_t pages = 0;
  std::string at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in one transaction: commits when it returns Ok, rolls back otherwise (and when
  // it throws: the exception is not caught, the rollback still happens).
  virtual Status InTransaction(const std::function<Status()>& body) = 0;

  // Returns the id of the source with (kind, key), inserting it when new.
  virtual Result<int64_t> UpsertSource(const Source& source) = 0;
  virtual Result<std::optional<Source>> FindSource(const std::string& kind,
                                                   const std::string& key) = 0;

  // Registers a WARC file; fails with kAlreadyExists when its path is known.
  virtual Result<int64_t> AddArchiveFile(const ArchiveFile& file) = 0;
  virtual Result<std::optional<ArchiveFile>> FindArchiveFileByPath(const std::string& path) = 0;
  virtual Result<std::optional<ArchiveFile>> FindArchiveFileBySha256(const std::string& sha256) = 0;
  virtual Status SetArchiveFileRecords(int64_t archive_file_id, uint64_t records) = 0;

  // Inserts a capture; a capture with the same (archive_file_id, offset) is not inserted again
  // and its existing id is returned.
  virtual Result<int64_t> AddCapture(const Capture& capture) = 0;
  virtual Result<std::optional<Capture>> FindCaptureByRecordId(const std::string& record_id) = 0;
  virtual Result<std::vector<Capture>> CapturesForUri(const std::string& uri) = 0;

  virtual Result<int64_t> AddDocument(const Document& document) = 0;

  // Inputs already ingested, by a key the importer chooses (e.g. "html:<sha256 of file>").
  virtual Result<bool> HasIngested(const std::string& key) = 0;
  virtual Status MarkIngested(const std::string& key, const std::string& description) = 0;

  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> AuditLog(int64_t after_id, int64_t limit) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // --- analyses ---
  // Documents with no analysis by `analyzer` under `analyzer_key` (never analysed, or by an
  // older version or lexicon), with id above `after_document_id`, oldest first.
  virtual Result<std::vector<DocumentToAnalyze>> DocumentsToAnalyze(const std::string& analyzer,
                                                                    const std::string& analyzer_key,
                                                                    int64_t after_document_id,
                                                                    size_t limit) = 0;
  // Replaces what `analysis.analyzer` found in the document before with `analysis`.
  virtual Status PutAnalysis(const Analysis& analysis, const std::string& analyzed_at) = 0;
  // Findings of `kind` per key (e.g. substance id -> documents), most first.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> FindingCounts(
      const std::string& kind, size_t limit) = 0;
  // Analysed documents per category.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CategoryCounts(
      const std::string& analyzer) = 0;
  // Documents `analyzer` has analysed, with their findings, in document order: a page of at
  // most `limit` after `after_document_id`.
  virtual Result<std::vector<AnalysedDocument>> AnalysedDocuments(const std::string& analyzer,
                                                                  int64_t after_document_id,
                                                                  size_t limit) = 0;

  // --- records parsed from pages ---
  // Replaces the records `record.document_id` gave before: upserts the listing (by source and
  // url_key) and the vendor (by source and name), adds the observation, the post and the
  // feedback, and links a listing to the listing of its earliest near-duplicate.
  virtual Status PutPageRecord(const PageRecord& record) = 0;
  virtual Result<RecordCounts> CountRecords() = 0;
  // Every observation of a listing, oldest first.
  virtual Result<std::vector<ListingObservation>> ListingObservations(int64_t listing_id) = 0;
  // Records in id order, a page of at most `limit` after `after_id`.
  virtual Result<std::vector<ListingRow>> Listings(int64_t after_id, size_t limit) = 0;
  virtual Result<std::vector<VendorRow>> Vendors(int64_t after_id, size_t limit) = 0;
  virtual Result<std::vector<PostRow>> Posts(int64_t after_document_id, size_t limit) = 0;
  // The listing a document observed, 0 when none.
  virtual Result<int64_t> ListingOfDocument(int64_t document_id) = 0;
  // Replaces which fields of `profile` filled on the document: (page type, field, filled).
  virtual Status PutProfileFills(int64_t document_id, const std::string& profile,
                                 const std::string& page_type,
                                 const std::vector<std::pair<std::string, bool>>& fields) = 0;
  // Fill counts per source, profile, batch, page type and field, in batch order.
  virtual Result<std::vector<ProfileFillRow>> ProfileFills() = 0;
  // Adds the alert unless one for the same source, profile, page type, field and batch exists;
  // true when it was new.
  virtual Result<bool> AddDriftAlert(const DriftAlertRow& alert) = 0;
  virtual Result<std::vector<DriftAlertRow>> DriftAlerts() = 0;

  // --- crawl jobs and their frontier ---
  // Creates the job when new; returns true when it already existed (a resumed crawl).
  virtual Result<bool> EnsureCrawlJob(const CrawlJob& job) = 0;
  // Adds entries; a URL already in the job's frontier is left as it is. Returns how many were new.
  virtual Result<uint64_t> AddFrontier(const std::vector<FrontierEntry>& entries) = 0;
  // Puts entries left in_flight by a run that died back into the queue.
  virtual Result<uint64_t> RequeueInFlight(const std::string& job_id) = 0;
  // Sites with queued entries due at `now` (W3C).
  virtual Result<std::vector<std::string>> FrontierSites(const std::string& job_id,
                                                         const std::string& now) = 0;
  // Queued entries of one site due at `now`, oldest first.
  virtual Result<std::vector<FrontierEntry>> PeekFrontier(const std::string& job_id,
                                                          const std::string& site,
                                                          const std::string& now, size_t limit) = 0;
  // Updates state, attempts, next_at, last_error, http_status and fetched_at of an entry.
  virtual Status UpdateFrontier(const FrontierEntry& entry) = 0;
  virtual Result<uint64_t> CountFrontierForSite(const std::string& job_id,
                                                const std::string& site) = 0;
  // state -> count
  virtual Result<std::vector<std::pair<std::string, int64_t>>> FrontierCounts(
      const std::string& job_id) = 0;
  // Re-queues done entries of `site` ("" = every site) fetched before `before` (W3C), for
  // scheduled recrawls.
  virtual Result<uint64_t> RequeueDone(const std::string& job_id, const std::string& site,
                                       const std::string& before) = 0;
  // Every site in the job's frontier.
  virtual Result<std::vector<std::string>> FrontierAllSites(const std::string& job_id) = 0;
  virtual Result<std::vector<CrawlJob>> CrawlJobs() = 0;
  // Every failure of a fetch, by kind, queryable later.
  virtual Status AddFetchError(const std::string& job_id, const std::string& url,
                               const std::string& kind, const std::string& message) = 0;
  virtual Result<std::vector<std::pair<std::string, int64_t>>> FetchErrorCounts(
      const std::string& job_id) = 0;
};

// Opens (creating when absent) the SQLite store at `path` and migrates it to the current
// schema. WAL mode, foreign keys on, busy timeout so several processes can share one file.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& path);

// Default database path: $DRAGNET_DB, else $XDG_DATA_HOME/dragnet/dragnet.db, else
// ~/.local/share/dragnet/dragnet.db.
std::filesystem::path DefaultDatabasePath();

}  // namespace dragnet::store
