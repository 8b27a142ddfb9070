#pragma once
// WARC record vocabulary (WARC 1.1, ISO 28500:2017, section 5 and 6):
// ../shared/data/standards/warc/iipc-warc-specifications/specifications/warc-format/warc-1.1/

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dragnet::archive {

enum class WarcType {
  kWarcinfo,
  kResponse,
  kResource,
  kRequest,
  kMetadata,
  kRevisit,
  kConversion,
  kContinuation,
  kUnknown,  // a type this version does not define; readers shall skip it (WARC 1.1 section 6)
};

std::string_view WarcTypeName(WarcType type);
// Case-insensitive: ABNF literals are (RFC 5234 section 2.3).
WarcType WarcTypeFromName(std::string_view name);

inline constexpr std::string_view kRevisitIdenticalPayload =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
inline constexpr std::string_view kRevisitServerNotModified =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";

// Named header fields in file order. Lookups are case-insensitive (field names are tokens,
// compared without regard to case, section 4).
class WarcFields {
 public:
  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Continues the last field's value with a folded line (joined by one space).
  void AppendToLast(std::string_view more) {
    if (fields_.empty() || more.empty())
      return;
    std::string& value = fields_.back().second;
    if (!value.empty())
      value += ' ';
    value.append(more);
  }
  // First value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  std::vector<std::string_view> GetAll(std::string_view name) const;
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return fields_; }
  void Clear() { fields_.clear(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Finds the blank line that ends a header block: CRLF CRLF as the formats say, or LF LF as some
// writers produce. Returns the offset where the blank line starts (the header's length) and the
// separator's length (4 or 2), or {npos, 0}. Scans from `from` with memchr, so it costs the
// header's length, not the block's.
struct BlankLine {
  size_t end = std::string_view::npos;
  size_t separator = 0;
};
BlankLine FindBlankLine(std::string_view text, size_t from = 0);

// A labelled digest "algorithm:value" as written in WARC-Block-Digest / WARC-Payload-Digest.
// Values may be base32 (the spec's examples), base16 or base64 (seen in the wild).
struct LabelledDigest {
  std::string algorithm;  // as written
  std::vector<uint8_t> value;
};
enum class DigestParse { kOk, kMalformed, kUnknownAlgorithm };
DigestParse ParseLabelledDigest(std::string_view text, LabelledDigest& out);
// "sha256:" + base32 of `digest`: the labelled form WARC 1.1 section 5.8 recommends.
std::string FormatSha256Digest(const std::vector<uint8_t>& digest);

}  // namespace dragnet::archive
