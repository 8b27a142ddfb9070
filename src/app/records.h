#pragma once
// Reading what the store's documents hold from their WARC records: the HTTP body of a response
// (decoded), the text a person would read, and the record itself through a reader kept open per
// archive file. Shared by the commands that analyse stored documents (identify, parse).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/warc_reader.h"
#include "core/progress.h"
#include "core/result.h"
#include "model/anomaly.h"
#include "store/store.h"

namespace dragnet::app {

// True for a path ending in .html/.htm/.xhtml or data that starts like an HTML document.
bool LooksLikeHtml(std::string_view path, std::string_view data);

// The body of an HTTP response block, decoded when it was sent gzip- or deflate-encoded (the
// WARC keeps the bytes as received); `content_type` gets the response's. nullopt when the body
// cannot be decoded.
std::optional<std::string> HttpBody(std::string_view block, std::string* content_type);

// What a WARC record carries: an HTTP response's body (decoded) with its content type, or the
// block of any other record with the record's. nullopt when the HTTP body cannot be decoded.
std::optional<std::string> RecordPayload(archive::WarcType type, std::string& content_type,
                                         const std::string& block);

// The text a person would read in a WARC record: the HTTP body of a response (decoded), HTML
// turned into text, a Telegram message's text. nullopt for records with no text (images,
// archives) or an HTTP body that cannot be decoded.
std::optional<std::string> RecordText(archive::WarcType type, std::string content_type,
                                      const std::string& block);

struct StoredRecord {
  archive::WarcType type = archive::WarcType::kUnknown;
  std::string block;  // up to 64 MiB
};

// Reads stored documents' records, keeping one reader open per archive file.
class StoredRecordReader {
 public:
  // The record `doc` points to; an error naming the file and offset when it cannot be read.
  Result<StoredRecord> Read(const store::DocumentToAnalyze& doc);

 private:
  model::AnomalyLog anomalies_{100};
  std::map<std::string, std::unique_ptr<archive::WarcReader>> readers_;
};

struct AnalysisRun {
  uint64_t analysed = 0;
  uint64_t unreadable = 0;  // records that could not be read (each reported on stderr)
  uint64_t bytes = 0;
};

// Fills `analysis` (document id, analyzer and key already set) for one stored document and
// returns how many bytes it read; an error stops the run.
using AnalyseFn = std::function<Result<uint64_t>(
    const store::DocumentToAnalyze& doc, const StoredRecord& record, store::Analysis& analysis)>;

// Saves what else an analyzer derived from one analysed document (records), inside the
// transaction that saves its analysis.
using AlsoSaveFn = std::function<Status(const store::Analysis& analysis)>;

// Runs `analyse` on every stored document that `analyzer` with `key` has not seen, in batches
// each saved in one transaction (a stopped run resumes after the last batch), with progress,
// and appends the run's audit entry (`action`, operator, case).
Result<AnalysisRun> AnalyseStoredDocuments(store::Store& store, const std::string& analyzer,
                                           const std::string& key, const std::string& action,
                                           const std::string& operator_name,
                                           const std::string& case_id, Progress& progress,
                                           const AnalyseFn& analyse,
                                           const AlsoSaveFn& also_save = {});

// Saves one batch of analyses in one transaction (a stopped run resumes after the last batch).
Status PutAnalyses(store::Store& store, const std::vector<store::Analysis>& analyses,
                   const std::string& analyzed_at, const AlsoSaveFn& also_save = {});

// The audit entry of an analysing run: who ran `action` on how many documents, with which key,
// for which case.
Status AuditAnalysis(store::Store& store, const std::string& operator_name,
                     const std::string& case_id, const std::string& action, uint64_t documents,
                     const std::string& key, const std::string& at);

}  // namespace dragnet::app
