// The replacement of invalid UTF-8 follows the Unicode Standard's "U+FFFD
// for maximal subparts" practice; the expectations are the standard's own
// worked example (Unicode 15, section 3.9, Table 3-8) and RFC 3629's
// ill-formed cases, not outputs of the code under test.

#include "core/utf8.h"

#include <gtest/gtest.h>

namespace medvision {
namespace {

const std::string kFFFD = "\xEF\xBF\xBD";

TEST(Utf8, WellFormedTextIsKeptByteForByte) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 tab\there";
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(valid_utf8(text), text);
}

TEST(Utf8, UnicodeTable3_8ExampleReplacesEachMaximalSubpart) {
  const std::string in = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  const std::string want = "a" + kFFFD + kFFFD + kFFFD + "b" + kFFFD + "c" + kFFFD + kFFFD + "d";
  EXPECT_FALSE(is_valid_utf8(in));
  EXPECT_EQ(valid_utf8(in), want);
}

TEST(Utf8, Rfc3629IllFormedSequencesAreRejected) {
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));           // cut short
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));    // U+10FFFF itself
  EXPECT_EQ(valid_utf8("\xC0\x80"), kFFFD + kFFFD);  // C0 never starts a sequence
}

TEST(Utf8, PrefixCutsOnCodePointBoundaries) {
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  const std::string text = euro + euro + euro;
  EXPECT_EQ(utf8_prefix(text, 9), text);
  EXPECT_EQ(utf8_prefix(text, 8), euro + euro);
  EXPECT_EQ(utf8_prefix(text, 4), euro);
  EXPECT_EQ(utf8_prefix(text, 2), "");
  EXPECT_TRUE(is_valid_utf8(utf8_prefix(text, 7, true)));
  EXPECT_EQ(utf8_prefix(text, 7, true), euro + "...");
  for (std::size_t n = 0; n <= text.size(); ++n) EXPECT_TRUE(is_valid_utf8(utf8_prefix(text, n)));
}

TEST(Utf8, PrintableTextEscapesControlBytes) {
  EXPECT_EQ(printable_text(std::string("a\0b\nc\x7F", 6)), "a\\x00b\\x0ac\\x7f");
  EXPECT_EQ(printable_text("\xFF"), kFFFD);
}

}  // namespace
}  // namespace medvision
