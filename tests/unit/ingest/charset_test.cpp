// Charset detection and conversion to UTF-8.
#include "ingest/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>

#include "util/utf8.h"

namespace kindred::ingest {
namespace {

TEST(Charset, FromContentType) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=ISO-8859-1"), "ISO-8859-1");
  EXPECT_EQ(charset_from_content_type("text/html;charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(charset_from_content_type("text/html; Charset = 'Shift_JIS' ; q=1"), "Shift_JIS");
  EXPECT_EQ(charset_from_content_type("text/html"), "");
  EXPECT_EQ(charset_from_content_type(""), "");
}

TEST(Charset, MetaDeclarations) {
  EXPECT_EQ(sniff_meta_charset("<html><head><meta charset=windows-1251><title>x</title>"),
            "windows-1251");
  EXPECT_EQ(sniff_meta_charset("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; "
                               "charset=ISO-8859-9\">"),
            "ISO-8859-9");
  EXPECT_EQ(
      sniff_meta_charset("<meta content='text/html; charset=gb2312' http-equiv='content-type'>"),
      "gb2312");
  EXPECT_EQ(sniff_meta_charset("<?xml version=\"1.0\" encoding=\"windows-1252\"?><html>"),
            "windows-1252");
  // Commented out, or past the first 4 KiB: not a declaration.
  EXPECT_EQ(sniff_meta_charset("<!-- <meta charset=koi8-r> --><p>x"), "");
  EXPECT_EQ(sniff_meta_charset(std::string(5000, ' ') + "<meta charset=koi8-r>"), "");
  // A meta without charset, a <metadata> element.
  EXPECT_EQ(sniff_meta_charset("<meta name=x content=y><metadata charset=z>"), "");
}

TEST(Charset, LabelsFollowWhatwgWhereIcuDiffers) {
  EXPECT_EQ(canonical_charset("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(canonical_charset(" us-ascii "), "windows-1252");
  EXPECT_EQ(canonical_charset("GB2312"), "gb18030");
  EXPECT_EQ(canonical_charset("utf8"), "UTF-8");
  EXPECT_EQ(canonical_charset("windows-1251"), "windows-1251");
  EXPECT_EQ(canonical_charset("x-no-such-charset"), "");
  EXPECT_EQ(canonical_charset("utf-8\x01<script>"), "");
  EXPECT_EQ(canonical_charset(std::string(300, 'a')), "");
}

TEST(Charset, DecodesLegacyBytes) {
  std::string out;
  Decoded d = decode_to_utf8("caf\xe9 \x80 5", "iso-8859-1", false, &out);
  EXPECT_EQ(out, "café € 5");  // 0x80 is the euro sign in windows-1252
  EXPECT_EQ(d.charset, "windows-1252");
  EXPECT_EQ(d.invalid, 0u);
  EXPECT_FALSE(d.fallback);

  d = decode_to_utf8("\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", false, &out);
  EXPECT_EQ(out, "Привет");

  d = decode_to_utf8("<meta charset=\"shift_jis\">\x93\x8c\x8b\x9e", "", true, &out);
  EXPECT_EQ(out, "<meta charset=\"shift_jis\">東京");
  EXPECT_EQ(d.charset, "Shift_JIS");
}

TEST(Charset, ByteOrderMarkWinsAndIsRemoved) {
  std::string out;
  const std::string utf16le("\xFF\xFE<\0h\0>\0\xE9\0", 10);
  Decoded d = decode_to_utf8(utf16le, "iso-8859-1", true, &out);
  EXPECT_EQ(out, "<h>é");
  EXPECT_EQ(d.charset, "UTF-16LE");
  d = decode_to_utf8("\xEF\xBB\xBFok", "windows-1251", true, &out);
  EXPECT_EQ(out, "ok");
  EXPECT_EQ(d.charset, "UTF-8");
}

TEST(Charset, UnknownLabelsFallBackToUtf8AndAreReported) {
  std::string out;
  Decoded d = decode_to_utf8("plain caf\xc3\xa9", "x-klingon", true, &out);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(out, "plain café");
  d = decode_to_utf8("<meta charset=\"utf-99\">ok", "", true, &out);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(out, "<meta charset=\"utf-99\">ok");
  // An unknown HTTP label does not hide a good <meta>.
  d = decode_to_utf8("<meta charset=windows-1251>\xe4\xe0", "bogus", true, &out);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_EQ(out, "<meta charset=windows-1251>да");
}

TEST(Charset, InvalidSequencesAndNulsAreCountedAndRepaired) {
  std::string out;
  // Shift_JIS lead byte followed by an invalid trail byte, and a NUL.
  Decoded d = decode_to_utf8(std::string("a\x81\x20"
                                         "b\0c",
                                         6),
                             "shift_jis", false, &out);
  EXPECT_TRUE(util::is_valid_utf8(out));
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_GE(d.invalid, 2u);
  d = decode_to_utf8("bad \xff utf8", "utf-8", false, &out);
  EXPECT_EQ(out, "bad \xEF\xBF\xBD utf8");
  EXPECT_EQ(d.invalid, 1u);
  // A meta claiming UTF-16 in an ASCII-readable page is read as UTF-8 (WHATWG).
  d = decode_to_utf8("<meta charset=utf-16>hi", "", true, &out);
  EXPECT_EQ(out, "<meta charset=utf-16>hi");
}

TEST(Charset, LongInputsConvertAcrossChunkBoundaries) {
  // Supplementary characters (surrogate pairs in ICU's UTF-16 chunks) and
  // multi-byte sequences land on every chunk boundary somewhere in 200k of them.
  std::string utf8;
  for (int i = 0; i < 100'000; ++i) utf8 += i % 3 == 0 ? "\U00020BB7a" : "\u4e2d";
  std::string gb(utf8.size() * 2, '\0');
  UErrorCode err = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open("gb18030", &err);
  const int32_t n = ucnv_fromAlgorithmic(cnv, UCNV_UTF8, gb.data(), static_cast<int32_t>(gb.size()),
                                         utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  ucnv_close(cnv);
  ASSERT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  gb.resize(static_cast<size_t>(n));
  std::string out;
  Decoded d = decode_to_utf8(gb, "gb18030", false, &out);
  EXPECT_EQ(d.invalid, 0u);
  EXPECT_TRUE(out == utf8) << out.size() << " vs " << utf8.size();
}

}  // namespace
}  // namespace kindred::ingest
