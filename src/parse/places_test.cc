// Tests of the gazetteer (places.h): the loader's errors with file and line, the name finder, and
// SimHash reading place names as one word.

#include "parse/places.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "parse/ad_slots.h"
#include "parse/fields.h"
#include "parse/near_duplicate.h"

namespace dragnet::parse {
namespace {

constexpr const char* kRussia = R"(schema: 1
country: RU
places:
  - id: ru-moscow
    kind: city
    names: [Москва, Москве, Moscow]
  - id: ru-moscow-arbat
    kind: district
    in: ru-moscow
    names: [Арбат]
  - id: ru-moscow-yuzhnoe-butovo
    kind: district
    in: ru-moscow
    names: [Южное Бутово]
  - id: ru-moscow-maryino
    kind: district
    in: ru-moscow
    names: [Марьино]
  - id: ru-nizhny-novgorod
    kind: city
    names: [Нижний Новгород, Нижнем Новгороде]
  - id: ru-novgorod
    kind: city
    names: [Новгород, Великий Новгород]
)";

Gazetteer Load(std::vector<std::pair<std::string, std::string>> files) {
  auto loaded = ParseGazetteer(files);
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message();
  return loaded.has_value() ? std::move(*loaded) : Gazetteer();
}

std::string ErrorOf(const std::string& text) {
  auto loaded = ParseGazetteer({{"places/xx.yaml", text}});
  return loaded.has_value() ? "" : loaded.error().message();
}

TEST(GazetteerTest, FindsWholeNamesLongestFirst) {
  Gazetteer g = Load({{"ru.yaml", kRussia}});
  std::string text = "Клад в Нижнем Новгороде и в МОСКВЕ (Южное Бутово), Новгородский не в счёт";
  std::vector<PlaceMention> found = g.Find(text);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(g.places()[found[0].place].id, "ru-nizhny-novgorod");
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin), "Нижнем Новгороде");
  EXPECT_EQ(g.places()[found[1].place].id, "ru-moscow");
  EXPECT_EQ(text.substr(found[1].begin, found[1].end - found[1].begin), "МОСКВЕ");
  EXPECT_EQ(g.places()[found[2].place].id, "ru-moscow-yuzhnoe-butovo");
  EXPECT_EQ(g.places()[found[2].place].in, "ru-moscow");
}

// SimHash with the words of the places `g` finds as one slot word.
uint64_t HashWithPlaces(const Gazetteer& g, const std::string& text) {
  std::vector<SimHashWord> words = SimHashWords(text);
  std::vector<bool> slots(words.size(), false);
  for (const PlaceMention& m : g.Find(words)) {
    for (size_t i = 0; i < words.size(); ++i)
      slots[i] = slots[i] || (words[i].begin >= m.begin && words[i].end <= m.end);
  }
  return SimHash(words, &slots);
}

TEST(GazetteerTest, AdsForAnotherDistrictHashAlike) {
  Gazetteer g = Load({{"ru.yaml", kRussia}});
  // One ad as a shop posts it for every district.
  const std::string ad = std::string("Мефедрон крис VHQ. Москва, район {}.") +
                         " 1г - 3500₽, 2г - 6500₽. Магнит, прикоп." +
                         " Оператор на связи, пишите в бот," + " отзывы в чате, скидки постоянным";
  auto with = [&](const std::string& district) {
    std::string text = ad;
    text.replace(text.find("{}"), 2, district);
    return text;
  };
  uint64_t arbat = HashWithPlaces(g, with("Арбат"));
  uint64_t butovo = HashWithPlaces(g, with("Южное Бутово"));
  uint64_t maryino = HashWithPlaces(g, with("Марьино"));
  EXPECT_EQ(arbat, butovo);
  EXPECT_EQ(arbat, maryino);
  // Without the gazetteer the district is a word like any other.
  EXPECT_NE(SimHash(with("Арбат")), SimHash(with("Южное Бутово")));
  // Not a place: another product is another ad.
  std::string hash_ad = with("Арбат");
  hash_ad.replace(hash_ad.find("Мефедрон крис"), std::string("Мефедрон крис").size(), "Гашиш");
  EXPECT_NE(arbat, HashWithPlaces(g, hash_ad));
}

