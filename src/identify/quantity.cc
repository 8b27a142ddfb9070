#include "identify/quantity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "identify/utf8.h"

namespace dragnet::identify {
namespace {

struct Unit {
  std::string_view text;  // lower case as written after the number
  Quantity::Kind kind;
  double factor;          // to the canonical unit
  std::string_view unit;  // canonical
};

// Longest first within a shared prefix, so "mg/ml" wins over "mg" and "grams" over "gr".
constexpr std::array<Unit, 95> kUnits = {{
    {"mg/ml", Quantity::Kind::kConcentration, 1, "mg/ml"},
    {"мг/мл", Quantity::Kind::kConcentration, 1, "mg/ml"},
    {"ug/ml", Quantity::Kind::kConcentration, 0.001, "mg/ml"},
    {"mcg/ml", Quantity::Kind::kConcentration, 0.001, "mg/ml"},
    {"µg/ml", Quantity::Kind::kConcentration, 0.001, "mg/ml"},
    {"μg/ml", Quantity::Kind::kConcentration, 0.001, "mg/ml"},
    {"milligrams", Quantity::Kind::kMass, 0.001, "g"},
    {"milligram", Quantity::Kind::kMass, 0.001, "g"},
    {"mg", Quantity::Kind::kMass, 0.001, "g"},
    {"мг", Quantity::Kind::kMass, 0.001, "g"},
    {"mcg", Quantity::Kind::kMass, 1e-6, "g"},
    {"ug", Quantity::Kind::kMass, 1e-6, "g"},
    {"µg", Quantity::Kind::kMass, 1e-6, "g"},
    {"μg", Quantity::Kind::kMass, 1e-6, "g"},
    {"мкг", Quantity::Kind::kMass, 1e-6, "g"},
    {"kilograms", Quantity::Kind::kMass, 1000, "g"},
    {"kilogram", Quantity::Kind::kMass, 1000, "g"},
    {"kilos", Quantity::Kind::kMass, 1000, "g"},
    {"kilo", Quantity::Kind::kMass, 1000, "g"},
    {"kg", Quantity::Kind::kMass, 1000, "g"},
    {"кг", Quantity::Kind::kMass, 1000, "g"},
    {"кило", Quantity::Kind::kMass, 1000, "g"},
    {"grammes", Quantity::Kind::kMass, 1, "g"},
    {"gramme", Quantity::Kind::kMass, 1, "g"},
    {"grams", Quantity::Kind::kMass, 1, "g"},
    {"gramm", Quantity::Kind::kMass, 1, "g"},
    {"gramos", Quantity::Kind::kMass, 1, "g"},
    {"grammi", Quantity::Kind::kMass, 1, "g"},
    {"gramów", Quantity::Kind::kMass, 1, "g"},
    {"gramy", Quantity::Kind::kMass, 1, "g"},
    {"gram", Quantity::Kind::kMass, 1, "g"},
    {"grs", Quantity::Kind::kMass, 1, "g"},
    {"gr", Quantity::Kind::kMass, 1, "g"},
    {"g", Quantity::Kind::kMass, 1, "g"},
    {"граммов", Quantity::Kind::kMass, 1, "g"},
    {"грамма", Quantity::Kind::kMass, 1, "g"},
    {"грамм", Quantity::Kind::kMass, 1, "g"},
    {"грам", Quantity::Kind::kMass, 1, "g"},
    {"гр", Quantity::Kind::kMass, 1, "g"},
    {"г", Quantity::Kind::kMass, 1, "g"},
    {"ounces", Quantity::Kind::kMass, 28.349523125, "g"},
    {"ounce", Quantity::Kind::kMass, 28.349523125, "g"},
    {"oz", Quantity::Kind::kMass, 28.349523125, "g"},
    {"унции", Quantity::Kind::kMass, 28.349523125, "g"},
    {"унция", Quantity::Kind::kMass, 28.349523125, "g"},
    {"pounds", Quantity::Kind::kMass, 453.59237, "g"},
    {"pound", Quantity::Kind::kMass, 453.59237, "g"},
    {"lbs", Quantity::Kind::kMass, 453.59237, "g"},
    {"lb", Quantity::Kind::kMass, 453.59237, "g"},
    // The English-language cannabis trade's own units: a QP is a quarter pound, an eighth an
    // eighth of an ounce ("1 QP", "3 eighths"). Not the zip (an ounce): "2 zip pockets".
    {"qps", Quantity::Kind::kMass, 113.3980925, "g"},
    {"qp", Quantity::Kind::kMass, 113.3980925, "g"},
    {"eighths", Quantity::Kind::kMass, 3.543690390625, "g"},
    {"eighth", Quantity::Kind::kMass, 3.543690390625, "g"},
    {"ml", Quantity::Kind::kVolume, 1, "ml"},
    {"мл", Quantity::Kind::kVolume, 1, "ml"},
    {"cl", Quantity::Kind::kVolume, 10, "ml"},
    {"litres", Quantity::Kind::kVolume, 1000, "ml"},
    {"liters", Quantity::Kind::kVolume, 1000, "ml"},
    {"litre", Quantity::Kind::kVolume, 1000, "ml"},
    {"liter", Quantity::Kind::kVolume, 1000, "ml"},
    {"литра", Quantity::Kind::kVolume, 1000, "ml"},
    {"литр", Quantity::Kind::kVolume, 1000, "ml"},
    {"л", Quantity::Kind::kVolume, 1000, "ml"},
    {"tablets", Quantity::Kind::kCount, 1, "unit"},
    {"tablet", Quantity::Kind::kCount, 1, "unit"},
    {"tabletek", Quantity::Kind::kCount, 1, "unit"},
    {"tabs", Quantity::Kind::kCount, 1, "unit"},
    {"tab", Quantity::Kind::kCount, 1, "unit"},
    {"pills", Quantity::Kind::kCount, 1, "unit"},
    {"pill", Quantity::Kind::kCount, 1, "unit"},
    {"pieces", Quantity::Kind::kCount, 1, "unit"},
    {"piece", Quantity::Kind::kCount, 1, "unit"},
    {"pcs", Quantity::Kind::kCount, 1, "unit"},
    {"pc", Quantity::Kind::kCount, 1, "unit"},
    {"blotters", Quantity::Kind::kCount, 1, "unit"},
    {"blotter", Quantity::Kind::kCount, 1, "unit"},
    {"capsules", Quantity::Kind::kCount, 1, "unit"},
    {"capsule", Quantity::Kind::kCount, 1, "unit"},
    {"caps", Quantity::Kind::kCount, 1, "unit"},
    {"hits", Quantity::Kind::kCount, 1, "unit"},
    {"vials", Quantity::Kind::kCount, 1, "unit"},
    {"amps", Quantity::Kind::kCount, 1, "unit"},
    {"stück", Quantity::Kind::kCount, 1, "unit"},
    {"stk", Quantity::Kind::kCount, 1, "unit"},
    {"szt", Quantity::Kind::kCount, 1, "unit"},
    {"таблеток", Quantity::Kind::kCount, 1, "unit"},
    {"табл", Quantity::Kind::kCount, 1, "unit"},
    {"таб", Quantity::Kind::kCount, 1, "unit"},
    {"штуки", Quantity::Kind::kCount, 1, "unit"},
    {"штука", Quantity::Kind::kCount, 1, "unit"},
    {"штук", Quantity::Kind::kCount, 1, "unit"},
    {"шт", Quantity::Kind::kCount, 1, "unit"},
    {"капсул", Quantity::Kind::kCount, 1, "unit"},
    {"марок", Quantity::Kind::kCount, 1, "unit"},
}};

struct Currency {
  std::string_view text;
  std::string_view code;
  bool prefix;  // may stand before the amount ("$40", "USD 40")
};

constexpr std::array<Currency, 62> kCurrencies = {{
    {"$", "USD", true},       {"usd", "USD", true},       {"dollars", "USD", false},
    {"dollar", "USD", false}, {"долларов", "USD", false}, {"долл", "USD", false},
    {"€", "EUR", true},       {"eur", "EUR", true},       {"euros", "EUR", false},
    {"euro", "EUR", false},   {"евро", "EUR", false},     {"£", "GBP", true},
    {"gbp", "GBP", true},     {"₽", "RUB", true},       {"рублей", "RUB", false},
    {"рубля", "RUB", false},  {"рубль", "RUB", false},    {"руб", "RUB", false},
    {"rub", "RUB", true},     {"rur", "RUB", true},       {"р", "RUB", false},
    {"₴", "UAH", true},       {"гривен", "UAH", false},   {"грн", "UAH", false},
    {"uah", "UAH", true},     {"byn", "BYN", true},       {"br", "BYN", false},
    {"₸", "KZT", true},       {"тенге", "KZT", false},    {"тг", "KZT", false},
    {"kzt", "KZT", true},     {"₾", "GEL", true},       {"лари", "GEL", false},
    {"gel", "GEL", true},     {"lari", "GEL", false},     {"сум", "UZS", false},
    {"uzs", "UZS", true},     {"฿", "BTC", true},         {"₿", "BTC", true},
    {"btc", "BTC", true},     {"xmr", "XMR", true},       {"usdt", "USDT", true},
    {"ltc", "LTC", true},     {"eth", "ETH", true},       {"trx", "TRX", true},
    {"zł", "PLN", false},     {"zl", "PLN", false},       {"pln", "PLN", true},
    {"chf", "CHF", true},     {"₺", "TRY", true},         {"try", "TRY", true},
    {"tl", "TRY", false},     {"czk", "CZK", true},       {"kč", "CZK", false},
    {"mdl", "MDL", true},     {"azn", "AZN", true},       {"₼", "AZN", true},
    {"amd", "AMD", true},     {"֏", "AMD", true},         {"kgs", "KGS", true},
    {"сом", "KGS", false},    {"cad", "CAD", true},
}};

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The code point at `at` (0 past the end; U+FFFD for invalid bytes).
UChar32 CodePointAt(std::string_view text, size_t at, size_t* next = nullptr) {
  if (at >= text.size()) {
    if (next)
      *next = at;
    return 0;
  }
  auto i = static_cast<int32_t>(at);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(text.size()), c);
  if (next)
    *next = static_cast<size_t>(i);
  return c < 0 ? 0xFFFD : c;
}

bool IsWordChar(UChar32 c) {
  return c != 0 && (u_isalnum(c) != 0);
}

size_t SkipSpaces(std::string_view text, size_t at, size_t max_spaces = 2) {
  size_t spaces = 0;
  while (spaces < max_spaces && at < text.size()) {
    size_t next;
    UChar32 c = CodePointAt(text, at, &next);
    if (c != ' ' && c != 0xA0 && c != 0x202F && c != '\t')
      break;
    at = next;
    ++spaces;
  }
  return at;
}

struct Number {
  double value = 0;
  size_t begin = 0;
  size_t end = 0;
  bool grouped = false;        // "1 000", "3,200": only a price reading makes sense
  bool decimal_three = false;  // "3.200": decimal or thousands, decided by what follows
  double as_thousands = 0;
};

// Parses digits with one decimal separator (point or comma) or thousands groups.
bool ParseNumber(std::string_view text, size_t at, Number& number) {
  if (at >= text.size() || !IsDigit(text[at]))
    return false;
  size_t i = at;
  double value = 0;
  int int_digits = 0;
  while (i < text.size() && IsDigit(text[i]) && int_digits < 12) {
    value = value * 10 + (text[i] - '0');
    ++i;
    ++int_digits;
  }
  number.begin = at;
  // Space-grouped thousands: "1 000", "25 000" (a group of exactly three digits).
  while (int_digits <= 3 && i + 3 < text.size() + 0 && text[i] == ' ' && IsDigit(text[i + 1]) &&
         i + 3 < text.size() && IsDigit(text[i + 2]) && IsDigit(text[i + 3]) &&
         (i + 4 >= text.size() || !IsDigit(text[i + 4]))) {
    value =
        value * 1000 + (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
    i += 4;
    number.grouped = true;
  }
  if (!number.grouped && i + 1 < text.size() && (text[i] == '.' || text[i] == ',') &&
      IsDigit(text[i + 1])) {
    size_t j = i + 1;
    double fraction = 0;
    double scale = 1;
    int digits = 0;
    while (j < text.size() && IsDigit(text[j]) && digits < 9) {
      fraction = fraction * 10 + (text[j] - '0');
      scale *= 10;
      ++j;
      ++digits;
    }
    if (digits == 3 && int_digits <= 3) {
      number.decimal_three = true;
      number.as_thousands = value * 1000 + fraction;
    }
    value += fraction / scale;
    i = j;
  }
  number.value = value;
  number.end = i;
  return true;
}

// The lower-case run of letters (any script) at `at`, at most 24 bytes, into `lower`; returns
// its byte length in the text, 0 when no letter starts there. A unit or currency word must be
// the whole run: "g" is not read out of "grass".
size_t LetterRun(std::string_view text, size_t at, std::string& lower) {
  lower.clear();
  size_t i = at;
  while (i < text.size() && lower.size() < 24) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c | 0x20) < 'a' || (c | 0x20) > 'z')
        break;
      lower.push_back(static_cast<char>(c | 0x20));
      ++i;
      continue;
    }
    size_t next;
    UChar32 cp = CodePointAt(text, i, &next);
    if (!u_isalpha(cp))
      break;
    AppendUtf8(lower, u_tolower(cp));
    i = next;
  }
  return i - at;
}

