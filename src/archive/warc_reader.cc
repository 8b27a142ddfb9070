#include "archive/warc_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/check.h"

namespace dragnet::archive {
namespace {

using model::Severity;

constexpr size_t kReadChunk = size_t{1} << 20;
// Largest WARC header we accept. Real headers are under 4 KiB; the cap stops a hostile file
// from making the reader buffer gigabytes looking for a blank line.
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;

bool StartsWithWarc(std::string_view s) {
  return s.size() >= 5 && (s[0] == 'W' || s[0] == 'w') && (s[1] == 'A' || s[1] == 'a') &&
         (s[2] == 'R' || s[2] == 'r') && (s[3] == 'C' || s[3] == 'c') && s[4] == '/';
}

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)))
    return true;
  return std::strchr("!#$%&'*+.^_`|~-", c) != nullptr && c != '\0';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size())
      return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
        return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string_view WarcRecordHeader::label() const {
  return label_storage;
}

struct WarcReader::Impl {
  std::filesystem::path path;
  model::AnomalyLog* anomalies = nullptr;
  int fd = -1;
  uint64_t file_size = 0;
  bool gz = false;

  // Decompressed window: bytes [pos, end) of `buf` are unread; buf[0] is at stream offset base.
  std::string buf;
  size_t pos = 0;
  size_t end = 0;
  uint64_t base = 0;
  bool eof = false;       // no more bytes will come
  uint64_t file_pos = 0;  // next byte to read from the file

  // gzip state. Whole members that fit the input window are inflated by libdeflate, about twice
  // as fast as zlib; members that do not fit, and damaged ones, go through zlib's streaming
  // inflate, which also reports where the damage is.
  z_stream zs{};
  bool zs_ready = false;
  libdeflate_decompressor* deflate = nullptr;
  bool compressed_eof = false;  // the file has no more compressed bytes to read
  std::string zin;
  size_t zin_pos = 0;
  size_t zin_end = 0;
  uint64_t zin_base = 0;  // file offset of zin[0]
  bool at_member_start = true;
  bool searching_magic = false;
  uint64_t last_member_end = 0;  // file offset after the last complete member
  struct MemberStart {
    uint64_t stream;
    uint64_t file;
  };
  std::deque<MemberStart> members;  // starts not yet passed by a record start

  // record state
  bool in_record = false;
  bool finished = true;
  uint64_t record_stream_start = 0;
  uint64_t record_file_offset = 0;
  uint64_t prev_record_stream_start = 0;
  bool have_prev_record = false;
  uint64_t block_remaining = 0;
  uint64_t block_total = 0;
  bool block_truncated = false;
  bool resync_after_block = false;  // Content-Length unusable: find the next "WARC/" instead
  uint64_t record_number = 0;
  std::string label;

  ~Impl() {
    if (deflate != nullptr)
      libdeflate_free_decompressor(deflate);
    if (zs_ready)
      inflateEnd(&zs);
    if (fd >= 0)
      ::close(fd);
  }

  void Report(Severity severity, std::string kind, std::string detail, uint64_t offset) {
    anomalies->Add(severity, std::move(kind), std::move(detail), offset);
  }

  uint64_t StreamPos() const { return base + pos; }
  size_t Available() const { return end - pos; }

