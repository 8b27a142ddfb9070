#include "identify/selectors/phone.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <phonenumbers/phonenumberutil.h>

#include "core/json_writer.h"
#include "identify/selectors/scan_util.h"

namespace dragnet::identify {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr size_t kMaxCandidates = 512;  // per text: a page of digits cannot cost more

std::string_view NumberTypeName(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
      return "fixed_line";
    case PhoneNumberUtil::MOBILE:
      return "mobile";
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return "fixed_line_or_mobile";
    case PhoneNumberUtil::TOLL_FREE:
      return "toll_free";
    case PhoneNumberUtil::PREMIUM_RATE:
      return "premium_rate";
    case PhoneNumberUtil::VOIP:
      return "voip";
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return "personal";
    default:
      return "other";
  }
}

// Words that say a number is a phone number, looked for just before it.
constexpr std::array<std::string_view, 24> kPhoneContext = {
    "tel",    "phone",  "call",    "text",     "sms",   "mobile", "whatsapp", "whatspp",
    "viber",  "signal", "contact", "telegram", "тел",   "звон",   "моб",      "номер",
    "вайбер", "ватсап", "вотсап",  "контакт",  "handy", "☎",      "📞",        "📱"};

// Units and currencies that make a run of digits an amount, not a number to call.
constexpr std::array<std::string_view, 22> kAmountAfter = {
    "usd", "eur", "btc", "xmr", "ltc", "eth", "usdt", "rub", "руб", "грн", "₽",
    "$",   "€",   "£",   "g",   "kg",  "mg",  "гр",   "кг",  "мг",  "шт",  "%"};

bool HasContextBefore(std::string_view text, size_t at) {
  size_t from = at > 48 ? at - 48 : 0;
  char lowered[48];
  for (size_t k = from; k < at; ++k)
    lowered[k - from] = AsciiToLower(text[k]);
  std::string_view window(lowered, at - from);
  return std::any_of(kPhoneContext.begin(), kPhoneContext.end(), [&](std::string_view word) {
    return FindBytes(window, word) != std::string::npos;
  });
}

bool AmountAfter(std::string_view text, size_t end) {
  // What follows the number, lower-cased; the longest unit is 8 bytes after 2 spaces.
  std::string_view following = text.substr(end, 16);
  char lowered[16];
  for (size_t k = 0; k < following.size(); ++k)
    lowered[k] = AsciiToLower(following[k]);
  std::string_view lower(lowered, following.size());
  size_t i = 0;
  while (i < lower.size() && i < 2 && lower[i] == ' ')
    ++i;
  std::string_view rest = std::string_view(lower).substr(i, 8);
  return std::any_of(kAmountAfter.begin(), kAmountAfter.end(), [&](std::string_view unit) {
    if (rest.substr(0, unit.size()) != unit)
      return false;
    // "g" must end a word: "8 916 123 45 67 good" is still a number.
    size_t after = i + unit.size();
    return after >= lower.size() || !IsAsciiAlnum(lower[after]);
  });
}

// Dates and decimals written with dots or dashes: 2024-05-01, 01.05.2024, 0.04304302.
bool LooksLikeDateOrDecimal(std::string_view raw) {
  std::vector<size_t> groups;
  size_t run = 0;
  bool dots = false;
  for (char c : raw) {
    if (IsAsciiDigit(c)) {
      ++run;
    } else {
      if (c == '.')
        dots = true;
      if (run > 0)
        groups.push_back(run);
      run = 0;
    }
  }
  if (run > 0)
    groups.push_back(run);
  if (groups.size() == 3 && ((groups[0] == 4 && groups[1] == 2 && groups[2] == 2) ||
                             (groups[0] == 2 && groups[1] == 2 && groups[2] == 4))) {
    return true;
  }
  // A dot followed by five or more digits is a fraction, not a group of a phone number.
  return dots && groups.size() == 2 && groups[1] >= 5;
}

}  // namespace

std::string InferPhoneRegion(std::string_view text) {
  // Letters and signs only one region's writing uses, counted in one pass over the code points
  // so that one quoted word does not decide.
  enum Region { kKZ, kUA, kBY, kGE, kRU, kPL, kTR, kDE, kCount };
  static constexpr std::array<std::string_view, kCount> kNames = {"KZ", "UA", "BY", "GE",
                                                                  "RU", "PL", "TR", "DE"};
  static constexpr std::array<int, kCount> kNeed = {2, 2, 2, 1, 1, 3, 3, 3};
  std::array<int, kCount> count{};
  int cyrillic = 0;
  std::string_view sample = text.substr(0, 64 * 1024);
  for (size_t i = 0; i < sample.size();) {
    auto b = static_cast<unsigned char>(sample[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (i + length > sample.size())
      break;
    char32_t c = 0;
    if (length == 2) {
      c = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(sample[i + 1]) & 0x3Fu);
    } else if (length == 3) {
      c = ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(sample[i + 1]) & 0x3Fu) << 6) |
          (static_cast<unsigned char>(sample[i + 2]) & 0x3Fu);
    }
    i += length;
    if (c >= 0x0400 && c <= 0x04FF)
      ++cyrillic;
    switch (c) {
      case U'ә':
      case U'ғ':
      case U'қ':
      case U'ң':
      case U'ө':
      case U'ұ':
      case U'ү':
      case U'һ':
      case U'Ә':
      case U'Ғ':
      case U'Қ':
      case U'Ң':
      case U'Ө':
      case U'Ұ':
      case U'Ү':
        ++count[kKZ];
        break;
      case U'ї':
      case U'є':
      case U'ґ':
      case U'Ї':
      case U'Є':
      case U'Ґ':
        ++count[kUA];
        break;
      case U'ў':
      case U'Ў':
        ++count[kBY];
        break;
      case U'₸':  // a currency sign says more than a letter
        count[kKZ] += 2;
        break;
      case U'₴':
        count[kUA] += 2;
        break;
      case U'₾':
        ++count[kGE];
        break;
      case U'₽':
        ++count[kRU];
        break;
      case U'ł':
      case U'ą':
      case U'ę':
      case U'ś':
      case U'ż':
      case U'ź':
      case U'ć':
      case U'ń':
      case U'Ł':
        ++count[kPL];
        break;
      case U'ğ':
      case U'ş':
      case U'ı':
      case U'İ':
      case U'Ş':
      case U'Ğ':
      case U'₺':
        ++count[kTR];
        break;
      case U'ß':
      case U'ä':
      case U'ö':
      case U'ü':
      case U'Ä':
      case U'Ö':
      case U'Ü':
        ++count[kDE];
        break;
      default:
        if (c >= 0x10D0 && c <= 0x10FF)
          ++count[kGE];  // Georgian script
        break;
    }
  }
  if (cyrillic > 0) {
    // Currency words of the Cyrillic-writing regions.
    // "тг" is also short for Telegram: it only adds to other Kazakh signs.
    if (FindBytes(sample, "тенге") != std::string_view::npos)
      count[kKZ] += 2;
    if (FindBytes(sample, "тг") != std::string_view::npos)
      ++count[kKZ];
    if (FindBytes(sample, "грн") != std::string_view::npos)
      count[kUA] += 2;
    if (FindBytes(sample, "руб") != std::string_view::npos)
      ++count[kRU];
  }
  for (int r = 0; r < kCount; ++r) {
    if (count[r] >= kNeed[r])
      return std::string(kNames[r]);
  }
  // Cyrillic without a more specific sign: Russian is by far the most common.
  return cyrillic >= 10 ? "RU" : "";
}