// Word -> entry tables built once from the arrays above.
struct Lookup {
  std::unordered_map<std::string_view, const Unit*> units;
  std::unordered_map<std::string_view, const Currency*> words;     // any position
  std::unordered_map<std::string_view, const Currency*> prefixes;  // before the amount
  std::vector<const Currency*> signs;  // currencies written with a sign ($, ₽...), longest first
  // The first and the last bytes of the signs: most places a sign is looked for have none, and
  // comparing every sign there was most of the time spent on a text of listings.
  std::array<bool, 256> sign_first{};
  std::array<bool, 256> sign_last{};
  Lookup() {
    for (const Unit& unit : kUnits)
      units.emplace(unit.text, &unit);
    for (const Currency& currency : kCurrencies) {
      auto first = static_cast<unsigned char>(currency.text[0]);
      bool letters = (first | 0x20) >= 'a' && (first | 0x20) <= 'z';
      if (!letters) {
        UChar32 cp = CodePointAt(currency.text, 0);
        letters = u_isalpha(cp) != 0;
      }
      if (letters) {
        words.emplace(currency.text, &currency);
        if (currency.prefix)
          prefixes.emplace(currency.text, &currency);
      } else {
        signs.push_back(&currency);
        sign_first[static_cast<unsigned char>(currency.text.front())] = true;
        sign_last[static_cast<unsigned char>(currency.text.back())] = true;
      }
    }
  }
};

