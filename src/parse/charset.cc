// Encoding sniffing and decoding of captured pages (see charset.h): the HTML Living Standard's
// order (section 13.2.3.2), the WHATWG Encoding Standard's labels, ICU's converters (ucnv) and
// charset detector (ucsdet).

#include "parse/charset.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>

namespace dragnet::parse {
namespace {

// The Encoding Standard's encodings, with the ICU converter that decodes each like a browser.
struct Encoding {
  const char* name;  // the Encoding Standard's name
  const char* icu;   // ICU converter name
};

// Indices into kEncodings, for the table of labels below.
enum EncodingId : uint8_t {
  kUtf8,
  kIbm866,
  kIso8859_2,
  kIso8859_3,
  kIso8859_4,
  kIso8859_5,
  kIso8859_6,
  kIso8859_7,
  kIso8859_8,
  kIso8859_8I,
  kIso8859_10,
  kIso8859_13,
  kIso8859_14,
  kIso8859_15,
  kIso8859_16,
  kKoi8R,
  kKoi8U,
  kMacintosh,
  kWindows874,
  kWindows1250,
  kWindows1251,
  kWindows1252,
  kWindows1253,
  kWindows1254,
  kWindows1255,
  kWindows1256,
  kWindows1257,
  kWindows1258,
  kMacCyrillic,
  kGbk,
  kGb18030,
  kBig5,
  kEucJp,
  kIso2022Jp,
  kShiftJis,
  kEucKr,
  kIso2022Kr,
  kHz,
  kIso2022Cn,
  kIso2022CnExt,
  kUtf16Be,
  kUtf16Le,
  kUserDefined,
};

constexpr Encoding kEncodings[] = {
    {"UTF-8", "UTF-8"},
    {"IBM866", "IBM866"},
    {"ISO-8859-2", "ISO-8859-2"},
    {"ISO-8859-3", "ISO-8859-3"},
    {"ISO-8859-4", "ISO-8859-4"},
    {"ISO-8859-5", "ISO-8859-5"},
    {"ISO-8859-6", "ISO-8859-6"},
    {"ISO-8859-7", "ISO-8859-7"},
    {"ISO-8859-8", "ISO-8859-8"},
    {"ISO-8859-8-I", "ISO-8859-8"},  // logical order: same bytes, same characters
    {"ISO-8859-10", "ISO-8859-10"},
    {"ISO-8859-13", "ISO-8859-13"},
    {"ISO-8859-14", "ISO-8859-14"},
    {"ISO-8859-15", "ISO-8859-15"},
    {"ISO-8859-16", "ISO-8859-16"},  // not in Debian's ICU data: falls through
    {"KOI8-R", "KOI8-R"},
    {"KOI8-U", "KOI8-U"},
    {"macintosh", "macintosh"},
    {"windows-874", "windows-874"},
    {"windows-1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"windows-1252", "windows-1252"},
    {"windows-1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"GBK", "GB18030"},  // the standard decodes GBK with the gb18030 decoder
    {"gb18030", "GB18030"},
    {"Big5", "Big5-HKSCS"},  // the standard's Big5 includes the HKSCS extensions
    {"EUC-JP", "EUC-JP"},
    {"ISO-2022-JP", "ISO-2022-JP"},
    {"Shift_JIS", "windows-31j"},  // the standard's Shift_JIS is Microsoft's code page 932
    {"EUC-KR", "windows-949"},     // the standard's EUC-KR is Microsoft's code page 949
    // The standard maps the next four labels to "replacement" (one U+FFFD for the whole page), a
    // defence for browsers that render; we render nothing and analysts need the text, so they are
    // decoded as labelled.
    {"ISO-2022-KR", "ISO-2022-KR"},
    {"HZ-GB-2312", "HZ"},
    {"ISO-2022-CN", "ISO-2022-CN"},
    {"ISO-2022-CN-EXT", "ISO-2022-CN-EXT"},
    {"UTF-16BE", "UTF-16BE"},
    {"UTF-16LE", "UTF-16LE"},
    // Its decoder puts bytes 0x80-0xFF into the Private Use Area, which analyzers cannot read;
    // decoded as windows-1252, as the standard's meta prescan does anyway.
    {"x-user-defined", "windows-1252"},
};

struct Label {
  const char* label;
  EncodingId encoding;
};

// WHATWG Encoding Standard, section 4.2 "Names and labels" (encodings.json). ICU's alias table
// follows IANA instead ("latin1" is ISO-8859-1 there, "x-cp1251" unknown), hence this copy.
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", kUtf8},
    {"unicode11utf8", kUtf8},
    {"unicode20utf8", kUtf8},
    {"utf-8", kUtf8},
    {"utf8", kUtf8},
    {"x-unicode20utf8", kUtf8},
    {"866", kIbm866},
    {"cp866", kIbm866},
    {"csibm866", kIbm866},
    {"ibm866", kIbm866},
    {"csisolatin2", kIso8859_2},
    {"iso-8859-2", kIso8859_2},
    {"iso-ir-101", kIso8859_2},
    {"iso8859-2", kIso8859_2},
    {"iso88592", kIso8859_2},
    {"iso_8859-2", kIso8859_2},
    {"iso_8859-2:1987", kIso8859_2},
    {"l2", kIso8859_2},
    {"latin2", kIso8859_2},
    {"csisolatin3", kIso8859_3},
    {"iso-8859-3", kIso8859_3},
    {"iso-ir-109", kIso8859_3},
    {"iso8859-3", kIso8859_3},
    {"iso88593", kIso8859_3},
    {"iso_8859-3", kIso8859_3},
    {"iso_8859-3:1988", kIso8859_3},
    {"l3", kIso8859_3},
    {"latin3", kIso8859_3},
    {"csisolatin4", kIso8859_4},
    {"iso-8859-4", kIso8859_4},
    {"iso-ir-110", kIso8859_4},
    {"iso8859-4", kIso8859_4},
    {"iso88594", kIso8859_4},
    {"iso_8859-4", kIso8859_4},
    {"iso_8859-4:1988", kIso8859_4},
    {"l4", kIso8859_4},
    {"latin4", kIso8859_4},
    {"csisolatincyrillic", kIso8859_5},
    {"cyrillic", kIso8859_5},
    {"iso-8859-5", kIso8859_5},
    {"iso-ir-144", kIso8859_5},
    {"iso8859-5", kIso8859_5},
    {"iso88595", kIso8859_5},
    {"iso_8859-5", kIso8859_5},
    {"iso_8859-5:1988", kIso8859_5},
    {"arabic", kIso8859_6},
    {"asmo-708", kIso8859_6},
    {"csiso88596e", kIso8859_6},
    {"csiso88596i", kIso8859_6},
    {"csisolatinarabic", kIso8859_6},
    {"ecma-114", kIso8859_6},
    {"iso-8859-6", kIso8859_6},
    {"iso-8859-6-e", kIso8859_6},
    {"iso-8859-6-i", kIso8859_6},
    {"iso-ir-127", kIso8859_6},
    {"iso8859-6", kIso8859_6},
    {"iso88596", kIso8859_6},
    {"iso_8859-6", kIso8859_6},
    {"iso_8859-6:1987", kIso8859_6},
    {"csisolatingreek", kIso8859_7},
    {"ecma-118", kIso8859_7},
    {"elot_928", kIso8859_7},
    {"greek", kIso8859_7},
    {"greek8", kIso8859_7},
    {"iso-8859-7", kIso8859_7},
    {"iso-ir-126", kIso8859_7},
    {"iso8859-7", kIso8859_7},
    {"iso88597", kIso8859_7},
    {"iso_8859-7", kIso8859_7},
    {"iso_8859-7:1987", kIso8859_7},
    {"sun_eu_greek", kIso8859_7},
    {"csiso88598e", kIso8859_8},
    {"csisolatinhebrew", kIso8859_8},
    {"hebrew", kIso8859_8},
    {"iso-8859-8", kIso8859_8},
    {"iso-8859-8-e", kIso8859_8},
    {"iso-ir-138", kIso8859_8},
    {"iso8859-8", kIso8859_8},
    {"iso88598", kIso8859_8},
    {"iso_8859-8", kIso8859_8},
    {"iso_8859-8:1988", kIso8859_8},
    {"visual", kIso8859_8},
    {"csiso88598i", kIso8859_8I},
    {"iso-8859-8-i", kIso8859_8I},
    {"logical", kIso8859_8I},
    {"csisolatin6", kIso8859_10},
    {"iso-8859-10", kIso8859_10},
    {"iso-ir-157", kIso8859_10},
    {"iso8859-10", kIso8859_10},
    {"iso885910", kIso8859_10},
    {"l6", kIso8859_10},
    {"latin6", kIso8859_10},
    {"iso-8859-13", kIso8859_13},
    {"iso8859-13", kIso8859_13},
    {"iso885913", kIso8859_13},
    {"iso-8859-14", kIso8859_14},
    {"iso8859-14", kIso8859_14},
    {"iso885914", kIso8859_14},
    {"csisolatin9", kIso8859_15},
    {"iso-8859-15", kIso8859_15},
    {"iso8859-15", kIso8859_15},
    {"iso885915", kIso8859_15},
    {"iso_8859-15", kIso8859_15},
    {"l9", kIso8859_15},
    {"iso-8859-16", kIso8859_16},
    {"cskoi8r", kKoi8R},
    {"koi", kKoi8R},
    {"koi8", kKoi8R},
    {"koi8-r", kKoi8R},
    {"koi8_r", kKoi8R},
    {"koi8-ru", kKoi8U},
    {"koi8-u", kKoi8U},
    {"csmacintosh", kMacintosh},
    {"mac", kMacintosh},
    {"macintosh", kMacintosh},
    {"x-mac-roman", kMacintosh},
    {"dos-874", kWindows874},
    {"iso-8859-11", kWindows874},
    {"iso8859-11", kWindows874},
    {"iso885911", kWindows874},
    {"tis-620", kWindows874},
    {"windows-874", kWindows874},
    {"cp1250", kWindows1250},
    {"windows-1250", kWindows1250},
    {"x-cp1250", kWindows1250},
    {"cp1251", kWindows1251},
    {"windows-1251", kWindows1251},
    {"x-cp1251", kWindows1251},
    {"ansi_x3.4-1968", kWindows1252},
    {"ascii", kWindows1252},
    {"cp1252", kWindows1252},
    {"cp819", kWindows1252},
    {"csisolatin1", kWindows1252},
    {"ibm819", kWindows1252},
    {"iso-8859-1", kWindows1252},
    {"iso-ir-100", kWindows1252},
    {"iso8859-1", kWindows1252},
    {"iso88591", kWindows1252},
    {"iso_8859-1", kWindows1252},
    {"iso_8859-1:1987", kWindows1252},
    {"l1", kWindows1252},
    {"latin1", kWindows1252},
    {"us-ascii", kWindows1252},
    {"windows-1252", kWindows1252},
    {"x-cp1252", kWindows1252},
    {"cp1253", kWindows1253},
    {"windows-1253", kWindows1253},
    {"x-cp1253", kWindows1253},
    {"cp1254", kWindows1254},
    {"csisolatin5", kWindows1254},
    {"iso-8859-9", kWindows1254},
    {"iso-ir-148", kWindows1254},
    {"iso8859-9", kWindows1254},
    {"iso88599", kWindows1254},
    {"iso_8859-9", kWindows1254},
    {"iso_8859-9:1989", kWindows1254},
    {"l5", kWindows1254},
    {"latin5", kWindows1254},
    {"windows-1254", kWindows1254},
    {"x-cp1254", kWindows1254},
    {"cp1255", kWindows1255},
    {"windows-1255", kWindows1255},
    {"x-cp1255", kWindows1255},
    {"cp1256", kWindows1256},
    {"windows-1256", kWindows1256},
    {"x-cp1256", kWindows1256},
    {"cp1257", kWindows1257},
    {"windows-1257", kWindows1257},
    {"x-cp1257", kWindows1257},
    {"cp1258", kWindows1258},
    {"windows-1258", kWindows1258},
    {"x-cp1258", kWindows1258},
    {"x-mac-cyrillic", kMacCyrillic},
    {"x-mac-ukrainian", kMacCyrillic},
    {"chinese", kGbk},
    {"csgb2312", kGbk},
    {"csiso58gb231280", kGbk},
    {"gb2312", kGbk},
    {"gb_2312", kGbk},
    {"gb_2312-80", kGbk},
    {"gbk", kGbk},
    {"iso-ir-58", kGbk},
    {"x-gbk", kGbk},
    {"gb18030", kGb18030},
    {"big5", kBig5},
    {"big5-hkscs", kBig5},
    {"cn-big5", kBig5},
    {"csbig5", kBig5},
    {"x-x-big5", kBig5},
    {"cseucpkdfmtjapanese", kEucJp},
    {"euc-jp", kEucJp},
    {"x-euc-jp", kEucJp},
    {"csiso2022jp", kIso2022Jp},
    {"iso-2022-jp", kIso2022Jp},
    {"csshiftjis", kShiftJis},
    {"ms932", kShiftJis},
    {"ms_kanji", kShiftJis},
    {"shift-jis", kShiftJis},
    {"shift_jis", kShiftJis},
    {"sjis", kShiftJis},
    {"windows-31j", kShiftJis},
    {"x-sjis", kShiftJis},
    {"cseuckr", kEucKr},
    {"csksc56011987", kEucKr},
    {"euc-kr", kEucKr},
    {"iso-ir-149", kEucKr},
    {"korean", kEucKr},
    {"ks_c_5601-1987", kEucKr},
    {"ks_c_5601-1989", kEucKr},
    {"ksc5601", kEucKr},
    {"ksc_5601", kEucKr},
    {"windows-949", kEucKr},
    {"csiso2022kr", kIso2022Kr},
    {"iso-2022-kr", kIso2022Kr},
    {"hz-gb-2312", kHz},
    {"iso-2022-cn", kIso2022Cn},
    {"iso-2022-cn-ext", kIso2022CnExt},
    {"unicodefffe", kUtf16Be},
    {"utf-16be", kUtf16Be},
    {"csunicode", kUtf16Le},
    {"iso-10646-ucs-2", kUtf16Le},
    {"ucs-2", kUtf16Le},
    {"unicode", kUtf16Le},
    {"unicodefeff", kUtf16Le},
    {"utf-16", kUtf16Le},
    {"utf-16le", kUtf16Le},
    {"x-user-defined", kUserDefined},
};

constexpr size_t kMaxLabel = 64;                   // longer "labels" are garbage
constexpr size_t kPrescanBytes = 1024;             // HTML standard, section 13.2.3.2
constexpr size_t kDetectBytes = size_t{64} << 10;  // ucsdet reads only this prefix
// ICU's floor guesses score 10 (a CJK or UTF-16 reading of any bytes) and 15 (UTF-8 for ASCII
// with a cut sequence at the end); a paragraph of Russian in windows-1251 scores 17 to 40.
constexpr int32_t kMinConfidence = 16;

bool IsAsciiSpace(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

std::optional<EncodingId> LookUpLabel(std::string_view label) {
  label = TrimAsciiSpace(label);
  if (label.empty() || label.size() > kMaxLabel)
    return std::nullopt;
  char lower[kMaxLabel];
  for (size_t i = 0; i < label.size(); ++i)
    lower[i] = AsciiLower(label[i]);
  std::string_view key(lower, label.size());
  for (const Label& entry : kLabels) {
    if (key == entry.label)
      return entry.encoding;
  }
  return std::nullopt;
}

// Well-formed UTF-8 by Unicode's Table 3-7, written out by hand: ICU's U8_NEXT does the same check
// at about a third of this speed on Cyrillic text, which alone would cost 5% of a page's parse on
// the fast path. Runs of ASCII (eight bytes at a time) and of two-byte sequences are the loops.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  auto trail = [](uint8_t b) { return (b & 0xC0) == 0x80; };
  while (p < end) {
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) != 0)
        break;
      p += 8;
    }
    while (p < end && *p < 0x80)
      ++p;
    while (end - p >= 2 && p[0] >= 0xC2 && p[0] <= 0xDF && trail(p[1]))
      p += 2;
    if (p >= end)
      break;
    uint8_t b = *p;
    if (b < 0x80)
      continue;
    if (b >= 0xE0 && b <= 0xEF) {
      if (end - p < 3 || !trail(p[2]))
        return false;
      uint8_t lo = b == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
      uint8_t hi = b == 0xED ? 0x9F : 0xBF;  // no surrogates
      if (p[1] < lo || p[1] > hi)
        return false;
      p += 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (end - p < 4 || !trail(p[2]) || !trail(p[3]))
        return false;
      uint8_t lo = b == 0xF0 ? 0x90 : 0x80;  // no overlong forms
      uint8_t hi = b == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
      if (p[1] < lo || p[1] > hi)
        return false;
      p += 4;
    } else {
      return false;  // a stray trail byte, C0, C1, F5-FF, or a lead without its trail bytes
    }
  }
  return true;
}

