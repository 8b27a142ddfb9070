// Reading stored documents' records (see records.h).

#include "app/records.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "core/clock.h"
#include "core/file.h"
#include "parse/charset.h"
#include "parse/html_text.h"

namespace dragnet::app {

bool LooksLikeHtml(std::string_view path, std::string_view data) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends(".html") || ends(".htm") || ends(".xhtml"))
    return true;
  std::string head(data.substr(0, 512));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return head.find("<!doctype html") != std::string::npos ||
         head.find("<html") != std::string::npos || head.find("<body") != std::string::npos;
}

// The body of an HTTP response block, decoded when it was sent gzip- or deflate-encoded (the
// WARC keeps the bytes as received). nullopt when the body cannot be decoded.
std::optional<std::string> HttpBody(std::string_view block, std::string* content_type) {
  size_t blank = block.find("\r\n\r\n");
  size_t skip = 4;
  if (blank == std::string_view::npos) {
    blank = block.find("\n\n");
    skip = 2;
  }
  if (blank == std::string_view::npos)
    return std::nullopt;
  std::string_view head = block.substr(0, blank);
  std::string_view body = block.substr(blank + skip);
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (size_t at = lower.find("\ncontent-type:"); at != std::string::npos) {
    size_t end = lower.find('\n', at + 1);
    *content_type = lower.substr(at + 14, end == std::string::npos ? end : end - at - 14);
  }
  bool gzip = lower.find("\ncontent-encoding: gzip") != std::string::npos ||
              lower.find("\ncontent-encoding: deflate") != std::string::npos;
  if (!gzip)
    return std::string(body);
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK)
    return std::nullopt;  // gzip or zlib header
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  char buffer[65536];
  int status = Z_OK;
  while (status == Z_OK && out.size() < (size_t{64} << 20)) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (stream.avail_out != 0 && status == Z_OK)
      break;
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END && status != Z_OK)
    return std::nullopt;
  return out;
}

// What a WARC record carries: an HTTP response's body (decoded) with its content type, or the
// block of any other record with the record's. nullopt when the HTTP body cannot be decoded.
std::optional<std::string> RecordPayload(archive::WarcType type, std::string& content_type,
                                         const std::string& block) {
  if (type != archive::WarcType::kResponse ||
      content_type.find("application/http") == std::string::npos) {
    return block;
  }
  std::string http_type;
  auto body = HttpBody(block, &http_type);
  content_type = http_type;
  return body;
}

// The text a person would read in a WARC record: the HTTP body of a response (decoded), HTML
// turned into text, a Telegram message's text. nullopt for records with no text (images,
// archives) or an HTTP body that cannot be decoded.
std::optional<std::string> RecordText(archive::WarcType type, std::string content_type,
                                      const std::string& block) {
  auto payload = RecordPayload(type, content_type, block);
  if (!payload)
    return std::nullopt;
  std::string text = std::move(*payload);
  bool json = content_type.find("json") != std::string::npos;
  bool textual = content_type.empty() || content_type.find("text/") != std::string::npos || json ||
                 content_type.find("html") != std::string::npos;
  if (!textual)
    return std::nullopt;
  if (!json)
    text = parse::DecodePage(text, content_type).utf8;  // windows-1251, KOI8-R... as UTF-8
  if (content_type.find("html") != std::string::npos || LooksLikeHtml("", text)) {
    return parse::ExtractText(text).text;
  }
  if (json) {
    // A Telegram message as `dragnet ingest` stores it ({"chat", "message", "text_plain"}), or a
    // bare Telegram Desktop message, whose "text" is a string or a list of strings and entities.
    // Only the message's text and the targets of its links ("text_link" entities hide a URL
    // behind a word): its ids, dates and photo paths are no words of the ad.
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    const nlohmann::json& message =
        parsed.is_object() && parsed.contains("message") ? parsed["message"] : parsed;
    if (message.is_object() && message.contains("text")) {
      const auto& value = message["text"];
      std::string joined;
      std::string links;
      if (value.is_string()) {
        joined = value.get<std::string>();
      } else if (value.is_array()) {
        for (const auto& piece : value) {
          if (piece.is_string()) {
            joined += piece.get<std::string>();
          } else if (piece.is_object() && piece.contains("text") && piece["text"].is_string()) {
            joined += piece["text"].get<std::string>();
            if (piece.contains("href") && piece["href"].is_string())
              links += "\n" + piece["href"].get<std::string>();
          }
        }
      }
      return joined + links;
    }
  }
  return text;
}

