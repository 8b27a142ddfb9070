// Tests of encoding sniffing and decoding (charset.h): the HTML standard's order, the WHATWG
// labels, ICU conversion and detection, hostile bytes. Test pages are encoded with ICU here.

#include "parse/charset.h"

#include <chrono>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

namespace dragnet::parse {
namespace {

// `utf8` in `charset`, by ICU.
std::string Encode(const std::string& utf8, const char* charset) {
  UErrorCode error = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t length = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                utf8.data(), static_cast<int32_t>(utf8.size()), &error);
  EXPECT_TRUE(U_SUCCESS(error)) << charset << ": " << u_errorName(error);
  out.resize(static_cast<size_t>(length));
  return out;
}

const std::string kListing =
    "<h1>Мефедрон кристалл 1 г, Москва</h1><p>Продавец: ХимикЛаб. Цена 2500 руб. Клад на "
    "магнитах, подъезд. Отзывы только положительные, работаем круглосуточно.</p>";

std::string Page(const std::string& head, const std::string& body) {
  return "<html><head>" + head + "<title>Магазин</title></head><body>" + body + "</body></html>";
}

TEST(CharsetFromContentType, ParsesParameters) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=UTF-8"), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html;charset=windows-1251"), "windows-1251");
  EXPECT_EQ(CharsetFromContentType("TEXT/HTML; CharSet=\"KOI8-R\""), "koi8-r");
  EXPECT_EQ(CharsetFromContentType("text/html; q=1; charset=cp1251 ; level=2"), "cp1251");
  EXPECT_EQ(CharsetFromContentType("text/html; charset=\"ut\\f-8\"; x=y"), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html; charset=a; charset=b"), "a");  // first wins
  EXPECT_EQ(CharsetFromContentType("text/html; foo=\"x;charset=y\"; charset=z"), "z");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromContentType(""), "");
  EXPECT_EQ(CharsetFromContentType("text/html; charset="), "");
  EXPECT_EQ(CharsetFromContentType("text/html; charset"), "");
  EXPECT_EQ(CharsetFromContentType("text/html; charset=\"unterminated"), "unterminated");
  EXPECT_EQ(CharsetFromContentType("text/html; xcharset=utf-8"), "");
  EXPECT_EQ(CharsetFromContentType("text/html; charset =utf-8"), "");  // spec: no space there
}

TEST(EncodingForLabel, FollowsTheWhatwgEncodingStandard) {
  EXPECT_EQ(EncodingForLabel("latin1"), "windows-1252");
  EXPECT_EQ(EncodingForLabel("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(EncodingForLabel("ascii"), "windows-1252");
  EXPECT_EQ(EncodingForLabel("cp1251"), "windows-1251");
  EXPECT_EQ(EncodingForLabel("x-cp1251"), "windows-1251");
  EXPECT_EQ(EncodingForLabel(" \tUTF8\n"), "UTF-8");
  EXPECT_EQ(EncodingForLabel("koi8"), "KOI8-R");
  EXPECT_EQ(EncodingForLabel("sjis"), "Shift_JIS");
  EXPECT_EQ(EncodingForLabel("gb2312"), "GBK");
  EXPECT_EQ(EncodingForLabel("utf-16"), "UTF-16LE");
  EXPECT_EQ(EncodingForLabel("iso-8859-9"), "windows-1254");
  EXPECT_EQ(EncodingForLabel("windows1251"), "");
  EXPECT_EQ(EncodingForLabel(""), "");
  EXPECT_EQ(EncodingForLabel(std::string(1000, 'a')), "");
}

TEST(PrescanMetaCharset, FollowsTheHtmlStandard) {
  EXPECT_EQ(PrescanMetaCharset("<meta charset=koi8-r>"), "KOI8-R");
  EXPECT_EQ(PrescanMetaCharset("<META CHARSET='Windows-1251'/>"), "windows-1251");
  EXPECT_EQ(PrescanMetaCharset(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=cp1251\">"),
            "windows-1251");
  // content= without http-equiv=content-type declares nothing.
  EXPECT_EQ(PrescanMetaCharset("<meta content=\"text/html; charset=cp1251\">"), "");
  // Attributes in either order, and the first of duplicate attributes counts.
  EXPECT_EQ(PrescanMetaCharset("<meta content='text/html;charset=\"koi8-r\"' "
                               "http-equiv=content-type http-equiv=refresh>"),
            "KOI8-R");
  EXPECT_EQ(PrescanMetaCharset("<!-- <meta charset=koi8-r> --><meta charset=cp1251>"),
            "windows-1251");
  EXPECT_EQ(PrescanMetaCharset("<div title='<meta charset=koi8-r>'><meta charset=latin2>"),
            "ISO-8859-2");
  EXPECT_EQ(PrescanMetaCharset("<meta charset=utf-16le>"), "UTF-8");  // spec
  EXPECT_EQ(PrescanMetaCharset("<meta charset=x-user-defined>"), "windows-1252");
  EXPECT_EQ(PrescanMetaCharset("<meta charset=bogus><meta charset=koi8-r>"), "KOI8-R");
  EXPECT_EQ(PrescanMetaCharset("<metacharset=koi8-r>"), "");
  EXPECT_EQ(PrescanMetaCharset(std::string(1100, ' ') + "<meta charset=koi8-r>"), "");
  EXPECT_EQ(PrescanMetaCharset("<!-- unterminated <meta charset=koi8-r>"), "");
  EXPECT_EQ(PrescanMetaCharset("<meta charset=\"koi8-r"), "");  // cut off: no result
  EXPECT_EQ(PrescanMetaCharset(""), "");
}

TEST(DecodePage, Windows1251DeclaredInMetaCharset) {
  std::string utf8 = Page("<meta charset=\"windows-1251\">", kListing);
  DecodedPage page = DecodePage(Encode(utf8, "windows-1251"), "");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "windows-1251");
  EXPECT_EQ(page.source, "meta");
  EXPECT_EQ(page.confidence, 100);
}

TEST(DecodePage, Koi8RDeclaredInMetaHttpEquiv) {
  std::string utf8 =
      Page("<meta http-equiv=\"content-type\" content=\"text/html; charset=KOI8-R\">", kListing);
  DecodedPage page = DecodePage(Encode(utf8, "KOI8-R"), "text/html");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "KOI8-R");
  EXPECT_EQ(page.source, "meta");
}

