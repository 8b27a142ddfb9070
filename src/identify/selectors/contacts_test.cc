#include "identify/selectors/contacts.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "identify/selectors/phone.h"

namespace dragnet::identify {
namespace {

// "kind value" for every selector found, in order of discovery.
std::vector<std::string> Found(std::string_view text, std::string_view region = "") {
  SelectorFindings out;
  FindContacts(text, region, out);
  FindPhones(text, region, out);
  std::vector<std::string> result;
  for (const auto& s : out.selectors)
    result.push_back(std::string(SelectorKindName(s.kind)) + " " + s.value);
  return result;
}

bool Has(const std::vector<std::string>& found, const std::string& item) {
  return std::find(found.begin(), found.end(), item) != found.end();
}

TEST(ContactsTest, UrlsAreCanonicalAndGiveTheirDomain) {
  std::string text =
      "Shop: HTTPS://Shop.Example.COM:443/item?id=7#reviews, mirror www.example.org.";
  SelectorFindings out;
  FindContacts(text, "", out);
  ASSERT_EQ(out.selectors.size(), 4u);
  EXPECT_EQ(out.selectors[0].value, "https://shop.example.com/item?id=7");
  EXPECT_EQ(text.substr(out.selectors[0].begin, out.selectors[0].end - out.selectors[0].begin),
            "HTTPS://Shop.Example.COM:443/item?id=7#reviews");
  EXPECT_EQ(out.selectors[1].kind, SelectorKind::kDomain);
  EXPECT_EQ(out.selectors[1].value, "shop.example.com");
  EXPECT_EQ(out.selectors[2].value, "http://www.example.org/");
  EXPECT_EQ(out.selectors[3].value, "example.org");
}

TEST(ContactsTest, CanonicalUrlRejectsWhatIsNoUrl) {
  EXPECT_EQ(CanonicalUrl("http://localhost/"), "");
  EXPECT_EQ(CanonicalUrl("http://a..b.com/"), "");
  EXPECT_EQ(CanonicalUrl("mailto:x@y.com"), "");
  EXPECT_EQ(CanonicalUrl("http://example.com:99999/"), "");
  EXPECT_EQ(CanonicalUrl("http://10.0.0.1:8080/x"), "http://10.0.0.1:8080/x");
  EXPECT_EQ(CanonicalUrl("hxxp://evil.example.com/a"), "http://evil.example.com/a");
  EXPECT_EQ(CanonicalUrl("(http://example.com/a)"), "");
}

TEST(ContactsTest, UrlKeepsBalancedBracketsAndDropsSentencePunctuation) {
  auto found = Found("see (https://en.example.org/wiki/Foo_(bar)) and http://x.example.com/a.");
  EXPECT_TRUE(Has(found, "url https://en.example.org/wiki/Foo_(bar)"));
  EXPECT_TRUE(Has(found, "url http://x.example.com/a"));
}

TEST(ContactsTest, Emails) {
  auto found = Found("mail = Backspace99@ProtonMail.com, or peterssimo863@gmail.comWickr next");
  EXPECT_TRUE(Has(found, "email backspace99@protonmail.com"));
  EXPECT_TRUE(Has(found, "email peterssimo863@gmail.com"));
  EXPECT_FALSE(Has(found, "email peterssimo863@gmail.comwickr"));
}

TEST(ContactsTest, ObfuscatedEmails) {
  auto found = Found(
      "write to john.doe [at] example [dot] com or jane(at)mail(dot)ru, "
      "also bob at secmail dot pro and petya [собака] yandex.ru; meet me at home at 5.");
  EXPECT_TRUE(Has(found, "email john.doe@example.com"));
  EXPECT_TRUE(Has(found, "email jane@mail.ru"));
  EXPECT_TRUE(Has(found, "email bob@secmail.pro"));
  EXPECT_TRUE(Has(found, "email petya@yandex.ru"));
  for (const auto& f : found)
    EXPECT_EQ(f.find("home"), std::string::npos) << f;
}

TEST(ContactsTest, TelegramLinksHandlesAndInvites) {
  auto found = Found(
      "Канал https://t.me/Best_Shop_77 бот t.me/klad_shop_bot, пост t.me/bestshop77/1234, "
      "чат https://t.me/+AbCdEfGhIjKl12 и t.me/joinchat/XyZ123456789, "
      "tg://resolve?domain=OtherShop "
      "оператор @Operator_Vasya");
  EXPECT_TRUE(Has(found, "telegram best_shop_77"));
  EXPECT_TRUE(Has(found, "telegram klad_shop_bot"));
  EXPECT_TRUE(Has(found, "telegram bestshop77"));
  EXPECT_TRUE(Has(found, "telegram +AbCdEfGhIjKl12"));
  EXPECT_TRUE(Has(found, "telegram +XyZ123456789"));
  EXPECT_TRUE(Has(found, "telegram othershop"));
  EXPECT_TRUE(Has(found, "telegram operator_vasya"));
  // Messenger links are not reported again as plain URLs.
  for (const auto& f : found)
    EXPECT_NE(f.substr(0, 4), "url ") << f;
}

TEST(ContactsTest, TelegramHandleRules) {
  // Too short, starts with a digit, part of an e-mail, followed by a domain.
  auto found = Found("@abc @1shop me@example.com @example.com");
  for (const auto& f : found)
    EXPECT_NE(f.substr(0, 9), "telegram ") << f;
}

TEST(ContactsTest, MessengerWordsIntroduceAccounts) {
  auto found = Found(
      "CONTACT US BEFORE PLACING YOUR ORDER.Whatsapp: +17205077338Text: +17205077338"
      "Wickr Me: jason30594Support E-mail: jetlove@protonmail.com. "
      "WICKR ID...........trusted99, wickr (sicario999), Wickr//...pharmahouse, "
      "download the wickr me app from your App store. Telegram::::::: brookmax54whatsapp::::: "
      "+15043213304 threema: AB12CD34 signal: shop.01");
  EXPECT_TRUE(Has(found, "whatsapp +17205077338"));
  EXPECT_TRUE(Has(found, "wickr jason30594"));
  EXPECT_TRUE(Has(found, "wickr trusted99"));
  EXPECT_TRUE(Has(found, "wickr sicario999"));
  EXPECT_TRUE(Has(found, "wickr pharmahouse"));
  EXPECT_TRUE(Has(found, "telegram brookmax54"));
  EXPECT_TRUE(Has(found, "whatsapp +15043213304"));
  EXPECT_TRUE(Has(found, "threema AB12CD34"));
  EXPECT_TRUE(Has(found, "signal shop.01"));
  EXPECT_TRUE(Has(found, "email jetlove@protonmail.com"));
  EXPECT_FALSE(Has(found, "wickr app"));
  EXPECT_FALSE(Has(found, "wickr me"));
}

TEST(ContactsTest, WhatsappDiscordSignalThreemaLinks) {
  auto found = Found(
      "wa.me/79161234567 https://api.whatsapp.com/send?phone=77011234567 "
      "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQr discord.gg/abcXYZ12 "
      "https://signal.me/#eu/AbCd123 https://threema.id/ECHOECH0 wa.me/123");
  EXPECT_TRUE(Has(found, "whatsapp +79161234567"));
  EXPECT_TRUE(Has(found, "whatsapp +77011234567"));
  EXPECT_TRUE(Has(found, "whatsapp invite:AbCdEfGhIjKlMnOpQr"));
  EXPECT_TRUE(Has(found, "discord abcXYZ12"));
  EXPECT_TRUE(Has(found, "signal username_link:AbCd123"));
  EXPECT_TRUE(Has(found, "threema ECHOECH0"));
  EXPECT_FALSE(Has(found, "whatsapp +123"));
}

TEST(ContactsTest, JabberIdsNeedContextOrAJabberServer) {
  auto found = Found(
      "Jabber: dealer@exploit.im  mail: dealer@example.com  x@jabber.ru "
      "xmpp:shop@xmpp.example.net");
  EXPECT_TRUE(Has(found, "xmpp dealer@exploit.im"));
  EXPECT_TRUE(Has(found, "email dealer@example.com"));
  EXPECT_TRUE(Has(found, "xmpp x@jabber.ru"));
  EXPECT_TRUE(Has(found, "xmpp shop@xmpp.example.net"));
}

TEST(ContactsTest, SessionIds) {
  std::string id = "05" + std::string(64, 'a');
  auto found = Found("Session ID: " + id + " and 05" + std::string(63, 'b') + " and x" + id);
  EXPECT_TRUE(Has(found, "session " + id));
  EXPECT_EQ(std::count_if(found.begin(), found.end(),
                          [](const std::string& f) { return f.substr(0, 8) == "session "; }),
            1);
}

TEST(PhoneTest, InternationalNumbersAnywhere) {
  auto found = Found("call +7 701 123 4567 or +7 (916) 123-45-67, +1 (302) 572-9086.");
  EXPECT_TRUE(Has(found, "phone +77011234567"));
  EXPECT_TRUE(Has(found, "phone +79161234567"));
  EXPECT_TRUE(Has(found, "phone +13025729086"));
}

TEST(PhoneTest, RegionOfPlusSevenNumbersIsInTheDetails) {
  SelectorFindings out;
  FindPhones("тел +7 701 123 4567", "", out);
  ASSERT_EQ(out.selectors.size(), 1u);
  EXPECT_NE(out.selectors[0].details.find("\"region\":\"KZ\""), std::string::npos)
      << out.selectors[0].details;
}

TEST(PhoneTest, NationalNumbersNeedTheRegion) {
  std::string text = "Звоните 8 (916) 123-45-67, цена 4500 руб, дата 2024-05-01";
  EXPECT_TRUE(Has(Found(text, "RU"), "phone +79161234567"));
  EXPECT_TRUE(Found(text, "").empty());
  EXPECT_EQ(InferPhoneRegion("Цена 4500 ₽, шишки"), "RU");
  EXPECT_EQ(InferPhoneRegion("Ціна 4500 грн, шишки ї є"), "UA");
  EXPECT_EQ(InferPhoneRegion("Бағасы 4500 ₸ тг"), "KZ");
  EXPECT_EQ(InferPhoneRegion("price 40 usd"), "");
}

TEST(PhoneTest, AmountsDatesAndDecimalsAreNotPhones) {
  auto found =
      Found("0.04304302 BTC, 200.00000000 USD, 2024.05.01, 12345678 руб, 1234567890123g", "RU");
  EXPECT_TRUE(found.empty()) << found.front();
}

TEST(PhoneTest, OffsetsPointAtTheNumber) {
  std::string text = "WhatsApp +1 636-306-2692 now";
  SelectorFindings out;
  FindPhones(text, "", out);
  ASSERT_EQ(out.selectors.size(), 1u);
  EXPECT_EQ(text.substr(out.selectors[0].begin, out.selectors[0].end - out.selectors[0].begin),
            "+1 636-306-2692");
}

}  // namespace
}  // namespace dragnet::identify