// Every undecodable sequence becomes U+FFFD (ICU's default writes U+001A for some single-byte
// code pages).
void ToUReplacement(const void*, UConverterToUnicodeArgs* args, const char*, int32_t,
                    UConverterCallbackReason reason, UErrorCode* error) {
  if (reason > UCNV_IRREGULAR)  // reset, close, clone
    return;
  static const UChar kReplacement[] = {0xFFFD};
  *error = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, kReplacement, 1, 0, error);
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

ConverterPtr OpenConverter(const char* name) {
  UErrorCode error = U_ZERO_ERROR;
  ConverterPtr converter(ucnv_open(name, &error));
  if (U_FAILURE(error))
    return nullptr;
  return converter;
}

// `bytes` in encoding `icu_name` as UTF-8; nullopt when ICU has no such converter.
std::optional<std::string> Convert(std::string_view bytes, const char* icu_name) {
  ConverterPtr from = OpenConverter(icu_name);
  ConverterPtr to = OpenConverter("UTF-8");
  if (from == nullptr || to == nullptr)
    return std::nullopt;
  UErrorCode error = U_ZERO_ERROR;
  ucnv_setToUCallBack(from.get(), ToUReplacement, nullptr, nullptr, nullptr, &error);
  if (U_FAILURE(error))
    return std::nullopt;
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  // Streamed through fixed buffers: output grows linearly (at most 3 bytes per input byte).
  std::array<char, 1 << 16> target_buffer;
  std::array<UChar, 1 << 14> pivot;
  UChar* pivot_source = pivot.data();
  UChar* pivot_target = pivot.data();
  const char* source = bytes.data();
  const char* source_limit = bytes.data() + bytes.size();
  bool reset = true;
  for (;;) {
    char* target = target_buffer.data();
    error = U_ZERO_ERROR;
    ucnv_convertEx(to.get(), from.get(), &target, target_buffer.data() + target_buffer.size(),
                   &source, source_limit, pivot.data(), &pivot_source, &pivot_target,
                   pivot.data() + pivot.size(), reset, /*flush=*/true, &error);
    reset = false;
    out.append(target_buffer.data(), static_cast<size_t>(target - target_buffer.data()));
    if (error == U_BUFFER_OVERFLOW_ERROR)
      continue;
    if (U_FAILURE(error))
      return std::nullopt;
    return out;
  }
}

