#include "archive/warc_validator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>

#include <arpa/inet.h>

#include "core/clock.h"
#include "core/hash.h"

namespace dragnet::archive {
namespace {

using model::Severity;

// Field rules of WARC 1.1 section 5: where a field "shall not" appear.
struct FieldRule {
  std::string_view field;
  std::array<WarcType, 3> types;
  size_t count;
};
// Fields allowed only in the listed record types.
constexpr std::array<FieldRule, 7> kOnlyIn = {{
    {"WARC-Filename", {WarcType::kWarcinfo}, 1},
    {"WARC-Profile", {WarcType::kRevisit}, 1},
    {"WARC-Refers-To", {WarcType::kMetadata, WarcType::kRevisit, WarcType::kConversion}, 3},
    {"WARC-Refers-To-Target-URI", {WarcType::kRevisit}, 1},
    {"WARC-Refers-To-Date", {WarcType::kRevisit}, 1},
    {"WARC-Segment-Origin-ID", {WarcType::kContinuation}, 1},
    {"WARC-Segment-Total-Length", {WarcType::kContinuation}, 1},
}};
// Fields not allowed in the listed record types.
constexpr std::array<FieldRule, 6> kNotIn = {{
    {"WARC-Concurrent-To",
     {WarcType::kWarcinfo, WarcType::kConversion, WarcType::kContinuation},
     3},
    {"WARC-IP-Address", {WarcType::kWarcinfo, WarcType::kConversion, WarcType::kContinuation}, 3},
    {"WARC-Warcinfo-ID", {WarcType::kWarcinfo}, 1},
    {"WARC-Target-URI", {WarcType::kWarcinfo}, 1},
    // warcinfo and metadata have no well-defined payload.
    {"WARC-Payload-Digest", {WarcType::kWarcinfo, WarcType::kMetadata}, 2},
    {"WARC-Identified-Payload-Type", {WarcType::kWarcinfo, WarcType::kMetadata}, 2},
}};

bool Listed(const FieldRule& rule, WarcType type) {
  for (size_t i = 0; i < rule.count; ++i) {
    if (rule.types[i] == type)
      return true;
  }
  return false;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 3986 absolute URI, loosely: a scheme and no whitespace.
bool LooksLikeUri(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  size_t colon = s.find(':');
  if (colon == std::string_view::npos)
    return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// "<" uri ">" as WARC-Record-ID and the fields that refer to one are written.
bool IsBracketUri(std::string_view s) {
  if (s.size() < 3 || s.front() != '<' || s.back() != '>')
    return false;
  std::string_view inner = s.substr(1, s.size() - 2);
  return LooksLikeUri(inner) && inner.find_first_of("<>") == std::string_view::npos;
}

bool IsIpAddress(std::string_view s) {
  std::string text(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool IsW3cDate(std::string_view s) {
  std::string upper(s);
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return ParseW3c(upper).has_value();
}

// Streams an HTTP message: finds the end of its header, then feeds the body to a hasher as is
// and, when chunked, de-chunked (RFC 9112 section 7.1). WARC 1.1 section 5.9 defines the payload
// as the entity body with transfer encoding removed; many writers hashed the chunked bytes.
class HttpPayloadStream {
 public:
  explicit HttpPayloadStream(DigestAlgorithm algorithm) : raw_(algorithm), decoded_(algorithm) {}

  void Feed(std::string_view bytes) {
    if (!in_body_) {
      // Common case: the whole HTTP header is in the first piece; search it in place.
      std::string_view text = bytes;
      size_t previous = header_.size();
      if (previous > 0) {
        if (previous >= kMaxHeader) {
          return;
        }
        header_.append(bytes.substr(0, std::min(bytes.size(), kMaxHeader - previous)));
        text = header_;
      }
      BlankLine blank = FindBlankLine(text, previous > 3 ? previous - 3 : 0);
      if (blank.end == std::string_view::npos) {
        if (previous == 0) {
          header_.assign(bytes.substr(0, std::min(bytes.size(), kMaxHeader)));
        }
        return;
      }
      in_body_ = true;
      lf_only_ = blank.separator == 2;
      ParseHeader(text.substr(0, blank.end));
      // The terminator was not in the first `previous` bytes, so the body starts in `bytes`.
      bytes = bytes.substr(blank.end + blank.separator - previous);
      header_.clear();
    }
    raw_.Update(bytes);
    if (chunked_)
      Dechunk(bytes);
  }

  bool header_complete() const { return in_body_; }
  bool lf_only() const { return lf_only_; }
  bool chunked() const { return chunked_; }
  bool dechunked_cleanly() const { return chunk_state_ == ChunkState::kDone; }
  std::string_view start_line() const { return start_line_; }
  std::vector<uint8_t> RawDigest() { return raw_.Finish(); }
  std::vector<uint8_t> DecodedDigest() { return decoded_.Finish(); }

 private:
  static constexpr size_t kMaxHeader = 1 << 20;
  enum class ChunkState { kSize, kData, kDataCr, kDataLf, kDone, kBad };

  void ParseHeader(std::string_view head) {
    size_t eol = head.find('\n');
    start_line_ = std::string(head.substr(0, eol));
    if (!start_line_.empty() && start_line_.back() == '\r')
      start_line_.pop_back();
    while (eol != std::string_view::npos) {
      head = head.substr(eol + 1);
      eol = head.find('\n');
      std::string_view line = head.substr(0, eol);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos)
        continue;
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && name.back() == ' ')
        name.remove_suffix(1);
      if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
        std::string value(line.substr(colon + 1));
        for (char& c : value)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (value.find("chunked") != std::string::npos)
          chunked_ = true;
      }
    }
  }

  void Dechunk(std::string_view bytes) {
    size_t i = 0;
    while (i < bytes.size() && chunk_state_ != ChunkState::kDone &&
           chunk_state_ != ChunkState::kBad) {
      switch (chunk_state_) {
        case ChunkState::kSize: {
          char c = bytes[i++];
          if (c == '\n') {
            std::string_view line(size_line_);
            if (!line.empty() && line.back() == '\r') {
              line.remove_suffix(1);
            } else {
              chunk_state_ = ChunkState::kBad;
              break;
            }
            line = line.substr(0, line.find(';'));
            while (!line.empty() && line.front() == ' ')
              line.remove_prefix(1);
            while (!line.empty() && line.back() == ' ')
              line.remove_suffix(1);
            uint64_t size = 0;
            bool ok = !line.empty() && line.size() <= 15;
            for (char h : line) {
              int v = std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                      : (h >= 'a' && h <= 'f')                    ? h - 'a' + 10
                      : (h >= 'A' && h <= 'F')                    ? h - 'A' + 10
                                                                  : -1;
              if (v < 0)
                ok = false;
              size = size * 16 + static_cast<uint64_t>(std::max(v, 0));
            }
            size_line_.clear();
            if (!ok) {
              chunk_state_ = ChunkState::kBad;
            } else if (size == 0) {
              chunk_state_ = ChunkState::kDone;
            } else {
              chunk_remaining_ = size;
              chunk_state_ = ChunkState::kData;
            }
          } else if (size_line_.size() < 256) {
            size_line_ += c;
          } else {
            chunk_state_ = ChunkState::kBad;
          }
          break;
        }
        case ChunkState::kData: {
          size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_remaining_, bytes.size() - i));
          decoded_.Update(bytes.substr(i, take));
          i += take;
          chunk_remaining_ -= take;
          if (chunk_remaining_ == 0)
            chunk_state_ = ChunkState::kDataCr;
          break;
        }
        case ChunkState::kDataCr:
          chunk_state_ = bytes[i++] == '\r' ? ChunkState::kDataLf : ChunkState::kBad;
          break;
        case ChunkState::kDataLf:
          chunk_state_ = bytes[i++] == '\n' ? ChunkState::kSize : ChunkState::kBad;
          break;
        case ChunkState::kDone:
        case ChunkState::kBad:
          break;
      }
    }
  }

