#include "parse/fold.h"

#include <string>

#include <gtest/gtest.h>

namespace dragnet::parse {
namespace {

TEST(FoldCaseTest, AsciiIsLowerCased) {
  EXPECT_EQ(FoldCase("Ships FROM: Germany"), "ships from: germany");
  EXPECT_EQ(FoldCase(""), "");
}

TEST(FoldCaseTest, OtherScriptsAreFoldedByUnicodeRules) {
  EXPECT_EQ(FoldCase("ОТЗЫВЫ о Продавце"), "отзывы о продавце");
  EXPECT_EQ(FoldCase("VERSAND Straße"), "versand strasse");  // full folding: ß -> ss
  EXPECT_EQ(FoldCase("ΣΊΣΥΦΟΣ"), "σίσυφοσ");                 // final sigma folds to σ
  EXPECT_EQ(FoldCase("ＡＢＣ ﬃ"), "ａｂｃ ffi");             // grows: one ligature, three letters
}

TEST(FoldCaseTest, LongTextThatGrowsIsFoldedWhole) {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "ﬃ";  // 3 bytes, folds to "ffi" (3 bytes)
  for (int i = 0; i < 2000; ++i)
    text += "İ";  // 2 bytes, folds to "i̇" (3 bytes): the first guess of the output size is short
  std::string folded = FoldCase(text);
  std::string expected;
  for (int i = 0; i < 2000; ++i)
    expected += "ffi";
  for (int i = 0; i < 2000; ++i)
    expected += "i\u0307";
  EXPECT_EQ(folded, expected);
}

}  // namespace
}  // namespace dragnet::parse
