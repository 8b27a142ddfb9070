#pragma once
// Quantities and prices as sellers write them: "0,5gr.", "3.5g", "300mg", "100шт.", "20+2 gr",
// "10 x 200mg", "1000ug/ml", "85%", "1g 40$ / 5g 180$", "3200₽", "€45", "0.002 BTC", "1 000
// руб". Every value keeps its byte span in the original text. Prices are paired with the quantity
// they are for (tiers), which gives a price per gram or per unit.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet::identify {

struct Quantity {
  enum class Kind : uint8_t { kMass, kCount, kVolume, kConcentration, kPercent };
  Kind kind = Kind::kMass;
  double value = 0;       // in `unit`: grams, units, millilitres, mg/ml or percent
  double multiplier = 1;  // "10 x 200mg": 10 (the total is value * multiplier)
  std::string unit;       // "g", "unit", "ml", "mg/ml", "%"
  uint32_t begin = 0;     // byte span in the original text
  uint32_t end = 0;
  // The unit as written, in lower case ("oz", "qp", "гр", "%"); a view of a static table.
  std::string_view written_unit;

  double Total() const { return value * multiplier; }
};

struct Price {
  double amount = 0;
  std::string currency;  // ISO 4217 or ticker: USD, EUR, RUB, BTC, XMR, USDT...
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A price for a quantity: indexes into the vectors beside it.
struct Tier {
  size_t quantity = 0;
  size_t price = 0;
};

struct QuantityFindings {
  std::vector<Quantity> quantities;
  std::vector<Price> prices;
  std::vector<Tier> tiers;
  void Clear() {
    quantities.clear();
    prices.clear();
    tiers.clear();
  }
};

// Finds quantities, prices and tiers in UTF-8 `text`. At most `limit` of each are kept, so a
// hostile page of numbers costs bounded memory. Never fails: what does not parse is skipped.
void ParseQuantities(std::string_view text, QuantityFindings& out, size_t limit = 4096);

const char* QuantityKindName(Quantity::Kind kind);

}  // namespace dragnet::identify
