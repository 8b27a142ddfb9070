#include "identify/normalizer.h"

#include <gtest/gtest.h>

namespace dragnet::identify {
namespace {

const Normalizer& Shared() {
  static const Normalizer normalizer;
  return normalizer;
}

std::string Key(std::string_view text) {
  return Shared().Key(text);
}

TEST(Normalizer, FoldsCaseAndCompatibilityForms) {
  EXPECT_EQ(Key("MDMA"), "mdma");
  EXPECT_EQ(Key("ｍｄｍａ"), "mdma");  // fullwidth
  EXPECT_EQ(Key("Cocaïne"), "cocaine");
}

TEST(Normalizer, TransliteratesCyrillicAsSellersDo) {
  EXPECT_EQ(Key("героин"), "geroin");
  EXPECT_EQ(Key("Геройн"), "geroin");  // й and и meet
  EXPECT_EQ(Key("шишки"), "shishki");
  EXPECT_EQ(Key("мефедрон"), "mefedron");
  EXPECT_EQ(Key("mephedrone"), "mefedrone");  // ph -> f
}

TEST(Normalizer, ResolvesLookAlikesByTheWordsScript) {
  // A Latin "e" and "o" inside a Cyrillic word, a Cyrillic "с" and "о" inside a Latin one.
  EXPECT_EQ(Key("Гeрoин"), "geroin");
  EXPECT_EQ(Key("\xd1\x81\xd0\xbe"
                "caine"),
            "cocaine");
}

TEST(Normalizer, DropsInvisibleCharacters) {
  EXPECT_EQ(Key("co\u200bca\u00adine"), "cocaine");
}

TEST(Normalizer, CollapsesStretchedLetters) {
  EXPECT_EQ(Key("нбооооом"), "nbom");
  EXPECT_EQ(Key("weeeeed"), "wed");
  EXPECT_EQ(Key("pmma"), "pmma");  // doubles stay: PMMA is not PMA
}

TEST(Normalizer, FoldsLeetspeakButKeepsCodes) {
  EXPECT_EQ(Key("c0caine"), "cocaine");
  EXPECT_EQ(Key("m3th"), "meth");
  EXPECT_EQ(Key("3-MMC"), "3mmc");
  EXPECT_EQ(Key("25I-NBOMe"), "25inbome");
}

TEST(Normalizer, JoinsSpacedSingleLetters) {
  EXPECT_EQ(Key("A - P v P"), "apvp");
  EXPECT_EQ(Key("m d m a"), "mdma");
  EXPECT_EQ(Key("M.D.M.A."), "mdma");
  EXPECT_EQ(Key("I am a cat"), "i am a cat");  // ordinary words stay apart
}

TEST(Normalizer, HyphensAreSoftBoundaries) {
  NormalizedText text;
  Shared().Normalize("speed-paste", text);
  EXPECT_EQ(text.key, "speedpaste");
  EXPECT_TRUE(text.BoundaryAt(5));  // after "speed", where the hyphen was
  EXPECT_FALSE(text.BoundaryAt(2));
}

TEST(Normalizer, KeepsOffsetsIntoTheOriginal) {
  NormalizedText text;
  std::string original = "Купить Геройн 1г";
  Shared().Normalize(original, text);
  size_t at = text.key.find("geroin");
  ASSERT_NE(at, std::string::npos);
  uint32_t begin = text.begin[at];
  uint32_t end = text.end[at + 5];
  EXPECT_EQ(original.substr(begin, end - begin), "Геройн");
}

// The output arrays are sized from the input before they are written through raw pointers; the
// inputs that emit the most bytes per input byte must stay inside them (ASan in the dev build
// would report a write past the end). U+FDFA folds to 11 bytes from 3; a Latin "s" in a
// Cyrillic word becomes "ѕ"'s two bytes; emoji separated by spaces each add a space after.
TEST(Normalizer, TheLargestExpansionsFitTheirArrays) {
  std::string fdfa;
  for (int i = 0; i < 3000; ++i)
    fdfa += "\uFDFA";
  std::string mixed;
  for (int i = 0; i < 2000; ++i)
    mixed += "\u0430\u0431s ";  // "абs"
  std::string emoji;
  for (int i = 0; i < 2000; ++i)
    emoji += i % 2 == 0 ? "\U0001F525 " : "\U0001F48E";
  std::string spaced;
  for (int i = 0; i < 2000; ++i)
    spaced += "a - ";
  for (const std::string& text : {fdfa, mixed, emoji, spaced, fdfa + mixed + emoji + spaced}) {
    NormalizedText out;
    Shared().Normalize(text, out);
    ASSERT_EQ(out.begin.size(), out.key.size());
    ASSERT_EQ(out.end.size(), out.key.size());
    ASSERT_EQ(out.steps.size(), out.key.size());
    ASSERT_EQ(out.soft.size(), out.key.size() + 1);
    EXPECT_FALSE(out.key.empty());
    for (size_t i = 0; i < out.key.size(); ++i) {
      ASSERT_LE(out.begin[i], out.end[i]);
      ASSERT_LE(out.end[i], text.size());
    }
  }
  EXPECT_GT(Key(fdfa).size(), fdfa.size() * 3);  // the expansion really happened
}

TEST(Normalizer, ReportsWhichFoldsWereNeeded) {
  NormalizedText text;
  Shared().Normalize("Гeрoин", text);
  uint8_t steps = text.StepsIn(0, text.key.size());
  EXPECT_TRUE(steps & kFoldTransliterate);
  EXPECT_TRUE(steps & kFoldConfusable);
}

TEST(Normalizer, EmojiAreWordsOfTheirOwn) {
  EXPECT_EQ(Key("❄️❄️ 1g"), "❄ ❄ 1g");
}

TEST(Normalizer, SurvivesInvalidUtf8) {
  NormalizedText text;
  Shared().Normalize(std::string("co\xff\xfe"
                                 "caine \xc3"),
                     text);
  EXPECT_EQ(text.key.size(), text.begin.size());
  EXPECT_EQ(text.soft.size(), text.key.size() + 1);
}

}  // namespace
}  // namespace dragnet::identify
