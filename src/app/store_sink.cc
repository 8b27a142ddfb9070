#include "app/store_sink.h"

#include "core/clock.h"

namespace dragnet::app {

Result<bool> StoreSink::AlreadyImported(const std::string& key) {
  return store_.HasIngested(key);
}

Result<bool> StoreSink::HasArchiveFile(const std::string& sha256) {
  DRAGNET_ASSIGN_OR_RETURN(auto found, store_.FindArchiveFileBySha256(sha256));
  return found.has_value();
}

Status StoreSink::OnArchiveFile(const capture::ImportedArchiveFile& file) {
  DRAGNET_ASSIGN_OR_RETURN(auto existing, store_.FindArchiveFileByPath(file.path.string()));
  if (existing) {
    if (!existing->sha256.empty() && existing->sha256 != file.sha256) {
      // Same path, different bytes: the file changed since it was indexed. Evidence must not
      // silently move under its index entries.
      return Error(ErrorCode::kFailedPrecondition,
                   file.path.string() + " changed since it was indexed (sha256 was " +
                       existing->sha256 + ", now " + file.sha256 + ")");
    }
    archive_ids_[file.path.string()] = existing->id;
    return Status::Ok();
  }
  store::ArchiveFile row;
  row.path = file.path.string();
  row.sha256 = file.sha256;
  row.size = file.size;
  row.origin = file.origin;
  row.records = file.records;
  row.registered_at = FormatW3c(SystemClock().Now(), 3);
  DRAGNET_ASSIGN_OR_RETURN(int64_t id, store_.AddArchiveFile(row));
  archive_ids_[row.path] = id;
  return Status::Ok();
}

Status StoreSink::OnArchiveFileIndexed(const capture::ImportedArchiveFile& file) {
  auto it = archive_ids_.find(file.path.string());
  if (it != archive_ids_.end()) {
    DRAGNET_RETURN_IF_ERROR(store_.SetArchiveFileRecords(it->second, file.records));
  }
  if (custody_ == nullptr)
    return Status::Ok();
  archive::CustodyFileFacts facts;
  facts.file = file.path.string();
  facts.size = file.size;
  facts.sha256 = file.sha256;
  facts.records = file.records;
  facts.first_record_date = file.first_record_date;
  facts.last_record_date = file.last_record_date;
  facts.status = "indexed";
  facts.note = "third-party WARC file indexed in place, not copied";
  DRAGNET_RETURN_IF_ERROR(custody_->Append(facts, context_, FormatW3c(SystemClock().Now(), 3)));
  return Status::Ok();
}

Result<int64_t> StoreSink::ArchiveFileId(const std::filesystem::path& path) {
  auto it = archive_ids_.find(path.string());
  if (it != archive_ids_.end())
    return it->second;
  DRAGNET_ASSIGN_OR_RETURN(auto existing, store_.FindArchiveFileByPath(path.string()));
  if (existing) {
    archive_ids_[path.string()] = existing->id;
    return existing->id;
  }
  // A file Dragnet is writing right now; its hash goes into the custody manifest on close.
  store::ArchiveFile row;
  row.path = path.string();
  row.origin = "written";
  row.registered_at = FormatW3c(SystemClock().Now(), 3);
  DRAGNET_ASSIGN_OR_RETURN(int64_t id, store_.AddArchiveFile(row));
  archive_ids_[row.path] = id;
  return id;
}

Result<int64_t> StoreSink::SourceId(const capture::ImportSource& source) {
  std::string cache_key = source.kind + "\n" + source.key;
  auto it = source_ids_.find(cache_key);
  if (it != source_ids_.end())
    return it->second;
  DRAGNET_ASSIGN_OR_RETURN(int64_t id,
                           store_.UpsertSource({0, source.kind, source.key, source.name}));
  source_ids_[cache_key] = id;
  return id;
}

Status StoreSink::RecordItem(const capture::ImportSource& source,
                             const std::vector<capture::ImportedRecord>& records) {
  DRAGNET_ASSIGN_OR_RETURN(int64_t source_id, SourceId(source));
  for (const auto& r : records) {
    DRAGNET_ASSIGN_OR_RETURN(int64_t file_id, ArchiveFileId(r.warc_file));
    store::Capture capture;
    capture.source_id = source_id;
    capture.archive_file_id = file_id;
    capture.offset = r.offset;
    capture.length = r.length;
    capture.record_id = r.record_id;
    capture.record_type = r.record_type;
    capture.uri = r.uri;
    capture.date = r.date;
    capture.http_status = r.http_status;
    capture.content_type = r.content_type;
    capture.payload_digest = r.payload_digest;
    capture.case_id = case_id_;
    DRAGNET_ASSIGN_OR_RETURN(int64_t capture_id, store_.AddCapture(capture));
    ++pending_captures_;
    if (!r.document_kind.empty()) {
      store::Document document;
      document.capture_id = capture_id;
      document.kind = r.document_kind;
      document.title = r.title;
      document.external_id = r.external_id;
      document.date = r.document_date.empty() ? r.date : r.document_date;
      DRAGNET_RETURN_IF_ERROR(store_.AddDocument(document));
      ++pending_documents_;
    }
  }
  return Status::Ok();
}

void StoreSink::Committed(bool ok) {
  if (ok) {
    captures_added_ += pending_captures_;
    documents_added_ += pending_documents_;
  } else {
    // The transaction rolled back: forget ids cached inside it.
    archive_ids_.clear();
    source_ids_.clear();
  }
  pending_captures_ = pending_documents_ = 0;
}

Status StoreSink::OnItem(const capture::ImportSource& source,
                         const std::vector<capture::ImportedRecord>& records,
                         const std::string& key, const std::string& description) {
  Status status = store_.InTransaction([&]() -> Status {
    DRAGNET_RETURN_IF_ERROR(RecordItem(source, records));
    if (!key.empty())
      DRAGNET_RETURN_IF_ERROR(store_.MarkIngested(key, description));
    return Status::Ok();
  });
  Committed(status.ok());
  return status;
}

}  // namespace dragnet::app
