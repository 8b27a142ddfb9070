// Telegram Desktop exports ("Export chat history", JSON): result.json holds one chat, or a whole
// account under chats.list. Each message is archived verbatim as a JSON resource record, with the
// media files it references, so nothing the export held is lost.

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "capture/import_util.h"
#include "capture/importer.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/hash.h"

namespace dragnet::capture {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kNotIncluded = "(File not included.";

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string IdText(const Json& id) {
  if (id.is_number_integer())
    return std::to_string(id.get<int64_t>());
  if (id.is_string())
    return id.get<std::string>();
  return "";
}

// The message's text as plain text: a string, or a list of strings and entity objects.
std::string PlainText(const Json& text) {
  if (text.is_string())
    return text.get<std::string>();
  std::string out;
  if (text.is_array()) {
    for (const auto& part : text) {
      if (part.is_string()) {
        out += part.get<std::string>();
      } else if (part.is_object() && part.contains("text") && part["text"].is_string()) {
        out += part["text"].get<std::string>();
      }
    }
  }
  return out;
}

// Splits the "messages" array of a damaged file into the objects that still parse. Returns the
// objects and reports each unparsable one. Brace matching respects strings and escapes.
std::vector<std::pair<Json, uint64_t>> SalvageMessages(std::string_view text, size_t array_start,
                                                       const std::filesystem::path& file,
                                                       ImportStats& stats) {
  std::vector<std::pair<Json, uint64_t>> out;
  size_t i = array_start;
  while (i < text.size()) {
    size_t open = text.find_first_of("{]", i);
    if (open == std::string_view::npos || text[open] == ']')
      break;
    int depth = 0;
    bool in_string = false;
    size_t j = open;
    for (; j < text.size(); ++j) {
      char c = text[j];
      if (in_string) {
        if (c == '\\') {
          ++j;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"')
        in_string = true;
      if (c == '{')
        ++depth;
      if (c == '}' && --depth == 0)
        break;
    }
    if (j >= text.size()) {
      stats.AddAnomaly(file, model::Severity::kError, "telegram.truncated_message",
                       "message object cut off by the end of the file", open);
      break;
    }
    Json message = Json::parse(text.substr(open, j + 1 - open), nullptr, false);
    if (message.is_discarded()) {
      stats.AddAnomaly(file, model::Severity::kError, "telegram.bad_message",
                       "message object is not valid JSON", open);
    } else {
      out.emplace_back(std::move(message), open);
    }
    i = j + 1;
  }
  return out;
}

struct ChatInfo {
  std::string id;
  std::string name;
  std::string type;
};

class TelegramImporter {
 public:
  TelegramImporter(std::filesystem::path file, archive::WarcWriter& writer, ImportSink& sink,
                   ImportStats& stats, Progress& progress)
      : file_(std::move(file)),
        base_(file_.parent_path()),
        writer_(writer),
        sink_(sink),
        stats_(stats),
        progress_(progress) {}

  Status Run() {
    DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(file_));
    stats_.bytes += text.size();
    Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!root.is_discarded()) {
      if (root.contains("chats") && root["chats"].is_object() && root["chats"].contains("list") &&
          root["chats"]["list"].is_array()) {
        for (const auto& chat : root["chats"]["list"])
          DRAGNET_RETURN_IF_ERROR(ImportChat(chat));
        return Status::Ok();
      }
      if (root.is_object() && root.contains("messages"))
        return ImportChat(root);
      return InvalidArgument(file_.string() +
                             ": JSON without \"messages\" or \"chats\": not a "
                             "Telegram Desktop export");
    }
    // Not valid JSON: find where it breaks, then salvage what is readable.
    uint64_t error_at = text.size();
    try {
      Json strict = Json::parse(text);
      (void)strict;
    } catch (const nlohmann::json::parse_error& e) {
      error_at = e.byte;
    }
    stats_.AddAnomaly(file_, model::Severity::kError, "telegram.bad_json",
                      "not valid JSON (truncated export?); importing the messages that parse",
                      error_at);
    size_t messages = text.find("\"messages\"");
    if (messages == std::string::npos) {
      return InvalidArgument(file_.string() + ": not valid JSON and no \"messages\" array found");
    }
    ChatInfo chat = ChatHeader(text.substr(0, messages));
    size_t array = text.find('[', messages);
    if (array == std::string::npos)
      return Status::Ok();
    for (auto& [message, offset] : SalvageMessages(text, array + 1, file_, stats_)) {
      DRAGNET_RETURN_IF_ERROR(ImportMessage(chat, message, offset));
    }
    return Status::Ok();
  }

 private:
  // Chat id, name and type from the text before "messages", field by field.
  ChatInfo ChatHeader(std::string_view head) {
    ChatInfo chat;
    auto field = [&](std::string_view name) -> Json {
      std::string quoted = "\"" + std::string(name) + "\"";
      size_t at = head.find(quoted);
      if (at == std::string_view::npos)
        return Json();
      size_t colon = head.find(':', at + quoted.size());
      size_t end = head.find_first_of(",\n}", colon + 1);
      if (colon == std::string_view::npos || end == std::string_view::npos)
        return Json();
      return Json::parse(head.substr(colon + 1, end - colon - 1), nullptr, false);
    };
    chat.id = IdText(field("id"));
    Json name = field("name");
    chat.name = name.is_string() ? name.get<std::string>() : "";
    Json type = field("type");
    chat.type = type.is_string() ? type.get<std::string>() : "";
    return chat;
  }

  Status ImportChat(const Json& chat_json) {
    if (!chat_json.is_object() || !chat_json.contains("messages") ||
        !chat_json["messages"].is_array()) {
      stats_.AddAnomaly(file_, model::Severity::kError, "telegram.bad_chat",
                        "chat without a \"messages\" array", 0);
      return Status::Ok();
    }
    ChatInfo chat;
    chat.id = chat_json.contains("id") ? IdText(chat_json["id"]) : "";
    chat.name = chat_json.value("name", Json("")).is_string() ? chat_json.value("name", "") : "";
    chat.type = chat_json.value("type", Json("")).is_string() ? chat_json.value("type", "") : "";
    for (const auto& message : chat_json["messages"]) {
      DRAGNET_RETURN_IF_ERROR(ImportMessage(chat, message, 0));
    }
    return Status::Ok();
  }

  Status ImportMessage(const ChatInfo& chat, const Json& message, uint64_t offset) {
    progress_.Update(stats_.items, stats_.bytes, chat.name);
    if (!message.is_object() || !message.contains("id") || IdText(message["id"]).empty()) {
      stats_.AddAnomaly(file_, model::Severity::kError, "telegram.bad_message",
                        "message without an id in chat " + chat.id + ", skipped", offset);
      return Status::Ok();
    }
    std::string message_id = IdText(message["id"]);
    std::string message_json = Dump(message);
    std::string key = "telegram:" + chat.id + ":" + message_id + ":" + Sha256Hex(message_json);
    DRAGNET_ASSIGN_OR_RETURN(bool seen, sink_.AlreadyImported(key));
    if (seen) {
      ++stats_.duplicates;
      return Status::Ok();
    }
    Json block;
    block["chat"] = {{"id", chat.id}, {"name", chat.name}, {"type", chat.type}};
    block["message"] = message;
    block["text_plain"] = message.contains("text") ? PlainText(message["text"]) : "";
    std::string block_text = Dump(block);

    // Telegram's private-link form; it names chat and message even where no public username
    // is known (exports do not include it).
    archive::WarcRecordSpec spec;
    spec.type = archive::WarcType::kResource;
    spec.target_uri = "https://t.me/c/" + chat.id + "/" + message_id;
    spec.content_type = "application/json";
    spec.block = block_text;
    spec.extra_fields.emplace_back("Dragnet-Telegram-Chat", chat.id);
    spec.extra_fields.emplace_back("Dragnet-Telegram-Message", message_id);
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord written, writer_.Write(spec));

    std::vector<ImportedRecord> records;
    ImportedRecord record = RecordFromWritten(spec, written);
    bool service = message.value("type", Json("message")) == "service";
    record.document_kind = service ? "telegram_service" : "telegram_message";
    std::string plain = block["text_plain"].get<std::string>();
    record.title = plain.substr(0, std::min<size_t>(plain.size(), 300));
    record.external_id = chat.id + "/" + message_id;
    if (message.contains("date_unixtime") && message["date_unixtime"].is_string()) {
      try {
        record.document_date =
            FormatW3c(FromUnixSeconds(std::stoll(message["date_unixtime"].get<std::string>())), 0);
      } catch (const std::exception&) {
        stats_.AddAnomaly(file_, model::Severity::kWarning, "telegram.bad_date",
                          "message " + message_id + ": date_unixtime is not a number", offset);
      }
    }
    records.push_back(record);

    for (const char* field : {"photo", "file", "thumbnail"}) {
      if (!message.contains(field) || !message[field].is_string())
        continue;
      std::string relative = message[field].get<std::string>();
      if (relative.empty() || relative.rfind(kNotIncluded, 0) == 0)
        continue;
      DRAGNET_RETURN_IF_ERROR(ImportMedia(relative, message, written.record_id, records, offset));
    }
    DRAGNET_RETURN_IF_ERROR(sink_.OnItem({"telegram_channel", chat.id, chat.name}, records, key,
                                         "Telegram message " + chat.id + "/" + message_id));
    ++stats_.items;
    return Status::Ok();
  }

