// Issue 16: byte order marks in every text reader (UTF-8, UTF-16 LE/BE,
// UTF-32 LE/BE), and legacy charsets that nothing declares, detected (ICU)
// instead of being replaced by U+FFFD. A UTF-16LE .txt with its BOM used to be
// read as UTF-8, NULs dropped, without a word.
#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <vector>

#include "ingest/charset.h"
#include "ingest/reader.h"
#include "ingest_test_util.h"
#include "util/utf8.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::encode;
using testing::read_all;
using testing::TempDir;

const std::string kFrench =
    "Le conseil municipal a voté mercredi soir la rénovation du marché couvert. Les "
    "élus ont approuvé à l'unanimité un budget de 2,4 millions d'euros; les travaux "
    "débuteront en février et la réouverture est prévue à l'été prochain.";
const std::string kRussian =
    "Городской совет в среду вечером проголосовал за реконструкцию крытого рынка. "
    "Депутаты единогласно одобрили бюджет в 2,4 миллиона рублей; работы начнутся в "
    "феврале, а открытие запланировано на следующее лето.";

struct Bom {
  const char* charset;  ///< ICU converter without BOM handling
  std::string bom;
};
const std::vector<Bom> kBoms = {
    {"UTF-8", "\xEF\xBB\xBF"},
    {"UTF-16LE", "\xFF\xFE"},
    {"UTF-16BE", "\xFE\xFF"},
    {"UTF-32LE", std::string("\xFF\xFE\0\0", 4)},
    {"UTF-32BE", std::string("\0\0\xFE\xFF", 4)},
};

TEST(Encoding, ByteOrderMarksNameTheirCharset) {
  for (const Bom& b : kBoms) {
    EXPECT_EQ(charset_from_bom(b.bom + "x"), b.charset);
    EXPECT_EQ(bom_bytes(b.charset), b.bom.size());
    std::string out;
    const Decoded d = decode_to_utf8(b.bom + encode(kFrench, b.charset), {}, false, &out);
    EXPECT_EQ(out, kFrench) << b.charset;
    EXPECT_EQ(d.charset, b.charset);
    EXPECT_EQ(d.invalid, 0u);
  }
}

TEST(Encoding, TextFilesWithAnyByteOrderMark) {
  TempDir dir;
  for (const Bom& b : kBoms) {
    dir.write(std::string("t/") + b.charset + ".txt", b.bom + encode(kRussian, b.charset));
  }
  Collected c = read_all((dir.path() / "t").string());
  ASSERT_TRUE(c.rejects.empty()) << c.rejects[0].status.message();
  ASSERT_EQ(c.docs.size(), kBoms.size());
  for (const Document& d : c.docs) {
    EXPECT_EQ(d.text, kRussian) << d.id;
    EXPECT_EQ(d.invalid_utf8, 0u) << d.id;
    EXPECT_FALSE(d.title.empty()) << d.id;
    EXPECT_TRUE(kRussian.starts_with(d.title)) << d.id;  // cut at 300 bytes
  }
}

TEST(Encoding, JsonLinesAndHtmlWithAWideByteOrderMark) {
  TempDir dir;
  const std::string lines = "{\"id\":\"fr\",\"text\":\"" + kFrench +
                            "\"}\n{\"id\":\"ru\",\"text\":\"" + kRussian + "\"}\n";
  const std::string html = "<html><head><title>Marché</title></head><body><article><p>" + kFrench +
                           "</p></article></body></html>";
  for (const Bom& b : kBoms) {
    SCOPED_TRACE(b.charset);
    Collected j = read_all(
        dir.write(std::string("j/") + b.charset + ".jsonl", b.bom + encode(lines, b.charset)));
    ASSERT_TRUE(j.rejects.empty()) << j.rejects[0].status.message();
    ASSERT_EQ(j.docs.size(), 2u);
    EXPECT_EQ(j.docs[0].text, kFrench);
    EXPECT_EQ(j.docs[1].text, kRussian);
    EXPECT_EQ(j.docs[1].origin.line, 2u);
    Collected h = read_all(
        dir.write(std::string("h/") + b.charset + ".html", b.bom + encode(html, b.charset)));
    ASSERT_TRUE(h.rejects.empty()) << h.rejects[0].status.message();
    ASSERT_EQ(h.docs.size(), 1u);
    EXPECT_EQ(h.docs[0].text, kFrench);
    EXPECT_EQ(h.docs[0].invalid_utf8, 0u);
  }
}

TEST(Encoding, UndeclaredLegacyCharsetsAreDetected) {
  struct Case {
    const std::string* text;
    const char* charset;  ///< how it is written
    const char* read_as;  ///< what the detector must say (canonical)
  };
  for (const Case& k :
       {Case{&kFrench, "windows-1252", "windows-1252"},
        Case{&kFrench, "ISO-8859-1", "windows-1252"},
        Case{&kRussian, "windows-1251", "windows-1251"}, Case{&kRussian, "KOI8-R", "KOI8-R"}}) {
    SCOPED_TRACE(k.charset);
    const std::string bytes = encode(*k.text, k.charset);
    EXPECT_EQ(detect_charset(bytes, false), k.read_as);
    std::string out;
    const Decoded d = decode_to_utf8(bytes, {}, false, &out);
    EXPECT_EQ(out, *k.text);
    EXPECT_TRUE(d.detected);
    EXPECT_EQ(d.invalid, 0u);
  }
  // Through the readers: a .txt, and an HTML page that declares nothing.
  TempDir dir;
  Collected t = read_all(dir.write("legacy.txt", encode(kFrench, "windows-1252")));
  ASSERT_EQ(t.docs.size(), 1u);
  EXPECT_EQ(t.docs[0].text, kFrench);
  EXPECT_EQ(t.docs[0].invalid_utf8, 0u);
  Collected h = read_all(dir.write(
      "legacy.html", encode("<html><body><article><p>" + kRussian + "</p></article></body></html>",
                            "windows-1251")));
  ASSERT_EQ(h.docs.size(), 1u);
  EXPECT_EQ(h.docs[0].text, kRussian);
}

TEST(Encoding, Utf16WithoutAByteOrderMarkIsNotReadAsUtf8) {
  for (const char* charset : {"UTF-16LE", "UTF-16BE"}) {
    std::string out;
    const Decoded d = decode_to_utf8(encode(kFrench, charset), {}, false, &out);
    EXPECT_EQ(d.charset, charset);
    EXPECT_EQ(out, kFrench);
  }
}

TEST(Encoding, Utf8AndDamagedUtf8StayUtf8) {
  EXPECT_EQ(detect_charset(kFrench, false), "UTF-8");
  EXPECT_EQ(detect_charset("plain ASCII only", false), "UTF-8");
  EXPECT_EQ(detect_charset("", false), "UTF-8");
  // One cut character in good UTF-8 is damage, not windows-1252.
  std::string damaged = kFrench;
  damaged.insert(damaged.find("voté") + 4, "\xC3");
  EXPECT_EQ(detect_charset(damaged, false), "UTF-8");
  std::string out;
  const Decoded d = decode_to_utf8(damaged, {}, false, &out);
  EXPECT_EQ(d.invalid, 1u);
  EXPECT_FALSE(d.detected);
  EXPECT_TRUE(util::is_valid_utf8(out));
}

}  // namespace
}  // namespace kindred::ingest
