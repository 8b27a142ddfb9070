// Generates the simulated illicit web (see generator.h).

#include "simnet/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>
#include <turbojpeg.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include "core/file.h"
#include "core/hash.h"
#include "identify/rates.h"
#include "identify/utf8.h"
#include "simnet/keys.h"

namespace dragnet::simnet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

// Content is dated: the crawls of a demo happen "now", the sites were opened before.
constexpr uint32_t kKeyCreated = 1735689600;  // 2025-01-01T00:00:00Z
constexpr int kEpochs = 2;

std::string Esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

// "1 250 000" with a narrow group separator, as Russian shops write large amounts.
std::string Grouped(int64_t value, std::string_view separator) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += separator;
    out += digits[i];
  }
  return out;
}

// A quantity as sellers write it: "3.5", "0,5" (decimal comma in Russian and German).
std::string Amount(double value, bool comma) {
  std::string s = value == std::floor(value)
                      ? std::to_string(static_cast<int64_t>(value))
                      : Fixed(value, value * 10 == std::floor(value * 10) ? 1 : 2);
  if (comma)
    std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::u32string Decode(std::string_view s) {
  std::u32string out;
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    out.push_back(c < 0 ? U'?' : static_cast<char32_t>(c));
  }
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  for (char32_t c : s)
    identify::AppendUtf8(out, static_cast<UChar32>(c));
  return out;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  std::mt19937_64& engine() { return engine_; }
  size_t Index(size_t n) { return static_cast<size_t>(engine_() % n); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(engine_) < p; }
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Index(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

struct SelectorRef {
  std::string kind;
  std::string value;
};

struct Actor {
  int id = 0;
  std::string handle;
  GeneratedPgpKey pgp;
  std::string btc;
  std::string xmr;
  std::string tron;
  std::string phone;  // E.164
  std::string phone_written;
  std::string telegram;  // without @
  std::string wickr;
  std::string email;
  std::string photo;  // path of the product photo on the sites that show it
  double price_factor = 1;
  std::vector<std::pair<std::string, std::string>> accounts;  // site id, account name
};

struct Host {
  std::string id;
  std::string kind;
  std::string lang;
  std::string name;                // the site's display name
  std::vector<std::string> hosts;  // first is the main host, then mirrors
  bool onion = true;
};

// The ground truth of one page (or post); written once per host it is served under.
struct Truth {
  std::string page_type;  // listing, vendor, category, forum_thread, shop, post, other
  std::string category;   // DOMAIN.md listing category, for listings and posts
  std::set<std::string> substances;
  std::vector<SelectorRef> selectors;
  std::vector<SelectorRef> invalid;  // planted look-alikes that must not be reported
  int actor = -1;
  std::string account;
  std::map<std::string, std::string> fields;  // listing fields as the page labels them
  std::string unit;                           // g, pill, blotter: the unit of usd_per_unit
  double usd_per_unit[kEpochs] = {0, 0};
  std::string ad;  // posts: the ad it repeats (posts with the same `ad` are one ad)
};

class Builder {
 public:
  Builder(const identify::Lexicon& lexicon, const World& world,
          const identify::ExchangeRates& rates, const GenerateOptions& options)
      : lexicon_(lexicon), world_(world), rates_(rates), options_(options), rng_(options.seed) {}

  Status Build() {
    MakeSites();
    MakeActors();
    DRAGNET_RETURN_IF_ERROR(MakePhotos());
    MarketTable(sites_[0]);
    MarketCards(sites_[1]);
    DeadDropShop(sites_[2]);
    Forum(sites_[3]);
    RcShop(sites_[4]);
    Pharmacy(sites_[5]);
    Telegram();
    return Status::Ok();
  }

  Result<SimnetSummary> Write(const fs::path& out);

 private:
  // ---- names -------------------------------------------------------------------------------
  // A written name for `substance` in `lang`, drawn from the lexicon: INN, trade, street names
  // and common misspellings of the language (or language-neutral), never codes or emoji.
  std::string NameFor(const std::string& substance, const std::string& lang) {
    auto it = lexicon_.substance_index.find(substance);
    std::vector<const identify::Name*> candidates;
    for (const identify::Name& n : lexicon_.names) {
      if (n.target != identify::Name::Target::kSubstance || it == lexicon_.substance_index.end() ||
          n.substance != it->second || n.ambiguity == identify::Ambiguity::kHigh)
        continue;
      if (n.kind != "inn" && n.kind != "trade" && n.kind != "street" && n.kind != "common" &&
          n.kind != "abbreviation" && n.kind != "misspelling")
        continue;
      bool lang_ok = n.lang == lang || (lang == "ru" && n.lang == "ru-Latn") ||
                     (n.lang == "*" && (lang != "ru" || n.kind == "abbreviation"));
      if (!lang_ok || n.text.size() < 3 || n.text.size() > 24)
        continue;
      candidates.push_back(&n);
    }
    if (candidates.empty())
      return lexicon_.FindSubstance(substance)->name;
    return candidates[rng_.Index(candidates.size())]->text;
  }

  // Obfuscates a name the way sellers do (DOMAIN.md): spaced or stretched letters, a look-alike
  // letter from the other script, a zero-width space, upper case. `level` 0 leaves it alone.
  std::string Obfuscate(const std::string& name, int level) {
    if (level == 0 || !rng_.Chance(level == 1 ? 0.25 : 0.6))
      return name;
    std::u32string s = Decode(name);
    switch (rng_.Index(5)) {
      case 0: {  // spaced letters: "A - P v P", "м е ф"
        if (s.size() > 7 || s.find(U' ') != std::u32string::npos)
          break;
        std::u32string spaced;
        std::u32string sep = rng_.Chance(0.5) ? U" " : U" - ";
        for (size_t i = 0; i < s.size(); ++i) {
          if (i > 0 && s[i] != U'-' && s[i - 1] != U'-')
            spaced += sep;
          spaced += s[i];
        }
        return Encode(spaced);
      }
      case 1: {  // a stretched vowel: "мееееф", "cocaiiine"
        for (size_t i = 0; i < s.size(); ++i) {
          if (std::u32string_view(U"aeiouаеиоуыэюя").find(s[i]) != std::u32string_view::npos) {
            s.insert(i, 3, s[i]);
            return Encode(s);
          }
        }
        break;
      }
      case 2: {  // one look-alike letter from the other script
        static const std::map<char32_t, char32_t> kSwap = {
            {U'a', U'а'}, {U'e', U'е'}, {U'o', U'о'}, {U'p', U'р'}, {U'c', U'с'}, {U'x', U'х'},
            {U'а', U'a'}, {U'е', U'e'}, {U'о', U'o'}, {U'р', U'p'}, {U'с', U'c'}, {U'х', U'x'}};
        for (size_t i = 0; i < s.size(); ++i) {
          if (auto it = kSwap.find(s[i]); it != kSwap.end()) {
            s[i] = it->second;
            return Encode(s);
          }
        }
        break;
      }
      case 3:  // a zero-width space inside the word
        if (s.size() >= 4) {
          s.insert(s.size() / 2, 1, U'\u200B');
          return Encode(s);
        }
        break;
      default: {  // upper case, as in "MEFEDRON (KRISTAL)"
        std::u32string up = s;
        for (char32_t& c : up) {
          if (c >= U'a' && c <= U'z')
            c = c - U'a' + U'A';
          if (c >= U'а' && c <= U'я')
            c = c - U'а' + U'А';
        }
        return Encode(up);
      }
    }
    return name;
  }

  // Units of `currency` per US dollar at the rates Dragnet ships (latest, or on `date`), so the
  // prices a page shows in several currencies agree with each other as sellers' do.
  double PerUsd(std::string_view currency, std::string_view date = "") const {
    std::optional<double> usd = rates_.UsdPerUnit(currency, date);
    return usd && *usd > 0 ? 1.0 / *usd : 1.0;
  }

  // The emoji sellers put before a product: the lexicon's emoji code for the substance when it
  // has one, else a neutral one.
  std::string EmojiFor(const std::string& substance) {
    auto it = lexicon_.substance_index.find(substance);
    std::vector<std::string> codes;
    for (const identify::Name& n : lexicon_.names) {
      if (n.kind == "emoji" && n.target == identify::Name::Target::kSubstance &&
          it != lexicon_.substance_index.end() && n.substance == it->second)
        codes.push_back(n.text);
    }
    if (codes.empty() || rng_.Chance(0.3))
      return rng_.Chance(0.5) ? "🔥" : "✅";
    return codes[rng_.Index(codes.size())];
  }

  std::string ClassOf(const std::string& substance) {
    const identify::Substance* s = lexicon_.FindSubstance(substance);
    return s == nullptr ? "" : s->class_id;
  }

  // ---- sites and actors ---------------------------------------------------------------------
  void MakeSites() {
    auto onion = [&] { return MakeOnionHost(rng_.engine()); };
    sites_ = {
        {"abacus", "darknet_en", "en", "Abacus Market", {onion(), onion()}, true},
        {"nexus", "darknet_en", "en", "Nexus Bazaar", {onion()}, true},
        {"solaris", "deaddrop_ru", "ru", "Солярис 24/7", {onion()}, true},
        {"bremen", "forum_de", "de", "Bremer Stadtmusikanten Forum", {onion()}, true},
        {"rclabs", "rc_shop", "en", "RC Labs", {"rc-labs.example"}, false},
        {"meds", "pharmacy", "en", "Meds Direct 24", {"meds-direct24.example"}, false},
    };
  }

  std::string Phone(int country) {
    // Mobile ranges valid in each numbering plan (checked by Dragnet's phone finder).
    auto digits = [&](int n) {
      std::string d;
      for (int i = 0; i < n; ++i)
        d += static_cast<char>('0' + rng_.Index(10));
      return d;
    };
    switch (country) {
      case 0:
        return "+7916" + digits(7);  // Russia
      case 1:
        return "+7701" + digits(7);  // Kazakhstan
      case 2:
        return "+38067" + digits(7);  // Ukraine
      case 3:
        return "+49151" + digits(8);  // Germany
      case 4:
        return "+447700" + std::to_string(900000 + rng_.Index(99999));  // UK
      default:
        return "+4860" + digits(7);  // Poland
    }
  }

  static std::string WritePhone(const std::string& e164) {
    // "+7 916 123-45-67" style for +7, spaced groups otherwise.
    if (e164.rfind("+7", 0) == 0)
      return "+7 " + e164.substr(2, 3) + " " + e164.substr(5, 3) + "-" + e164.substr(8, 2) + "-" +
             e164.substr(10, 2);
    std::string cc = e164.substr(
        0, e164.rfind("+44", 0) == 0 || e164.rfind("+49", 0) == 0 || e164.rfind("+48", 0) == 0 ? 3
                                                                                               : 4);
    return cc + " " + e164.substr(cc.size(), 4) + " " + e164.substr(cc.size() + 4);
  }

  void MakeActors() {
    size_t n = std::min<size_t>(world_.handles.size(), 12);
    for (size_t i = 0; i < n; ++i) {
      Actor a;
      a.id = static_cast<int>(i);
      a.handle = world_.handles[i];
      a.pgp = MakePgpKey(a.handle + " <" + a.handle + "@dnmx.example>", kKeyCreated + i * 86400,
                         rng_.engine());
      a.btc =
          MakeAddress(rng_.Chance(0.5) ? Coin::kBitcoinP2wpkh : Coin::kBitcoinP2pkh, rng_.engine());
      a.xmr = MakeAddress(Coin::kMonero, rng_.engine());
      a.tron = MakeAddress(Coin::kTron, rng_.engine());
      a.phone = Phone(static_cast<int>(i % 6));
      a.phone_written = WritePhone(a.phone);
      a.telegram = a.handle + (rng_.Chance(0.5) ? "_shop" : "_official");
      a.wickr = a.handle + std::to_string(10 + rng_.Index(89));
      a.email = a.handle + "@protonmail.com";
      a.price_factor = rng_.Uniform(0.85, 1.2);
      actors_.push_back(std::move(a));
    }
  }

  Status MakePhotos() {
    // A product photo per actor: the same picture on every site the actor uses (perceptual
    // hashes link them). Blocks of colour from the actor's own random stream.
    tjhandle handle = tjInitCompress();
    if (handle == nullptr)
      return Internal("TurboJPEG: cannot initialise the compressor");
    constexpr int kW = 192, kH = 144;
    for (Actor& a : actors_) {
      std::vector<uint8_t> rgb(static_cast<size_t>(kW * kH * 3));
      std::mt19937_64 local(options_.seed * 1000 + static_cast<uint64_t>(a.id));
      uint8_t palette[6][3];
      for (auto& p : palette)
        for (uint8_t& c : p)
          c = static_cast<uint8_t>(local() & 0xFF);
      int cells[6][8];
      for (auto& row : cells)
        for (int& c : row)
          c = static_cast<int>(local() % 6);
      for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
          const uint8_t* c = palette[cells[y * 6 / kH][x * 8 / kW]];
          for (int k = 0; k < 3; ++k)
            rgb[static_cast<size_t>((y * kW + x) * 3 + k)] = c[k];
        }
      }
      unsigned char* jpeg = nullptr;
      unsigned long size = 0;
      if (tjCompress2(handle, rgb.data(), kW, 0, kH, TJPF_RGB, &jpeg, &size, TJSAMP_420, 85, 0) !=
          0) {
        std::string why = tjGetErrorStr2(handle);
        tjDestroy(handle);
        return Internal("TurboJPEG: " + why);
      }
      photos_[a.id] = std::string(reinterpret_cast<char*>(jpeg), size);
      tjFree(jpeg);
    }
    tjDestroy(handle);
    return Status::Ok();
  }

  std::string Account(Actor& a, const Host& site, int variant) {
    std::string name = a.handle;
    switch (variant % 4) {
      case 1: {  // CamelCase: nordic_drop -> NordicDrop
        std::string camel;
        bool up = true;
        for (char c : a.handle) {
          if (c == '_') {
            up = true;
            continue;
          }
          camel += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
          up = false;
        }
        name = camel;
        break;
      }
      case 2:
        name = a.handle + "_official";
        break;
      case 3:
        std::replace(name.begin(), name.end(), '_', '.');
        break;
      default:
        break;
    }
    a.accounts.emplace_back(site.id, name);
    return name;
  }

  // ---- pages --------------------------------------------------------------------------------
  using Render = std::function<std::string(int epoch)>;

  void Page(const Host& site, const std::string& path, const Render& render, Truth truth) {
    for (int e = 0; e < kEpochs; ++e) {
      std::string body = render(e);
      for (const std::string& host : site.hosts)
        files_[e][host + path] = body;
    }
    for (const std::string& host : site.hosts) {
      truths_.push_back(TruthJson("http://" + host + UrlPath(path), site.id, truth));
    }
    pages_ += site.hosts.size();
    if (truth.page_type == "listing")
      listings_ += site.hosts.size();
  }

  void File(const Host& site, const std::string& path, const std::string& bytes) {
    for (int e = 0; e < kEpochs; ++e)
      for (const std::string& host : site.hosts)
        files_[e][host + path] = bytes;
  }

  // "/item@id=7" on disk is "/item?id=7" on the wire (the server's query mapping).
  static std::string UrlPath(std::string path) {
    if (size_t at = path.find('@'); at != std::string::npos)
      path[at] = '?';
    if (path.size() >= 11 && path.compare(path.size() - 11, 11, "/index.html") == 0)
      path.resize(path.size() - 10);
    return path;
  }

  ordered_json TruthJson(const std::string& url, const std::string& site, const Truth& t) {
    ordered_json j;
    j["url"] = url;
    j["site"] = site;
    j["page_type"] = t.page_type;
    if (!t.category.empty())
      j["category"] = t.category;
    std::set<std::string> classes;
    for (const std::string& s : t.substances)
      classes.insert(ClassOf(s));
    j["substances"] = t.substances;
    j["classes"] = classes;
    ordered_json selectors = ordered_json::array();
    for (const SelectorRef& s : t.selectors)
      selectors.push_back({{"kind", s.kind}, {"value", s.value}});
    j["selectors"] = selectors;
    if (!t.invalid.empty()) {
      ordered_json invalid = ordered_json::array();
      for (const SelectorRef& s : t.invalid)
        invalid.push_back({{"kind", s.kind}, {"value", s.value}});
      j["invalid_selectors"] = invalid;
    }
    if (t.actor >= 0) {
      j["actor"] = "actor-" + std::to_string(t.actor);
      j["account"] = t.account;
    }
    if (!t.fields.empty())
      j["fields"] = t.fields;
    if (!t.ad.empty())
      j["ad"] = t.ad;
    if (!t.unit.empty()) {
      j["unit"] = t.unit;
      j["usd_per_unit"] = {std::round(t.usd_per_unit[0] * 100) / 100,
                           std::round(t.usd_per_unit[1] * 100) / 100};
    }
    return j;
  }

  static std::string Head(const std::string& title, const std::string& lang,
                          const std::string& css) {
    return "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>" +
           Esc(title) + "</title><style>" + css + "</style></head>\n<body>\n";
  }

  // Price per unit of `p` for actor `a` in crawl `epoch`, and of a tier with its discount.
  double UnitPrice(const Product& p, const Actor& a, int epoch, size_t listing) const {
    double drift = epoch == 0 ? 1.0 : 0.85 + 0.05 * static_cast<double>((listing * 7) % 8);
    return p.usd * a.price_factor * drift;
  }
  static double TierPrice(double unit, double tier, size_t index) {
    return unit * tier * (1.0 - 0.06 * static_cast<double>(index));
  }

  static std::string UnitWord(const std::string& unit, const std::string& lang) {
    if (unit == "g")
      return lang == "ru" ? "г" : "g";
    if (unit == "pill")
      return lang == "ru" ? "шт" : lang == "de" ? "Stk." : "pills";
    if (unit == "blotter")
      return lang == "ru" ? "шт" : lang == "de" ? "Trips" : "tabs";
    return unit;
  }

  std::string PgpBlock(const Actor& a) {
    return "<pre class=\"pgp\">" + a.pgp.armored + "</pre>\n";
  }

  // A vendor profile shows the seller's armoured key, and the e-mail of its user id with it.
  static Truth VendorTruth(const Actor& a, const std::string& account) {
    Truth t;
    t.page_type = "vendor";
    t.actor = a.id;
    t.account = account;
    t.selectors.push_back({"pgp", a.pgp.fingerprint});
    t.selectors.push_back({"email", a.handle + "@dnmx.example"});
    return t;
  }

  Truth ListingTruth(const Product& p, const Actor& a, const std::string& account, size_t listing) {
    Truth t;
    t.page_type = "listing";
    t.category = "drugs";
    t.substances.insert(p.substance);
    t.actor = a.id;
    t.account = account;
    t.unit = p.unit;
    for (int e = 0; e < kEpochs; ++e)
      t.usd_per_unit[e] = UnitPrice(p, a, e, listing);
    return t;
  }

  // ---- market with a table layout, and a mirror ---------------------------------------------
  void MarketTable(const Host& site) {
    const auto& catalogue = world_.catalogues.at(site.kind);
    std::vector<int> vendors = {0, 1, 2, 3, 4, 5, 6, 7};
    std::map<int, std::string> account;
    for (int v : vendors)
      account[v] = Account(actors_[static_cast<size_t>(v)], site, 0);
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_category;
    std::map<std::string, std::set<std::string>> named;  // category -> substances its page names
    int n = options_.listings_per_market;
    for (int i = 0; i < n; ++i) {
      size_t index = static_cast<size_t>(i);
      Actor& a = actors_[static_cast<size_t>(vendors[index % vendors.size()])];
      std::string path = "/listing/" + std::to_string(1000 + i) + ".html";
      bool drug = i % 5 != 4;
      if (drug) {
        const Product& p = catalogue[rng_.Index(catalogue.size())];
        std::string title = Obfuscate(NameFor(p.substance, "en"), 1) +
                            (p.form.empty() ? "" : " " + p.form) + " " + Amount(p.tiers[0], false) +
                            UnitWord(p.unit, "en");
        std::string description = rng_.Pick(world_.descriptions.at("en"));
        bool photo = a.id % 2 == 0;
        by_category["drugs"].emplace_back(path, title);
        named["drugs"].insert(p.substance);
        Page(
            site, path,
            [=, this, &a](int e) {
              double unit = UnitPrice(p, a, e, index);
              std::string h = Head(title + " | " + site.name, "en", "td{padding:4px}");
              h += "<div id=\"nav\"><a href=\"/\">Home</a> | <a href=\"/category/drugs.html\">"
                   "Drugs</a></div>\n<h1 class=\"listing-title\">" +
                   Esc(title) + "</h1>\n";
              if (photo)
                h += "<img src=\"/img/" + a.handle + ".jpg\" alt=\"product\">\n";
              h += "<table class=\"listing\">\n<tr><th>Vendor</th><td><a href=\"/vendor/" +
                   account.at(a.id) + ".html\">" + account.at(a.id) + "</a></td></tr>\n";
              h += "<tr><th>Price</th><td>USD " + Fixed(TierPrice(unit, p.tiers[0], 0), 2) +
                   "</td></tr>\n<tr><th>Ships from</th><td>" +
                   std::string(a.id % 3 == 0   ? "Netherlands"
                               : a.id % 3 == 1 ? "Germany"
                                               : "United Kingdom") +
                   "</td></tr>\n<tr><th>Ships to</th><td>Worldwide</td></tr>\n"
                   "<tr><th>Stock</th><td>" +
                   std::to_string(3 + (index * (e + 3)) % 40) +
                   "</td></tr>\n</table>\n<h3>Prices</h3>\n<ul class=\"tiers\">\n";
              for (size_t t = 0; t < p.tiers.size(); ++t)
                h += "<li>" + Amount(p.tiers[t], false) + " " + UnitWord(p.unit, "en") + " = $" +
                     Fixed(TierPrice(unit, p.tiers[t], t), 2) + "</li>\n";
              h += "</ul>\n<div class=\"description\"><p>" + Esc(description) +
                   "</p></div>\n</body></html>\n";
              return h;
            },
            [&] {
              Truth t = ListingTruth(p, a, account.at(a.id), index);
              t.fields = {{"vendor", account.at(a.id)},
                          {"ships_from", a.id % 3 == 0   ? "Netherlands"
                                         : a.id % 3 == 1 ? "Germany"
                                                         : "United Kingdom"},
                          {"ships_to", "Worldwide"}};
              return t;
            }());
      } else {
        auto it = world_.non_drug.begin();
        std::advance(it, static_cast<long>(static_cast<size_t>(i / 5) % world_.non_drug.size()));
        std::string title = rng_.Pick(it->second);
        double usd = 50 + static_cast<double>(rng_.Index(900));
        by_category[it->first].emplace_back(path, title);
        Truth t;
        t.page_type = "listing";
        t.category = it->first;
        t.actor = a.id;
        t.account = account.at(a.id);
        // A guide to making a drug names the drug: the truth lists what the text names.
        for (const Product& p : catalogue) {
          std::string lower = title;
          std::transform(lower.begin(), lower.end(), lower.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          size_t at = lower.find(p.substance);
          bool word = at != std::string::npos &&
                      (at == 0 || !std::isalpha(static_cast<unsigned char>(lower[at - 1]))) &&
                      !std::isalpha(static_cast<unsigned char>(lower[at + p.substance.size()]));
          if (word)
            t.substances.insert(p.substance);
        }
        named[it->first].insert(t.substances.begin(), t.substances.end());
        Page(
            site, path,
            [=, &a](int e) {
              std::string h = Head(title + " | " + site.name, "en", "td{padding:4px}");
              h += "<h1 class=\"listing-title\">" + Esc(title) +
                   "</h1>\n<table class=\"listing\">"
                   "\n<tr><th>Vendor</th><td><a href=\"/vendor/" +
                   account.at(a.id) + ".html\">" + account.at(a.id) +
                   "</a></td></tr>\n<tr><th>Price</th><td>USD " +
                   Fixed(usd * (e == 0 ? 1.0 : 1.1), 2) + "</td></tr>\n</table>\n</body></html>\n";
              return h;
            },
            t);
      }
    }
    for (const auto& entry : by_category) {
      // Copies a lambda can capture (clang before 16 cannot capture structured bindings).
      const std::string& category = entry.first;
      const auto& items = entry.second;
      Truth t;
      t.page_type = "category";
      t.substances = named[category];
      Page(
          site, "/category/" + category + ".html",
          [=](int) {
            std::string h = Head(category + " | " + site.name, "en", "");
            h += "<h1>" + category + "</h1>\n<ul class=\"items\">\n";
            for (const auto& [path, title] : items)
              h += "<li><a href=\"" + path + "\">" + Esc(title) + "</a></li>\n";
            return h + "</ul>\n</body></html>\n";
          },
          t);
    }
    for (int v : vendors) {
      Actor& a = actors_[static_cast<size_t>(v)];
      Truth t = VendorTruth(a, account.at(v));
      bool wickr = v % 2 == 1;
      if (wickr)
        t.selectors.push_back({"wickr", a.wickr});
      Page(
          site, "/vendor/" + account.at(v) + ".html",
          [=, this](int e) {
            std::string h = Head(account.at(v) + " | " + site.name, "en", "");
            h += "<h1>Vendor profile: " + account.at(v) +
                 "</h1>\n<table class=\"profile\">\n"
                 "<tr><th>Sales</th><td>" +
                 std::to_string(100 + v * 37 + e * 12) + "</td></tr>\n<tr><th>Rating</th><td>4." +
                 std::to_string(5 + v % 5) + "/5</td></tr>\n<tr><th>Member since</th><td>2025-0" +
                 std::to_string(1 + v % 9) + "-1" + std::to_string(v % 10) +
                 "</td></tr>\n</table>\n";
            if (wickr)
              h += "<p>Contact outside the market only via Wickr: " + a.wickr + "</p>\n";
            h += "<h2>PGP</h2>\n" + PgpBlock(a) + "<h2>Feedback</h2>\n<ul class=\"feedback\">\n";
            for (int f = 0; f < 4; ++f)
              h += "<li>5/5 — fast delivery, great stealth (b***" + std::to_string(f + v) +
                   ")</li>\n";
            return h + "</ul>\n</body></html>\n";
          },
          t);
    }
    for (int v : vendors) {
      const Actor& a = actors_[static_cast<size_t>(v)];
      if (a.id % 2 == 0)
        File(site, "/img/" + a.handle + ".jpg", photos_.at(a.id));
    }
    Truth index;
    index.page_type = "other";
    for (const std::string& host : site.hosts)
      index.selectors.push_back({"onion", host});
    Page(
        site, "/index.html",
        [=](int) {
          std::string h = Head(site.name, "en", "");
          h += "<h1>" + site.name + "</h1>\n<p>Official mirrors, check the address:</p>\n<ul>\n";
          for (const std::string& host : site.hosts)
            h += "<li>" + host + "</li>\n";
          h += "</ul>\n<ul class=\"categories\">\n";
          for (const auto& [category, items] : by_category)
            h += "<li><a href=\"/category/" + category + ".html\">" + category + " (" +
                 std::to_string(items.size()) + ")</a></li>\n";
          return h + "</ul>\n</body></html>\n";
        },
        index);
  }

  // ---- market with a card layout and query-string URLs -------------------------------------
  void MarketCards(const Host& site) {
    const auto& catalogue = world_.catalogues.at(site.kind);
    std::vector<int> vendors = {0, 1, 3, 5, 8, 9};
    std::map<int, std::string> account;
    for (int v : vendors) {
      account[v] = Account(actors_[static_cast<size_t>(v)], site, 1 + v % 3);
      if (v % 2 == 0)
        File(site, "/img/" + actors_[static_cast<size_t>(v)].handle + ".jpg", photos_.at(v));
    }
    std::vector<std::pair<std::string, std::string>> items;
    std::set<std::string> named;
    int n = options_.listings_per_market * 3 / 4;
    for (int i = 0; i < n; ++i) {
      size_t index = static_cast<size_t>(i) + 500;
      Actor& a = actors_[static_cast<size_t>(vendors[static_cast<size_t>(i) % vendors.size()])];
      std::string path = "/item@id=" + std::to_string(i + 1);
      const Product& p = catalogue[rng_.Index(catalogue.size())];
      std::string title = Obfuscate(NameFor(p.substance, "en"), 1) + " " +
                          Amount(p.tiers.back(), false) + " " + UnitWord(p.unit, "en") +
                          (p.form.empty() ? "" : " (" + p.form + ")");
      items.emplace_back("/item?id=" + std::to_string(i + 1), title);
      named.insert(p.substance);
      std::string description = rng_.Pick(world_.descriptions.at("en"));
      Page(
          site, path,
          [=, this, &a](int e) {
            double unit = UnitPrice(p, a, e, index);
            double btc_per_usd = PerUsd("BTC");
            std::string h = Head(site.name + " - " + title, "en", ".card{border:1px solid}");
            h += "<div class=\"card\"><div class=\"card-header\"><h2>" + Esc(title) +
                 "</h2></div>\n" +
                 (a.id % 2 == 0 ? "<img class=\"thumb\" src=\"/img/" + a.handle + ".jpg\">\n"
                                : std::string());
            std::string seller =
                "<a href=\"/u/" + account.at(a.id) + "\">" + account.at(a.id) + "</a>";
            std::string origin = a.id % 2 == 0 ? "EU" : "USA";
            // The market changes its templates between the crawls: the facts move from a
            // definition list into a list of "Label: value" items, which breaks its site
            // profile (a drift alert) while the generic extractor still reads them.
            if (e == 0) {
              h += "<dl class=\"meta\"><dt>Seller</dt><dd>" + seller +
                   "</dd>\n<dt>Origin</dt><dd>" + origin +
                   "</dd>\n<dt>Destination</dt><dd>EU, UK</dd></dl>\n";
            } else {
              h += "<ul class=\"facts\"><li>Seller: " + seller + "</li>\n<li>Origin: " + origin +
                   "</li>\n<li>Destination: EU, UK</li></ul>\n";
            }
            h += "<div class=\"offers\">\n";
            for (size_t t = 0; t < p.tiers.size(); ++t) {
              double usd = TierPrice(unit, p.tiers[t], t);
              h += "<div class=\"offer\">" + Amount(p.tiers[t], false) + " " +
                   UnitWord(p.unit, "en") + " — " + Fixed(usd, 2) + " USD / " +
                   Fixed(usd * btc_per_usd, 5) + " BTC</div>\n";
            }
            h += "</div>\n<div class=\"card-body\">" + Esc(description) +
                 "</div></div>\n</body></html>\n";
            return h;
          },
          [&] {
            Truth t = ListingTruth(p, a, account.at(a.id), index);
            t.fields = {{"vendor", account.at(a.id)},
                        {"ships_from", a.id % 2 == 0 ? "EU" : "USA"},
                        {"ships_to", "EU, UK"}};
            return t;
          }());
    }
    for (int v : vendors) {
      Actor& a = actors_[static_cast<size_t>(v)];
      Truth t = VendorTruth(a, account.at(v));
      bool wallet = v % 3 == 0;
      if (wallet)
        t.selectors.push_back({"monero", a.xmr});
      Page(
          site, "/u/" + account.at(v),
          [=, this](int) {
            std::string h = Head(account.at(v) + " @ " + site.name, "en", "");
            h += "<div class=\"card\"><h2>" + account.at(v) +
                 "</h2>\n<span class=\"badge\">"
                 "Level " +
                 std::to_string(1 + v % 5) + "</span>\n";
            if (wallet)
              h += "<p>Tips and direct deals (XMR): " + a.xmr + "</p>\n";
            h += "<details open><summary>Public key</summary>" + PgpBlock(a) + "</details>\n";
            return h + "</div>\n</body></html>\n";
          },
          t);
    }
    Truth index;
    index.page_type = "category";
    index.substances = named;
    Page(
        site, "/index.html",
        [=](int) {
          std::string h = Head(site.name, "en", "");
          h += "<h1>" + site.name + "</h1>\n<div class=\"grid\">\n";
          for (const auto& [url, title] : items)
            h += "<div class=\"card\"><a href=\"" + url + "\">" + Esc(title) + "</a></div>\n";
          return h + "</div>\n</body></html>\n";
        },
        index);
  }

  // ---- Russian-language dead-drop shop -------------------------------------------------------
  void DeadDropShop(const Host& site) {
    const auto& catalogue = world_.catalogues.at(site.kind);
    Actor& owner = actors_[10 % actors_.size()];
    std::string shop_account = Account(owner, site, 0);
    std::string bot = owner.handle + "_bot";
    File(site, "/img/klad.jpg", photos_.at(owner.id));  // also posted in the shop's channel
    double rub_per_usd = PerUsd("RUB"), kzt_per_usd = PerUsd("KZT"), byn_per_usd = PerUsd("BYN");
    double btc_per_usd = PerUsd("BTC");
    size_t product_id = 0;
    std::vector<std::pair<std::string, std::string>> city_links;
    for (size_t c = 0; c < world_.cities.size(); ++c) {
      const City& city = world_.cities[c];
      std::string slug = "city-" + std::to_string(c + 1);
      city_links.emplace_back("/" + slug + "/", city.name);
      std::vector<std::pair<std::string, std::string>> products;
      Truth city_truth;
      city_truth.page_type = "category";
      for (int k = 0; k < 5; ++k) {
        const Product& p = catalogue[rng_.Index(catalogue.size())];
        size_t index = 2000 + product_id++;
        std::string name = Obfuscate(NameFor(p.substance, "ru"), 2);
        std::string title = name + (p.form.empty() ? "" : " " + p.form);
        std::string path = "/" + slug + "/tovar-" + std::to_string(index) + ".html";
        products.emplace_back(path, title);
        std::vector<std::string> districts;
        for (const std::string& d : city.districts)
          if (rng_.Chance(0.6))
            districts.push_back(d);
        if (districts.empty())
          districts.push_back(city.districts.front());
        std::string stash = rng_.Pick(world_.stash_types);
        std::string description = rng_.Pick(world_.descriptions.at("ru"));
        Truth t = ListingTruth(p, owner, shop_account, index);
        t.fields = {{"city", city.name}};
        t.selectors.push_back({"telegram", bot});
        Page(
            site, path,
            [=, this](int e) {
              double unit = UnitPrice(p, owner, e, index);
              std::string h = Head(title + " — " + site.name, "ru", "");
              h += "<h1>" + Esc(title) +
                   "</h1>\n<img src=\"/img/klad.jpg\" alt=\"фото\">\n<p>Город: " + city.name +
                   "</p>\n"
                   "<table class=\"tovar\">\n<tr><th>Вес</th><th>Цена</th><th>Районы</th>"
                   "<th>Тип клада</th><th>В наличии</th></tr>\n";
              for (size_t i = 0; i < p.tiers.size(); ++i) {
                double usd = TierPrice(unit, p.tiers[i], i);
                std::string local;
                if (city.currency == "KZT")
                  local = Grouped(std::llround(usd * kzt_per_usd / 100) * 100, " ") + " ₸";
                else if (city.currency == "BYN")
                  local = Fixed(usd * byn_per_usd, 0) + " Br";
                else
                  local = Grouped(std::llround(usd * rub_per_usd / 50) * 50, " ") + " ₽";
                h += "<tr><td>" + Amount(p.tiers[i], true) + UnitWord(p.unit, "ru") + "</td><td>" +
                     local + " / " + Fixed(usd * btc_per_usd, 5) + " BTC / $" + Fixed(usd, 0) +
                     "</td><td>";
                for (size_t d = 0; d < districts.size(); ++d)
                  h += (d ? ", " : "") + districts[d];
                h += "</td><td>" + stash + "</td><td>" +
                     std::to_string(1 + (index + i * 3 + static_cast<size_t>(e) * 5) % 9) +
                     "</td></tr>\n";
              }
              h += "</table>\n<p>" + Esc(description) + "</p>\n<p>Предзаказ: да. Бот: @" + bot +
                   "</p>\n</body></html>\n";
              return h;
            },
            t);
        city_truth.substances.insert(p.substance);
      }
      Page(
          site, "/" + slug + "/index.html",
          [=](int) {
            std::string h = Head(city.name + " — " + site.name, "ru", "");
            h += "<h1>" + city.name + "</h1>\n<ul class=\"tovary\">\n";
            for (const auto& [path, title] : products)
              h += "<li><a href=\"" + path + "\">" + Esc(title) + "</a></li>\n";
            return h + "</ul>\n</body></html>\n";
          },
          city_truth);
    }
    Truth work;
    work.page_type = "listing";
    work.category = "recruitment";
    work.actor = owner.id;
    work.account = shop_account;
    work.selectors.push_back({"telegram", owner.telegram});
    std::string ad = rng_.Pick(world_.recruitment);
    Page(
        site, "/rabota.html",
        [=](int) {
          return Head("Работа — " + site.name, "ru", "") + "<h1>Работа</h1>\n<p>" + Esc(ad) +
                 "</p>\n<p>Связь: @" + owner.telegram + "</p>\n</body></html>\n";
        },
        work);
    Truth pay;
    pay.page_type = "other";
    pay.actor = owner.id;
    pay.account = shop_account;
    pay.selectors = {{"bitcoin", owner.btc},
                     {"monero", owner.xmr},
                     {"telegram", owner.telegram},
                     {"telegram", bot}};
    Page(
        site, "/oplata.html",
        [=](int) {
          return Head("Оплата — " + site.name, "ru", "") + "<h1>Оплата</h1>\n<p>BTC: " + owner.btc +
                 "</p>\n<p>XMR: " + owner.xmr + "</p>\n<p>Оператор: @" + owner.telegram +
                 " | Бот: @" + bot + "</p>\n</body></html>\n";
        },
        pay);
    Truth index;
    index.page_type = "category";  // the shop's list of cities
    Page(
        site, "/index.html",
        [=](int) {
          std::string h = Head(site.name, "ru", "");
          h += "<h1>" + site.name + "</h1>\n<p>Выберите город:</p>\n<ul>\n";
          for (const auto& [path, name] : city_links)
            h += "<li><a href=\"" + path + "\">" + name + "</a></li>\n";
          return h +
                 "</ul>\n<p><a href=\"/rabota.html\">Работа</a> | <a href=\"/oplata.html\">"
                 "Оплата</a></p>\n</body></html>\n";
        },
        index);
  }

  // ---- German-language vendor forum ----------------------------------------------------------
  void Forum(const Host& site) {
    const auto& catalogue = world_.catalogues.at(site.kind);
    std::vector<int> vendors = {2, 7, 9, 11 % static_cast<int>(actors_.size())};
    std::vector<std::pair<std::string, std::string>> threads;
    std::set<std::string> named;
    for (size_t i = 0; i < 12; ++i) {
      Actor& a = actors_[static_cast<size_t>(vendors[i % vendors.size()])];
      std::string account = i < vendors.size() ? Account(a, site, 3) : "";
      if (account.empty()) {
        for (const auto& [s, name] : a.accounts)
          if (s == site.id)
            account = name;
      }
      const Product& p = catalogue[rng_.Index(catalogue.size())];
      size_t index = 3000 + i;
      std::string name = Obfuscate(NameFor(p.substance, "de"), 1);
      std::string title = "[Biete] " + name + (p.form.empty() ? "" : " " + p.form) + " ab " +
                          Amount(p.tiers[0], true) + UnitWord(p.unit, "de");
      std::string path = "/thread/" + std::to_string(100 + i) + ".html";
      threads.emplace_back(path, title);
      named.insert(p.substance);
      Truth t = ListingTruth(p, a, account, index);
      t.page_type = "forum_thread";
      bool fingerprint = i % 2 == 0;
      bool phone = i % 4 == 1;
      bool bad_wallet = i == 3;
      bool wallet = i % 4 == 2;
      if (fingerprint)
        t.selectors.push_back({"pgp", a.pgp.fingerprint});
      if (phone)
        t.selectors.push_back({"phone", a.phone});
      if (wallet) {
        t.selectors.push_back({"bitcoin", a.btc});
        t.selectors.push_back({"monero", a.xmr});
      }
      std::string broken = bad_wallet ? CorruptChecksum(a.btc, rng_.engine()) : "";
      if (bad_wallet)
        t.invalid.push_back({"bitcoin", broken});
      std::string description = rng_.Pick(world_.descriptions.at("de"));
      Page(
          site, path,
          [=, this, &a](int e) {
            double unit = UnitPrice(p, a, e, index);
            double eur_per_usd = PerUsd("EUR");
            std::string h = Head(title + " - " + site.name, "de", "");
            h += "<h1>" + Esc(title) + "</h1>\n<div class=\"post\"><div class=\"author\">" +
                 account + "</div><div class=\"body\">\n<p>Moin, biete an:</p>\n<ul>\n";
            for (size_t k = 0; k < p.tiers.size(); ++k)
              h += "<li>" + Amount(p.tiers[k], true) + " " + UnitWord(p.unit, "de") + " - " +
                   Fixed(TierPrice(unit, p.tiers[k], k) * eur_per_usd, 0) + " €</li>\n";
            h += "</ul>\n<p>" + Esc(description) + "</p>\n";
            if (fingerprint) {
              std::string fpr;
              for (size_t k = 0; k < a.pgp.fingerprint.size(); k += 4)
                fpr += (k ? " " : "") + a.pgp.fingerprint.substr(k, 4);
              h += "<p>PGP-Fingerprint: " + fpr + "</p>\n";
            }
            if (phone)
              h += "<p>Signal/Telefon: " + a.phone_written + "</p>\n";
            if (wallet)
              h += "<p>Zahlung BTC an " + a.btc + " oder XMR an " + a.xmr + "</p>\n";
            if (bad_wallet)
              h += "<p>BTC: " + broken + "</p>\n";
            // Forum furniture under each post, as board software writes it.
            const std::string tools =
                "<div class=\"post-tools\"><a href=\"#\">Antworten</a> <a href=\"#\">"
                "Zitieren</a> <a href=\"#\">Melden</a></div>";
            h += "</div>" + tools + "</div>\n<div class=\"post\"><div class=\"author\">kunde" +
                 std::to_string(40 + i) + " (Beiträge: " + std::to_string(3 + i * 7) +
                 ")</div><div class=\"body\">Top Ware, schnell da. Danke!</div>" + tools +
                 "</div>\n";
            return h + "</body></html>\n";
          },
          t);
    }
    Truth index;
    index.page_type = "category";
    index.substances = named;
    Page(
        site, "/index.html",
        [=](int) {
          std::string h = Head(site.name, "de", "");
          h += "<h1>Marktplatz</h1>\n<table class=\"threads\">\n";
          for (const auto& [path, title] : threads)
            h += "<tr><td><a href=\"" + path + "\">" + Esc(title) + "</a></td></tr>\n";
          return h + "</table>\n</body></html>\n";
        },
        index);
  }

  // ---- open-web shops ------------------------------------------------------------------------
  void WebShop(const Host& site, Actor& owner, const std::string& desc_key, bool eur) {
    const auto& catalogue = world_.catalogues.at(site.kind);
    std::string account = Account(owner, site, 0);
    std::vector<std::pair<std::string, std::string>> products;
    std::set<std::string> named;
    for (size_t i = 0; i < catalogue.size(); ++i) {
      const Product& p = catalogue[i];
      size_t index = 4000 + i + (eur ? 0 : 100);
      std::string name = NameFor(p.substance, "en");
      std::string title = (eur ? "Buy " : "Buy ") + name + " " + p.form + " online";
      std::string slug = "p" + std::to_string(i + 1);
      std::string path = "/product/" + slug + ".html";
      products.emplace_back(path, title);
      named.insert(p.substance);
      Truth t = ListingTruth(p, owner, account, index);
      t.selectors.push_back({"email", owner.email});
      std::string description = rng_.Pick(world_.descriptions.at(desc_key));
      Page(
          site, path,
          [=, this, &owner](int e) {
            double unit = UnitPrice(p, owner, e, index);
            std::string h = Head(title + " | " + site.name, "en", "");
            h += "<h1 class=\"product_title\">" + Esc(title) +
                 "</h1>\n<form class=\"cart\">"
                 "<select name=\"qty\">\n";
            for (size_t k = 0; k < p.tiers.size(); ++k) {
              double usd = TierPrice(unit, p.tiers[k], k);
              h += "<option>" + Amount(p.tiers[k], false) + " " + UnitWord(p.unit, "en") + " - " +
                   (eur ? "€" + Fixed(usd * PerUsd("EUR"), 2) : "$" + Fixed(usd, 2)) +
                   "</option>\n";
            }
            h += "</select></form>\n<div class=\"description\"><p>" + Esc(description) +
                 "</p></div>\n<footer>Questions: " + owner.email + "</footer>\n</body></html>\n";
            return h;
          },
          t);
    }
    Truth index;
    index.page_type = "category";
    index.substances = named;
    index.selectors.push_back({"email", owner.email});
    Page(
        site, "/index.html",
        [=](int) {
          std::string h = Head(site.name, "en", "");
          h += "<h1>" + site.name + "</h1>\n<ul class=\"products\">\n";
          for (const auto& [path, title] : products)
            h += "<li><a href=\"" + path + "\">" + Esc(title) + "</a></li>\n";
          return h + "</ul>\n<footer>Contact: " + owner.email +
                 " | <a href=\"/contact.html\">Phone and WhatsApp</a></footer>\n</body></html>\n";
        },
        index);
  }

  void RcShop(const Host& site) { WebShop(site, actors_[4], "rc_shop", true); }
  void Pharmacy(const Host& site) {
    WebShop(site, actors_[7], "pharmacy", false);
    // The pharmacy's WhatsApp/phone line: the same phone the owner gives on the forum.
    Actor& owner = actors_[7];
    Truth t;
    t.page_type = "other";
    t.actor = owner.id;
    t.selectors = {{"phone", owner.phone}, {"email", owner.email}};
    Page(
        site, "/contact.html",
        [=](int) {
          return Head("Contact | " + site.name, "en", "") +
                 "<h1>Contact us</h1>\n<p>Call or WhatsApp: " + owner.phone_written +
                 "</p>\n<p>E-mail: " + owner.email + "</p>\n</body></html>\n";
        },
        t);
  }

  // ---- Telegram channel export ---------------------------------------------------------------
  void Telegram() {
    Actor& owner = actors_[10 % actors_.size()];
    const auto& catalogue = world_.catalogues.at("deaddrop_ru");
    telegram_channel_ = "shop_" + owner.handle;
    owner.accounts.emplace_back("telegram", "@" + owner.telegram);
    int64_t chat_id = 1500000000 + static_cast<int64_t>(options_.seed % 100000);
    ordered_json chat;
    chat["name"] = "Магазин 24/7 | " + world_.cities.front().name;
    chat["type"] = "public_channel";
    chat["id"] = chat_id;
    ordered_json messages = ordered_json::array();
    int64_t when = 1764547200;  // 2025-12-01T00:00:00Z
    std::string bot = owner.handle + "_bot";
    // A few distinct ads, each repeated many times with small changes, as shops post them.
    std::vector<std::pair<const Product*, std::string>> ads;
    for (int k = 0; k < 6; ++k) {
      const Product& p = catalogue[rng_.Index(catalogue.size())];
      ads.emplace_back(&p, Obfuscate(NameFor(p.substance, "ru"), 2));
    }
    for (int i = 0; i < 60; ++i) {
      ordered_json m;
      m["id"] = i + 1;
      m["type"] = "message";
      when += 1800 + static_cast<int64_t>(rng_.Index(5400));
      char date[32];
      std::time_t t = static_cast<std::time_t>(when);
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
      m["date"] = date;
      m["date_unixtime"] = std::to_string(when);
      m["from"] = chat["name"];
      m["from_id"] = "channel" + std::to_string(chat_id);
      Truth truth;
      truth.page_type = "post";
      truth.actor = owner.id;
      truth.account = "@" + owner.telegram;
      std::string text;
      if (i % 10 == 9) {
        const std::string& job = rng_.Pick(world_.recruitment);
        text = job + " @" + owner.telegram;
        truth.ad = "job " + std::to_string(&job - world_.recruitment.data());
        truth.category = "recruitment";
        truth.selectors.push_back({"telegram", owner.telegram});
        m["text"] = text;
      } else {
        const auto& [p, name] = ads[static_cast<size_t>(i) % ads.size()];
        double usd = p->usd * owner.price_factor;
        std::string price = Grouped(std::llround(usd * p->tiers[0] *
                                                 PerUsd("RUB", std::string_view(date, 10)) / 50) *
                                        50,
                                    " ") +
                            "₽";
        // One ad per district, as dead-drop shops post them: the same product, price and contacts,
        // another district and stash type.
        const City& city = world_.cities.front();
        std::string offer =
            name + " " + Amount(p->tiers[0], true) + UnitWord(p->unit, "ru") + " — " + price;
        const std::string& district = rng_.Pick(city.districts);
        const std::string& stash = rng_.Pick(world_.stash_types);
        std::string head = EmojiFor(p->substance) + " " + offer + "\n📍 " + city.name + ", " +
                           district + "\nКлады: " + stash + "\nЗаказ: ";
        truth.fields = {{"city", city.name}, {"district", district}, {"stash_type", stash}};
        // The offer without its price: the rouble price follows the day's rate, and a reposted ad
        // with a new price is the same ad.
        truth.ad = name + " " + Amount(p->tiers[0], true) + UnitWord(p->unit, "ru");
        ordered_json entities = ordered_json::array();
        entities.push_back({{"type", "plain"}, {"text", head}});
        entities.push_back({{"type", "mention"}, {"text", "@" + bot}});
        entities.push_back({{"type", "plain"}, {"text", " | оператор "}});
        entities.push_back({{"type", "mention"}, {"text", "@" + owner.telegram}});
        m["text"] = entities;
        m["text_entities"] = entities;
        truth.category = "drugs";
        truth.substances.insert(p->substance);
        truth.selectors = {{"telegram", bot}, {"telegram", owner.telegram}};
        truth.unit = p->unit;
        truth.usd_per_unit[0] = truth.usd_per_unit[1] = usd;
      }
      if (i % 15 == 0) {
        m["photo"] = "photos/photo_" + std::to_string(i + 1) + ".jpg";
        m["width"] = 192;
        m["height"] = 144;
        telegram_files_["photos/photo_" + std::to_string(i + 1) + ".jpg"] = photos_.at(owner.id);
      }
      messages.push_back(m);
      truths_.push_back(
          TruthJson("https://t.me/c/" + std::to_string(chat_id) + "/" + std::to_string(i + 1),
                    "telegram", truth));
      ++posts_;
    }
    chat["messages"] = messages;
    telegram_files_["result.json"] = chat.dump(1);
  }

  const identify::Lexicon& lexicon_;
  const World& world_;
  const identify::ExchangeRates& rates_;
  GenerateOptions options_;
  Rng rng_;

 public:
  std::vector<Host> sites_;
  std::vector<Actor> actors_;
  std::map<int, std::string> photos_;
  std::map<std::string, std::string> files_[kEpochs];  // host + path -> bytes
  std::map<std::string, std::string> telegram_files_;
  std::string telegram_channel_;
  std::vector<ordered_json> truths_;
  uint64_t pages_ = 0;
  uint64_t listings_ = 0;
  uint64_t posts_ = 0;
};

ordered_json SummaryJson(const SimnetSummary& s) {
  ordered_json j;
  j["generator"] = "dragnet-simnet";
  j["version"] = s.version;
  j["seed"] = s.seed;
  j["epochs"] = s.epochs;
  ordered_json hosts = ordered_json::array();
  for (const SimnetHost& h : s.hosts)
    hosts.push_back({{"host", h.host},
                     {"site", h.site},
                     {"kind", h.kind},
                     {"onion", h.onion},
                     {"mirror", h.mirror}});
  j["hosts"] = hosts;
  j["pages"] = s.pages;
  j["listings"] = s.listings;
  j["posts"] = s.posts;
  j["actors"] = s.actors;
  j["selectors"] = s.selectors;
  j["telegram"] = s.telegram_dir;
  return j;
}

Result<SimnetSummary> Builder::Write(const fs::path& out) {
  SimnetSummary summary;
  summary.seed = options_.seed;
  summary.version = kGeneratorVersion;
  for (const Host& site : sites_) {
    for (size_t i = 0; i < site.hosts.size(); ++i)
      summary.hosts.push_back({site.hosts[i], site.id, site.kind, site.onion, i > 0});
  }
  summary.pages = pages_;
  summary.listings = listings_;
  summary.posts = posts_;
  summary.actors = actors_.size();
  summary.telegram_dir = "telegram/" + telegram_channel_;

  fs::path staging = out;
  staging += ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  auto put = [&](const fs::path& path, std::string_view bytes) -> Status {
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      return IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
    return WriteFileAtomic(path, bytes);
  };
  for (int e = 0; e < kEpochs; ++e) {
    for (const auto& [where, bytes] : files_[e]) {
      DRAGNET_RETURN_IF_ERROR(
          put(staging / "sites" / ("epoch-" + std::to_string(e + 1)) / where.substr(0), bytes));
    }
  }
  for (const auto& [name, bytes] : telegram_files_)
    DRAGNET_RETURN_IF_ERROR(put(staging / summary.telegram_dir / name, bytes));

  std::string pages;
  for (const ordered_json& t : truths_)
    pages += t.dump() + "\n";
  DRAGNET_RETURN_IF_ERROR(put(staging / "truth" / "pages.jsonl", pages));

  std::set<std::string> distinct;
  std::string actors;
  for (const Actor& a : actors_) {
    ordered_json j;
    j["actor"] = "actor-" + std::to_string(a.id);
    j["handle"] = a.handle;
    ordered_json accounts = ordered_json::array();
    for (const auto& [site, name] : a.accounts)
      accounts.push_back({{"site", site}, {"name", name}});
    j["accounts"] = accounts;
    std::vector<SelectorRef> selectors = {
        {"pgp", a.pgp.fingerprint}, {"bitcoin", a.btc}, {"monero", a.xmr}, {"phone", a.phone},
        {"telegram", a.telegram},   {"wickr", a.wickr}, {"email", a.email}};
    ordered_json list = ordered_json::array();
    for (const SelectorRef& s : selectors)
      list.push_back({{"kind", s.kind}, {"value", s.value}});
    j["selectors"] = list;
    j["photo_jpeg_sha256"] = Sha256Hex(photos_.at(a.id));
    actors += j.dump() + "\n";
  }
  for (const ordered_json& t : truths_)
    for (const auto& s : t["selectors"])
      distinct.insert(s["kind"].get<std::string>() + ":" + s["value"].get<std::string>());
  summary.selectors = distinct.size();
  DRAGNET_RETURN_IF_ERROR(put(staging / "truth" / "actors.jsonl", actors));

  std::string seeds = "# One start page per simulated site (dragnet crawl --seeds)\n";
  for (const Host& site : sites_)
    for (const std::string& host : site.hosts)
      seeds += "http://" + host + "/\n";
  DRAGNET_RETURN_IF_ERROR(put(staging / "seeds.txt", seeds));
  DRAGNET_RETURN_IF_ERROR(put(staging / "simnet.json", SummaryJson(summary).dump(1) + "\n"));

  // Swap in the new tree only now that all of it is on disk.
  fs::path old = out;
  old += ".old-" + std::to_string(::getpid());
  if (fs::exists(out, ec)) {
    fs::rename(out, old, ec);
    if (ec)
      return IoError("cannot move " + out.string() + " aside: " + ec.message());
  }
  fs::rename(staging, out, ec);
  if (ec)
    return IoError("cannot rename " + staging.string() + ": " + ec.message());
  fs::remove_all(old, ec);
  return summary;
}

}  // namespace