  Result<size_t> ReadFile(char* dst, size_t n) {
    for (;;) {
      ssize_t got = ::read(fd, dst, n);
      if (got < 0) {
        if (errno == EINTR)
          continue;
        return ErrnoError("cannot read", path.string());
      }
      file_pos += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }

  void Compact() {
    if (pos == 0)
      return;
    if (pos < end)
      std::memmove(buf.data(), buf.data() + pos, end - pos);
    base += pos;
    end -= pos;
    pos = 0;
  }

  // Appends at least one byte to the window unless the input is exhausted. Returns the number
  // of new bytes (0 only at the end).
  Result<size_t> Fill() {
    if (eof)
      return size_t{0};
    if (buf.size() - end < kReadChunk / 4) {
      Compact();
      if (buf.size() - end < kReadChunk / 4)
        buf.resize(buf.size() + kReadChunk);
    }
    if (!gz) {
      DRAGNET_ASSIGN_OR_RETURN(size_t got, ReadFile(buf.data() + end, buf.size() - end));
      if (got == 0)
        eof = true;
      end += got;
      return got;
    }
    return FillGzip();
  }

  Result<bool> RefillCompressed() {
    if (zin_pos < zin_end)
      return true;
    zin_base += zin_end;
    zin_pos = zin_end = 0;
    DRAGNET_ASSIGN_OR_RETURN(size_t got, ReadFile(zin.data(), zin.size()));
    zin_end = got;
    if (got == 0)
      compressed_eof = true;
    return got > 0;
  }

  Result<size_t> FillGzip() {
    size_t produced = 0;
    while (produced == 0) {
      DRAGNET_ASSIGN_OR_RETURN(bool more, RefillCompressed());
      if (!more) {
        if (!at_member_start && !searching_magic) {
          Report(Severity::kError, "gzip.truncated",
                 "gzip member has no complete trailer (truncated file)", zin_base + zin_pos);
        }
        eof = true;
        return size_t{0};
      }
      if (searching_magic) {
        // Resynchronise on the next gzip member header (1f 8b 08) after damage.
        const char* start = zin.data() + zin_pos;
        const char* hit = nullptr;
        for (const char* p = start; p + 2 < zin.data() + zin_end; ++p) {
          if (static_cast<unsigned char>(p[0]) == 0x1f &&
              static_cast<unsigned char>(p[1]) == 0x8b && p[2] == 8) {
            hit = p;
            break;
          }
        }
        if (hit == nullptr) {
          // Keep the last two bytes: a magic may straddle the buffer edge.
          size_t keep = std::min<size_t>(2, zin_end - zin_pos);
          std::memmove(zin.data(), zin.data() + zin_end - keep, keep);
          zin_base += zin_end - keep;
          zin_pos = 0;
          zin_end = keep;
          DRAGNET_ASSIGN_OR_RETURN(size_t got, ReadFile(zin.data() + keep, zin.size() - keep));
          if (got == 0) {
            eof = true;
            return size_t{0};
          }
          zin_end += got;
          continue;
        }
        zin_pos = static_cast<size_t>(hit - zin.data());
        searching_magic = false;
        at_member_start = true;
        inflateReset(&zs);
      }
      if (at_member_start) {
        DRAGNET_ASSIGN_OR_RETURN(size_t fast, InflateWholeMember());
        if (fast > 0) {
          produced += fast;
          continue;
        }
        members.push_back({base + end, zin_base + zin_pos});
        at_member_start = false;
      }
      zs.next_in = reinterpret_cast<Bytef*>(zin.data() + zin_pos);
      zs.avail_in = static_cast<uInt>(zin_end - zin_pos);
      zs.next_out = reinterpret_cast<Bytef*>(buf.data() + end);
      zs.avail_out = static_cast<uInt>(buf.size() - end);
      uInt in_before = zs.avail_in;
      uInt out_before = zs.avail_out;
      int rc = inflate(&zs, Z_NO_FLUSH);
      zin_pos += in_before - zs.avail_in;
      size_t out = out_before - zs.avail_out;
      end += out;
      produced += out;
      if (rc == Z_STREAM_END) {
        last_member_end = zin_base + zin_pos;
        inflateReset(&zs);
        at_member_start = true;
      } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
        continue;
      } else {
        uint64_t member = members.empty() ? zin_base + zin_pos : members.back().file;
        bool header_error = zs.msg != nullptr && std::strstr(zs.msg, "header") != nullptr;
        Report(Severity::kError, header_error ? "gzip.not_a_member" : "gzip.corrupt",
               header_error ? "bytes at offset " + std::to_string(member) +
                                  " are not a gzip member (trailing garbage?)"
                            : std::string("gzip member at offset ") + std::to_string(member) +
                                  " does not inflate: " + (zs.msg ? zs.msg : "data error"),
               member);
        if (!members.empty() && members.back().stream == base + end - out && out == 0) {
          members.pop_back();  // that "member" never produced a byte
        }
        ++zin_pos;
        searching_magic = true;
      }
    }
    return produced;
  }

