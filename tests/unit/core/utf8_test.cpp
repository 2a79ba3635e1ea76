#include <gtest/gtest.h>

#include "util/utf8.h"

namespace kindred::util {
namespace {

TEST(Utf8, ValidTextIsUntouched) {
  std::string s = "Zoë’s café — 東京";
  EXPECT_TRUE(is_valid_utf8(s));
  EXPECT_EQ(repair_utf8(s), 0u);
  EXPECT_EQ(s, "Zoë’s café — 東京");
}

TEST(Utf8, InvalidRunsBecomeOneReplacementEach) {
  std::string s =
      "ab\xff\xfe"
      "cd\xc3"
      "e\xed\xa0\x80"
      "f";  // bad bytes, truncated, surrogate
  EXPECT_FALSE(is_valid_utf8(s));
  EXPECT_EQ(repair_utf8(s), 3u);
  EXPECT_EQ(s,
            "ab\xEF\xBF\xBD"
            "cd\xEF\xBF\xBD"
            "e\xEF\xBF\xBD"
            "f");
  EXPECT_TRUE(is_valid_utf8(s));
}

TEST(Utf8, OverlongEncodingIsInvalid) {
  std::string s = "\xc0\xaf";  // overlong '/'
  EXPECT_EQ(repair_utf8(s), 1u);
  EXPECT_EQ(s, "\xEF\xBF\xBD");
}

TEST(Utf8, NulBytesAreRemovedAndCounted) {
  std::string s("a\0b\0\0c", 6);
  EXPECT_EQ(repair_utf8(s), 3u);
  EXPECT_EQ(s, "abc");
}

TEST(Utf8, DecodeAndAppendRoundTrip) {
  for (char32_t cp : {U'A', U'é', U'€', U'😀', char32_t(0x10FFFF)}) {
    std::string s;
    append_utf8(s, cp);
    char32_t back = 0;
    EXPECT_EQ(decode_utf8(s, 0, back), static_cast<int>(s.size()));
    EXPECT_EQ(back, cp);
  }
}

}  // namespace
}  // namespace kindred::util
