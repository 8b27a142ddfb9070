#include "identify/selectors/contacts.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <string>

#include <hs/hs.h>

#include "core/json_writer.h"
#include "identify/selectors/phone.h"
#include "identify/selectors/scan_util.h"

namespace dragnet::identify {
namespace {

constexpr size_t kMaxPerAnchor = 1024;  // occurrences of one anchor looked at per text

bool IsUrlByte(char c) {
  auto b = static_cast<unsigned char>(c);
  if (b >= 0x80)
    return true;  // IRIs: Cyrillic paths are common
  if (b <= 0x20 || b == 0x7F)
    return false;
  return std::string_view("<>\"'`{}|\\^").find(c) == std::string_view::npos;
}

bool IsHostByte(char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_';
}
bool IsHandleByte(char c) {
  return IsAsciiAlnum(c) || c == '_';
}

// A host name: dot-separated labels of letters, digits and hyphens, ending in an alphabetic
// top-level label, or a dotted IPv4 address.
bool ValidHost(std::string_view host) {
  if (host.empty() || host.size() > 253)
    return false;
  int labels = 0;
  bool all_digits = true;
  size_t start = 0;
  std::string_view last;
  while (start <= host.size()) {
    size_t stop = host.find('.', start);
    if (stop == std::string_view::npos)
      stop = host.size();
    std::string_view label = host.substr(start, stop - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-' && c != '_')
        return false;
      if (!IsAsciiDigit(c))
        all_digits = false;
    }
    ++labels;
    last = label;
    start = stop + 1;
  }
  if (labels < 2)
    return false;
  if (all_digits)
    return labels == 4;
  if (last.size() < 2 || last.size() > 24)
    return false;
  if (last.substr(0, 4) == "xn--")
    return true;
  return std::all_of(last.begin(), last.end(), IsAsciiAlpha);
}

// Words that run into a handle when a page's HTML loses its spaces ("jason30594Support",
// "brookmax54whatsapp"): cut off at the end of a token.
// Messenger and mail names that run into a handle with no visible seam when a page's HTML
// loses its spaces ("meetthesourcewickr", "protonmail.comwhatsapp").
constexpr std::array<std::string_view, 13> kMessengerWords = {
    "whatsapp", "telegram", "wickr", "signal", "threema", "session", "jabber",
    "email",    "e-mail",   "kik",   "icq",    "skype",   "snapchat"};

// Short words that follow a handle in run-together ads ("secure99for"; "hackman4all" is a
// name, so only after a digit and only these).
constexpr std::array<std::string_view, 34> kTrailingWords = {
    "we",   "our",  "for",     "if",       "to",         "the", "top",   "new",  "and",
    "or",   "best", "send",    "dear",     "full",       "buy", "test",  "mad",  "only",
    "now",  "fake", "enjoy",   "email",    "protonmail", "get", "there", "call", "phone",
    "text", "here", "website", "shipping", "waiting",    "usa", "all"};

bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}

bool EndsWithWord(std::string_view token, std::string_view word) {
  return token.size() >= word.size() + 2 &&
         AsciiLower(token.substr(token.size() - word.size())) == word;
}

// Cuts words that ran into a handle off its end: "jason30594Support", "secure99Hello",
// "walgreenstoreALL", "DREAMMARKETTEAMWe", "brookmax54whatsapp". Sellers' handles are mostly
// lower case with digits at the end; a change of case or a digit-to-word seam is where the next
// word began. CamelCase handles ("NoLimitTrade") keep their humps.
std::string_view CutJoinedTail(std::string_view token) {
  // A run of dots ends the handle ("wilshop07.....next"), and so does a full stop before a
  // capital ("below.We").
  if (size_t dots = token.find(".."); dots != std::string_view::npos)
    token = token.substr(0, dots);
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    if (token[i] == '.' && IsUpper(token[i + 1])) {
      token = token.substr(0, i);
      break;
    }
  }
  bool changed = true;
  while (changed && token.size() > 3) {
    changed = false;
    for (std::string_view word : kMessengerWords) {
      if (EndsWithWord(token, word)) {
        token.remove_suffix(word.size());
        changed = true;
        break;
      }
    }
    if (changed)
      continue;
    bool lower_seen = false;
    bool upper_seen = false;
    for (size_t i = 1; i < token.size(); ++i) {
      char before = token[i - 1];
      char c = token[i];
      lower_seen |= IsLower(before);
      upper_seen |= IsUpper(before);
      bool cut = false;
      size_t at = i;
      if (IsAsciiDigit(before) && IsUpper(c)) {
        cut = true;  // "pusher22Dear", "Coachman12OVERNIGHT"
      } else if (IsAsciiDigit(before) && IsLower(c)) {
        std::string rest = AsciiLower(token.substr(i));
        cut = std::find(kTrailingWords.begin(), kTrailingWords.end(), rest) != kTrailingWords.end();
      } else if (IsLower(before) && IsUpper(c)) {
        // All lower so far, then a capital: a new word ("levicooperWe"); in CamelCase only an
        // upper-case run starts one ("NoLimitTradePLATINUM").
        cut = !upper_seen || (i + 1 < token.size() && IsUpper(token[i + 1]));
      } else if (IsUpper(before) && IsLower(c) && !lower_seen && i >= 4) {
        // ALL CAPS, then a word: "DREAMMARKETTEAMWe" cuts before the "W", "...TEAMtop" at "t".
        // The capital before the seam starts the word when it makes one: "TEAMWe" but "TEAMtop".
        cut = true;
        std::string rest = AsciiLower(token.substr(i - 1));
        if (IsUpper(token[i - 2]) &&
            std::find(kTrailingWords.begin(), kTrailingWords.end(), rest) != kTrailingWords.end()) {
          at = i - 1;
        }
      }
      if (cut && at >= 3) {
        token = token.substr(0, at);
        changed = true;
        break;
      }
    }
  }
  while (!token.empty() && (token.back() == '.' || token.back() == '-' || token.back() == '_'))
    token.remove_suffix(1);
  return token;
}