  // Inflates the member starting at zin_pos in one call when it and its output fit the buffers.
  // Returns the bytes produced; 0 leaves everything as it was for the streaming path.
  Result<size_t> InflateWholeMember() {
    if (deflate == nullptr)
      return size_t{0};
    // Keep at least half a window of input ahead, so most members are whole in it.
    if (zin_end - zin_pos < zin.size() / 2 && !compressed_eof) {
      std::memmove(zin.data(), zin.data() + zin_pos, zin_end - zin_pos);
      zin_base += zin_pos;
      zin_end -= zin_pos;
      zin_pos = 0;
      DRAGNET_ASSIGN_OR_RETURN(size_t got, ReadFile(zin.data() + zin_end, zin.size() - zin_end));
      zin_end += got;
      if (got == 0)
        compressed_eof = true;
    }
    size_t in_used = 0;
    size_t out_used = 0;
    libdeflate_result result =
        libdeflate_gzip_decompress_ex(deflate, zin.data() + zin_pos, zin_end - zin_pos,
                                      buf.data() + end, buf.size() - end, &in_used, &out_used);
    if (result != LIBDEFLATE_SUCCESS || out_used == 0)
      return size_t{0};
    members.push_back({base + end, zin_base + zin_pos});
    zin_pos += in_used;
    end += out_used;
    last_member_end = zin_base + zin_pos;
    return out_used;
  }

  // Ensures at least `n` unread bytes when the input has them. Returns the bytes available.
  Result<size_t> Ensure(size_t n) {
    while (Available() < n && !eof) {
      DRAGNET_ASSIGN_OR_RETURN(size_t got, Fill());
      if (got == 0)
        break;
    }
    return Available();
  }

  // Skips `n` bytes of the stream; returns how many could be skipped.
  Result<uint64_t> Skip(uint64_t n) {
    uint64_t skipped = 0;
    while (skipped < n) {
      if (Available() == 0) {
        if (!gz && n - skipped > buf.size()) {
          // Plain files: seek instead of reading large blocks we do not need.
          uint64_t want = n - skipped;
          uint64_t can = file_size > file_pos ? file_size - file_pos : 0;
          uint64_t jump = std::min(want, can);
          if (::lseek(fd, static_cast<off_t>(jump), SEEK_CUR) < 0) {
            return ErrnoError("cannot seek in", path.string());
          }
          file_pos += jump;
          base += end + jump;
          pos = end = 0;
          skipped += jump;
          if (jump < want) {
            eof = true;
            break;
          }
          continue;
        }
        DRAGNET_ASSIGN_OR_RETURN(size_t got, Fill());
        if (got == 0)
          break;
      }
      size_t take = static_cast<size_t>(std::min<uint64_t>(Available(), n - skipped));
      pos += take;
      skipped += take;
    }
    return skipped;
  }

  // Advances to the next "WARC/" (any case) and returns whether one was found.
  Result<bool> FindNextWarc() {
    for (;;) {
      DRAGNET_ASSIGN_OR_RETURN(size_t avail, Ensure(5));
      if (avail < 5) {
        pos = end;
        return false;
      }
      std::string_view window(buf.data() + pos, end - pos);
      for (size_t i = 0; i + 5 <= window.size(); ++i) {
        char c = window[i];
        if ((c == 'W' || c == 'w') && StartsWithWarc(window.substr(i))) {
          pos += i;
          return true;
        }
      }
      pos = end - 4;  // a match may straddle the edge
      DRAGNET_ASSIGN_OR_RETURN(size_t got, Fill());
      if (got == 0) {
        pos = end;
        return false;
      }
    }
  }

  // Maps a stream offset at which a record starts to its file offset, checking that it sits on
  // a gzip member boundary and that the previous record did not span members.
  uint64_t RecordFileOffset(uint64_t stream_start) {
    if (!gz)
      return stream_start;
    uint64_t containing = 0;
    bool have_containing = false;
    while (!members.empty() && members.front().stream < stream_start) {
      if (have_prev_record && members.front().stream > prev_record_stream_start) {
        Report(Severity::kError, "gzip.record_spans_members",
               "record #" + std::to_string(record_number) +
                   " spans several gzip members (not record-at-a-time gzip)",
               record_file_offset);
      }
      containing = members.front().file;
      have_containing = true;
      members.pop_front();
    }
    if (!members.empty() && members.front().stream == stream_start) {
      uint64_t file = members.front().file;
      members.pop_front();
      return file;
    }
    Report(Severity::kError, "gzip.record_not_at_member",
           "record #" + std::to_string(record_number + 1) +
               " does not start at a gzip member boundary (not record-at-a-time gzip)",
           have_containing ? containing : 0);
    return have_containing ? containing : 0;
  }