const Lookup& Tables() {
  static const Lookup lookup;
  return lookup;
}

const Currency* MatchCurrency(std::string_view text, size_t at, size_t* length) {
  *length = 0;
  if (at >= text.size())
    return nullptr;
  const Lookup& tables = Tables();
  static const std::vector<const Currency*> kNone;
  for (const Currency* sign :
       tables.sign_first[static_cast<unsigned char>(text[at])] ? tables.signs : kNone) {
    if (text.substr(at, sign->text.size()) == sign->text) {
      *length = sign->text.size();
      return sign;
    }
  }
  thread_local std::string word;
  size_t n = LetterRun(text, at, word);
  if (n == 0)
    return nullptr;
  auto it = tables.words.find(word);
  if (it == tables.words.end())
    return nullptr;
  *length = n;
  return it->second;
}

const Unit* MatchUnit(std::string_view text, size_t at, size_t* length) {
  thread_local std::string word;
  thread_local std::string per;
  size_t n = LetterRun(text, at, word);
  if (n == 0)
    return nullptr;
  const Lookup& tables = Tables();
  // "mg/ml", "мг/мл": a concentration.
  if (at + n < text.size() && text[at + n] == '/') {
    size_t m = LetterRun(text, at + n + 1, per);
    if (m > 0) {
      auto it = tables.units.find(word + "/" + per);
      if (it != tables.units.end()) {
        *length = n + 1 + m;
        return it->second;
      }
    }
  }
  auto it = tables.units.find(word);
  if (it == tables.units.end())
    return nullptr;
  // "1pc" is a piece; "10 PC", "2 PC games" are computers.
  if (it->second->text == "pc" && at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t'))
    return nullptr;
  *length = n;
  return it->second;
}

// A prefix currency written just before `number_at` (one space allowed between), starting on a
// word boundary; its start goes to `*start`.
const Currency* PrefixCurrency(std::string_view text, size_t number_at, size_t* start) {
  size_t end = number_at;
  if (end >= 1 && text[end - 1] == ' ') {
    end -= 1;
  } else if (end >= 2 && text.substr(end - 2, 2) == "\xc2\xa0") {
    end -= 2;
  }
  if (end == 0)
    return nullptr;
  const Lookup& tables = Tables();
  auto before = static_cast<unsigned char>(text[end - 1]);
  bool letter = (before | 0x20) >= 'a' && (before | 0x20) <= 'z';
  if (!letter && before != '$' && before < 0x80)
    return nullptr;
  static const std::vector<const Currency*> kNone;
  bool may_end_sign = !letter && tables.sign_last[before];
  for (const Currency* sign : may_end_sign ? tables.signs : kNone) {
    size_t length = sign->text.size();
    if (sign->prefix && length <= end && text.substr(end - length, length) == sign->text) {
      *start = end - length;
      return sign;
    }
  }
  size_t begin = end;
  while (begin > 0 && end - begin < 5) {
    auto c = static_cast<unsigned char>(text[begin - 1]);
    if ((c | 0x20) < 'a' || (c | 0x20) > 'z')
      break;
    --begin;
  }
  if (begin == end)
    return nullptr;
  if (begin > 0) {
    size_t lead = begin - 1;
    while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80)
      --lead;
    if (IsWordChar(CodePointAt(text, lead)))
      return nullptr;
  }
  std::string word(text.substr(begin, end - begin));
  for (char& c : word)
    c = static_cast<char>(c | 0x20);
  auto it = tables.prefixes.find(word);
  if (it == tables.prefixes.end())
    return nullptr;
  *start = begin;
  return it->second;
}