// The end of a domain written in text, trimmed of joined words after its top-level label
// ("gmail.comWickr" -> "gmail.com").
size_t DomainEnd(std::string_view text, size_t start) {
  size_t end = start;
  while (end < text.size() && IsHostByte(text[end]))
    ++end;
  while (end > start && (text[end - 1] == '.' || text[end - 1] == '-'))
    --end;
  if (end == start)
    return end;
  size_t dot = text.rfind('.', end - 1);
  if (dot == std::string_view::npos || dot < start)
    return end;
  // A lower-case top-level label followed by a capitalised word.
  for (size_t i = dot + 2; i < end; ++i) {
    if (text[i] >= 'A' && text[i] <= 'Z' && text[i - 1] >= 'a' && text[i - 1] <= 'z')
      return i;
  }
  // "gmail.comwhatsapp", "protonmail.comtest": the generic top-level labels followed by a word.
  std::string tld = AsciiLower(text.substr(dot + 1, end - dot - 1));
  static constexpr std::array<std::string_view, 6> kLongRealTlds = {
      "community", "company", "computer", "network", "organic", "comsec"};
  for (std::string_view generic : {"com", "net", "org"}) {
    if (tld.size() > generic.size() + 1 && tld.compare(0, generic.size(), generic) == 0 &&
        std::find(kLongRealTlds.begin(), kLongRealTlds.end(), tld) == kLongRealTlds.end()) {
      return dot + 1 + generic.size();
    }
  }
  return end;
}

// Every string the scanner looks for, found in one Hyperscan pass over the text (a search per
// string, even with memmem, took most of the analyzer's time). ASCII letters match in any case.
constexpr std::string_view kAnchorList[] = {
    // page context
    "telegram",
    "телеграм",
    "телега",
    " tg",
    "тг:",
    "тг ",
    "session",
    // URLs
    "://",
    "www.",
    // messenger links
    "t.me/",
    "telegram.me/",
    "telegram.dog/",
    "tg://resolve?domain=",
    "tg://join?invite=",
    "wa.me/",
    "api.whatsapp.com/send?phone=",
    "whatsapp.com/send?phone=",
    "chat.whatsapp.com/",
    "discord.gg/",
    "discord.com/invite/",
    "discordapp.com/invite/",
    "signal.me/#p/",
    "signal.me/#eu/",
    "signal.group/#",
    "threema.id/",
    // addresses and handles
    "@",
    "05",
    // obfuscated "at"
    "[at]",
    "(at)",
    "{at}",
    "<at>",
    "[ at ]",
    "( at )",
    "[@]",
    "(@)",
    " @ ",
    "[собака]",
    "(собака)",
    " at ",
    " собака ",
    " [at] ",
    // messenger words
    "wickr",
    "tg:",
    "whatsapp",
    "whatspp",
    "ватсап",
    "signal",
    "threema",
    "jabber",
    "xmpp",
    "жаббер",
};

constexpr std::array<std::string_view, std::size(kAnchorList)> kAnchors =
    std::to_array(kAnchorList);

// The index of `needle` in kAnchors, found by the compiler: a needle missing from kAnchors does
// not compile, and no string is compared at run time.
constexpr size_t AnchorIndex(std::string_view needle) {
  for (size_t i = 0; i < kAnchors.size(); ++i) {
    if (kAnchors[i] == needle)
      return i;
  }
  throw "a needle missing from kAnchors";
}
consteval size_t A(std::string_view needle) {
  return AnchorIndex(needle);
}

using AnchorPositions = std::array<std::vector<uint32_t>, kAnchors.size()>;

// The compiled anchor database, built once; a scratch space per thread.
class AnchorMatcher {
 public:
  static const AnchorMatcher& Get() {
    static const AnchorMatcher matcher;
    return matcher;
  }

  // Appends the start offsets of every anchor occurrence (at most `cap` per anchor) to
  // `positions[anchor]`. Returns false when Hyperscan could not run (then nothing is found).
  bool Scan(std::string_view text, AnchorPositions& positions, size_t cap) const {
    if (database_ == nullptr || text.empty())
      return database_ != nullptr;
    struct Scratch {
      hs_scratch_t* scratch = nullptr;
      ~Scratch() { hs_free_scratch(scratch); }
    };
    thread_local Scratch local;
    // One database for the life of the process: a scratch allocated for it stays big enough.
    if (local.scratch == nullptr && hs_alloc_scratch(database_, &local.scratch) != HS_SUCCESS)
      return false;
    struct Context {
      AnchorPositions* positions;
      size_t cap;
    } context{&positions, cap};
    auto on_match = [](unsigned id, unsigned long long /*from*/, unsigned long long to,
                       unsigned /*flags*/, void* data) -> int {
      auto* c = static_cast<Context*>(data);
      auto& list = (*c->positions)[id];
      if (list.size() < c->cap)
        list.push_back(static_cast<uint32_t>(to - kAnchors[id].size()));
      return 0;
    };
    return hs_scan(database_, text.data(), static_cast<unsigned>(text.size()), 0, local.scratch,
                   on_match, &context) == HS_SUCCESS;
  }