// Decodes with `encoding`, filling `page`; false when ICU cannot convert it.
bool DecodeAs(std::string_view bytes, EncodingId encoding, std::string_view source,
              DecodedPage& page) {
  const Encoding& e = kEncodings[encoding];
  if (encoding == kUtf8 && IsValidUtf8(bytes)) {
    page.utf8.assign(bytes);
  } else {
    std::optional<std::string> utf8 = Convert(bytes, e.icu);
    if (!utf8)
      return false;
    page.utf8 = std::move(*utf8);
  }
  page.charset = e.name;
  page.source = source;
  return true;
}

// The prescan's byte cursor (HTML standard, section 13.2.3.2). Running off the end of the 1024
// bytes mid-construct ends the prescan without a result.
class Prescan {
 public:
  explicit Prescan(std::string_view bytes) : s_(bytes.substr(0, kPrescanBytes)) {}

  std::optional<EncodingId> Run() {
    while (pos_ < s_.size()) {
      if (s_[pos_] != '<') {  // every case below starts at a '<'
        pos_ = std::min(s_.find('<', pos_), s_.size());
        continue;
      }
      if (StartsWith("<!--")) {
        size_t close = s_.find("-->", pos_ + 2);
        if (close == std::string_view::npos)
          return std::nullopt;
        pos_ = close + 3;
        continue;
      }
      if (StartsWithNoCase("<meta") && pos_ + 5 < s_.size() &&
          (IsAsciiSpace(s_[pos_ + 5]) || s_[pos_ + 5] == '/')) {
        pos_ += 5;
        std::optional<EncodingId> found = Meta();
        if (eof_)
          return std::nullopt;
        if (found)
          return found;
        ++pos_;
        continue;
      }
      if (At(0) == '<' && (IsAsciiAlpha(At(1)) || (At(1) == '/' && IsAsciiAlpha(At(2))))) {
        while (pos_ < s_.size() && !IsAsciiSpace(s_[pos_]) && s_[pos_] != '>')
          ++pos_;
        std::string name, value;
        while (GetAttribute(name, value, /*store=*/false)) {
        }
        if (eof_)
          return std::nullopt;
        ++pos_;
        continue;
      }
      if (At(0) == '<' && (At(1) == '!' || At(1) == '/' || At(1) == '?')) {
        size_t close = s_.find('>', pos_);
        if (close == std::string_view::npos)
          return std::nullopt;
        pos_ = close + 1;
        continue;
      }
      ++pos_;
    }
    return std::nullopt;
  }