// x, X, *, ×, and the Cyrillic х, Х sellers type for it.
bool IsMultiplicationSign(UChar32 c) {
  return c == 'x' || c == 'X' || c == '*' || c == 0xD7 || c == 0x445 || c == 0x425;
}

bool PrecededByWordChar(std::string_view text, size_t at) {
  if (at == 0)
    return false;
  size_t start = at - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
    --start;
  UChar32 c = CodePointAt(text, start);
  // "x2" or "№5" are not amounts; but "3,5гр" starts after "," and "BTC0.01" after letters is rare.
  return IsWordChar(c) && !IsDigit(text[start]);
}

}  // namespace

const char* QuantityKindName(Quantity::Kind kind) {
  switch (kind) {
    case Quantity::Kind::kMass:
      return "mass";
    case Quantity::Kind::kCount:
      return "count";
    case Quantity::Kind::kVolume:
      return "volume";
    case Quantity::Kind::kConcentration:
      return "concentration";
    case Quantity::Kind::kPercent:
      return "percent";
  }
  return "mass";
}

void ParseQuantities(std::string_view text, QuantityFindings& out, size_t limit) {
  out.Clear();
  size_t consumed = 0;  // end of the last amount or price read
  for (size_t at = 0; at < text.size();) {
    if (out.quantities.size() >= limit && out.prices.size() >= limit)
      break;
    // Only digits start anything; skip to the next one without decoding the text in between.
    while (at < text.size() && !IsDigit(text[at]))
      ++at;
    if (at >= text.size())
      break;
    if (PrecededByWordChar(text, at)) {
      while (at < text.size() && IsDigit(text[at]))
        ++at;
      continue;
    }
    Number number;
    ParseNumber(text, at, number);
    // "1/8 oz", "1/4 lb", "1/2 ounce": a fraction before a unit ("24/7" has none).
    if (number.end + 1 < text.size() && text[number.end] == '/' && IsDigit(text[number.end + 1])) {
      Number denominator;
      size_t unit_length = 0;
      if (ParseNumber(text, number.end + 1, denominator) && denominator.value > 0 &&
          MatchUnit(text, SkipSpaces(text, denominator.end), &unit_length) != nullptr) {
        number.value /= denominator.value;
        number.end = denominator.end;
        number.decimal_three = false;
      }
    }
    // A currency sign or code before the amount: "$40", "€ 45", "BTC 0.01".
    // Not when the sign was the end of the previous price ("40$ 5g") or a unit follows ("$ 5g").
    size_t prefix_at = 0;
    const Currency* currency = PrefixCurrency(text, at, &prefix_at);
    if (currency != nullptr && prefix_at < consumed)
      currency = nullptr;
    if (currency != nullptr) {
      size_t unit_length = 0;
      if (MatchUnit(text, SkipSpaces(text, number.end), &unit_length) != nullptr)
        currency = nullptr;
    }
    if (currency != nullptr) {
      if (out.prices.size() < limit) {
        bool crypto = currency->code == "BTC" || currency->code == "XMR" || currency->code == "ETH";
        double amount = number.decimal_three && !crypto ? number.as_thousands : number.value;
        out.prices.push_back({amount, std::string(currency->code), static_cast<uint32_t>(prefix_at),
                              static_cast<uint32_t>(number.end)});
      }
      at = number.end;
      consumed = at;
      continue;
    }
    size_t after = SkipSpaces(text, number.end);
    // "20+2 gr": a bonus added to the amount.
    double bonus = 0;
    if (after < text.size() && text[after] == '+') {
      Number extra;
      size_t extra_at = SkipSpaces(text, after + 1, 1);
      if (ParseNumber(text, extra_at, extra)) {
        bonus = extra.value;
        after = SkipSpaces(text, extra.end);
      }
    }
    // "10 x 200mg", "10x200mg", "5 * 2g", "10 х 200mg" (Cyrillic х).
    double multiplier = 1;
    size_t multiplied_from = number.begin;
    {
      size_t sign_next;
      UChar32 sign = CodePointAt(text, after, &sign_next);
      if (IsMultiplicationSign(sign)) {
        Number second;
        size_t second_at = SkipSpaces(text, sign_next, 1);
        size_t unit_length = 0;
        if (ParseNumber(text, second_at, second) &&
            MatchUnit(text, SkipSpaces(text, second.end), &unit_length) != nullptr) {
          multiplier = number.value;
          number = second;
          number.begin = multiplied_from;
          after = SkipSpaces(text, second.end);
        }
      }
    }
    size_t length = 0;
    if (after < text.size() && text[after] == '%') {
      if (out.quantities.size() < limit) {
        out.quantities.push_back({Quantity::Kind::kPercent, number.value, 1, "%",
                                  static_cast<uint32_t>(number.begin),
                                  static_cast<uint32_t>(after + 1), "%"});
      }
      at = after + 1;
      consumed = at;
      continue;
    }
    const Unit* unit = MatchUnit(text, after, &length);
    // "2020 г." is a year in Russian, not two kilograms of grams.
    if (unit != nullptr && unit->text == "г" && number.value >= 1000)
      unit = nullptr;
    if (unit != nullptr) {
      size_t end = after + length;
      // "150ug x10", "200mg x 5": the multiplier after the dose.
      if (multiplier == 1) {
        size_t sign_at = SkipSpaces(text, end);
        size_t sign_next;
        UChar32 sign = CodePointAt(text, sign_at, &sign_next);
        Number count;
        if (IsMultiplicationSign(sign) &&
            ParseNumber(text, SkipSpaces(text, sign_next, 1), count) && count.value >= 1) {
          size_t unit_after = 0;
          const Unit* next_unit = MatchUnit(text, SkipSpaces(text, count.end), &unit_after);
          if (next_unit == nullptr || next_unit->kind == Quantity::Kind::kCount) {
            multiplier = count.value;
            end = next_unit == nullptr ? count.end : SkipSpaces(text, count.end) + unit_after;
          }
        }
      }
      if (end < text.size() && text[end] == '.')
        ++end;  // "0,5gr.", "100шт."
      if (out.quantities.size() < limit) {
        out.quantities.push_back({unit->kind, (number.value + bonus) * unit->factor, multiplier,
                                  std::string(unit->unit), static_cast<uint32_t>(number.begin),
                                  static_cast<uint32_t>(end), unit->text});
      }
      at = end;
      consumed = at;
      continue;
    }
    if (const Currency* suffix = MatchCurrency(text, after, &length); suffix != nullptr) {
      if (out.prices.size() < limit) {
        bool crypto = suffix->code == "BTC" || suffix->code == "XMR" || suffix->code == "ETH" ||
                      suffix->code == "LTC";
        // "3.200 руб" and "3,200 RUB" are thousands; "0.025 BTC" is a decimal.
        double amount = number.decimal_three && !crypto ? number.as_thousands : number.value;
        out.prices.push_back({amount, std::string(suffix->code),
                              static_cast<uint32_t>(number.begin),
                              static_cast<uint32_t>(after + length)});
      }
      at = after + length;
      consumed = at;
      continue;
    }
    at = number.end > at ? number.end : at + 1;
  }

  // Tiers: each price with the closest unpaired mass or count before it ("1g 40$ / 5g 180$",
  // "3,5гр 3200₽"), else the closest one just after it ("$40 for 1g"). Both lists are in text
  // order, so only quantities near the price are looked at: a page of numbers stays linear.
  std::vector<bool> used(out.quantities.size(), false);
  auto pairable = [&](size_t q) {
    const Quantity& quantity = out.quantities[q];
    return !used[q] &&
           (quantity.kind == Quantity::Kind::kMass || quantity.kind == Quantity::Kind::kCount);
  };
  size_t next = 0;  // first quantity that does not end before the current price
  for (size_t p = 0; p < out.prices.size(); ++p) {
    const Price& price = out.prices[p];
    while (next < out.quantities.size() && out.quantities[next].end <= price.begin)
      ++next;
    size_t best = SIZE_MAX;
    for (size_t q = next; q-- > 0;) {
      if (price.begin - out.quantities[q].end > 48)
        break;
      if (pairable(q)) {
        best = q;
        break;
      }
    }
    if (best == SIZE_MAX) {
      for (size_t q = next; q < out.quantities.size(); ++q) {
        const Quantity& quantity = out.quantities[q];
        if (quantity.begin < price.end)
          continue;
        if (quantity.begin - price.end > 16)
          break;
        if (pairable(q)) {
          best = q;
          break;
        }
      }
    }
    if (best != SIZE_MAX) {
      used[best] = true;
      out.tiers.push_back({best, p});
    }
  }
}

}  // namespace dragnet::identify
