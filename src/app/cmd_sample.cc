// dragnet sample DIR: writes a small synthetic sample (saved market pages and a Telegram channel
// export) for trying Dragnet without real data. Everything in it is generated from a seed.

#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "core/file.h"

namespace dragnet::app {
namespace {

struct Listing {
  const char* title;
  const char* vendor;
  const char* price;
  const char* ships;
};

// Invented listings in the shapes DOMAIN.md describes (mixed scripts, several currencies).
constexpr Listing kListings[] = {
    {"Mephedrone 4-MMC crystals 5g", "nordic_drop", "$120 / 0.0021 BTC", "Netherlands"},
    {"A - P v P кристаллы синие 3,5гр", "soli_market", "3200 ₽", "Москва, Россия"},
    {"MARIXYANA (SHISHKI) 10gr", "green_tashkent", "450 000 сум", "Ташкент"},
    {"Cocaine 90% pure 1g", "white_express", "€85", "Spain"},
    {"Шишки AK-47 1г", "kush_kyiv", "650 грн", "Київ"},
    {"MDMA crystal 84% 1g", "molly_lab", "€30", "Germany"},
    {"Гашиш Ice-o-lator 5г", "almaty_hash", "25 000 ₸", "Алматы"},
    {"LSD blotters 150ug x10", "acid_bay", "$95", "United Kingdom"},
    {"Heroin #4 0,5гр", "sirets24", "4500 руб", "Екатеринбург"},
    {"Counterfeit EU ID card template", "doc_forge", "$250", "Worldwide"},
};

std::string Page(const Listing& l, int id, int price_shift) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += "<title>" + std::string(l.title) + " | Sample Market</title></head>\n<body>\n";
  html += "<h1 class=\"listing-title\">" + std::string(l.title) + "</h1>\n";
  html += "<table class=\"listing\">\n";
  html += "<tr><th>Vendor</th><td><a href=\"/vendor/" + std::string(l.vendor) + "\">" +
          std::string(l.vendor) + "</a></td></tr>\n";
  html += "<tr><th>Price</th><td>" + std::string(l.price) + "</td></tr>\n";
  html += "<tr><th>Ships from</th><td>" + std::string(l.ships) + "</td></tr>\n";
  html += "<tr><th>Listing</th><td>#" + std::to_string(id) + " (rev " +
          std::to_string(price_shift) + ")</td></tr>\n";
  html += "</table>\n<p>Contact: jabber " + std::string(l.vendor) + "@jabber.example, Telegram @" +
          std::string(l.vendor) + "_shop</p>\n</body></html>\n";
  return html;
}

int RunSample(const std::string& out, int pages, unsigned seed) {
  std::filesystem::path dir(out);
  std::error_code ec;
  std::filesystem::create_directories(dir / "pages" / "listings", ec);
  std::filesystem::create_directories(dir / "telegram" / "photos", ec);
  if (ec) {
    PrintError("cannot create " + dir.string() + ": " + ec.message());
    return 1;
  }
  std::mt19937 rng(seed);
  constexpr int kCount = static_cast<int>(sizeof kListings / sizeof kListings[0]);
  for (int i = 0; i < pages; ++i) {
    const Listing& l = kListings[static_cast<size_t>(i % kCount)];
    int rev = static_cast<int>(rng() % 5);
    Status written =
        WriteFileAtomic(dir / "pages" / "listings" / ("item-" + std::to_string(i) + ".html"),
                        Page(l, 1000 + i, rev));
    if (!written.ok()) {
      PrintError(written.error().message());
      return 1;
    }
  }
  std::string index = "<html><head><title>Sample Market</title></head><body><ul>\n";
  for (int i = 0; i < pages; ++i) {
    index += "<li><a href=\"listings/item-" + std::to_string(i) + ".html\">" +
             kListings[static_cast<size_t>(i % kCount)].title + "</a></li>\n";
  }
  index += "</ul></body></html>\n";
  if (Status s = WriteFileAtomic(dir / "pages" / "index.html", index); !s.ok()) {
    PrintError(s.error().message());
    return 1;
  }

  // A Telegram Desktop export of a shop channel (result.json, with one photo).
  nlohmann::ordered_json chat;
  chat["name"] = "Sample Shop 24/7";
  chat["type"] = "public_channel";
  chat["id"] = 1000000001 + static_cast<int64_t>(seed % 1000);
  nlohmann::ordered_json messages = nlohmann::json::array();
  int64_t when = 1767225600;  // 2026-01-01T00:00:00Z
  for (int i = 0; i < pages; ++i) {
    const Listing& l = kListings[static_cast<size_t>(i % kCount)];
    nlohmann::ordered_json m;
    m["id"] = i + 1;
    m["type"] = "message";
    when += 3600 + static_cast<int64_t>(rng() % 7200);
    m["date"] = "2026-01-01T00:00:00";
    m["date_unixtime"] = std::to_string(when);
    m["from"] = "Sample Shop 24/7";
    m["from_id"] = "channel" + std::to_string(chat["id"].get<int64_t>());
    if (i % 3 == 0) {
      m["text"] = nlohmann::json::array(
          {std::string(l.title) + " — " + l.price + " ",
           {{"type", "mention"}, {"text", "@" + std::string(l.vendor) + "_bot"}},
           " 🔌 24/7"});
    } else {
      m["text"] = std::string(l.title) + " " + l.price + " " + l.ships;
    }
    if (i == 0)
      m["photo"] = "photos/photo_1@01-01-2026_01-00-00.jpg";
    messages.push_back(m);
  }
  chat["messages"] = messages;
  if (Status s = WriteFileAtomic(dir / "telegram" / "result.json", chat.dump(1)); !s.ok()) {
    PrintError(s.error().message());
    return 1;
  }
  // A tiny valid JPEG (SOI, APP0 JFIF, EOI is enough for archiving purposes).
  const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0x00,
                                0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9};
  if (Status s =
          WriteFileAtomic(dir / "telegram" / "photos" / "photo_1@01-01-2026_01-00-00.jpg",
                          std::string_view(reinterpret_cast<const char*>(jpeg), sizeof jpeg));
      !s.ok()) {
    PrintError(s.error().message());
    return 1;
  }
  std::printf("sample written to %s: %d pages in pages/, %d messages in telegram/result.json\n",
              dir.c_str(), pages + 1, pages);
  return 0;
}

}  // namespace

void RegisterSampleCommand(CLI::App& app, GlobalOptions& /*options*/, ExitCode& exit_code) {
  auto out = std::make_shared<std::string>();
  auto pages = std::make_shared<int>(40);
  auto seed = std::make_shared<unsigned>(1);
  auto* cmd = app.add_subcommand(
      "sample", "Write a small synthetic sample (saved market pages, a Telegram export) to DIR");
  cmd->add_option("DIR", *out, "Output directory")->required();
  cmd->add_option("--pages", *pages, "Number of listing pages")
      ->default_val(40)
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", *seed, "Random seed")->default_val(1);
  cmd->callback([out, pages, seed, &exit_code] { exit_code = RunSample(*out, *pages, *seed); });
}

}  // namespace dragnet::app
