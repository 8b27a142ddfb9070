#pragma once
// Helpers shared by the importers that archive local files.

#include <filesystem>
#include <string>
#include <string_view>

#include "archive/warc_writer.h"
#include "capture/importer.h"

namespace dragnet::capture {

// file:// URI of an absolute path, percent-encoding what RFC 3986 does not allow in a path.
std::string FileUri(const std::filesystem::path& absolute_path);
// A MIME type from the file name's extension; application/octet-stream when unknown.
std::string GuessContentType(const std::filesystem::path& path);
// Text of the first <title> element, entities decoded, white space collapsed, at most 300 bytes.
std::string HtmlTitle(std::string_view html);

// What an importer reports for a record it just wrote from `spec`.
ImportedRecord RecordFromWritten(const archive::WarcRecordSpec& spec,
                                 const archive::WrittenRecord& written);

}  // namespace dragnet::capture
