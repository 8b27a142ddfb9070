#include "identify/selectors/selectors.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "identify/selectors/contacts.h"
#include "identify/selectors/crypto_address.h"
#include "identify/selectors/pgp.h"
#include "identify/selectors/phone.h"

namespace dragnet::identify {

bool FindSelectors(std::string_view text, const SelectorOptions& options, SelectorFindings& out) {
  out.Clear();
  FindPgp(text, out);
  FindCryptoAddresses(text, out);
  FindOnions(text, out);
  PhoneRegion region =
      options.region.empty() ? PhoneRegion::Inferred(text) : PhoneRegion::Given(options.region);
  FindContacts(text, region, out);
  FindPhones(text, region, out);

  auto& all = out.selectors;
  std::stable_sort(all.begin(), all.end(), [](const Selector& a, const Selector& b) {
    return std::tie(a.begin, a.end, a.kind) < std::tie(b.begin, b.end, b.kind);
  });
  // The same selector found twice at one place (a phone after "WhatsApp:" is also a phone; a
  // key's e-mail is also written in the text) is kept once; a domain once per document.
  size_t kept = 0;
  if (all.size() <= 64) {
    // Most documents: a few selectors, compared with those kept so far (no set to allocate). A
    // selector dropped as a repeated domain repeats a kept one, so the kept ones are all there
    // is to compare with.
    for (size_t i = 0; i < all.size(); ++i) {
      const Selector& s = all[i];
      bool repeated = false;
      for (size_t k = 0; k < kept && !repeated; ++k) {
        const Selector& t = all[k];
        repeated = t.kind == s.kind && t.value == s.value &&
                   (t.begin == s.begin || s.kind == SelectorKind::kDomain);
      }
      if (repeated)
        continue;
      if (kept != i)
        all[kept] = std::move(all[i]);
      ++kept;
    }
  } else {
    // Copies, not views: a view of a short value points into the Selector itself, whose slot
    // the moves below fill with another selector.
    std::set<std::tuple<SelectorKind, std::string, uint32_t>> seen;
    std::set<std::string> domains;
    for (size_t i = 0; i < all.size(); ++i) {
      const Selector& s = all[i];
      if (!seen.emplace(s.kind, s.value, s.begin).second)
        continue;
      if (s.kind == SelectorKind::kDomain && !domains.insert(s.value).second)
        continue;
      if (kept != i)
        all[kept] = std::move(all[i]);
      ++kept;
    }
  }
  all.resize(kept);
  bool cut = all.size() > kMaxSelectorsPerDocument;
  if (cut)
    all.resize(kMaxSelectorsPerDocument);
  return cut;
}

bool MaskOpaqueSelectors(const SelectorFindings& found, std::string_view text, std::string& out) {
  bool copied = false;
  for (const Selector& s : found.selectors) {
    uint32_t begin = s.begin;
    switch (s.kind) {
      case SelectorKind::kUrl: {
        // A URL's query and fragment are machine tokens ("?hash=9f86", "#ice"); its path may be
        // the listing's words ("/product/mdma-crystals") and stays.
        if (s.begin >= s.end || s.end > text.size())
          continue;
        size_t cut = text.substr(s.begin, s.end - s.begin).find_first_of("?#");
        if (cut == std::string_view::npos)
          continue;
        begin = s.begin + static_cast<uint32_t>(cut);
        break;
      }
      case SelectorKind::kPgpKey:
      case SelectorKind::kPgpFingerprint:
      case SelectorKind::kPgpKeyId:
      case SelectorKind::kBitcoin:
      case SelectorKind::kLitecoin:
      case SelectorKind::kBitcoinCash:
      case SelectorKind::kEthereum:
      case SelectorKind::kTron:
      case SelectorKind::kMonero:
      case SelectorKind::kZcash:
      case SelectorKind::kDash:
      case SelectorKind::kOnion:
      case SelectorKind::kSession:
        break;
      default:
        continue;
    }
    if (begin >= s.end || s.end > text.size())
      continue;
    if (!copied) {
      out.assign(text);
      copied = true;
    }
    std::fill(out.begin() + begin, out.begin() + s.end, ' ');
  }
  // A mistyped address or a damaged key block is as opaque as a valid one.
  for (const SelectorAnomaly& a : found.anomalies) {
    if (a.begin >= a.end || a.end > text.size())
      continue;
    if (!copied) {
      out.assign(text);
      copied = true;
    }
    std::fill(out.begin() + a.begin, out.begin() + a.end, ' ');
  }
  return copied;
}

std::string_view FindSelectorsAndMask(std::string_view text, const SelectorOptions& options,
                                      SelectorFindings& out, std::string& masked) {
  FindSelectors(text, options, out);
  return MaskOpaqueSelectors(out, text, masked) ? std::string_view(masked) : text;
}

void AppendSelectorsJson(const SelectorFindings& found, std::string_view text, JsonWriter& w) {
  w.Key("selectors");
  w.BeginArray();
  for (const Selector& s : found.selectors) {
    w.BeginObject();
    w.Field("kind", SelectorKindName(s.kind));
    w.Field("value", s.value);
    if (s.end <= text.size() && s.begin <= s.end)
      w.Field("raw", text.substr(s.begin, std::min<size_t>(s.end - s.begin, 256)));
    w.FieldInt("begin", s.begin);
    w.FieldInt("end", s.end);
    w.Field("validation", s.validation);
    w.FieldDouble("confidence", s.confidence);
    if (!s.details.empty()) {
      w.Key("details");
      w.Raw(s.details);
    }
    w.EndObject();
  }
  w.EndArray();
  if (found.anomalies.empty())
    return;
  w.Key("selector_anomalies");
  w.BeginArray();
  for (const SelectorAnomaly& a : found.anomalies) {
    w.BeginObject();
    w.Field("kind", a.kind);
    w.Field("detail", a.detail);
    w.FieldInt("begin", a.begin);
    w.FieldInt("end", a.end);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace dragnet::identify