  Hasher raw_;
  Hasher decoded_;
  std::string header_;
  std::string start_line_;
  bool in_body_ = false;
  bool lf_only_ = false;
  bool chunked_ = false;
  ChunkState chunk_state_ = ChunkState::kSize;
  std::string size_line_;
  uint64_t chunk_remaining_ = 0;
};

}  // namespace

void WarcValidator::Error(const WarcRecordHeader& h, std::string kind, std::string detail) {
  anomalies_.Add(Severity::kError, std::move(kind), std::string(h.label()) + ": " + detail,
                 h.offset);
}
void WarcValidator::Warn(const WarcRecordHeader& h, std::string kind, std::string detail) {
  anomalies_.Add(Severity::kWarning, std::move(kind), std::string(h.label()) + ": " + detail,
                 h.offset);
}

void WarcValidator::CheckFields(const WarcRecordHeader& h) {
  const WarcFields& f = h.fields;
  std::string_view type_raw = f.Get("WARC-Type").value_or("");
  WarcType type = h.type;
  if (type != WarcType::kUnknown && type_raw != WarcTypeName(type)) {
    Warn(h, "warc.type_case", "WARC-Type '" + std::string(type_raw) + "' is not in lower case");
  }
  std::string version = h.version;
  for (char& c : version)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (version != h.version) {
    Warn(h, "warc.version_case", "version line '" + h.version + "' is not in upper case");
  }
  bool v10 = version == "WARC/1.0";
  if (version != "WARC/1.1" && !v10) {
    if (version == "WARC/0.17" || version == "WARC/0.18") {
      Warn(h, "warc.old_version", "version " + version + " (pre-standard draft)");
    } else {
      Error(h, "warc.unknown_version", "unknown version line '" + h.version + "'");
    }
  }
  for (std::string_view mandatory :
       {"WARC-Record-ID", "Content-Length", "WARC-Date", "WARC-Type"}) {
    if (!f.Get(mandatory)) {
      Error(h, "warc.missing_field", "mandatory field " + std::string(mandatory) + " missing");
    }
  }
  std::set<std::string> seen_repeated;
  for (const auto& [name, value] : f.items()) {
    std::string lower = name;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool defined =
        lower.rfind("warc-", 0) == 0 || lower == "content-length" || lower == "content-type";
    if (defined && lower != "warc-concurrent-to" && f.Count(name) > 1 &&
        seen_repeated.insert(lower).second) {
      Error(h, "warc.repeated_field",
            "field " + name + " repeated " + std::to_string(f.Count(name)) +
                " times (only WARC-Concurrent-To may repeat)");
    }
    if (value.empty() && lower.rfind("warc-", 0) == 0) {
      Error(h, "warc.empty_field", "field " + name + " is empty");
    }
  }
  if (type == WarcType::kUnknown && !type_raw.empty()) {
    Warn(h, "warc.unknown_type", "unknown WARC-Type '" + std::string(type_raw) + "' (skipped)");
  }
  if (auto id = f.Get("WARC-Record-ID")) {
    if (!id->empty() && !IsBracketUri(*id)) {
      Error(h, "warc.bad_record_id", "WARC-Record-ID '" + std::string(*id) + "' is not <uri>");
    }
    if (!id->empty()) {
      auto [it, inserted] = record_ids_.emplace(std::string(*id), h.number);
      if (!inserted) {
        Error(h, "warc.duplicate_record_id",
              "WARC-Record-ID " + std::string(*id) + " duplicates record #" +
                  std::to_string(it->second));
      }
    }
  }
  if (auto cl = f.Get("Content-Length"); cl && !AllDigits(*cl)) {
    Error(h, "warc.bad_content_length", "Content-Length '" + std::string(*cl) + "' is not digits");
  }
  if (auto date = f.Get("WARC-Date"); date && !date->empty()) {
    if (!IsW3cDate(*date)) {
      Error(h, "warc.bad_date", "WARC-Date '" + std::string(*date) + "' is not W3C-ISO8601 UTC");
    } else if (date->find_first_of("tz") != std::string_view::npos) {
      Warn(h, "warc.date_case", "WARC-Date '" + std::string(*date) + "' uses lower-case t/z");
    } else if (v10 && (date->size() != 20 || date->find('.') != std::string_view::npos)) {
      Warn(h, "warc.date_precision",
           "WARC-Date '" + std::string(*date) + "': WARC/1.0 expects YYYY-MM-DDThh:mm:ssZ");
    }
  }
  if (auto rdate = f.Get("WARC-Refers-To-Date"); rdate && !rdate->empty() && !ParseW3c(*rdate)) {
    Error(h, "warc.bad_date",
          "WARC-Refers-To-Date '" + std::string(*rdate) + "' is not W3C-ISO8601");
  }
  for (std::string_view ref :
       {"WARC-Concurrent-To", "WARC-Refers-To", "WARC-Warcinfo-ID", "WARC-Segment-Origin-ID"}) {
    for (std::string_view v : f.GetAll(ref)) {
      if (!v.empty() && !IsBracketUri(v)) {
        Error(h, "warc.bad_reference", std::string(ref) + " '" + std::string(v) + "' is not <uri>");
      }
    }
  }
  auto target = f.Get("WARC-Target-URI");
  bool needs_target = type == WarcType::kResponse || type == WarcType::kResource ||
                      type == WarcType::kRequest || type == WarcType::kRevisit ||
                      type == WarcType::kConversion || type == WarcType::kContinuation;
  if (needs_target && !target) {
    Error(h, "warc.missing_field",
          std::string(WarcTypeName(type)) + " record without WARC-Target-URI");
  }
  if (target && !target->empty()) {
    if (target->front() == '<' && target->back() == '>') {
      std::string detail = "WARC-Target-URI '" + std::string(*target) +
                           "' is in angle brackets (a WARC/1.0 grammar typo, dropped in 1.1)";
      if (v10) {
        Warn(h, "warc.bracketed_target", detail);
      } else {
        Error(h, "warc.bracketed_target", detail);
      }
    } else if (!LooksLikeUri(*target)) {
      Error(h, "warc.bad_target_uri",
            "WARC-Target-URI '" + std::string(*target) + "' is not an RFC 3986 URI");
    }
  }
  if (auto rt = f.Get("WARC-Refers-To-Target-URI"); rt && !rt->empty() && !LooksLikeUri(*rt)) {
    Error(h, "warc.bad_target_uri",
          "WARC-Refers-To-Target-URI '" + std::string(*rt) + "' is not a URI");
  }
  if (type != WarcType::kUnknown) {
    for (const auto& rule : kOnlyIn) {
      if (f.Get(rule.field) && !Listed(rule, type)) {
        Error(h, "warc.field_not_allowed",
              std::string(rule.field) + " shall not be used in a " +
                  std::string(WarcTypeName(type)) + " record");
      }
    }
    for (const auto& rule : kNotIn) {
      if (f.Get(rule.field) && Listed(rule, type)) {
        Error(h, "warc.field_not_allowed",
              std::string(rule.field) + " shall not be used in a " +
                  std::string(WarcTypeName(type)) + " record");
      }
    }
  }
  if (auto ip = f.Get("WARC-IP-Address"); ip && !ip->empty() && !IsIpAddress(*ip)) {
    Error(h, "warc.bad_ip", "WARC-IP-Address '" + std::string(*ip) + "' is not an IP address");
  }
  if (auto trunc = f.Get("WARC-Truncated")) {
    if (*trunc != "length" && *trunc != "time" && *trunc != "disconnect" &&
        *trunc != "unspecified") {
      Warn(h, "warc.truncated_reason",
           "WARC-Truncated '" + std::string(*trunc) + "' is not a defined reason");
    }
  }
  for (std::string_view field : {"WARC-Segment-Number", "WARC-Segment-Total-Length"}) {
    if (auto v = f.Get(field); v && !v->empty() && !AllDigits(*v)) {
      Error(h, "warc.bad_segment", std::string(field) + " '" + std::string(*v) + "' is not digits");
    }
  }
  auto segment = f.Get("WARC-Segment-Number");
  if (type == WarcType::kContinuation) {
    if (!f.Get("WARC-Segment-Origin-ID")) {
      Error(h, "warc.missing_field", "continuation record without WARC-Segment-Origin-ID");
    }
    if (!segment) {
      Error(h, "warc.missing_field", "continuation record without WARC-Segment-Number");
    } else if (*segment == "1") {
      Error(h, "warc.bad_segment", "continuation record with WARC-Segment-Number 1");
    }
  } else if (segment && *segment != "1") {
    Error(h, "warc.bad_segment",
          "first segment must have WARC-Segment-Number 1, has " + std::string(*segment));
  }
  if (type == WarcType::kRevisit) {
    auto profile = f.Get("WARC-Profile");
    if (!profile) {
      Error(h, "warc.missing_field", "revisit record without WARC-Profile");
    } else {
      bool identical =
          *profile == kRevisitIdenticalPayload ||
          *profile == "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest" ||
          *profile ==
              "http://netpreserve.org/warc/1.0/revisit/uri-agnostic-identical-payload-digest";
      bool not_modified = *profile == kRevisitServerNotModified ||
                          *profile == "http://netpreserve.org/warc/1.0/revisit/server-not-modified";
      if (!identical && !not_modified) {
        Warn(h, "warc.unknown_profile",
             "revisit WARC-Profile '" + std::string(*profile) + "' is not a known profile");
      }
      if (identical && !f.Get("WARC-Payload-Digest")) {
        Error(h, "warc.missing_field",
              "identical-payload-digest revisit without WARC-Payload-Digest");
      }
      if (identical && h.content_length.value_or(0) > 0 && !f.Get("WARC-Truncated")) {
        Warn(h, "warc.revisit_not_truncated",
             "identical-payload-digest revisit with a block but no \"WARC-Truncated: length\"");
      }
    }
    if (!f.Get("WARC-Refers-To") && !f.Get("WARC-Refers-To-Target-URI")) {
      Warn(h, "warc.revisit_no_refers_to",
           "revisit without WARC-Refers-To / WARC-Refers-To-Target-URI");
    }
  }
  if (h.content_length.value_or(0) > 0 && type != WarcType::kContinuation &&
      !f.Get("Content-Type")) {
    Warn(h, "warc.no_content_type", "non-empty block without Content-Type (should)");
  }
  if (type == WarcType::kWarcinfo) {
    if (auto ct = f.Get("Content-Type")) {
      std::string lower(*ct);
      for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("application/warc-fields", 0) != 0) {
        Warn(h, "warc.warcinfo_content_type",
             "warcinfo Content-Type '" + std::string(*ct) + "' (expected application/warc-fields)");
      }
    }
  }
}