 private:
  AnchorMatcher() {
    std::vector<const char*> expressions;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < kAnchors.size(); ++i) {
      expressions.push_back(kAnchors[i].data());
      lengths.push_back(kAnchors[i].size());
      flags.push_back(HS_FLAG_CASELESS);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* error = nullptr;
    if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                             &database_, &error) != HS_SUCCESS) {
      // The anchors are constants: a failure here is a bug, and the finder then finds nothing.
      assert(false && "anchor database does not compile");
      hs_free_compile_error(error);
      database_ = nullptr;
    }
  }
  ~AnchorMatcher() { hs_free_database(database_); }

  hs_database_t* database_ = nullptr;
};

class ContactScanner {
 public:
  // `positions` is reused from text to text (its contents are replaced).
  ContactScanner(std::string_view text, PhoneRegion& region, SelectorFindings& out,
                 AnchorPositions& positions)
      : text_(text), region_(region), out_(out), positions_(positions) {
    for (auto& list : positions_)
      list.clear();
    AnchorMatcher::Get().Scan(text_, positions_, kMaxPerAnchor);
    any_anchor_ = std::any_of(positions_.begin(), positions_.end(),
                              [](const std::vector<uint32_t>& list) { return !list.empty(); });
    telegram_page_ = Mentions(
        {A("telegram"), A("телеграм"), A("телега"), A("t.me/"), A(" tg"), A("тг:"), A("тг ")});
    session_page_ = Mentions({A("session")});
  }

  void Run() {
    if (!any_anchor_)
      return;
    Urls();
    MessengerLinks();
    AtSigns();
    ObfuscatedEmails();
    Keywords();
    SessionIds();
  }

 private:
  // Whether `lower_word` (lower case) is written at `pos`, in any case of its ASCII letters.
  bool LowerAt(size_t pos, std::string_view lower_word) const {
    if (pos > text_.size() || text_.size() - pos < lower_word.size())
      return false;
    for (size_t k = 0; k < lower_word.size(); ++k) {
      if (AsciiToLower(text_[pos + k]) != lower_word[k])
        return false;
    }
    return true;
  }

  bool Mentions(std::initializer_list<size_t> anchors) const {
    return std::any_of(anchors.begin(), anchors.end(),
                       [&](size_t anchor) { return !positions_[anchor].empty(); });
  }

  // Calls `f(at)` for each occurrence of kAnchors[anchor], in text order.
  template <typename F>
  void ForEach(size_t anchor, F&& f) const {
    for (uint32_t at : positions_[anchor])
      f(at);
  }

  void Add(SelectorKind kind, std::string value, size_t begin, size_t end,
           std::string_view validation, double confidence, std::string details = {}) {
    Selector s;
    s.kind = kind;
    s.value = std::move(value);
    s.begin = static_cast<uint32_t>(begin);
    s.end = static_cast<uint32_t>(end);
    s.validation = std::string(validation);
    s.confidence = confidence;
    s.details = std::move(details);
    out_.selectors.push_back(std::move(s));
  }

  static std::string Details(
      std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string json;
    JsonWriter w(json);
    w.BeginObject();
    for (const auto& [key, value] : fields)
      w.Field(key, value);
    w.EndObject();
    return json;
  }

