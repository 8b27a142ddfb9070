#pragma once
// Phone numbers in text, validated against the numbering plans of libphonenumber and written as
// E.164. A number written with its country code ("+7 701 ...") is found anywhere; a national
// number ("8 (916) 123-45-67") needs the region of the page, inferred from its letters and
// currencies when the caller does not give it, and at least ten digits or a word such as "tel"
// or "WhatsApp" before it. +7 is shared by Russia and Kazakhstan: libphonenumber tells them
// apart by number range, and the region is in the details.

#include <optional>
#include <string>
#include <string_view>

#include "identify/selectors/selector.h"

namespace dragnet::identify {

// ISO 3166 alpha-2 region suggested by the text's letters and currency signs ("RU", "UA", "KZ",
// "BY", "GE", "PL", "DE", "TR"), or "" when nothing points to one.
std::string InferPhoneRegion(std::string_view text);

// The region for a text's national numbers: one given, or InferPhoneRegion(text) computed when
// first asked for; most texts have no run of digits long enough to ask.
class PhoneRegion {
 public:
  static PhoneRegion Given(std::string_view region) { return PhoneRegion({}, region, false); }
  static PhoneRegion Inferred(std::string_view text) { return PhoneRegion(text, {}, true); }

  std::string_view Get() {
    if (infer_) {
      value_ = InferPhoneRegion(text_);
      infer_ = false;
    }
    return value_;
  }

 private:
  PhoneRegion(std::string_view text, std::string_view region, bool infer)
      : text_(text), value_(region), infer_(infer) {}
  std::string_view text_;
  std::string value_;
  bool infer_;
};

// Appends every valid phone number; `region` as from InferPhoneRegion ("" = international
// numbers only).
void FindPhones(std::string_view text, std::string_view region, SelectorFindings& out);
void FindPhones(std::string_view text, PhoneRegion& region, SelectorFindings& out);

// The E.164 form of one written number, or nullopt when it is not a valid number. `region`
// applies to numbers without a country code; `number_region` receives the region the number
// belongs to.
std::optional<std::string> PhoneToE164(std::string_view written, std::string_view region,
                                       std::string* number_region = nullptr);

}  // namespace dragnet::identify