Status WarcValidator::CheckRecord(WarcReader& reader) {
  const WarcRecordHeader& h = reader.header();
  ++records_;
  if (records_ == 1)
    first_type_ = std::string(h.fields.Get("WARC-Type").value_or(""));
  CheckFields(h);
  const WarcFields& f = h.fields;
  WarcType type = h.type;

  std::optional<LabelledDigest> block_digest;
  std::optional<DigestAlgorithm> block_algorithm;
  if (auto bd = f.Get("WARC-Block-Digest")) {
    LabelledDigest d;
    switch (ParseLabelledDigest(*bd, d)) {
      case DigestParse::kOk:
        block_digest = d;
        block_algorithm = DigestAlgorithmFromName(d.algorithm);
        break;
      case DigestParse::kMalformed:
        Error(h, "warc.bad_digest", "WARC-Block-Digest '" + std::string(*bd) + "' is malformed");
        break;
      case DigestParse::kUnknownAlgorithm:
        Warn(h, "warc.digest_algorithm",
             "WARC-Block-Digest algorithm '" + d.algorithm + "' not checked");
        break;
    }
  }
  std::optional<LabelledDigest> payload_digest;
  std::optional<DigestAlgorithm> payload_algorithm;
  bool payload_checkable = true;
  auto trunc = f.Get("WARC-Truncated");
  if (auto pd = f.Get("WARC-Payload-Digest")) {
    LabelledDigest d;
    switch (ParseLabelledDigest(*pd, d)) {
      case DigestParse::kOk:
        payload_digest = d;
        payload_algorithm = DigestAlgorithmFromName(d.algorithm);
        break;
      case DigestParse::kMalformed:
        Error(h, "warc.bad_digest", "WARC-Payload-Digest '" + std::string(*pd) + "' is malformed");
        break;
      case DigestParse::kUnknownAlgorithm:
        Warn(h, "warc.digest_algorithm",
             "WARC-Payload-Digest algorithm '" + d.algorithm + "' not checked");
        break;
    }
    // The payload of revisits and segmented records is not in this record.
    if (type == WarcType::kRevisit || type == WarcType::kContinuation ||
        f.Get("WARC-Segment-Number") || trunc) {
      payload_checkable = false;
    }
  }
  std::string content_type(f.Get("Content-Type").value_or(""));
  for (char& c : content_type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool is_http = content_type.rfind("application/http", 0) == 0;
  bool parse_http = is_http && (type == WarcType::kResponse || type == WarcType::kRequest ||
                                (type == WarcType::kRevisit && h.content_length.value_or(0) > 0));

  Hasher block_hasher(block_algorithm.value_or(DigestAlgorithm::kSha256));
  std::optional<Hasher> plain_payload;  // non-HTTP payload = the block
  std::optional<HttpPayloadStream> http;
  if (parse_http) {
    http.emplace(payload_algorithm.value_or(DigestAlgorithm::kSha256));
  } else if (payload_digest && payload_checkable) {
    plain_payload.emplace(*payload_algorithm);
  }
  for (;;) {
    DRAGNET_ASSIGN_OR_RETURN(std::string_view piece, reader.ReadBlock());
    if (piece.empty())
      break;
    if (block_digest)
      block_hasher.Update(piece);
    if (http)
      http->Feed(piece);
    if (plain_payload)
      plain_payload->Update(piece);
  }
  DRAGNET_ASSIGN_OR_RETURN(WarcRecordExtent extent, reader.FinishRecord());
  if (!extent.complete)
    return Status::Ok();  // the reader reported the truncation

  if (block_digest) {
    if (block_hasher.Finish() == block_digest->value) {
      ++digests_verified_;
    } else {
      ++digests_failed_;
      Error(h, "warc.block_digest_mismatch",
            "WARC-Block-Digest " + std::string(*f.Get("WARC-Block-Digest")) +
                " does not match the block");
    }
  }
  if (http) {
    if (!http->header_complete()) {
      if (!trunc)
        Error(h, "warc.http_header_unterminated",
              "application/http block has no end of HTTP headers");
    } else {
      std::string_view start = http->start_line();
      if (type == WarcType::kRequest) {
        size_t sp1 = start.find(' ');
        size_t sp2 = start.rfind(' ');
        if (sp1 == std::string_view::npos || sp1 == sp2 ||
            start.substr(sp2 + 1).rfind("HTTP/", 0) != 0) {
          Warn(h, "warc.http_request_line",
               "request line '" + std::string(start.substr(0, 80)) +
                   "' is not METHOD target HTTP/x.y");
        }
      } else if (start.rfind("HTTP/", 0) != 0 || start.size() < 12) {
        Warn(h, "warc.http_status_line",
             "status line '" + std::string(start.substr(0, 80)) + "' is not HTTP/x.y NNN");
      }
      if (http->lf_only())
        Warn(h, "warc.http_lf", "HTTP header ends with LF LF, not CRLF CRLF");
    }
  }
  if (payload_digest && payload_checkable) {
    std::optional<std::vector<uint8_t>> got;
    std::optional<std::vector<uint8_t>> raw;
    if (plain_payload) {
      got = plain_payload->Finish();
    } else if (http && http->header_complete()) {
      if (http->chunked()) {
        raw = http->RawDigest();
        if (http->dechunked_cleanly()) {
          got = http->DecodedDigest();
        } else {
          Warn(h, "warc.bad_chunking", "Transfer-Encoding: chunked body does not de-chunk cleanly");
          got = raw;
        }
      } else {
        got = http->RawDigest();
      }
    }
    if (!got) {
      Warn(h, "warc.no_payload", "payload digest not checked (no payload found)");
    } else if (*got == payload_digest->value) {
      ++digests_verified_;
    } else if (raw && *raw == payload_digest->value) {
      Warn(h, "warc.payload_digest_chunked",
           "WARC-Payload-Digest matches the transfer-encoded (chunked) body, not the entity body");
    } else {
      ++digests_failed_;
      Error(h, "warc.payload_digest_mismatch",
            "WARC-Payload-Digest " + std::string(*f.Get("WARC-Payload-Digest")) +
                " does not match the payload");
    }
  }
  return Status::Ok();
}

void WarcValidator::FinishFile(uint64_t file_offset_of_end) {
  if (records_ == 0) {
    anomalies_.Add(Severity::kError, "warc.no_records", "no WARC records found",
                   file_offset_of_end);
  } else if (first_type_ != "warcinfo") {
    anomalies_.Add(Severity::kWarning, "warc.first_not_warcinfo",
                   "first record is not warcinfo (recommended)", 0);
  }
}

Result<WarcVerdict> VerifyWarcFile(const std::filesystem::path& path) {
  WarcVerdict verdict;
  DRAGNET_ASSIGN_OR_RETURN(auto reader, WarcReader::Open(path, verdict.anomalies));
  verdict.gzip = reader->gzip();
  WarcValidator validator(verdict.anomalies);
  for (;;) {
    DRAGNET_ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more)
      break;
    ++verdict.types[std::string(reader->header().fields.Get("WARC-Type").value_or("?"))];
    DRAGNET_RETURN_IF_ERROR(validator.CheckRecord(*reader));
  }
  validator.FinishFile(reader->file_size());
  verdict.records = validator.records();
  verdict.digests_verified = validator.digests_verified();
  verdict.digests_failed = validator.digests_failed();
  return verdict;
}

}  // namespace dragnet::archive
