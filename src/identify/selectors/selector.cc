#include "identify/selectors/selector.h"

namespace dragnet::identify {

std::string_view SelectorKindName(SelectorKind kind) {
  switch (kind) {
    case SelectorKind::kPgpKey:
      return "pgp_key";
    case SelectorKind::kPgpFingerprint:
      return "pgp_fingerprint";
    case SelectorKind::kPgpKeyId:
      return "pgp_key_id";
    case SelectorKind::kBitcoin:
      return "bitcoin";
    case SelectorKind::kLitecoin:
      return "litecoin";
    case SelectorKind::kBitcoinCash:
      return "bitcoin_cash";
    case SelectorKind::kEthereum:
      return "ethereum";
    case SelectorKind::kTron:
      return "tron";
    case SelectorKind::kMonero:
      return "monero";
    case SelectorKind::kZcash:
      return "zcash";
    case SelectorKind::kDash:
      return "dash";
    case SelectorKind::kOnion:
      return "onion";
    case SelectorKind::kUrl:
      return "url";
    case SelectorKind::kDomain:
      return "domain";
    case SelectorKind::kEmail:
      return "email";
    case SelectorKind::kPhone:
      return "phone";
    case SelectorKind::kTelegram:
      return "telegram";
    case SelectorKind::kSession:
      return "session";
    case SelectorKind::kThreema:
      return "threema";
    case SelectorKind::kWickr:
      return "wickr";
    case SelectorKind::kSignal:
      return "signal";
    case SelectorKind::kWhatsapp:
      return "whatsapp";
    case SelectorKind::kXmpp:
      return "xmpp";
    case SelectorKind::kDiscord:
      return "discord";
  }
  return "unknown";
}

}  // namespace dragnet::identify