 private:
  static bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  char At(size_t offset) const { return pos_ + offset < s_.size() ? s_[pos_ + offset] : '\0'; }
  bool StartsWith(std::string_view prefix) const { return s_.substr(pos_).starts_with(prefix); }
  bool StartsWithNoCase(std::string_view prefix) const {
    if (s_.size() - pos_ < prefix.size())
      return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (AsciiLower(s_[pos_ + i]) != prefix[i])
        return false;
    }
    return true;
  }

  // The attributes of one <meta>; the encoding when they declare one.
  std::optional<EncodingId> Meta() {
    std::vector<std::string> seen;
    bool got_pragma = false;
    std::optional<bool> need_pragma;
    std::optional<EncodingId> charset;
    std::string name, value;
    while (GetAttribute(name, value)) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end())
        continue;
      seen.push_back(name);
      if (name == "http-equiv") {
        if (value == "content-type")
          got_pragma = true;
      } else if (name == "content") {
        std::optional<EncodingId> from_content = CharsetFromMetaContent(value);
        if (from_content && !charset) {
          charset = from_content;
          need_pragma = true;
        }
      } else if (name == "charset") {
        charset = LookUpLabel(value);
        need_pragma = false;
      }
    }
    if (eof_ || !need_pragma || (*need_pragma && !got_pragma) || !charset)
      return std::nullopt;
    if (*charset == kUtf16Be || *charset == kUtf16Le)
      return kUtf8;
    if (*charset == kUserDefined)
      return kWindows1252;
    return charset;
  }

  // "Get an attribute": false when there is none (at '>' or the end of the bytes).
  bool GetAttribute(std::string& name, std::string& value, bool store = true) {
    name.clear();
    value.clear();
    while (pos_ < s_.size() && (IsAsciiSpace(s_[pos_]) || s_[pos_] == '/'))
      ++pos_;
    if (pos_ >= s_.size())
      return Eof();
    if (s_[pos_] == '>')
      return false;
    // The name.
    const size_t name_start = pos_;
    for (;; ++pos_) {
      if (pos_ >= s_.size())
        return Eof();
      char c = s_[pos_];
      if (c == '=' && pos_ > name_start) {  // a name is at least one byte
        ++pos_;
        return GetValue(value, store);
      }
      if (IsAsciiSpace(c))
        break;
      if (c == '/' || c == '>')
        return true;
      if (store)
        name.push_back(AsciiLower(c));
    }
    while (pos_ < s_.size() && IsAsciiSpace(s_[pos_]))
      ++pos_;
    if (pos_ >= s_.size())
      return Eof();
    if (s_[pos_] != '=')
      return true;
    ++pos_;
    return GetValue(value, store);
  }

  bool GetValue(std::string& value, bool store) {
    while (pos_ < s_.size() && IsAsciiSpace(s_[pos_]))
      ++pos_;
    if (pos_ >= s_.size())
      return Eof();
    char c = s_[pos_];
    if (c == '"' || c == '\'') {
      for (++pos_; pos_ < s_.size(); ++pos_) {
        if (s_[pos_] == c) {
          ++pos_;
          return true;
        }
        if (store)
          value.push_back(AsciiLower(s_[pos_]));
      }
      return Eof();
    }
    if (c == '>')
      return true;
    for (; pos_ < s_.size(); ++pos_) {
      if (IsAsciiSpace(s_[pos_]) || s_[pos_] == '>')
        return true;
      if (store)
        value.push_back(AsciiLower(s_[pos_]));
    }
    return Eof();
  }

  bool Eof() {
    eof_ = true;
    return false;
  }

  // "Extracting a character encoding from a meta element" (HTML standard, section 2.5.5
  // "Extracting character encodings from meta elements"); `content` is already lower case.
  static std::optional<EncodingId> CharsetFromMetaContent(std::string_view content) {
    size_t pos = 0;
    for (;;) {
      size_t at = content.find("charset", pos);
      if (at == std::string_view::npos)
        return std::nullopt;
      pos = at + 7;
      while (pos < content.size() && IsAsciiSpace(content[pos]))
        ++pos;
      if (pos < content.size() && content[pos] == '=')
        break;
    }
    ++pos;
    while (pos < content.size() && IsAsciiSpace(content[pos]))
      ++pos;
    if (pos >= content.size())
      return std::nullopt;
    char c = content[pos];
    if (c == '"' || c == '\'') {
      size_t close = content.find(c, pos + 1);
      if (close == std::string_view::npos)
        return std::nullopt;
      return LookUpLabel(content.substr(pos + 1, close - pos - 1));
    }
    size_t stop = pos;
    while (stop < content.size() && !IsAsciiSpace(content[stop]) && content[stop] != ';')
      ++stop;
    return LookUpLabel(content.substr(pos, stop - pos));
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool eof_ = false;
};

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// ICU's statistical detector over the first kDetectBytes (markup filtered out): the first
// candidate the Encoding Standard names and ICU converts wins.
bool Detect(std::string_view bytes, DecodedPage& page) {
  UErrorCode error = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> detector(ucsdet_open(&error));
  if (U_FAILURE(error))
    return false;
  ucsdet_enableInputFilter(detector.get(), true);
  std::string_view prefix = bytes.substr(0, kDetectBytes);
  ucsdet_setText(detector.get(), prefix.data(), static_cast<int32_t>(prefix.size()), &error);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(detector.get(), &count, &error);
  if (U_FAILURE(error) || matches == nullptr)
    return false;
  for (int32_t i = 0; i < count; ++i) {
    UErrorCode match_error = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &match_error);
    int32_t confidence = ucsdet_getConfidence(matches[i], &match_error);
    if (U_FAILURE(match_error) || name == nullptr)
      continue;
    if (confidence < kMinConfidence)
      break;  // sorted by confidence
    std::optional<EncodingId> encoding = LookUpLabel(name);
    // ICU offers UTF-16 at its floor confidence for any even-length text without a BOM; a BOM was
    // already looked for.
    if (!encoding || *encoding == kUtf16Be || *encoding == kUtf16Le)
      continue;
    if (!DecodeAs(bytes, *encoding, "detected", page))
      continue;
    page.confidence = confidence;
    return true;
  }
  return false;
}