  // The URL that starts at `begin` and whose host starts at `host_begin`; its end.
  size_t UrlEnd(size_t host_begin) const {
    size_t end = host_begin;
    while (end < text_.size() && IsUrlByte(text_[end]))
      ++end;
    // Punctuation that ends the sentence, not the URL; a closing bracket only when unopened.
    while (end > host_begin) {
      char c = text_[end - 1];
      if (std::string_view(".,;:!?'\"*").find(c) != std::string_view::npos) {
        --end;
      } else if (c == ')' || c == ']') {
        std::string_view url = text_.substr(host_begin, end - host_begin);
        char open = c == ')' ? '(' : '[';
        if (std::count(url.begin(), url.end(), open) < std::count(url.begin(), url.end(), c)) {
          --end;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    return end;
  }

  static bool MessengerHost(std::string_view host) {
    static constexpr std::array<std::string_view, 13> kHosts = {
        "t.me",         "telegram.me",      "telegram.dog",      "wa.me",
        "whatsapp.com", "api.whatsapp.com", "chat.whatsapp.com", "discord.gg",
        "discord.com",  "discordapp.com",   "signal.me",         "signal.group",
        "threema.id"};
    if (host.substr(0, 4) == "www.")
      host.remove_prefix(4);
    return std::find(kHosts.begin(), kHosts.end(), host) != kHosts.end();
  }

  void Urls() {
    auto url_at = [&](size_t begin, size_t host_begin, bool has_scheme) {
      size_t end = UrlEnd(host_begin);
      std::string written(text_.substr(begin, end - begin));
      if (!has_scheme)
        written = "http://" + written;
      std::string host;
      std::string canonical = CanonicalUrl(written, &host);
      if (canonical.empty() || MessengerHost(host))
        return;
      bool onion = host.size() > 6 && host.substr(host.size() - 6) == ".onion";
      Add(SelectorKind::kUrl, canonical, begin, end, "syntax", 1.0);
      if (!onion) {
        std::string domain = host.substr(0, 4) == "www." ? host.substr(4) : host;
        size_t host_end = host_begin;
        while (host_end < end && IsHostByte(text_[host_end]))
          ++host_end;
        Add(SelectorKind::kDomain, domain, host_begin, host_end, "syntax", 1.0);
      }
    };
    ForEach(A("://"), [&](size_t at) {
      size_t begin = at;
      while (begin > 0 && (IsAsciiAlnum(text_[begin - 1]) || text_[begin - 1] == '+' ||
                           text_[begin - 1] == '-' || text_[begin - 1] == '.')) {
        --begin;
      }
      auto scheme_is = [&](std::string_view scheme) {
        return at - begin == scheme.size() && LowerAt(begin, scheme);
      };
      if (scheme_is("http") || scheme_is("https") || scheme_is("ftp") || scheme_is("hxxp") ||
          scheme_is("hxxps")) {
        url_at(begin, at + 3, true);
      }
    });
    ForEach(A("www."), [&](size_t at) {
      if (at > 0 && (IsHostByte(text_[at - 1]) || text_[at - 1] == '/' || text_[at - 1] == '@'))
        return;  // part of a URL with a scheme, or of an address
      url_at(at, at, false);
    });
  }

  // Links of messengers: the most reliable way to name an account.
  void MessengerLinks() {
    auto link = [&](size_t anchor, auto&& handle) {
      ForEach(anchor, [&](size_t at) {
        if (at > 0) {
          char before = text_[at - 1];
          if (IsAsciiAlnum(before) || before == '-' || before == '_')
            return;
          if (before == '.' && !(at >= 4 && LowerAt(at - 4, "www.")))
            return;
        }
        size_t begin = at;
        if (begin >= 3 && LowerAt(begin - 3, "://")) {
          begin -= 3;
          while (begin > 0 && IsAsciiAlpha(text_[begin - 1]))
            --begin;
        }
        if (begin >= 4 && LowerAt(begin - 4, "www."))
          begin -= 4;
        handle(begin, at + kAnchors[anchor].size());
      });
    };
    auto token = [&](size_t from, auto&& allowed) {
      size_t end = from;
      while (end < text_.size() && allowed(text_[end]))
        ++end;
      return end;
    };
    auto telegram_link = [&](size_t begin, size_t from) {
      std::string_view rest = std::string_view(text_).substr(from);
      bool invite = false;
      if (!rest.empty() && rest[0] == '+') {
        invite = true;
        ++from;
      } else if (LowerAt(from, "joinchat/")) {
        invite = true;
        from += 9;
      } else if (LowerAt(from, "s/")) {
        from += 2;
      }
      size_t end = token(from, [](char c) { return IsHandleByte(c) || c == '-'; });
      std::string_view name = text_.substr(from, end - from);
      if (invite) {
        if (name.size() >= 8 && name.size() <= 64)
          Add(SelectorKind::kTelegram, "+" + std::string(name), begin, end, "link", 1.0,
              Details({{"type", "invite"}}));
        return;
      }
      if (!ValidTelegramName(name))
        return;
      std::string post;
      if (end + 1 < text_.size() && text_[end] == '/' && IsAsciiDigit(text_[end + 1])) {
        size_t post_end = token(end + 1, IsAsciiDigit);
        post = std::string(text_.substr(end + 1, post_end - end - 1));
        end = post_end;
      }
      std::string value = AsciiLower(name);
      std::string_view type = EndsWithBot(value) ? "bot" : "user";
      Add(SelectorKind::kTelegram, value, begin, end, "link", 1.0,
          post.empty() ? Details({{"type", type}}) : Details({{"type", type}, {"post", post}}));
    };
    link(A("t.me/"), telegram_link);
    link(A("telegram.me/"), telegram_link);
    link(A("telegram.dog/"), telegram_link);
    link(A("tg://resolve?domain="), telegram_link);
    link(A("tg://join?invite="), [&](size_t begin, size_t from) {
      size_t end = token(from, [](char c) { return IsHandleByte(c) || c == '-'; });
      if (end - from >= 8)
        Add(SelectorKind::kTelegram, "+" + std::string(text_.substr(from, end - from)), begin, end,
            "link", 1.0, Details({{"type", "invite"}}));
    });
    auto whatsapp_number = [&](size_t begin, size_t from) {
      size_t end = token(from, IsAsciiDigit);
      if (end - from < 7 || end - from > 15)
        return;
      std::string region;
      auto e164 = PhoneToE164("+" + std::string(text_.substr(from, end - from)), "", &region);
      if (e164)
        Add(SelectorKind::kWhatsapp, *e164, begin, end, "libphonenumber", 1.0,
            Details({{"type", "number"}, {"region", region}}));
    };
    link(A("wa.me/"), whatsapp_number);
    link(A("api.whatsapp.com/send?phone="), whatsapp_number);
    link(A("whatsapp.com/send?phone="), whatsapp_number);
    link(A("chat.whatsapp.com/"), [&](size_t begin, size_t from) {
      size_t end = token(from, IsAsciiAlnum);
      if (end - from >= 16 && end - from <= 32)
        Add(SelectorKind::kWhatsapp, "invite:" + std::string(text_.substr(from, end - from)), begin,
            end, "link", 1.0, Details({{"type", "group_invite"}}));
    });
    auto discord = [&](size_t begin, size_t from) {
      size_t end = token(from, [](char c) { return IsAsciiAlnum(c) || c == '-'; });
      if (end - from >= 2 && end - from <= 32)
        Add(SelectorKind::kDiscord, std::string(text_.substr(from, end - from)), begin, end, "link",
            1.0, Details({{"type", "invite"}}));
    };
    link(A("discord.gg/"), discord);
    link(A("discord.com/invite/"), discord);
    link(A("discordapp.com/invite/"), discord);
    auto signal = [&](std::string_view type) {
      return [&, type](size_t begin, size_t from) {
        size_t end = token(from, [](char c) {
          return IsAsciiAlnum(c) || std::string_view("-_.+/=%").find(c) != std::string_view::npos;
        });
        if (end - from >= 4)
          Add(SelectorKind::kSignal,
              std::string(type) + ":" + std::string(text_.substr(from, end - from)), begin, end,
              "link", 1.0, Details({{"type", type}}));
      };
    };
    link(A("signal.me/#p/"), signal("phone_link"));
    link(A("signal.me/#eu/"), signal("username_link"));
    link(A("signal.group/#"), signal("group"));
    link(A("threema.id/"), [&](size_t begin, size_t from) {
      size_t end = token(from, [](char c) { return IsAsciiAlnum(c) || c == '*'; });
      std::string id = ThreemaId(text_.substr(from, end - from));
      if (!id.empty())
        Add(SelectorKind::kThreema, id, begin, end, "link", 1.0);
    });
  }

  static bool EndsWithBot(std::string_view lower_name) {
    return lower_name.size() > 3 && lower_name.substr(lower_name.size() - 3) == "bot";
  }

  // Telegram user names: 5-32 of [A-Za-z0-9_], starting with a letter, not ending with "_".
  static bool ValidTelegramName(std::string_view name) {
    return name.size() >= 5 && name.size() <= 32 && IsAsciiAlpha(name.front()) &&
           name.back() != '_' &&
           std::all_of(name.begin(), name.end(), [](char c) { return IsHandleByte(c); });
  }

  // Threema ids: eight upper-case letters or digits ("*" starts gateway ids).
  static std::string ThreemaId(std::string_view token) {
    if (token.size() != 8)
      return {};
    std::string id;
    for (char c : token) {
      if (!IsAsciiAlnum(c) && !(c == '*' && id.empty()))
        return {};
      id.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    }
    // All letters or all digits is a word or a number, not an id.
    bool digit = std::any_of(id.begin(), id.end(), IsAsciiDigit);
    bool alpha = std::any_of(id.begin(), id.end(), IsAsciiAlpha);
    return digit && alpha ? id : std::string();
  }

  // A word naming Jabber shortly before `at`, with no other address between the two.
  bool JabberContext(size_t at) const {
    size_t from = at > 48 ? at - 48 : 0;
    char lowered[48];
    for (size_t k = from; k < at; ++k)
      lowered[k - from] = AsciiToLower(text_[k]);
    std::string_view window(lowered, at - from);
    for (std::string_view word : {"jabber", "xmpp", "jid", "жаббер", "джаббер", "jabb", "jaber"}) {
      size_t found = window.rfind(word);
      if (found != std::string_view::npos && window.find('@', found) == std::string_view::npos) {
        return true;
      }
    }
    return false;
  }

  static bool XmppHost(std::string_view lower_host) {
    return lower_host.substr(0, 7) == "jabber." || lower_host.substr(0, 5) == "xmpp." ||
           lower_host.substr(0, 5) == "jabb." ||
           lower_host.find(".jabber.") != std::string_view::npos;
  }

  // "name@example.com" is an e-mail (or a Jabber id where the page says so); "@name" alone is
  // a Telegram handle.
  void AtSigns() {
    ForEach(A("@"), [&](size_t at) {
      size_t local = at;
      while (local > 0 && at - local < 64 &&
             (IsAsciiAlnum(text_[local - 1]) ||
              std::string_view("._%+-").find(text_[local - 1]) != std::string_view::npos)) {
        --local;
      }
      // Dots never repeat in an address: "ProtonMail.....chris_moet@" starts after them.
      for (size_t k = at; k > local + 1; --k) {
        if (text_[k - 1] == '.' && text_[k - 2] == '.') {
          local = k;
          break;
        }
      }
      while (local < at && (text_[local] == '.' || text_[local] == '-'))
        ++local;
      if (local < at) {
        Address(local, at);
        return;
      }
      if (at > 0 && (IsHandleByte(text_[at - 1]) || text_[at - 1] == '@'))
        return;
      size_t end = at + 1;
      while (end < text_.size() && IsHandleByte(text_[end]))
        ++end;
      if (end < text_.size() && text_[end] == '.' && end + 1 < text_.size() &&
          IsAsciiAlpha(text_[end + 1])) {
        return;  // "@example.com": a domain, not a handle
      }
      std::string_view name = CutJoinedTail(text_.substr(at + 1, end - at - 1));
      end = at + 1 + name.size();
      if (!ValidTelegramName(name))
        return;
      std::string value = AsciiLower(name);
      bool bot = EndsWithBot(value);
      double confidence = bot ? 0.85 : telegram_page_ ? 0.8 : 0.5;
      Add(SelectorKind::kTelegram, value, at, end, "syntax", confidence,
          Details({{"type", bot ? "bot" : "user"},
                   {"context", telegram_page_ ? "page mentions Telegram" : "none"}}));
    });
  }

  void Address(size_t local, size_t at) {
    size_t domain_begin = at + 1;
    size_t end = DomainEnd(text_, domain_begin);
    if (end <= domain_begin)
      return;
    std::string domain = AsciiLower(text_.substr(domain_begin, end - domain_begin));
    if (!ValidHost(domain) || domain.find('_') != std::string::npos)
      return;
    std::string address = AsciiLower(text_.substr(local, at - local)) + "@" + domain;
    bool xmpp =
        (local >= 5 && LowerAt(local - 5, "xmpp:")) || JabberContext(local) || XmppHost(domain);
    if (xmpp) {
      size_t begin = local >= 5 && LowerAt(local - 5, "xmpp:") ? local - 5 : local;
      Add(SelectorKind::kXmpp, address, begin, end, "context", 0.9);
    } else {
      Add(SelectorKind::kEmail, address, local, end, "syntax", 1.0);
    }
  }

  // "name [at] domain [dot] com", "name(at)domain(dot)com", "name at domain dot com".
  void ObfuscatedEmails() {
    struct Form {
      constexpr Form(std::string_view at_in, bool spaced_in)
          : at(at_in), spaced(spaced_in), anchor(AnchorIndex(at_in)) {}
      std::string_view at;
      bool spaced;  // a bare word: only with a written-out dot or a short top-level label
      size_t anchor;
    };
    static constexpr std::array<Form, 14> kForms = {{{"[at]", false},
                                                     {"(at)", false},
                                                     {"{at}", false},
                                                     {"<at>", false},
                                                     {"[ at ]", false},
                                                     {"( at )", false},
                                                     {"[@]", false},
                                                     {"(@)", false},
                                                     {" @ ", false},
                                                     {"[собака]", false},
                                                     {"(собака)", false},
                                                     {" at ", true},
                                                     {" собака ", true},
                                                     {" [at] ", false}}};
    for (const Form& form : kForms) {
      ForEach(form.anchor, [&](size_t at) {
        size_t left = at;
        while (left > 0 && text_[left - 1] == ' ')
          --left;
        size_t local = left;
        while (local > 0 && left - local < 64 &&
               (IsAsciiAlnum(text_[local - 1]) ||
                std::string_view("._%+-").find(text_[local - 1]) != std::string_view::npos)) {
          --local;
        }
        if (local == left || (form.spaced && left - local < 2))
          return;
        size_t right = at + form.at.size();
        while (right < text_.size() && text_[right] == ' ')
          ++right;
        auto domain = ObfuscatedDomain(right, form.spaced);
        if (!domain)
          return;
        std::string address = AsciiLower(text_.substr(local, left - local)) + "@" + domain->first;
        Add(SelectorKind::kEmail, address, local, domain->second, "deobfuscated", 0.8,
            Details({{"obfuscated", "true"}}));
      });
    }
  }

  // Reads "domain [dot] com" from `from`: the domain and the end of its text.
  std::optional<std::pair<std::string, size_t>> ObfuscatedDomain(size_t from, bool spaced) const {
    static constexpr std::array<std::string_view, 12> kDots = {
        "[.]",     "(.)",     "{.}",   "[dot]",   "(dot)",   "{dot}",
        " [dot] ", " (dot) ", " dot ", " точка ", "[точка]", "."};
    std::string domain;
    size_t i = from;
    int dots = 0;
    bool written_dot = false;
    size_t end = from;
    while (i < text_.size()) {
      size_t label_end = i;
      while (label_end < text_.size() &&
             (IsAsciiAlnum(text_[label_end]) || text_[label_end] == '-'))
        ++label_end;
      if (label_end == i)
        break;
      domain += AsciiLower(text_.substr(i, label_end - i));
      end = label_end;
      bool more = false;
      for (std::string_view dot : kDots) {
        if (LowerAt(label_end, dot)) {
          size_t next = label_end + dot.size();
          if (next < text_.size() && IsAsciiAlnum(text_[next])) {
            domain.push_back('.');
            ++dots;
            written_dot |= dot != ".";
            i = next;
            more = true;
          }
          break;
        }
      }
      if (!more || dots > 4)
        break;
    }
    // Trim a joined word off the top-level label ("comWickr").
    size_t last_dot = domain.rfind('.');
    if (dots == 0 || last_dot == std::string::npos)
      return std::nullopt;
    std::string_view written_tld =
        text_.substr(end - (domain.size() - last_dot - 1), domain.size() - last_dot - 1);
    for (size_t k = 1; k < written_tld.size(); ++k) {
      if (written_tld[k] >= 'A' && written_tld[k] <= 'Z' && written_tld[k - 1] >= 'a' &&
          written_tld[k - 1] <= 'z') {
        domain.resize(last_dot + 1 + k);
        end -= written_tld.size() - k;
        break;
      }
    }
    if (!ValidHost(domain))
      return std::nullopt;
    if (spaced && !written_dot)
      return std::nullopt;
    if (spaced && dots > 3)
      return std::nullopt;
    return std::make_pair(domain, end);
  }

  // "Wickr: name", "WICKR ID.......trusted99", "Telegram: @shop", "WhatsApp +1 ...".
  void Keywords() {
    struct Keyword {
      constexpr Keyword(std::string_view word_in, SelectorKind kind_in)
          : word(word_in), kind(kind_in), anchor(AnchorIndex(word_in)) {}
      std::string_view word;
      SelectorKind kind;
      size_t anchor;
    };
    static constexpr std::array<Keyword, 14> kKeywords = {{
        {"wickr", SelectorKind::kWickr},
        {"telegram", SelectorKind::kTelegram},
        {"телеграм", SelectorKind::kTelegram},
        {"телега", SelectorKind::kTelegram},
        {"tg:", SelectorKind::kTelegram},
        {"тг:", SelectorKind::kTelegram},
        {"whatsapp", SelectorKind::kWhatsapp},
        {"whatspp", SelectorKind::kWhatsapp},
        {"ватсап", SelectorKind::kWhatsapp},
        {"signal", SelectorKind::kSignal},
        {"threema", SelectorKind::kThreema},
        {"jabber", SelectorKind::kXmpp},
        {"xmpp", SelectorKind::kXmpp},
        {"жаббер", SelectorKind::kXmpp},
    }};
    for (const Keyword& k : kKeywords) {
      ForEach(k.anchor, [&](size_t at) { AfterKeyword(k.kind, at + k.word.size()); });
    }
  }

  // Skips what sellers put between a messenger's name and the account: "ID", "me", ":", "....",
  // ">>>", "(", "at", "username". Returns where the account starts, or npos.
  size_t SkipFiller(size_t i) const {
    static constexpr std::array<std::string_view, 16> kFiller = {
        "id", "me", "messenger", "username", "user",   "name", "handle", "at",
        "on", "is", "account",   "contact",  "number", "ник",  "логин",  "nick"};
    size_t limit = std::min(text_.size(), i + 40);
    while (i < limit) {
      char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
          std::string_view(".:=>-*/\\|()[]{}?!#~_,;").find(c) != std::string_view::npos) {
        ++i;
        continue;
      }
      bool skipped = false;
      for (std::string_view word : kFiller) {
        if (LowerAt(i, word)) {
          size_t after = i + word.size();
          if (after >= text_.size() || !IsAsciiAlnum(text_[after])) {
            i = after;
            skipped = true;
            break;
          }
        }
      }
      if (!skipped)
        return i;
    }
    return std::string::npos;
  }

  static bool CommonWord(std::string_view lower_word) {
    static constexpr std::array<std::string_view, 72> kWords = {
        "app",       "apps",     "the",      "and",       "for",     "from",     "before",
        "below",     "above",    "please",   "only",      "us",      "via",      "to",
        "with",      "store",    "play",     "download",  "message", "messages", "or",
        "if",        "you",      "your",     "our",       "we",      "more",     "info",
        "fast",      "faster",   "easy",     "order",     "orders",  "contact",  "group",
        "channel",   "private",  "secure",   "chat",      "app's",   "address",  "application",
        "bellow",    "here",     "thanks",   "tried",     "was",     "pressed",  "kik",
        "wickr",     "telegram", "whatsapp", "playstore", "now",     "today",    "at",
        "messenger", "account",  "name",     "number",    "is",      "are",      "id",
        "same",      "many",     "drop",     "surespot",  "wire",    "session",  "signal",
        "threema",   "jabber"};
    return std::find(kWords.begin(), kWords.end(), lower_word) != kWords.end();
  }

  void AfterKeyword(SelectorKind kind, size_t after) {
    // The keyword must not be the middle of a longer word ("signals", "wickrme" is fine).
    if (after < text_.size() && kind != SelectorKind::kWickr && IsAsciiAlpha(text_[after]) &&
        text_[after] >= 'a' && text_[after] <= 'z') {
      return;
    }
    size_t i = SkipFiller(after);
    if (i == std::string::npos)
      return;
    char c = text_[i];
    if (c == '+' || IsAsciiDigit(c)) {
      if (kind == SelectorKind::kThreema)
        return ThreemaAt(i);
      return NumberAfterKeyword(kind, i);
    }
    if (kind == SelectorKind::kThreema)
      return ThreemaAt(i);
    size_t begin = i;
    if (c == '@')
      ++i;
    size_t end = i;
    while (end < text_.size() && (IsHandleByte(text_[end]) || text_[end] == '.' ||
                                  text_[end] == '-' || text_[end] == '@')) {
      ++end;
    }
    std::string_view token = text_.substr(i, end - i);
    if (size_t dots = token.find(".."); dots != std::string_view::npos)
      token = token.substr(0, dots);
    while (!token.empty() && (token.back() == '.' || token.back() == '-'))
      token.remove_suffix(1);
    end = i + token.size();
    if (token.find('@') != std::string_view::npos) {
      if (kind == SelectorKind::kXmpp) {
        // "jabber: name@server": AtSigns() reports it, with this keyword as its context.
      }
      return;
    }
    token = CutJoinedTail(token);
    end = i + token.size();
    std::string lower_token = AsciiLower(token);
    if (token.size() < 3 || CommonWord(lower_token))
      return;
    switch (kind) {
      case SelectorKind::kWickr:
        if (token.size() <= 32 && IsAsciiAlpha(token.front()))
          Add(SelectorKind::kWickr, lower_token, begin, end, "context", 0.85);
        break;
      case SelectorKind::kTelegram:
        if (ValidTelegramName(token) && !(c == '@'))  // "@name" is reported by AtSigns()
          Add(SelectorKind::kTelegram, lower_token, begin, end, "context", 0.85,
              Details({{"type", EndsWithBot(lower_token) ? "bot" : "user"}}));
        break;
      case SelectorKind::kSignal: {
        // Signal user names end in a dot and two or more digits: "name.01".
        size_t dot = token.rfind('.');
        if (dot != std::string_view::npos && dot >= 3 && token.size() - dot - 1 >= 2 &&
            std::all_of(token.begin() + static_cast<std::ptrdiff_t>(dot) + 1, token.end(),
                        IsAsciiDigit)) {
          Add(SelectorKind::kSignal, lower_token, begin, end, "context", 0.85,
              Details({{"type", "username"}}));
        }
        break;
      }
      default:
        break;
    }
  }

  void NumberAfterKeyword(SelectorKind kind, size_t i) {
    size_t end = i;
    if (end < text_.size() && text_[end] == '+')
      ++end;
    size_t last_digit = end;
    int digits = 0;
    while (end < text_.size() && end < i + 24) {
      char d = text_[end];
      if (IsAsciiDigit(d)) {
        ++digits;
        last_digit = end + 1;
      } else if (d != ' ' && d != '-' && d != '(' && d != ')' && d != '.') {
        break;
      }
      ++end;
    }
    if (digits < 7)
      return;
    std::string region;
    auto e164 = PhoneToE164(text_.substr(i, last_digit - i), region_.Get(), &region);
    if (!e164)
      return;
    SelectorKind out_kind = kind == SelectorKind::kXmpp ? SelectorKind::kPhone : kind;
    Add(out_kind, *e164, i, last_digit, "libphonenumber", 0.95,
        Details({{"type", "number"}, {"region", region}}));
  }

  void ThreemaAt(size_t i) {
    size_t end = i;
    while (end < text_.size() && (IsAsciiAlnum(text_[end]) || text_[end] == '*'))
      ++end;
    std::string id = ThreemaId(text_.substr(i, end - i));
    if (!id.empty())
      Add(SelectorKind::kThreema, id, i, end, "context", 0.85);
  }

  // Session ids: 66 hex digits starting "05" (an X25519 public key with Session's prefix).
  void SessionAt(size_t i, double confidence) {
    if (i + 66 > text_.size() || text_.compare(i, 2, "05") != 0)
      return;
    for (size_t k = i; k < i + 66; ++k) {
      if (!IsHexDigit(text_[k]))
        return;
    }
    if (i + 66 < text_.size() && IsAsciiAlnum(text_[i + 66]))
      return;
    Add(SelectorKind::kSession, AsciiLower(text_.substr(i, 66)), i, i + 66, "syntax", confidence);
  }

  void SessionIds() {
    ForEach(A("05"), [&](size_t at) {
      if (at > 0 && IsAsciiAlnum(text_[at - 1]))
        return;
      SessionAt(at, session_page_ ? 1.0 : 0.9);
    });
  }

  std::string_view text_;
  PhoneRegion& region_;
  SelectorFindings& out_;
  AnchorPositions& positions_;
  bool any_anchor_ = false;
  bool telegram_page_ = false;
  bool session_page_ = false;
};

}  // namespace

std::string CanonicalUrl(std::string_view url, std::string* host_out) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return {};
  std::string scheme = AsciiLower(url.substr(0, sep));
  if (scheme == "hxxp")
    scheme = "http";
  if (scheme == "hxxps")
    scheme = "https";
  if (scheme != "http" && scheme != "https" && scheme != "ftp")
    return {};
  size_t host_begin = sep + 3;
  size_t host_end = host_begin;
  while (host_end < url.size() && url[host_end] != '/' && url[host_end] != '?' &&
         url[host_end] != '#') {
    ++host_end;
  }
  std::string_view authority = url.substr(host_begin, host_end - host_begin);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos)
    authority.remove_prefix(at + 1);  // credentials are not part of the site
  std::string_view port;
  size_t colon = authority.find(':');
  if (colon != std::string_view::npos) {
    port = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsAsciiDigit) ||
        std::stoi(std::string(port)) > 65535) {
      return {};
    }
  }
  std::string host = AsciiLower(authority);
  while (!host.empty() && host.back() == '.')
    host.pop_back();
  if (!ValidHost(host))
    return {};
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443") ||
      (scheme == "ftp" && port == "21")) {
    port = {};
  }
  std::string_view rest = url.substr(host_end);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  std::string canonical = scheme + "://" + host;
  if (!port.empty())
    canonical += ":" + std::string(port);
  canonical += rest.empty() ? "/" : std::string(rest);
  if (host_out != nullptr)
    *host_out = host;
  return canonical;
}

void FindContacts(std::string_view text, std::string_view region, SelectorFindings& out) {
  PhoneRegion given = PhoneRegion::Given(region);
  FindContacts(text, given, out);
}

void FindContacts(std::string_view text, PhoneRegion& region, SelectorFindings& out) {
  thread_local AnchorPositions positions;
  ContactScanner(text, region, out, positions).Run();
}

}  // namespace dragnet::identify