Result<SimnetSummary> Generate(const identify::Lexicon& lexicon, const World& world,
                               const identify::ExchangeRates& rates, const GenerateOptions& options,
                               const fs::path& out) {
  Builder builder(lexicon, world, rates, options);
  DRAGNET_RETURN_IF_ERROR(builder.Build());
  return builder.Write(out);
}

Result<SimnetSummary> ReadSummary(const fs::path& dir) {
  DRAGNET_ASSIGN_OR_RETURN(std::string text, ReadFile(dir / "simnet.json"));
  try {
    json j = json::parse(text);
    if (j.value("generator", "") != "dragnet-simnet")
      return InvalidArgument((dir / "simnet.json").string() + ": not a simulated web");
    SimnetSummary s;
    s.seed = j.at("seed").get<uint64_t>();
    s.version = j.at("version").get<int>();
    s.epochs = j.at("epochs").get<int>();
    for (const auto& h : j.at("hosts"))
      s.hosts.push_back({h.at("host"), h.at("site"), h.at("kind"), h.at("onion"), h.at("mirror")});
    s.pages = j.at("pages");
    s.listings = j.at("listings");
    s.posts = j.at("posts");
    s.actors = j.at("actors");
    s.selectors = j.at("selectors");
    s.telegram_dir = j.at("telegram");
    return s;
  } catch (const json::exception& e) {
    return InvalidArgument((dir / "simnet.json").string() + ": " + e.what());
  }
}

}  // namespace dragnet::simnet