DecodedPage DecodeNoThrow(std::string_view bytes, std::string_view content_type_header) {
  DecodedPage page;
  // 1. Byte order mark (Encoding Standard, "BOM sniff"); the BOM itself is dropped.
  if (bytes.starts_with("\xEF\xBB\xBF") && DecodeAs(bytes.substr(3), kUtf8, "bom", page))
    return page;
  if (bytes.starts_with("\xFE\xFF") && DecodeAs(bytes.substr(2), kUtf16Be, "bom", page))
    return page;
  if (bytes.starts_with("\xFF\xFE") && DecodeAs(bytes.substr(2), kUtf16Le, "bom", page))
    return page;
  // 2. The transport layer: HTTP's Content-Type charset.
  std::optional<EncodingId> http = LookUpLabel(CharsetFromContentType(content_type_header));
  if (http && DecodeAs(bytes, *http, "http", page))
    return page;
  // 3. <meta> in the first 1024 bytes.
  std::optional<EncodingId> meta = Prescan(bytes).Run();
  if (meta && DecodeAs(bytes, *meta, "meta", page))
    return page;
  // Valid UTF-8 is UTF-8 (non-ASCII text in another encoding is almost never valid UTF-8): the
  // fast path for most pages, without conversion or detection.
  if (IsValidUtf8(bytes)) {
    page.utf8.assign(bytes);
    page.charset = "UTF-8";
    page.source = "default";
    return page;
  }
  // 4. Frequency analysis.
  if (Detect(bytes, page))
    return page;
  // 5. The default for an undeclared legacy page.
  if (DecodeAs(bytes, kWindows1252, "default", page))
    return page;
  page.utf8.clear();
  page.charset = "windows-1252";
  page.source = "default";
  return page;
}

}  // namespace