  Status ImportMedia(const std::string& relative, const Json& message,
                     const std::string& message_record, std::vector<ImportedRecord>& records,
                     uint64_t offset) {
    std::filesystem::path path = base_ / relative;
    std::error_code ec;
    std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ec);
    // A path in the export must stay inside the export: "../../etc/passwd" is not media.
    std::string base = std::filesystem::weakly_canonical(base_, ec).string();
    if (resolved.string().rfind(base + "/", 0) != 0) {
      stats_.AddAnomaly(file_, model::Severity::kError, "telegram.media_outside_export",
                        "media path " + relative + " points outside the export", offset);
      return Status::Ok();
    }
    auto content = ReadFile(resolved);
    if (!content.has_value()) {
      stats_.AddAnomaly(file_, model::Severity::kError, "telegram.media_missing",
                        "message " + IdText(message["id"]) + ": media " + relative + ": " +
                            content.error().message(),
                        offset);
      return Status::Ok();
    }
    std::string sha = Sha256Hex(*content);
    if (!media_written_.insert(sha).second)
      return Status::Ok();  // same file, already archived
    archive::WarcRecordSpec spec;
    spec.type = archive::WarcType::kResource;
    spec.target_uri = FileUri(resolved);
    spec.content_type = message.contains("mime_type") && message["mime_type"].is_string()
                            ? message["mime_type"].get<std::string>()
                            : GuessContentType(resolved);
    spec.block = *content;
    spec.extra_fields.emplace_back("WARC-Concurrent-To", message_record);
    spec.extra_fields.emplace_back("Dragnet-Source-Path", resolved.string());
    DRAGNET_ASSIGN_OR_RETURN(archive::WrittenRecord written, writer_.Write(spec));
    ImportedRecord record = RecordFromWritten(spec, written);
    records.push_back(record);
    ++stats_.media;
    stats_.bytes += content->size();
    return Status::Ok();
  }

  std::filesystem::path file_;
  std::filesystem::path base_;
  archive::WarcWriter& writer_;
  ImportSink& sink_;
  ImportStats& stats_;
  Progress& progress_;
  std::set<std::string> media_written_;
};

}  // namespace

Status ImportTelegramExport(const std::filesystem::path& input, archive::WarcWriter& writer,
                            ImportSink& sink, ImportStats& stats, Progress& progress) {
  std::error_code ec;
  std::filesystem::path file = input;
  if (std::filesystem::is_directory(input, ec))
    file = input / "result.json";
  if (!std::filesystem::is_regular_file(file, ec)) {
    return InvalidArgument(file.string() + " not found: a Telegram Desktop export has result.json");
  }
  file = std::filesystem::canonical(file, ec);
  return TelegramImporter(file, writer, sink, stats, progress).Run();
}

}  // namespace dragnet::capture
