#include "archive/warc_record.h"

#include <array>
#include <cctype>
#include <cstring>

#include "core/encoding.h"
#include "core/hash.h"

namespace dragnet::archive {
namespace {

constexpr std::array<std::pair<WarcType, std::string_view>, 8> kTypeNames = {{
    {WarcType::kWarcinfo, "warcinfo"},
    {WarcType::kResponse, "response"},
    {WarcType::kResource, "resource"},
    {WarcType::kRequest, "request"},
    {WarcType::kMetadata, "metadata"},
    {WarcType::kRevisit, "revisit"},
    {WarcType::kConversion, "conversion"},
    {WarcType::kContinuation, "continuation"},
}};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

BlankLine FindBlankLine(std::string_view text, size_t from) {
  const char* data = text.data();
  size_t size = text.size();
  size_t i = from;
  while (i < size) {
    const void* hit = std::memchr(data + i, '\n', size - i);
    if (hit == nullptr)
      break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - data);
    if (i + 1 < size && data[i + 1] == '\n') {
      // "\r\n\n" counts as LF LF, as in the readers we agree with.
      return {i, 2};
    }
    if (i > 0 && data[i - 1] == '\r' && i + 2 < size && data[i + 1] == '\r' &&
        data[i + 2] == '\n') {
      return {i - 1, 4};
    }
    ++i;
  }
  return {};
}

std::string_view WarcTypeName(WarcType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type)
      return name;
  }
  return "unknown";
}

WarcType WarcTypeFromName(std::string_view name) {
  for (const auto& [t, type_name] : kTypeNames) {
    if (EqualsIgnoreCase(name, type_name))
      return t;
  }
  return WarcType::kUnknown;
}

std::optional<std::string_view> WarcFields::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name))
      return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> WarcFields::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name))
      out.emplace_back(v);
  }
  return out;
}

size_t WarcFields::Count(std::string_view name) const {
  size_t count = 0;
  for (const auto& field : fields_) {
    if (EqualsIgnoreCase(field.first, name))
      ++count;
  }
  return count;
}

DigestParse ParseLabelledDigest(std::string_view text, LabelledDigest& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return DigestParse::kMalformed;
  }
  std::string_view label = text.substr(0, colon);
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
      return DigestParse::kMalformed;
  }
  out.algorithm = std::string(label);
  auto algorithm = DigestAlgorithmFromName(label);
  if (!algorithm)
    return DigestParse::kUnknownAlgorithm;
  size_t size = DigestSize(*algorithm);
  std::string_view value = text.substr(colon + 1);
  if (value.size() == size * 2) {
    if (auto hex = HexDecode(value)) {
      out.value = std::move(*hex);
      return DigestParse::kOk;
    }
  }
  if (auto b32 = Base32Decode(value); b32 && b32->size() == size) {
    out.value = std::move(*b32);
    return DigestParse::kOk;
  }
  if (auto b64 = Base64Decode(value); b64 && b64->size() == size) {
    out.value = std::move(*b64);
    return DigestParse::kOk;
  }
  return DigestParse::kMalformed;
}

std::string FormatSha256Digest(const std::vector<uint8_t>& digest) {
  return "sha256:" + Base32Encode(digest);
}

}  // namespace dragnet::archive