TEST(DecodePage, HttpHeaderBeatsMeta) {
  std::string utf8 = Page("<meta charset=\"windows-1251\">", kListing);
  DecodedPage page = DecodePage(Encode(utf8, "KOI8-R"), "text/html; charset=koi8-r");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "KOI8-R");
  EXPECT_EQ(page.source, "http");
}

TEST(DecodePage, BomBeatsHeaderAndMeta) {
  std::string utf8 = Page("<meta charset=\"windows-1251\">", kListing);
  DecodedPage page =
      DecodePage("\xFF\xFE" + Encode(utf8, "UTF-16LE"), "text/html; charset=windows-1251");
  EXPECT_EQ(page.utf8, utf8);  // the BOM is not part of the text
  EXPECT_EQ(page.charset, "UTF-16LE");
  EXPECT_EQ(page.source, "bom");

  page = DecodePage("\xFE\xFF" + Encode(utf8, "UTF-16BE"), "");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "UTF-16BE");

  page = DecodePage("\xEF\xBB\xBF" + utf8, "text/html; charset=koi8-r");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "UTF-8");
  EXPECT_EQ(page.source, "bom");
}

TEST(DecodePage, UndeclaredWindows1251IsDetected) {
  std::string utf8 = Page("", kListing + kListing);
  DecodedPage page = DecodePage(Encode(utf8, "windows-1251"), "text/html");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "windows-1251");
  EXPECT_EQ(page.source, "detected");
  EXPECT_GE(page.confidence, 10);
  EXPECT_LE(page.confidence, 100);
}

TEST(DecodePage, UndeclaredKoi8RIsDetected) {
  std::string utf8 = Page("", kListing + kListing);
  DecodedPage page = DecodePage(Encode(utf8, "KOI8-R"), "");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "KOI8-R");
  EXPECT_EQ(page.source, "detected");
}

TEST(DecodePage, ValidUtf8IsTheFastPath) {
  std::string utf8 = Page("", kListing);
  DecodedPage page = DecodePage(utf8, "");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "UTF-8");
  EXPECT_EQ(page.source, "default");

  page = DecodePage(utf8, "text/html; charset=utf8");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.source, "http");

  page = DecodePage(Page("<meta charset=utf-8>", kListing), "");
  EXPECT_EQ(page.source, "meta");
  EXPECT_EQ(page.charset, "UTF-8");

  // Every sequence length, at the end of the page too.
  std::string mixed = "Цена ₽ 💎 冰毒 é";
  page = DecodePage(mixed, "");
  EXPECT_EQ(page.utf8, mixed);
  EXPECT_EQ(page.source, "default");

  page = DecodePage("plain ASCII", "");
  EXPECT_EQ(page.utf8, "plain ASCII");
  EXPECT_EQ(page.charset, "UTF-8");
}

TEST(DecodePage, InvalidUtf8IsReplaced) {
  // A stray byte, a truncated two-byte sequence at the end, an overlong '/', a surrogate.
  DecodedPage page = DecodePage(
      "a\xFF"
      "b \xC0\xAF \xED\xA0\x80 end\xD0",
      "text/html; charset=utf-8");
  EXPECT_EQ(page.utf8,
            "a\uFFFD"
            "b \uFFFD\uFFFD \uFFFD\uFFFD\uFFFD end\uFFFD");
  EXPECT_EQ(page.charset, "UTF-8");
  EXPECT_EQ(page.source, "http");
  // Past U+10FFFF, overlong three-byte, a lead byte without its last trail byte.
  for (const char* bad : {"\xF4\x90\x80\x80", "\xE0\x80\xAF", "x\xE2\x82"}) {
    page = DecodePage(bad, "text/html; charset=utf-8");
    EXPECT_NE(page.utf8.find("\uFFFD"), std::string::npos) << bad;
  }
}