  Result<std::string_view> ReadBlock() {
    if (block_remaining == 0)
      return std::string_view();
    if (Available() == 0) {
      DRAGNET_ASSIGN_OR_RETURN(size_t got, Fill());
      if (got == 0) {
        if (!block_truncated) {
          block_truncated = true;
          Report(Severity::kError, "warc.truncated_block",
                 label + ": block truncated: Content-Length " + std::to_string(block_total) + ", " +
                     std::to_string(block_remaining) + " bytes missing",
                 record_file_offset);
        }
        block_remaining = 0;
        return std::string_view();
      }
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(Available(), block_remaining));
    std::string_view out(buf.data() + pos, take);
    pos += take;
    block_remaining -= take;
    return out;
  }

  Result<WarcRecordExtent> Finish() {
    WarcRecordExtent extent;
    extent.offset = record_file_offset;
    if (!in_record || finished)
      return extent;
    finished = true;
    if (block_remaining > 0) {
      DRAGNET_ASSIGN_OR_RETURN(uint64_t skipped, Skip(block_remaining));
      if (skipped < block_remaining && !block_truncated) {
        block_truncated = true;
        Report(Severity::kError, "warc.truncated_block",
               label + ": block truncated: Content-Length " + std::to_string(block_total) + ", " +
                   std::to_string(block_remaining - skipped) + " bytes missing",
               record_file_offset);
      }
      block_remaining = 0;
    }
    extent.complete = !block_truncated;
    uint64_t terminator = 0;
    if (resync_after_block) {
      DRAGNET_RETURN_IF_ERROR(FindNextWarc());
    } else {
      DRAGNET_ASSIGN_OR_RETURN(size_t avail, Ensure(4));
      std::string_view trailer(buf.data() + pos, std::min<size_t>(avail, 4));
      if (trailer == "\r\n\r\n") {
        pos += 4;
        terminator = 4;
      } else if (!trailer.empty()) {
        std::string shown;
        for (char c : trailer) {
          if (c == '\r') {
            shown += "\\r";
          } else if (c == '\n') {
            shown += "\\n";
          } else if (std::isprint(static_cast<unsigned char>(c))) {
            shown += c;
          } else {
            shown += '?';
          }
        }
        Report(Severity::kError, "warc.missing_terminator",
               label + ": block is not followed by CRLF CRLF (found \"" + shown +
                   "\"): wrong Content-Length?",
               record_file_offset);
        DRAGNET_RETURN_IF_ERROR(FindNextWarc());
      }
    }
    uint64_t stream_end = StreamPos();
    if (!gz) {
      extent.length = stream_end - record_stream_start;
      extent.index_length = extent.length - terminator;
      return extent;
    }
    // The record's compressed extent runs to the member that starts where it ends.
    DRAGNET_RETURN_IF_ERROR(Ensure(1));
    uint64_t next_file = 0;
    bool found = false;
    for (const auto& m : members) {
      if (m.stream >= stream_end) {
        next_file = m.file;
        found = true;
        break;
      }
    }
    if (!found)
      next_file = eof && Available() == 0 ? last_member_end : zin_base + zin_pos;
    extent.length = next_file > record_file_offset ? next_file - record_file_offset : 0;
    extent.index_length = extent.length;
    return extent;
  }

