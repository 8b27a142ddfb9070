#include "identify/quantity.h"

#include <gtest/gtest.h>

namespace dragnet::identify {
namespace {

QuantityFindings Parse(std::string_view text) {
  QuantityFindings out;
  ParseQuantities(text, out);
  return out;
}

TEST(Quantity, MassesWithDecimalCommaAndCyrillicUnits) {
  auto q = Parse("A - P v P кристаллы синие 3,5гр 3200₽");
  ASSERT_EQ(q.quantities.size(), 1u);
  EXPECT_DOUBLE_EQ(q.quantities[0].value, 3.5);
  EXPECT_EQ(q.quantities[0].unit, "g");
  ASSERT_EQ(q.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(q.prices[0].amount, 3200);
  EXPECT_EQ(q.prices[0].currency, "RUB");
  ASSERT_EQ(q.tiers.size(), 1u);
}

TEST(Quantity, MilligramsOuncesAndMicrograms) {
  auto q = Parse("300mg, 1oz, 1000ug/ml, 0.5 гр, 5G");
  ASSERT_EQ(q.quantities.size(), 5u);
  EXPECT_DOUBLE_EQ(q.quantities[0].value, 0.3);
  EXPECT_NEAR(q.quantities[1].value, 28.3495, 1e-3);
  EXPECT_EQ(q.quantities[2].kind, Quantity::Kind::kConcentration);
  EXPECT_DOUBLE_EQ(q.quantities[2].value, 1.0);
  EXPECT_DOUBLE_EQ(q.quantities[3].value, 0.5);
  EXPECT_DOUBLE_EQ(q.quantities[4].value, 5);
}

TEST(Quantity, CountsMultipliersAndBonuses) {
  auto q = Parse("100шт. | 10 x 200mg | 20+2 gr");
  ASSERT_EQ(q.quantities.size(), 3u);
  EXPECT_EQ(q.quantities[0].kind, Quantity::Kind::kCount);
  EXPECT_DOUBLE_EQ(q.quantities[0].value, 100);
  EXPECT_DOUBLE_EQ(q.quantities[1].multiplier, 10);
  EXPECT_DOUBLE_EQ(q.quantities[1].Total(), 2.0);
  EXPECT_DOUBLE_EQ(q.quantities[2].value, 22);
}

TEST(Quantity, PiecesAbbreviated) {
  auto q = Parse("Subutex B8 1pc, 10 pcs, Windows 10 PC");
  ASSERT_EQ(q.quantities.size(), 2u);
  EXPECT_EQ(q.quantities[0].kind, Quantity::Kind::kCount);
  EXPECT_DOUBLE_EQ(q.quantities[0].value, 1);
  EXPECT_DOUBLE_EQ(q.quantities[1].value, 10);
}

TEST(Quantity, MultiplierAfterTheDose) {
  auto q = Parse("LSD blotters 150ug x10 $95");
  ASSERT_EQ(q.quantities.size(), 1u);
  EXPECT_DOUBLE_EQ(q.quantities[0].multiplier, 10);
  EXPECT_NEAR(q.quantities[0].value, 150e-6, 1e-12);
  ASSERT_EQ(q.tiers.size(), 1u);
}

TEST(Quantity, FractionsOfOuncesAndPounds) {
  auto q = Parse("1/8 oz - $40, 1/4 lb, open 24/7");
  ASSERT_EQ(q.quantities.size(), 2u);
  EXPECT_NEAR(q.quantities[0].value, 28.349523125 / 8, 1e-9);
  EXPECT_NEAR(q.quantities[1].value, 453.59237 / 4, 1e-9);
}

TEST(Quantity, TradeUnitsQuarterPoundAndEighth) {
  auto q = Parse("1 QP mids $900, 3 eighths, hoodie with 2 zip pockets");
  ASSERT_EQ(q.quantities.size(), 2u);
  EXPECT_NEAR(q.quantities[0].value, 453.59237 / 4, 1e-9);
  EXPECT_NEAR(q.quantities[1].Total(), 3 * 28.349523125 / 8, 1e-9);
}

TEST(Quantity, PriceTiers) {
  auto q = Parse("1g 40$ / 5g 180$");
  ASSERT_EQ(q.tiers.size(), 2u);
  EXPECT_DOUBLE_EQ(q.quantities[q.tiers[1].quantity].value, 5);
  EXPECT_DOUBLE_EQ(q.prices[q.tiers[1].price].amount, 180);
}

TEST(Quantity, CurrencyBeforeTheAmountAndThousands) {
  auto q = Parse("€45 or $ 50, 1 000 руб, 3.200 RUB, 0.0015 BTC, 500р");
  ASSERT_EQ(q.prices.size(), 6u);
  EXPECT_EQ(q.prices[0].currency, "EUR");
  EXPECT_DOUBLE_EQ(q.prices[1].amount, 50);
  EXPECT_DOUBLE_EQ(q.prices[2].amount, 1000);
  EXPECT_DOUBLE_EQ(q.prices[3].amount, 3200);
  EXPECT_DOUBLE_EQ(q.prices[4].amount, 0.0015);
  EXPECT_EQ(q.prices[5].currency, "RUB");
}

TEST(Quantity, ASignAfterAPriceDoesNotPrefixTheNextAmount) {
  auto q = Parse("1g 40$ 5g 180$");
  ASSERT_EQ(q.quantities.size(), 2u);
  ASSERT_EQ(q.prices.size(), 2u);
  EXPECT_DOUBLE_EQ(q.prices[1].amount, 180);
  ASSERT_EQ(q.tiers.size(), 2u);
}

TEST(Quantity, PercentAndWordsThatAreNotUnits) {
  auto q = Parse("85% pure, 24%THC, 3 grass, 2020 г. version2g");
  ASSERT_EQ(q.quantities.size(), 2u);
  EXPECT_EQ(q.quantities[0].kind, Quantity::Kind::kPercent);
  EXPECT_EQ(q.quantities[1].kind, Quantity::Kind::kPercent);
}

TEST(Quantity, SpansPointIntoTheOriginal) {
  std::string text = "Героин 0,5гр. за 2500 грн";
  auto q = Parse(text);
  ASSERT_EQ(q.quantities.size(), 1u);
  EXPECT_EQ(text.substr(q.quantities[0].begin, q.quantities[0].end - q.quantities[0].begin),
            "0,5гр.");
  ASSERT_EQ(q.prices.size(), 1u);
  EXPECT_EQ(text.substr(q.prices[0].begin, q.prices[0].end - q.prices[0].begin), "2500 грн");
}

TEST(Quantity, ManyNumbersCostBoundedMemory) {
  std::string text;
  for (int i = 0; i < 10000; ++i)
    text += "1g 2$ ";
  QuantityFindings out;
  ParseQuantities(text, out, 100);
  EXPECT_LE(out.quantities.size(), 100u);
  EXPECT_LE(out.prices.size(), 100u);
}

}  // namespace
}  // namespace dragnet::identify