TEST(GazetteerTest, SharedNamesGiveTheFirstPlace) {
  Gazetteer g = Load({{"a.yaml", R"(schema: 1
country: RU
places:
  - {id: ru-a, kind: city, names: [Центральный]}
  - {id: ru-b, kind: city, names: [Центральный, Бэ]}
)"}});
  auto found = g.Find("центральный");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(g.places()[found[0].place].id, "ru-a");
}

TEST(GazetteerTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(ErrorOf("schema: 2\n"), "places/xx.yaml:1: expected a mapping with `schema: 1`");
  EXPECT_EQ(ErrorOf("schema: 1\ncountry: ru\nplaces: []\n"),
            "places/xx.yaml:2: `country` must be an ISO 3166-1 alpha-2 code in upper case "
            "(\"RU\")");
  std::string error = ErrorOf(R"(schema: 1
country: RU
places:
  - id: ru-a
    kind: town
    names: [A]
  - id: kz-b
    kind: city
    names: [B]
  - id: ru-c
    kind: district
    in: ru-nowhere
    names: [C, C]
  - id: ru-a
    kind: city
    names: ["42"]
    population: 1
)");
  EXPECT_NE(
      error.find(
          "places/xx.yaml:5: `kind` must be country, region, city, district or district-name"),
      std::string::npos)
      << error;
  EXPECT_NE(error.find("places/xx.yaml:7: `id` must be lower-case letters, digits and '-', "
                       "starting with `ru-`: got `kz-b`"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("places/xx.yaml:13: name `C` listed twice for ru-c"), std::string::npos)
      << error;
  EXPECT_NE(error.find("places/xx.yaml:14: duplicate id `ru-a`"), std::string::npos) << error;
  EXPECT_NE(error.find("places/xx.yaml:16: name `42` has no letters"), std::string::npos) << error;
  EXPECT_NE(error.find("places/xx.yaml:17: unknown key `population`"), std::string::npos) << error;
  EXPECT_EQ(ErrorOf("schema: 1\ncountry: RU\nplaces:\n  - {id: ru-a, kind: district, in: ru-x, "
                    "names: [A]}\n"),
            "places/xx.yaml:4: `in: ru-x` names no other place");
  EXPECT_NE(ErrorOf("schema: 1\ncountry: RU\nplaces: [\n").find("places/xx.yaml:"),
            std::string::npos);
}

TEST(GazetteerTest, ShippedGazetteerLoads) {
  auto loaded = LoadGazetteer(DefaultGazetteerDir());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  const Gazetteer& g = *loaded;
  std::string text =
      "Клады в Москве (ЮАО, Марьино) и в Алматы, Бостандыкский р-н; Центральный тоже";
  std::vector<std::string> ids;
  for (const PlaceMention& m : g.Find(text))
    ids.push_back(g.places()[m.place].id);
  ASSERT_GE(ids.size(), 4u) << text;
  EXPECT_EQ(ids.front(), "ru-moscow");
  EXPECT_EQ(g.places()[g.Find("Марьино").front().place].in.substr(0, 9), "ru-moscow");
  // A district name of many cities is a place word for near-duplicates, never a place.
  ASSERT_EQ(g.Find("Центральный").size(), 1u);
  EXPECT_FALSE(g.Reportable(g.Find("Центральный").front()));
}

std::string FieldOf(const ExtractedFields& fields, std::string_view id) {
  for (const Field& f : fields.fields)
    if (f.id == id)
      return f.value;
  return "";
}

TEST(AdSlotsTest, DeadDropFieldsFromAnAdsText) {
  auto slots = AdSlots::Load(DefaultGazetteerDir(), DefaultParseDataFile("stash_types.yaml"));
  ASSERT_TRUE(slots.has_value()) << slots.error().message();
  auto fill = [&](std::string_view text, ExtractedFields fields = {}) {
    std::vector<SimHashWord> words = SimHashWords(text);
    FillDeadDropFields(*slots, text, words, slots->places().Find(words), fields);
    return fields;
  };
  ExtractedFields ad = fill(
      "🔥 Меф крис 1г — 3 300₽\n📍 Москва, Марьино и "
      "Люблино\nКлады: "
      "магнит");
  EXPECT_EQ(FieldOf(ad, "city"), "Москва");
  EXPECT_EQ(FieldOf(ad, "district"), "Марьино, Люблино");
  EXPECT_EQ(FieldOf(ad, "stash_type"), "магнит");
  // A label's value is kept.
  ExtractedFields labelled;
  labelled.fields.push_back({"city", "Город", "Алматы", ""});
  EXPECT_EQ(FieldOf(fill("Алматы. Клады: прикоп. Доставка в Астану", labelled), "city"), "Алматы");
  // A city in a text that is no dead-drop ad gives nothing.
  EXPECT_TRUE(fill("Ships from Berlin to all of Europe, tracked").fields.empty());
  // Stash types and places are slot words for near-duplicate detection; words that are only
  // part of a name ("на" of "Ростов-на-Дону", "на магните") are not, on their own.
  std::vector<SimHashWord> words = SimHashWords("клады прикоп на районе, Москва");
  std::vector<bool> marked = slots->Slots(words, slots->places().Find(words));
  EXPECT_EQ(marked, (std::vector<bool>{false, true, false, false, true}));
}

TEST(AdSlotsTest, StashTypeErrorsNameFileAndLine) {
  auto error = [](const std::string& text) {
    auto parsed = ParseStashTypes("stash.yaml", text);
    return parsed.has_value() ? "" : parsed.error().message();
  };
  EXPECT_EQ(error("schema: 1\nstash_types:\n  Magnet: [a]\n"),
            "stash.yaml:3: a stash type id is lower-case letters and '_'");
  EXPECT_EQ(error("schema: 1\nstash_types:\n  magnet: []\n"),
            "stash.yaml:3: `magnet` must be a non-empty list");
  EXPECT_EQ(error("schema: 1\nstash_types:\n  magnet: [a, b,\n    a]\n"),
            "stash.yaml:4: `a` listed twice for magnet");
  EXPECT_EQ(error("schema: 2\n"), "stash.yaml:1: expected a mapping with `schema: 1`");
}

}  // namespace
}  // namespace dragnet::parse
