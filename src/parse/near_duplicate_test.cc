// Tests for SimHash and NearDuplicateIndex: exact feature values, the variations normalisation
// must erase, the distances real ad edits produce, hostile input, and clustering of generated ads.

#include "parse/near_duplicate.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sodium.h>

#include "parse/html_text.h"

namespace dragnet::parse {
namespace {

// The feature hash as documented: SipHash-2-4 under kSimHashKey, read little-endian.
uint64_t Sip(std::string_view feature) {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(feature.data()), feature.size(),
                   kSimHashKey);
  uint64_t h = 0;
  for (int i = crypto_shorthash_BYTES - 1; i >= 0; --i)
    h = (h << 8) | out[i];
  return h;
}

// A Telegram shop ad as it is posted: emoji, guillemets, bot names, a price in ₽ (41 tokens).
std::string ShopAd(const std::string& emoji, const std::string& price,
                   const std::string& district) {
  return emoji + " МАГАЗИН «СНЕЖОК» " + emoji + "\nМефедрон кристалл VHQ 1г — " + price +
         "₽ ❄️\nКлад на магнитах и в прикоп, район " + district +
         ", фото с координатами сразу после оплаты.\nЗаказ через бота @snezhok_shop_bot, "
         "оператор @snezhok_op. Работаем 24/7 без выходных, все отзывы в нашем канале!";
}

// The shop's weekly price list (216 tokens), as long channel posts are.
std::string PriceList(const std::string& district) {
  std::string text =
      "💎💎💎 МАГАЗИН «СНЕЖОК» — ОБНОВЛЕНИЕ ПРАЙСА НА НЕДЕЛЮ "
      "💎💎💎\nДорогие клиенты, мы снова на связи и рады "
      "сообщить, что поставка пришла, весь ассортимент в "
      "наличии по городу.\n";
  const char* lines[] = {
      "Мефедрон кристалл VHQ",  "Мефедрон мука белая", "Альфа ПВП синий кристалл",
      "Шишки Gorilla Glue",     "Шишки OG Kush",       "Гашиш марокко ice-o-lator",
      "Амфетамин белый мокрый", "Марки 25i 2000 мкг",  "Экстази Red Maserati 300mg",
      "Кокаин Перу чистый",
  };
  int price = 1800;
  for (const char* line : lines) {
    text += "▪️ " + std::string(line) + " — 1г " + std::to_string(price) + "₽, 2г " +
            std::to_string(price * 2 - 300) + "₽, 5г " + std::to_string(price * 5 - 1500) +
            "₽\n";
    price += 350;
  }
  text += "\n📍 Клады: магниты, прикопы, тайники в подъездах. Сегодня работаем в районе " +
          district +
          " и соседних кварталах, остальные районы по запросу у оператора.\nГарантия на каждый "
          "клад, перезаклад при ненаходе после проверки фото и видео. Новым клиентам скидка на "
          "первый заказ, постоянным бонусы и розыгрыши каждую пятницу.\nОплата картой, через "
          "обменник или криптовалютой BTC, USDT, XMR. Заказ через бота @snezhok_shop_bot или "
          "оператора @snezhok_op, работаем круглосуточно без выходных и праздников.\nЧитайте "
          "правила магазина перед покупкой, отзывы и фото кладов в нашем канале, вакансии "
          "курьеров в закрепе.";
  return text;
}

TEST(SimHash, FeaturesAreExactlyAsDocumented) {
  EXPECT_EQ(SimHash(""), 0u);
  EXPECT_EQ(SimHash(" ,.!? 🔥❄️💎 ₽ \u200b"), 0u);  // no tokens
  EXPECT_EQ(SimHash("Героин"), Sip("героин"));
  EXPECT_EQ(SimHash("ALPHA-PVP"), Sip("alpha") & Sip("pvp"));  // two words: ties stay 0
  EXPECT_EQ(SimHash("Цена: 3200₽ / 2 900 руб."), Sip("цена # руб"));
  EXPECT_EQ(SimHash("0,5гр"), Sip("#") & Sip("гр"));
  EXPECT_EQ(SimHash("10 x 200mg"), Sip("# x #") & Sip("x # mg"));
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(HammingDistance(0b1011, 0b0110), 3);
}

TEST(SimHash, NormalisationErasesCaseWidthIgnorablesAndMarks) {
  EXPECT_EQ(SimHash("Straße"), SimHash("STRASSE"));                     // full case folding
  EXPECT_EQ(SimHash("ＭＤＭＡ ｐｉｌｌｓ"), SimHash("mdma pills"));     // fullwidth forms
  EXPECT_EQ(SimHash("ге\u200bро\u00adин"), SimHash("героин"));          // zero-width, soft hyphen
  EXPECT_EQ(SimHash("закладк\u0438\u0306"), SimHash("закладк\u0439"));  // decomposed й
  EXPECT_EQ(SimHash("кокаин\u200dгероин"), Sip("кокаингероин"));        // joiner: not a separator
  EXPECT_NE(SimHash("героин кокаин соль"), SimHash("соль кокаин героин"));  // order matters
}

TEST(SimHash, IsDeterministic) {
  const std::string ad = ShopAd("🔥", "3200", "Центральный");
  const uint64_t first = SimHash(ad);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(SimHash(ad), first);
  // Pinned: any change of key, normalisation or voting shows up here.
  EXPECT_EQ(first, 0x8d89285081154b02ULL);
}

TEST(SimHash, AdVariantsWithOtherEmojiPriceOrCaseAreIdentical) {
  const uint64_t base = SimHash(ShopAd("🔥", "3200", "Центральный"));
  EXPECT_EQ(HammingDistance(base, SimHash(ShopAd("🔥", "3200", "Центральный"))), 0);
  EXPECT_EQ(HammingDistance(base, SimHash(ShopAd("💎🚀", "3200", "Центральный"))), 0);
  EXPECT_EQ(HammingDistance(base, SimHash(ShopAd("🔥", "2900", "Центральный"))), 0);
  EXPECT_EQ(HammingDistance(base, SimHash(ShopAd("🔥", "2 900", "Центральный"))), 0);
  const char* shouting =
      "🔥 магазин «Снежок»\nМЕФЕДРОН КРИСТАЛЛ vhq 1Г — 3200₽ "
      "❄️❄️\nклад НА МАГНИТАХ и в Прикоп, РАЙОН "
      "центральный, "
      "фото с координатами сразу после оплаты. Заказ через "
      "бота @SNEZHOK_SHOP_BOT, оператор @Snezhok_Op. работаем "
      "24/7 без выходных, все отзывы в нашем канале!!!";
  EXPECT_EQ(HammingDistance(base, SimHash(shouting)), 0);
}

TEST(SimHash, AnotherDistrictMovesAShortAdSeveralBitsAndALongPostAtMostThree) {
  // One changed word changes 3 shingles, so a 41-token ad moves well beyond k = 3 (4 to 10 bits
  // over 28 pairs of district names); a 216-token price list, whose repeated lines steady the
  // vote, moves 0 or 1. A k = 3 index joins district variants of long posts only.
  const int short_ad = HammingDistance(SimHash(ShopAd("🔥", "3200", "Центральный")),
                                       SimHash(ShopAd("🔥", "3200", "Ленинский")));
  EXPECT_EQ(short_ad, 10);
  EXPECT_LE(HammingDistance(SimHash(PriceList("Центральный")), SimHash(PriceList("Ленинский"))), 3);
  EXPECT_LE(HammingDistance(SimHash(PriceList("Советский")), SimHash(PriceList("Заводской"))), 3);
  EXPECT_EQ(SimHash(PriceList("Центральный")), SimHash(PriceList("ЦЕНТРАЛЬНЫЙ")));
}

TEST(SimHash, DifferentAdsOfOneShopAreFarApart) {
  const char* courier =
      "🚗 МАГАЗИН «СНЕЖОК» ИЩЕТ КУРЬЕРОВ 🚗\nРабота закладчиком "
      "в твоем городе, свободный график, оплата от 500₽ за "
      "клад каждый день на карту или крипту. Залог не нужен, "
      "обучение и поддержка опытного куратора.\nПиши "
      "оператору @snezhok_op, анкета в боте @snezhok_shop_bot.";
  const char* weed =
      "🍁🌲 Свежий урожай! Шишки Gorilla Glue и OG Kush, сорт "
      "индика, шишки плотные, смолистые. От 2г по 1800₽, опт "
      "скидки. Доставка клад по городу, фото сразу. Ждем в "
      "боте @snezhok_shop_bot!";
  const uint64_t ad = SimHash(ShopAd("🔥", "3200", "Центральный"));
  EXPECT_GT(HammingDistance(ad, SimHash(courier)), 10);
  EXPECT_GT(HammingDistance(ad, SimHash(weed)), 10);
  EXPECT_GT(HammingDistance(SimHash(courier), SimHash(weed)), 10);
}

TEST(SimHash, MirrorCopyWithMarkupAndWhitespaceIsClose) {
  const char* listing =
      "Premium Cocaine 1g - 92% purity, Peru. Ships from "
      "Netherlands to EU and UK. Stealth vacuum sealed "
      "packaging, tracking on request. FE for trusted buyers "
      "only, escrow otherwise.";
  const char* mirror =
      "  **Premium   Cocaine**  1g -- 92%   "
      "purity,\tPeru.\n\n>> Ships from Netherlands to EU && "
      "and UK. <<Stealth>> vacuum-sealed packaging; [tracking "
      "on request]... | FE for trusted buyers only / escrow "
      "otherwise!!!  ";
  EXPECT_EQ(HammingDistance(SimHash(listing), SimHash(mirror)), 0);
  // A mirror's page goes through ExtractText first, which decodes entities and drops tags.
  const HtmlText page = ExtractText(
      "<html><head><meta charset=utf-8></head><body><div "
      "class=listing><h1>Premium <b>Cocaine</b> 1g</h1><p>92% "
      "purity, Peru.</p><ul><li>Ships from Netherlands to EU "
      "and UK.</li><li>Stealth vacuum&nbsp;sealed packaging, "
      "tracking on request.</li></ul><p>FE for "
      "trusted buyers only, escrow otherwise.</p></div><script>var x='tracking';</script>");
  EXPECT_EQ(SimHash(page.text), SimHash(listing));
  // Literal entities left in the text are words ("mdash", "nbsp") and cost bits.
  EXPECT_EQ(HammingDistance(SimHash(listing), SimHash("Premium Cocaine 1g &mdash; 92% purity, "
                                                      "Peru. Ships from Netherlands to EU and "
                                                      "UK.&nbsp;Stealth vacuum sealed packaging, "
                                                      "tracking on request. FE for trusted "
                                                      "buyers only, escrow otherwise.")),
            16);
}

TEST(SimHash, HostileInputIsBoundedAndSafe) {
  EXPECT_EQ(SimHash("abc\xff\xfe def\xc0\xaf ghi"), SimHash("abc def ghi"));
  EXPECT_EQ(SimHash(std::string("abc\0def\0ghi", 11)), SimHash("abc def ghi"));
  EXPECT_EQ(SimHash("\xed\xa0\x80\xf4\x90\x80\x80\xe0\x80"), 0u);  // surrogate, > U+10FFFF
  EXPECT_EQ(SimHash(std::string(1 << 20, '\0')), 0u);
  EXPECT_EQ(SimHash(std::string(1 << 20, 'a')), Sip(std::string(256, 'a')));  // token capped
  EXPECT_EQ(SimHash(std::string(1 << 20, '7')), Sip("#"));
  EXPECT_EQ(SimHash(std::string(1 << 20, '\xff')), 0u);
  std::string ya;
  for (int i = 0; i < (1 << 19); ++i)
    ya += "я";
  EXPECT_EQ(SimHash(ya), Sip(std::string(ya, 0, 256)));
  std::string zalgo = "a";
  for (int i = 0; i < (1 << 19); ++i)
    zalgo += "\u0301";
  EXPECT_NE(SimHash(zalgo), 0u);
  std::string euro;
  for (int i = 0; i < (1 << 18); ++i)
    euro += "€";
  EXPECT_EQ(SimHash(euro), 0u);
  std::string truncated = "мефедрон\xd0";  // cut inside a two-byte letter
  EXPECT_EQ(SimHash(truncated), Sip("мефедрон"));
}

TEST(NearDuplicateIndex, FindsWithinKBitsAndNotBeyond) {
  NearDuplicateIndex index;
  EXPECT_EQ(index.max_distance(), 3);
  const uint64_t h = 0x0123456789abcdefULL;
  EXPECT_EQ(index.Add(10, h), std::nullopt);
  EXPECT_EQ(index.Add(11, h ^ 0x8000000100010001ULL), std::nullopt);  // 4 bits: a new document
  EXPECT_EQ(index.Add(12, h ^ 0x0000800000010001ULL), 10);            // 3 bits, 3 blocks
  EXPECT_EQ(index.Add(13, h ^ 0x7ULL), 10);                           // 3 bits, one block
  EXPECT_EQ(index.Add(14, h), 10);                                    // the earliest, not 13
  EXPECT_EQ(index.Find(h ^ 0x8000000100010101ULL), 11);               // 1 bit from 11, 5 from 10
  EXPECT_EQ(index.Find(h ^ 0xf0ULL), std::nullopt);
  EXPECT_EQ(index.size(), 5u);
  NearDuplicateIndex exact(0);
  EXPECT_EQ(exact.Add(1, h), std::nullopt);
  EXPECT_EQ(exact.Add(2, h ^ 1), std::nullopt);
  EXPECT_EQ(exact.Add(3, h), 1);
  EXPECT_EQ(NearDuplicateIndex(-5).max_distance(), 0);
  NearDuplicateIndex wide(99);
  EXPECT_EQ(wide.max_distance(), 15);
  EXPECT_EQ(wide.Add(1, 0), std::nullopt);
  EXPECT_EQ(wide.Add(2, 0x7fff), 1);
  EXPECT_EQ(wide.Add(3, 0xffffffff), std::nullopt);  // 32 bits from 1, 17 from 2
}

TEST(NearDuplicateIndex, AFloodedBlockDoesNotHideAMatchInAnotherBlock) {
  NearDuplicateIndex index;
  std::mt19937_64 rng(7);
  // 12,000 documents (the per-table budget is 2,500) share block 0 with the probe, far elsewhere.
  for (int i = 0; i < 12000; ++i)
    index.Add(i, (rng() & ~0xffffULL) | 0xbeef);
  const uint64_t probe = 0x1111222233330000ULL | 0xbeef;
  EXPECT_EQ(index.Find(probe), std::nullopt);
  index.Add(99999, probe ^ 0x10000);
  EXPECT_EQ(index.Add(100000, probe), 99999);  // found through blocks 2 and 3 despite the cap
}

// 20 templates x 50 variants (prices, weights, emoji, case, spacing): one representative each.
TEST(NearDuplicateIndex, ClustersGeneratedAdsByTemplate) {
  const char* products[] = {
      "Мефедрон кристалл", "Шишки OG Kush",     "Гашиш Марокко",    "Альфа ПВП",
      "Амфетамин",         "Кокаин Перу",       "Марки LSD",        "Экстази Tesla",
      "Метадон",           "Героин афганский",  "Спайс микс",       "Грибы псилоцибы",
      "Кетамин",           "Бошки Amnesia",     "Метамфетамин лед", "Метадон таблетки",
      "MDMA кристалл",     "Гидропоника AK-47", "Трамадол",         "Лирика капсулы"};
  const char* districts[] = {"Центральный", "Ленинский", "Советский", "Кировский", "Заводской"};
  const char* openers[] = {"В наличии", "Новая поставка", "Только у нас", "Акция недели"};
  const char* closers[] = {"Пишите оператору", "Заказ в боте", "Гарантия качества",
                           "Работаем круглосуточно"};
  const char* emoji[] = {"🔥", "💎", "❄️", "🍁", "🚀", "✅", "⚡️", ""};
  auto make = [&](int t, std::mt19937& rng) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::string product = products[t];
    if (pick(3) == 0)
      for (char& c : product)
        c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    return std::string(emoji[pick(8)]) + " " + openers[t % 4] + ": " + product + " " +
           std::to_string(1 + pick(5)) + "г за " + std::to_string(1000 + pick(9000)) + "₽ " +
           emoji[pick(8)] + (pick(2) ? "\n" : "  ") + "Клад " + districts[t % 5] + " район, " +
           closers[(t / 4) % 4] + " @shop" + std::to_string(t) + "_bot " + emoji[pick(8)];
  };
  std::mt19937 rng(2024);
  NearDuplicateIndex index;
  std::vector<int64_t> first_of_template(20, -1);
  std::set<int64_t> representatives;
  for (int64_t id = 0; id < 1000; ++id) {
    const int t = static_cast<int>(id % 20);
    std::optional<int64_t> rep = index.Add(id, SimHash(make(t, rng)));
    if (!rep) {
      representatives.insert(id);
      EXPECT_EQ(first_of_template[t], -1) << "template " << t << " split";
      first_of_template[t] = id;
    } else {
      EXPECT_EQ(*rep, first_of_template[t]) << "ad " << id << " joined the wrong template";
    }
  }
  EXPECT_EQ(representatives.size(), 20u);
  EXPECT_EQ(index.size(), 1000u);
  for (const char* other :
       {"Ищу курьеров, оплата 500₽ за клад, пиши @work_bot",
        "Premium Cocaine 1g - 92% purity, ships from Netherlands",
        "Продам велосипед, почти новый, Ленинский район, "
        "15000₽",
        "Мефедрон кристалл, магазин закрыт на переучет до понедельника"}) {
    EXPECT_EQ(index.Find(SimHash(other)), std::nullopt) << other;
  }
}

TEST(SimHash, Throughput) {
  std::mt19937 rng(1);
  std::string text;
  while (text.size() < (size_t{10} << 20)) {
    text += ShopAd("🔥", std::to_string(1000 + rng() % 9000), "Центральный");
    text += " Premium Cocaine 1g - 92% purity, ships from Netherlands. ";
  }
  const auto start = std::chrono::steady_clock::now();
  const uint64_t h = SimHash(text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("SimHash: %.1f MB in %.3f s = %.1f MB/s (hash %016llx)\n", text.size() / 1e6, seconds,
              text.size() / 1e6 / seconds, static_cast<unsigned long long>(h));
  EXPECT_NE(h, 0u);
}

}  // namespace
}  // namespace dragnet::parse