std::string EncodingForLabel(std::string_view label) {
  std::optional<EncodingId> encoding = LookUpLabel(label);
  return encoding ? kEncodings[*encoding].name : "";
}

std::string PrescanMetaCharset(std::string_view bytes) {
  std::optional<EncodingId> encoding = Prescan(bytes).Run();
  return encoding ? kEncodings[*encoding].name : "";
}

std::string CharsetFromContentType(std::string_view content_type) {
  // WHATWG MIME Sniffing, "parse a MIME type", parameters only: the type itself is not checked.
  auto is_http_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t pos = content_type.find(';');
  while (pos != std::string_view::npos && pos < content_type.size()) {
    ++pos;  // past ';'
    while (pos < content_type.size() && is_http_space(content_type[pos]))
      ++pos;
    size_t name_start = pos;
    while (pos < content_type.size() && content_type[pos] != ';' && content_type[pos] != '=')
      ++pos;
    std::string_view name = content_type.substr(name_start, pos - name_start);
    if (pos >= content_type.size())
      break;
    if (content_type[pos] == ';')
      continue;
    ++pos;  // past '='
    std::string value;
    if (pos < content_type.size() && content_type[pos] == '"') {
      // An HTTP quoted string: backslash escapes the next character.
      for (++pos; pos < content_type.size() && content_type[pos] != '"'; ++pos) {
        if (content_type[pos] == '\\' && pos + 1 < content_type.size())
          ++pos;
        if (value.size() < kMaxLabel + 1)
          value.push_back(AsciiLower(content_type[pos]));
      }
      pos = content_type.find(';', pos);
    } else {
      size_t end = content_type.find(';', pos);
      std::string_view raw = content_type.substr(
          pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
      while (!raw.empty() && is_http_space(raw.back()))
        raw.remove_suffix(1);
      if (raw.size() > kMaxLabel + 1)
        raw = raw.substr(0, kMaxLabel + 1);  // too long for a label: stays unknown
      for (char c : raw)
        value.push_back(AsciiLower(c));
      pos = end;
      if (value.empty())
        continue;
    }
    if (name.size() == 7) {
      std::string lower_name;
      for (char c : name)
        lower_name.push_back(AsciiLower(c));
      if (lower_name == "charset")
        return value;
    }
  }
  return "";
}

DecodedPage DecodePage(std::string_view bytes, std::string_view content_type_header) {
  try {
    return DecodeNoThrow(bytes, content_type_header);
  } catch (...) {  // std::bad_alloc: nothing else here throws
    DecodedPage page;
    page.charset = "windows-1252";
    page.source = "default";
    return page;
  }
}

}  // namespace dragnet::parse