TEST(DecodePage, UnmappedBytesAndTruncatedMultibyteBecomeReplacementCharacters) {
  // 0xD2 is unassigned in windows-1253; ICU's own default would write U+001A.
  DecodedPage page = DecodePage("\xC1\xD2\xC2", "text/html; charset=windows-1253");
  EXPECT_EQ(page.utf8, "Α\uFFFDΒ");
  // Shift_JIS cut in the middle of a character.
  std::string sjis = Encode("価格", "Shift_JIS");
  page = DecodePage(sjis + sjis.substr(0, 1), "text/html; charset=shift_jis");
  EXPECT_EQ(page.utf8, "価格\uFFFD");
  EXPECT_EQ(page.charset, "Shift_JIS");
}

TEST(DecodePage, EastAsianEncodings) {
  std::string utf8 = "<p>冰毒 价格 1克 500元</p>";
  DecodedPage page = DecodePage(Encode(utf8, "GB18030"), "text/html; charset=GB2312");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "GBK");
  page = DecodePage(Encode(utf8, "GB18030"), "text/html; charset=gb18030");
  EXPECT_EQ(page.utf8, utf8);
  EXPECT_EQ(page.charset, "gb18030");
}

TEST(DecodePage, DeclarationsThatCannotBeUsedFallThrough) {
  std::string utf8 = Page("<meta charset=\"windows-1251\">", kListing);
  std::string bytes = Encode(utf8, "windows-1251");
  // Unknown label, garbage, and a label ICU's Debian data cannot convert (ISO-8859-16).
  for (const char* header : {"text/html; charset=win-1251", "text/html; charset=\"\xFF\xFE\x01\"",
                             "text/html; charset=iso-8859-16", "text/html; charset=;;;;="}) {
    DecodedPage page = DecodePage(bytes, header);
    EXPECT_EQ(page.utf8, utf8) << header;
    EXPECT_EQ(page.source, "meta") << header;
  }
  // A meta naming UTF-16 means UTF-8 (the page could not have been parsed to find it otherwise).
  DecodedPage page = DecodePage(Page("<meta charset=utf-16>", kListing), "");
  EXPECT_EQ(page.charset, "UTF-8");
  EXPECT_EQ(page.source, "meta");
}

TEST(DecodePage, UndeclaredLatin1IsDetectedAsWindows1252) {
  DecodedPage page = DecodePage(
      "<p>caf\xE9 au lait, cr\xE8me br\xFBl\xE9"
      "e</p>",
      "");
  EXPECT_EQ(page.utf8, "<p>café au lait, crème brûlée</p>");
  EXPECT_EQ(page.charset, "windows-1252");
  EXPECT_EQ(page.source, "detected");
}

TEST(DecodePage, UndecidableBytesDefaultToWindows1252) {
  // ICU's only guesses are below the confidence floor: UTF-8 (15) and CJK readings (10).
  DecodedPage page = DecodePage("caf\xE9", "");
  EXPECT_EQ(page.utf8, "café");
  EXPECT_EQ(page.charset, "windows-1252");
  EXPECT_EQ(page.source, "default");
  EXPECT_EQ(page.confidence, 100);
  page = DecodePage(std::string(100, '\x9D'), "");
  EXPECT_EQ(page.source, "default");
  page = DecodePage("", "");
  EXPECT_EQ(page.utf8, "");
  EXPECT_EQ(page.charset, "UTF-8");
}

TEST(DecodePage, HostileInputIsBoundedAndSafe) {
  auto start = std::chrono::steady_clock::now();
  std::string ff(size_t{16} << 20, '\xFF');
  DecodedPage page = DecodePage(ff, "text/html; charset=" + std::string(100000, 'x'));
  EXPECT_FALSE(page.charset.empty());
  EXPECT_GE(page.utf8.size(), ff.size());  // one character or U+FFFD per byte
  EXPECT_LE(page.utf8.size(), 3 * ff.size());
  page = DecodePage(ff, "text/html; charset=utf-8");
  EXPECT_EQ(page.utf8.size(), 3 * ff.size());  // U+FFFD per byte
  page = DecodePage(ff, "text/html; charset=utf-16be");
  EXPECT_EQ(page.charset, "UTF-16BE");
  // Every byte value under every declared charset, truncated sequences included.
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (const char* label : {"utf-8", "utf-16le", "shift_jis", "euc-jp", "iso-2022-jp", "gb18030",
                            "big5", "euc-kr", "koi8-r", "hz-gb-2312", "iso-2022-kr"}) {
    for (size_t cut = 0; cut < 6; ++cut) {
      page = DecodePage(all.substr(0, all.size() - cut), std::string("text/html;charset=") + label);
      EXPECT_FALSE(page.utf8.empty()) << label;
    }
  }
  // Markup that keeps the prescan busy: thousands of unterminated tags and attributes.
  std::string tags;
  for (int i = 0; i < 100000; ++i)
    tags += "<a b='";
  page = DecodePage(tags, "");
  EXPECT_EQ(page.charset, "UTF-8");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30.0);  // linear work; generous for sanitizer builds
}

}  // namespace
}  // namespace dragnet::parse
