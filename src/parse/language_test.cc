// Tests for DetectLanguage: the languages of the region's shops in market-like sentences, script
// shares with exact values, what CLD2 does with transliterations and short phrases, hints, and
// hostile input (invalid UTF-8, controls, noncharacters, 1 MB texts, garbage hints).

#include "parse/language.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace dragnet::parse {
namespace {

struct Sample {
  const char* language;
  const char* text;
};

// Written for these tests: one to three sentences as a shop or a listing would put them.
const Sample kSamples[] = {
    {"en",
     "Top quality crystal, shipped worldwide in vacuum sealed bags. Escrow accepted, reship "
     "policy for lost parcels, fast stealth delivery."},
    {"ru",
     "Мефедрон кристалл высшего качества, доставка по городу в течение часа. Закладки на магнитах "
     "и прикоп, фото и координаты сразу после оплаты."},
    {"uk",
     "Доставка по всьому місту протягом години, оплата після отримання фото. Найкраща якість "
     "товару і швидка відповідь оператора, пишіть у бот."},
    {"de",
     "Beste Qualität, diskreter Versand innerhalb von Deutschland. Bezahlung nur mit Bitcoin oder "
     "Monero, Lieferung in zwei bis drei Werktagen."},
    {"pl",
     "Najlepsza jakość towaru, szybka wysyłka na terenie całej Polski. Płatność w bitcoinach, "
     "paczka dotrze w ciągu dwóch dni roboczych."},
    {"kk",
     "Қазақстан бойынша жеткізу тегін, тауарды қалаған қалаңызда алуға болады. Біздің дүкенде ең "
     "жақсы сапа және төмен баға. Тапсырыс беру үшін ботқа жазыңыз."},
    {"zh", "高纯度化学品，全球快速发货，质量保证。欢迎咨询价格和最低订购量。"},
};

TEST(DetectLanguage, MarketSentencesInTheRegionsLanguages) {
  for (const Sample& sample : kSamples) {
    SCOPED_TRACE(sample.text);
    const LanguageGuess guess = DetectLanguage(sample.text);
    EXPECT_EQ(guess.language, sample.language);
    EXPECT_TRUE(guess.reliable);
    EXPECT_GE(guess.percent, 95);
    ASSERT_FALSE(guess.top3.empty());
    EXPECT_EQ(guess.top3[0].first, sample.language);
    EXPECT_FALSE(guess.mixed_scripts);
    ASSERT_EQ(guess.scripts.size(), 1u);
    EXPECT_DOUBLE_EQ(guess.scripts[0].share, 1.0);
  }
  EXPECT_EQ(DetectLanguage(kSamples[0].text).scripts[0].script, "Latn");
  EXPECT_EQ(DetectLanguage(kSamples[5].text).scripts[0].script, "Cyrl");
  EXPECT_EQ(DetectLanguage(kSamples[6].text).scripts[0].script, "Hani");
}

TEST(DetectLanguage, TransliteratedRussianIsLatinAndUnknownToCld2) {
  const LanguageGuess guess = DetectLanguage("MEFEDRON KRISTAL 1gr dostavka po gorodu");
  std::printf("transliterated Russian: language \"%s\" reliable %d\n", guess.language.c_str(),
              guess.reliable);
  ASSERT_EQ(guess.scripts.size(), 1u);
  EXPECT_EQ(guess.scripts[0].script, "Latn");
  EXPECT_DOUBLE_EQ(guess.scripts[0].share, 1.0);
  EXPECT_FALSE(guess.mixed_scripts);
}

TEST(DetectLanguage, MixedScriptListing) {
  // Letters: "Мефедрон" + "г" = 9 Cyrillic, "crystal" + "VHQ" = 10 Latin; "1" is Common.
  const LanguageGuess guess = DetectLanguage("Мефедрон crystal 1г VHQ");
  EXPECT_TRUE(guess.mixed_scripts);
  ASSERT_EQ(guess.scripts.size(), 2u);
  EXPECT_EQ(guess.scripts[0].script, "Latn");
  EXPECT_DOUBLE_EQ(guess.scripts[0].share, 10.0 / 19.0);
  EXPECT_EQ(guess.scripts[1].script, "Cyrl");
  EXPECT_DOUBLE_EQ(guess.scripts[1].share, 9.0 / 19.0);
  // Too short for CLD2: unknown, though Russian gets a few percent of it.
  EXPECT_EQ(guess.language, "");
  EXPECT_FALSE(guess.reliable);
  EXPECT_EQ(guess.percent, 0);
  ASSERT_EQ(guess.top3.size(), 1u);
  EXPECT_EQ(guess.top3[0].first, "ru");
}

TEST(DetectLanguage, MixedThresholdIsTenPercentOfLetters) {
  // 9 Cyrillic letters and 1 Latin: exactly 10%.
  EXPECT_TRUE(DetectLanguage("абвгдежзи x").mixed_scripts);
  // 19 and 1: 5%.
  const LanguageGuess guess = DetectLanguage("абвгдежзиклмнопрсту x");
  EXPECT_FALSE(guess.mixed_scripts);
  ASSERT_EQ(guess.scripts.size(), 2u);
  EXPECT_EQ(guess.scripts[0].script, "Cyrl");
  EXPECT_DOUBLE_EQ(guess.scripts[1].share, 0.05);
  // Equal shares sort by code.
  const LanguageGuess tie = DetectLanguage("ab вг");
  ASSERT_EQ(tie.scripts.size(), 2u);
  EXPECT_EQ(tie.scripts[0].script, "Cyrl");
  EXPECT_EQ(tie.scripts[1].script, "Latn");
}

TEST(DetectLanguage, CommonAndInheritedAreNotLetters) {
  // Digits, punctuation, emoji, a currency sign: no letters at all.
  const LanguageGuess none = DetectLanguage("1000 ₽ !!! ❄️ 💎 0,5 — 24/7");
  EXPECT_TRUE(none.scripts.empty());
  EXPECT_FALSE(none.mixed_scripts);
  EXPECT_EQ(none.language, "");  // CLD2 says "xx-Qaai" (the Inherited U+FE0F): not a language
  EXPECT_TRUE(none.top3.empty());
  // "й" written as и + U+0306 COMBINING BREVE (Inherited): 2 letters, both Cyrillic.
  const LanguageGuess decomposed = DetectLanguage("\xD0\xB8\xCC\x86\xD0\xB0");
  ASSERT_EQ(decomposed.scripts.size(), 1u);
  EXPECT_EQ(decomposed.scripts[0].script, "Cyrl");
}

TEST(DetectLanguage, EnglishBesideAnotherLanguageYieldsTheOther) {
  // CLD2 returns the second language when English leads without dominating (English is the
  // usual boilerplate), so `language` can differ from top3[0].
  const LanguageGuess guess = DetectLanguage(
      "Качественный товар. Quality product shipped worldwide, fast delivery guaranteed and escrow "
      "accepted.");
  EXPECT_EQ(guess.language, "ru");
  ASSERT_EQ(guess.top3.size(), 2u);
  EXPECT_EQ(guess.top3[0].first, "en");
  EXPECT_EQ(guess.top3[1].first, "ru");
  EXPECT_EQ(guess.percent, guess.top3[1].second);
  EXPECT_TRUE(guess.mixed_scripts);
}

TEST(DetectLanguage, EmptyTextIsUnknown) {
  for (const char* text : {"", " \n\t ", "..."}) {
    const LanguageGuess guess = DetectLanguage(text);
    EXPECT_EQ(guess.language, "");
    EXPECT_FALSE(guess.reliable);
    EXPECT_EQ(guess.percent, 0);
    EXPECT_TRUE(guess.top3.empty());
    EXPECT_TRUE(guess.scripts.empty());
  }
  const LanguageGuess nul = DetectLanguage(std::string_view("\0\0\0", 3));
  EXPECT_EQ(nul.language, "");
  EXPECT_FALSE(nul.reliable);
}

TEST(DetectLanguage, HintsTipAmbiguousShortText) {
  // "доставка по місту" (delivery in town): Ukrainian "місту", but CLD2 alone says Bulgarian.
  const char* phrase = "доставка по місту";
  EXPECT_EQ(DetectLanguage(phrase).language, "bg");
  EXPECT_EQ(DetectLanguage(phrase, "uk").language, "uk");
  EXPECT_EQ(DetectLanguage(phrase, "ru").language, "ru");
  // "Доставка товару" (delivery of goods): Russian alone; Ukrainian by header or by domain.
  const char* goods = "Доставка товару";
  EXPECT_EQ(DetectLanguage(goods).language, "ru");
  EXPECT_EQ(DetectLanguage(goods, "uk").language, "uk");
  EXPECT_EQ(DetectLanguage(goods, "", "ua").language, "uk");
  EXPECT_TRUE(DetectLanguage(goods, "", "ua").reliable);
  // A hint the text contradicts does not win; long sentences ignore it.
  EXPECT_NE(DetectLanguage("доставка по городу", "uk").language, "uk");
  EXPECT_EQ(DetectLanguage(kSamples[1].text, "uk", "ua").language, "ru");
}

TEST(DetectLanguage, HostileHintsAreHarmless) {
  std::string garbage(100000, '\xFF');
  garbage += "uk";
  const std::string with_nul("u\0k", 3);
  for (const std::string& hint : {garbage, with_nul, std::string(",,,,"), std::string("--")}) {
    const LanguageGuess guess = DetectLanguage(kSamples[2].text, hint, hint);
    EXPECT_EQ(guess.language, "uk");
  }
}

TEST(DetectLanguage, InvalidUtf8IsReplacedNotFatal) {
  // Overlong '/', a lone continuation byte, a truncated 3-byte sequence, an encoded surrogate,
  // > U+10FFFF, and 0xFE/0xFF, spread through a Russian sentence.
  std::string text = kSamples[1].text;
  const char* bad[] = {"\xC0\xAF",         "\x80",    "\xE2\x82", "\xED\xA0\x80",
                       "\xF4\x90\x80\x80", "\xFE\xFF"};
  size_t at = 10;
  for (const char* b : bad) {
    text.insert(at, b);
    at += 25;
  }
  text += "\xD0";  // truncated at the end
  const LanguageGuess guess = DetectLanguage(text);
  EXPECT_EQ(guess.language, "ru");
  EXPECT_TRUE(guess.reliable);
  ASSERT_EQ(guess.scripts.size(), 1u);
  EXPECT_EQ(guess.scripts[0].script, "Cyrl");
}

TEST(DetectLanguage, ControlsAndNoncharactersDoNotStopCld2) {
  // CLD2's UTF-8 check rejects NUL, other C0/C1 controls, DEL and noncharacters; they become
  // spaces, so the text after them still counts.
  std::string text = std::string("\x01\x1B\x7F", 3) + "\xC2\x85" + "\xEF\xBF\xBE" + "\xEF\xB7\x90" +
                     "\xF4\x8F\xBF\xBF" + std::string(1, '\0') + kSamples[4].text;
  const LanguageGuess guess = DetectLanguage(text);
  EXPECT_EQ(guess.language, "pl");
  EXPECT_TRUE(guess.reliable);
}

TEST(DetectLanguage, RandomBytesAndOneMegabyteInputs) {
  std::mt19937 rng(20240517);
  std::string random(size_t{1} << 20, '\0');
  for (char& c : random)
    c = static_cast<char>(rng() & 0xFF);
  const LanguageGuess noise = DetectLanguage(random);
  EXPECT_FALSE(noise.reliable && noise.percent > 95 && noise.language == "ru");  // just runs
  for (const ScriptShare& s : noise.scripts) {
    EXPECT_GT(s.share, 0.0);
    EXPECT_LE(s.share, 1.0);
  }

  // 1 MB of Russian followed by Latin letters: only the first 256 KiB are read, so no Latin.
  std::string big;
  while (big.size() < kMaxLanguageBytes + 1000)
    big += std::string(kSamples[1].text) + "\n";
  big += std::string(size_t{1} << 20, 'x');
  const LanguageGuess guess = DetectLanguage(big);
  EXPECT_EQ(guess.language, "ru");
  EXPECT_TRUE(guess.reliable);
  ASSERT_EQ(guess.scripts.size(), 1u);
  EXPECT_EQ(guess.scripts[0].script, "Cyrl");

  // The cap cuts a 2-byte letter in half: the half becomes U+FFFD, nothing is read beyond.
  std::string cut(kMaxLanguageBytes - 1, 'a');
  cut += "\xD0\xB0";
  const LanguageGuess half = DetectLanguage(cut);
  ASSERT_EQ(half.scripts.size(), 1u);
  EXPECT_EQ(half.scripts[0].script, "Latn");
}

TEST(DetectLanguage, Throughput) {
  // About 5 MB of page-sized texts (2 to 8 KiB), each in one of the sample languages with mixed
  // listing lines, transliterations and emoji between its sentences.
  std::mt19937 rng(7);
  constexpr size_t kLanguages = sizeof(kSamples) / sizeof(kSamples[0]);
  std::vector<std::pair<std::string, const char*>> pages;  // text, expected language
  size_t total = 0;
  while (total < (size_t{5} << 20)) {
    const Sample& main = kSamples[rng() % kLanguages];
    std::string page;
    const size_t size = 2048 + rng() % 6144;
    while (page.size() < size) {
      const unsigned pick = rng() % 10;
      page += pick < 8 ? main.text
                       : (pick == 8 ? "Мефедрон crystal 1г VHQ 1000₽ ❄️"
                                    : "MEFEDRON KRISTAL 1gr");
      page += '\n';
    }
    total += page.size();
    pages.emplace_back(std::move(page), main.language);
  }
  const auto start = std::chrono::steady_clock::now();
  int right = 0;
  for (const auto& [page, language] : pages)
    right += DetectLanguage(page).language == language ? 1 : 0;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("throughput: %zu pages, %.2f MB in %.3f s = %.1f MB/s\n", pages.size(),
              static_cast<double>(total) / 1e6, seconds,
              static_cast<double>(total) / 1e6 / seconds);
  EXPECT_EQ(right, static_cast<int>(pages.size()));
}

}  // namespace
}  // namespace dragnet::parse