  void ParseHeader(std::string_view text, WarcRecordHeader& header) {
    if (!ValidUtf8(text)) {
      Report(Severity::kWarning, "warc.header_not_utf8", label + ": header is not valid UTF-8",
             record_file_offset);
    }
    size_t line_end = text.find('\n');
    header.version = std::string(Trim(text.substr(0, line_end)));
    std::string_view rest = line_end == std::string_view::npos ? "" : text.substr(line_end + 1);
    bool have_field = false;
    while (!rest.empty()) {
      size_t eol = rest.find('\n');
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && have_field) {
        // Folded continuation of the previous value (WARC 1.1 section 4, RFC 2616 LWS).
        header.fields.AppendToLast(Trim(line));
        continue;
      }
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        std::string shown(line.substr(0, 60));
        Report(Severity::kError, "warc.bad_header_line",
               label + ": header line is not \"name: value\": \"" + shown + "\"",
               record_file_offset);
        continue;
      }
      std::string_view name = line.substr(0, colon);
      if (!std::all_of(name.begin(), name.end(), IsTokenChar)) {
        Report(Severity::kError, "warc.bad_field_name",
               label + ": field name \"" + std::string(name) + "\" is not a token",
               record_file_offset);
      }
      header.fields.Add(std::string(name), std::string(Trim(line.substr(colon + 1))));
      have_field = true;
    }
  }

  Result<bool> Next(WarcRecordHeader& header) {
    if (in_record && !finished) {
      DRAGNET_RETURN_IF_ERROR(Finish());
    }
    for (;;) {
      // Stray line ends between records.
      uint64_t stray = 0;
      uint64_t stray_at = StreamPos();
      for (;;) {
        DRAGNET_ASSIGN_OR_RETURN(size_t avail, Ensure(1));
        if (avail == 0)
          break;
        char c = buf[pos];
        if (c != '\r' && c != '\n')
          break;
        ++pos;
        ++stray;
      }
      if (stray > 0) {
        Report(Severity::kError, "warc.stray_bytes",
               std::to_string(stray) + " stray CR/LF bytes between records at stream offset " +
                   std::to_string(stray_at),
               gz ? 0 : stray_at);
      }
      DRAGNET_ASSIGN_OR_RETURN(size_t avail, Ensure(5));
      if (avail == 0) {
        // End of input: check the last record's gzip layout.
        if (gz && have_prev_record) {
          while (!members.empty()) {
            if (members.front().stream > prev_record_stream_start &&
                members.front().stream < StreamPos()) {
              Report(Severity::kError, "gzip.record_spans_members",
                     "record #" + std::to_string(record_number) +
                         " spans several gzip members (not record-at-a-time gzip)",
                     record_file_offset);
            }
            members.pop_front();
          }
        }
        in_record = false;
        return false;
      }
      if (!StartsWithWarc(std::string_view(buf.data() + pos, avail))) {
        uint64_t at = StreamPos();
        std::string shown;
        for (size_t i = 0; i < std::min<size_t>(avail, 20); ++i) {
          char c = buf[pos + i];
          shown += std::isprint(static_cast<unsigned char>(c)) ? c : '.';
        }
        DRAGNET_ASSIGN_OR_RETURN(bool found, FindNextWarc());
        Report(Severity::kError, "warc.garbage",
               "expected a \"WARC/\" version line at stream offset " + std::to_string(at) +
                   ", found \"" + shown + "\"" +
                   (found ? " (skipped " + std::to_string(StreamPos() - at) + " bytes)"
                          : " (rest of file skipped)"),
               gz ? 0 : at);
        if (!found) {
          in_record = false;
          return false;
        }
      }
      // Find the blank line that ends the header.
      size_t header_end = 0;
      size_t separator = 0;
      size_t searched = 0;
      for (;;) {
        std::string_view window(buf.data() + pos, Available());
        BlankLine blank = FindBlankLine(window, searched > 3 ? searched - 3 : 0);
        if (blank.end != std::string_view::npos) {
          header_end = blank.end;
          separator = blank.separator;
          break;
        }
        searched = window.size();
        if (window.size() > kMaxHeaderBytes) {
          header_end = std::string_view::npos;
          break;
        }
        DRAGNET_ASSIGN_OR_RETURN(size_t got, Fill());
        if (got == 0) {
          header_end = std::string_view::npos;
          break;
        }
      }
      ++record_number;
      record_stream_start = StreamPos();
      record_file_offset = RecordFileOffset(record_stream_start);
      label =
          "record #" + std::to_string(record_number) + " @" + std::to_string(record_file_offset);
      if (header_end == std::string_view::npos) {
        Report(Severity::kError, "warc.header_unterminated",
               label + ": WARC header never ends (no blank line within " +
                   std::to_string(std::min<size_t>(Available(), kMaxHeaderBytes)) + " bytes)",
               record_file_offset);
        ++pos;  // step past this "WARC/" and look for the next one
        DRAGNET_ASSIGN_OR_RETURN(bool found, FindNextWarc());
        if (!found) {
          in_record = false;
          return false;
        }
        continue;
      }
      prev_record_stream_start = record_stream_start;
      have_prev_record = true;
      header.number = record_number;
      header.offset = record_file_offset;
      header.fields.Clear();
      header.label_storage = label;
      if (separator == 2) {
        Report(Severity::kError, "warc.lf_line_ends", label + ": header lines end in LF, not CRLF",
               record_file_offset);
      }
      ParseHeader(std::string_view(buf.data() + pos, header_end), header);
      pos += header_end + separator;
      header.type = WarcTypeFromName(header.fields.Get("WARC-Type").value_or(""));
      header.content_length.reset();
      if (auto cl = header.fields.Get("Content-Length")) {
        std::string_view digits = Trim(*cl);
        bool ok =
            !digits.empty() && digits.size() <= 19 &&
            std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (ok)
          header.content_length = std::stoull(std::string(digits));
      }
      in_record = true;
      finished = false;
      block_truncated = false;
      resync_after_block = !header.content_length.has_value();
      block_total = block_remaining = header.content_length.value_or(0);
      if (resync_after_block) {
        Report(Severity::kError, "warc.no_content_length",
               label + ": no usable Content-Length; cannot find the end of the record",
               record_file_offset);
      }
      return true;
    }
  }
};

