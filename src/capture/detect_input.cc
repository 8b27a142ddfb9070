#include <fstream>

#include <zlib.h>

#include "capture/importer.h"

namespace dragnet::capture {
namespace {

std::string Head(const std::filesystem::path& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

bool LooksLikeTelegram(const std::filesystem::path& json) {
  std::string head = Head(json, 4096);
  size_t brace = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (brace == std::string::npos || head[brace] != '{')
    return false;
  return head.find("\"messages\"") != std::string::npos ||
         head.find("\"chats\"") != std::string::npos ||
         head.find("\"personal_information\"") != std::string::npos ||
         (head.find("\"name\"") != std::string::npos && head.find("\"type\"") != std::string::npos);
}

}  // namespace

std::string DetectInputKind(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (std::filesystem::is_regular_file(path / "result.json", ec) &&
        LooksLikeTelegram(path / "result.json")) {
      return "telegram";
    }
    return "html_directory";
  }
  if (!std::filesystem::is_regular_file(path, ec))
    return "";
  std::string name = path.filename().string();
  if (name == "result.json" && LooksLikeTelegram(path))
    return "telegram";
  if (name.ends_with(".warc") || name.ends_with(".warc.gz"))
    return "warc";
  std::string head = Head(path, 2);
  if (head.size() == 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    gzFile gz = gzopen(path.c_str(), "rb");
    char buf[5] = {};
    int n = gz != nullptr ? gzread(gz, buf, 5) : 0;
    if (gz != nullptr)
      gzclose(gz);
    return n == 5 && std::string_view(buf, 5) == "WARC/" ? "warc" : "";
  }
  return Head(path, 5) == "WARC/" ? "warc" : "";
}

}  // namespace dragnet::capture