Result<StoredRecord> StoredRecordReader::Read(const store::DocumentToAnalyze& doc) {
  auto& reader = readers_[doc.archive_path];
  if (!reader) {
    DRAGNET_ASSIGN_OR_RETURN(reader, archive::WarcReader::Open(doc.archive_path, anomalies_));
  }
  auto fail = [&] {
    return DataLoss("document " + std::to_string(doc.document_id) + ": cannot read its record at " +
                    doc.archive_path + " @" + std::to_string(doc.offset));
  };
  if (!reader->Seek(doc.offset).ok())
    return fail();
  auto more = reader->Next();
  if (!more.has_value() || !*more)
    return fail();
  auto block = reader->ReadBlockToString(uint64_t{64} << 20);
  if (!block.has_value())
    return fail();
  return StoredRecord{reader->header().type, std::move(*block)};
}

Result<AnalysisRun> AnalyseStoredDocuments(store::Store& store, const std::string& analyzer,
                                           const std::string& key, const std::string& action,
                                           const std::string& operator_name,
                                           const std::string& case_id, Progress& progress,
                                           const AnalyseFn& analyse, const AlsoSaveFn& also_save) {
  const SystemClock clock;
  StoredRecordReader records;
  AnalysisRun run;
  for (int64_t after = 0;;) {
    DRAGNET_ASSIGN_OR_RETURN(auto batch, store.DocumentsToAnalyze(analyzer, key, after, 256));
    if (batch.empty())
      break;
    std::vector<store::Analysis> analyses;
    for (const auto& doc : batch) {
      after = doc.document_id;
      auto record = records.Read(doc);
      if (!record.has_value()) {
        ++run.unreadable;
        std::fprintf(stderr, "dragnet: %s\n", record.error().message().c_str());
        continue;
      }
      store::Analysis analysis;
      analysis.document_id = doc.document_id;
      analysis.analyzer = analyzer;
      analysis.analyzer_key = key;
      DRAGNET_ASSIGN_OR_RETURN(uint64_t bytes, analyse(doc, *record, analysis));
      analyses.push_back(std::move(analysis));
      ++run.analysed;
      run.bytes += bytes;
    }
    DRAGNET_RETURN_IF_ERROR(PutAnalyses(store, analyses, FormatW3c(clock.Now(), 3), also_save));
    progress.Update(run.analysed, run.bytes);
  }
  progress.Finish(run.analysed, run.bytes);
  DRAGNET_RETURN_IF_ERROR(AuditAnalysis(store, operator_name, case_id, action, run.analysed, key,
                                        FormatW3c(clock.Now(), 3)));
  return run;
}

Status PutAnalyses(store::Store& store, const std::vector<store::Analysis>& analyses,
                   const std::string& analyzed_at, const AlsoSaveFn& also_save) {
  return store.InTransaction([&]() -> Status {
    for (const auto& analysis : analyses) {
      DRAGNET_RETURN_IF_ERROR(store.PutAnalysis(analysis, analyzed_at));
      if (also_save)
        DRAGNET_RETURN_IF_ERROR(also_save(analysis));
    }
    return Status::Ok();
  });
}

Status AuditAnalysis(store::Store& store, const std::string& operator_name,
                     const std::string& case_id, const std::string& action, uint64_t documents,
                     const std::string& key, const std::string& at) {
  store::AuditEntry audit;
  audit.at = at;
  audit.actor = operator_name.empty() ? UserName() : operator_name;
  audit.action = action;
  audit.target = std::to_string(documents) + " documents with " + key;
  audit.reason = case_id.empty() ? "" : "case " + case_id;
  auto appended = store.AppendAudit(audit);
  if (!appended.has_value())
    return appended.error();
  return Status::Ok();
}

}  // namespace dragnet::app