std::optional<std::string> PhoneToE164(std::string_view written, std::string_view region,
                                       std::string* number_region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string region_code = region.empty() ? "ZZ" : std::string(region);
  if (util.Parse(std::string(written), region_code, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util.IsValidNumber(number))
    return std::nullopt;
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  if (number_region != nullptr)
    util.GetRegionCodeForNumber(number, number_region);
  return e164;
}

void FindPhones(std::string_view text, std::string_view region, SelectorFindings& out) {
  PhoneRegion given = PhoneRegion::Given(region);
  FindPhones(text, given, out);
}

void FindPhones(std::string_view text, PhoneRegion& lazy_region, SelectorFindings& out) {
  size_t candidates = 0;
  size_t i = 0;
  while (i < text.size() && candidates < kMaxCandidates) {
    char c = text[i];
    if (!(c == '+' || c == '(' || IsAsciiDigit(c))) {
      ++i;
      continue;
    }
    // Inside a word or a longer number ("A1234567", "x+7..."): skip the whole run.
    if (i > 0 && (IsAsciiAlnum(text[i - 1]) || text[i - 1] == '+' || text[i - 1] == '.' ||
                  text[i - 1] == ',' || text[i - 1] == '/' || text[i - 1] == '-')) {
      ++i;
      while (i < text.size() && (IsAsciiAlnum(text[i]) || text[i] == '+'))
        ++i;
      continue;
    }
    size_t j = i;
    bool plus = false;
    if (text[j] == '+') {
      plus = true;
      ++j;
    }
    int digits = 0;
    int separators = 0;
    size_t last_digit_end = j;
    while (j < text.size()) {
      char d = text[j];
      if (IsAsciiDigit(d)) {
        ++digits;
        separators = 0;
        ++j;
        last_digit_end = j;
        if (digits > 15)
          break;
      } else if ((d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || d == '\t') &&
                 separators < 2) {
        ++separators;
        ++j;
      } else if (static_cast<unsigned char>(d) == 0xC2 && j + 1 < text.size() &&
                 static_cast<unsigned char>(text[j + 1]) == 0xA0 && separators < 2) {
        ++separators;  // no-break space
        j += 2;
      } else {
        break;
      }
    }
    size_t end = last_digit_end;
    size_t next = std::max(end, i + 1);
    if (digits < 7 || digits > 15 || (end < text.size() && IsAsciiAlnum(text[end]))) {
      i = next;
      continue;
    }
    std::string_view raw = text.substr(i, end - i);
    if (raw.front() == '(' && raw.find(')') == std::string_view::npos) {
      raw.remove_prefix(1);
      ++i;
    }
    bool context = HasContextBefore(text, i);
    std::string_view region = plus ? std::string_view() : lazy_region.Get();
    bool national_ok = !region.empty() && (digits >= 10 || context);
    if ((!plus && !national_ok) || LooksLikeDateOrDecimal(raw) || AmountAfter(text, end)) {
      i = next;
      continue;
    }
    ++candidates;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    std::string region_code = plus || region.empty() ? "ZZ" : std::string(region);
    if (util.Parse(std::string(raw), region_code, &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
        util.IsValidNumber(number)) {
      Selector s;
      s.kind = SelectorKind::kPhone;
      util.Format(number, PhoneNumberUtil::E164, &s.value);
      s.begin = static_cast<uint32_t>(i);
      s.end = static_cast<uint32_t>(end);
      s.validation = "libphonenumber";
      s.confidence = plus || context ? 0.95 : 0.8;
      std::string number_region;
      util.GetRegionCodeForNumber(number, &number_region);
      JsonWriter w(s.details);
      w.BeginObject();
      w.Field("region", number_region);
      w.Field("type", NumberTypeName(util.GetNumberType(number)));
      if (!plus)
        w.Field("assumed_region", region_code);
      w.EndObject();
      out.selectors.push_back(std::move(s));
    }
    i = next;
  }
}

}  // namespace dragnet::identify