WarcReader::WarcReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WarcReader::~WarcReader() = default;

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::filesystem::path& path,
                                                     model::AnomalyLog& anomalies) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->anomalies = &anomalies;
  impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (impl->fd < 0)
    return ErrnoError("cannot open", path.string());
  struct stat st {};
  if (::fstat(impl->fd, &st) != 0)
    return ErrnoError("cannot stat", path.string());
  if (S_ISDIR(st.st_mode))
    return InvalidArgument(path.string() + " is a directory");
  impl->file_size = static_cast<uint64_t>(st.st_size);
  unsigned char magic[2] = {0, 0};
  ssize_t got = ::pread(impl->fd, magic, 2, 0);
  if (got < 0)
    return ErrnoError("cannot read", path.string());
  impl->gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  impl->buf.resize(kReadChunk);
  if (impl->gz) {
    impl->zin.resize(kReadChunk / 4);
    if (inflateInit2(&impl->zs, 15 + 16) != Z_OK)
      return Internal("inflateInit2 failed");
    impl->zs_ready = true;
    impl->deflate = libdeflate_alloc_decompressor();
    if (impl->deflate == nullptr)
      return Internal("libdeflate_alloc_decompressor failed");
  }
  return std::unique_ptr<WarcReader>(new WarcReader(std::move(impl)));
}

Status WarcReader::Seek(uint64_t offset) {
  Impl& s = *impl_;
  if (::lseek(s.fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return ErrnoError("cannot seek in", s.path.string());
  }
  s.file_pos = offset;
  s.pos = s.end = 0;
  s.base = offset;
  s.eof = false;
  s.in_record = false;
  s.finished = true;
  s.have_prev_record = false;
  s.members.clear();
  if (s.gz) {
    inflateReset(&s.zs);
    s.zin_pos = s.zin_end = 0;
    s.zin_base = offset;
    s.compressed_eof = false;
    s.at_member_start = true;
    s.searching_magic = false;
    s.base = 0;
  }
  return Status::Ok();
}

Result<bool> WarcReader::Next() {
  return impl_->Next(header_);
}
Result<std::string_view> WarcReader::ReadBlock() {
  return impl_->ReadBlock();
}

Result<std::string> WarcReader::ReadBlockToString(uint64_t max_bytes) {
  std::string out;
  for (;;) {
    DRAGNET_ASSIGN_OR_RETURN(std::string_view piece, impl_->ReadBlock());
    if (piece.empty())
      break;
    if (out.size() + piece.size() > max_bytes) {
      return DataLoss(header_.label_storage + ": block larger than " + std::to_string(max_bytes) +
                      " bytes");
    }
    out.append(piece);
  }
  return out;
}

Result<WarcRecordExtent> WarcReader::FinishRecord() {
  return impl_->Finish();
}
bool WarcReader::gzip() const {
  return impl_->gz;
}
uint64_t WarcReader::file_size() const {
  return impl_->file_size;
}
const std::filesystem::path& WarcReader::path() const {
  return impl_->path;
}

Result<WarcFileScan> ScanWarcFile(const std::filesystem::path& path) {
  model::AnomalyLog anomalies(16);
  DRAGNET_ASSIGN_OR_RETURN(auto reader, WarcReader::Open(path, anomalies));
  WarcFileScan scan;
  scan.file_size = reader->file_size();
  bool clean_so_far = true;
  for (;;) {
    uint64_t errors_before = anomalies.errors();
    DRAGNET_ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more)
      break;
    std::string date(reader->header().fields.Get("WARC-Date").value_or(""));
    DRAGNET_ASSIGN_OR_RETURN(WarcRecordExtent extent, reader->FinishRecord());
    bool clean = extent.complete && anomalies.errors() == errors_before;
    if (clean && clean_so_far) {
      ++scan.records;
      scan.valid_length = extent.offset + extent.length;
      if (scan.first_date.empty())
        scan.first_date = date;
      scan.last_date = date;
    } else {
      clean_so_far = false;
    }
  }
  scan.errors = anomalies.errors();
  scan.torn = scan.valid_length < scan.file_size;
  return scan;
}

}  // namespace dragnet::archive
