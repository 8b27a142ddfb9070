// Tests of boilerplate removal (boilerplate.h): market pages keep their listing and lose their
// furniture; pages of links fall back; hostile markup is safe.

#include "parse/boilerplate.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace dragnet::parse {
namespace {

// A listing as darknet markets lay it out: a login / register / cart bar, a search form, a menu,
// breadcrumbs, a category sidebar, a cookie banner and a footer around the listing itself.
const char kListingPage[] = R"(<!DOCTYPE html>
<html><head><title>Mephedrone 4-MMC crystal 5g | ChemMarket</title>
<style>.x{color:red}</style><script>var cart = "Cart script text";</script></head>
<body class="page has-sidebar">
<div class="top-bar">Welcome, guest <a href="/login">Login</a> | <a href="/register">Register</a>
  | <a href="/cart">Cart (0)</a></div>
<header><a href="/"><img src="/logo.png" alt="ChemMarket logo"></a>
  <form action="/search"><input name="q"><button>Search</button></form></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/vendors">Vendors</a></li>
  <li><a href="/forum">Forum</a></li><li><a href="/support">Support</a></li></ul></nav>
<div id="breadcrumbs"><a href="/c/drugs">Drugs</a> &gt; <a href="/c/stimulants">Stimulants</a></div>
<div class="wrapper">
 <div class="sidebar-left"><h3>Categories</h3><ul>
  <li><a href="/c/cannabis">Cannabis</a> (1204)</li><li><a href="/c/opioids">Opioids</a> (311)</li>
  <li><a href="/c/benzos">Benzos</a> (187)</li><li><a href="/c/psychedelics">Psychedelics</a></li>
 </ul></div>
 <div class="content">
  <h1>Mephedrone 4-MMC crystal 5g</h1>
  <p class="vendor">Vendor: <a href="/v/chemking">ChemKing</a> (4.9, 1200 sales)
   Ships from: Germany</p>
  <img src="/p/1.jpg" alt="4-MMC crystals on a scale">
  <table class="prices"><tr><th>Amount</th><th>Price</th></tr>
   <tr><td>1 g</td><td>25 EUR</td></tr><tr><td>5 g</td><td>100 EUR</td></tr>
   <tr><td>10 g</td><td>180 EUR</td></tr></table>
  <form action="/cart/add" method="post"><select name="qty"><option>1 g - 25 EUR</option>
   <option>5 g - 100 EUR</option></select><button>Add to cart</button></form>
  <h2>Description</h2>
  <p>Pure 4-MMC crystals, lab tested. Shipped in vacuum sealed, smell proof bags inside a DVD
   case. Orders before 2 pm are sent the same day. See our <a href="/v/chemking/pgp">PGP key</a>
   before ordering and always encrypt your address.</p>
 </div>
</div>
<div class="cookie-notice">This market uses cookies for your session. <a href="/ok">OK</a></div>
<footer><p>Copyright ChemMarket 2024. All rights reserved.</p>
 <p><a href="/rules">Rules</a> | <a href="/faq">FAQ</a> | <a href="/mirrors">Mirrors</a></p>
</footer>
</body></html>)";

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(ExtractMainContent, KeepsTheListingAndDropsTheFurniture) {
  MainContent content = ExtractMainContent(kListingPage);
  const std::string& t = content.text;
  EXPECT_EQ(t,
            "Mephedrone 4-MMC crystal 5g\n"
            "Vendor: ChemKing (4.9, 1200 sales) Ships from: Germany\n"
            "[4-MMC crystals on a scale]\n"
            "Amount\nPrice\n1 g\n25 EUR\n5 g\n100 EUR\n10 g\n180 EUR\n"
            "1 g - 25 EUR\n5 g - 100 EUR\nAdd to cart\n"
            "Description\n"
            "Pure 4-MMC crystals, lab tested. Shipped in vacuum sealed, smell proof bags inside a "
            "DVD case. Orders before 2 pm are sent the same day. See our PGP key before ordering "
            "and always encrypt your address.");
  for (const char* furniture : {"Welcome", "Login", "Register", "Cart (0)", "Search", "Home",
                                "Vendors", "Stimulants", "Categories", "Cannabis", "cookies",
                                "Copyright", "Mirrors", "ChemMarket", "Cart script", "color"}) {
    EXPECT_FALSE(Has(t, furniture)) << furniture;
  }
  EXPECT_EQ(content.kept_blocks, 16u);
  EXPECT_GT(content.dropped_blocks, 10u);
}

TEST(ExtractMainContent, LinkDenseBlocksWithoutStructureAreDropped) {
  // No semantic markup at all: the menu is only a run of links, the copyright line a short block
  // between link blocks.
  MainContent content = ExtractMainContent(
      "<div><a href=/a>Home</a> <a href=/b>Vendors</a> <a href=/c>Forum</a></div>"
      "<div><h1>Alprazolam 2mg bars x100</h1><p>Genuine pressed bars, 2 mg each, "
      "shipped worldwide from the Netherlands in discreet packaging.</p></div>"
      "<div><a href=/r>Rules</a> <a href=/f>FAQ</a></div><div>(c) 2024</div>"
      "<div><a href=/p>PGP</a> <a href=/m>Mirrors</a></div>");
  EXPECT_EQ(content.text,
            "Alprazolam 2mg bars x100\nGenuine pressed bars, 2 mg each, shipped worldwide from "
            "the Netherlands in discreet packaging.");
  EXPECT_EQ(content.kept_blocks, 2u);
  EXPECT_EQ(content.dropped_blocks, 4u);
}

TEST(ExtractMainContent, ProseWithSomeLinksIsKept) {
  MainContent content = ExtractMainContent(
      "<nav><a href=/>Home</a></nav><p>Read the <a href=/g>guide to safe dosing</a> and the "
      "<a href=/t>test kit instructions</a> before you order anything from this vendor, and "
      "leave feedback after your order arrives so that others know what to expect.</p>");
  EXPECT_EQ(content.kept_blocks, 1u);
  EXPECT_TRUE(Has(content.text, "Read the guide to safe dosing and the test kit"));
}

TEST(ExtractMainContent, ACategoryPageOfLinksKeepsItsItemTitles) {
  MainContent content = ExtractMainContent(
      "<nav><a href=/>Home</a> <a href=/login>Login</a></nav>"
      "<ul class=items><li><a href=/i/1>Cocaine 1g 90% pure Colombian</a></li>"
      "<li><a href=/i/2>MDMA crystals 5g champagne</a></li>"
      "<li><a href=/i/3>LSD blotters 250ug x10</a></li></ul>"
      "<footer><a href=/faq>FAQ</a></footer>");
  EXPECT_EQ(content.text,
            "Cocaine 1g 90% pure Colombian\nMDMA crystals 5g champagne\nLSD blotters 250ug x10");
  EXPECT_EQ(content.kept_blocks, 3u);
  EXPECT_EQ(content.dropped_blocks, 2u);
}

TEST(ExtractMainContent, AllFurnitureFallsBackToTheFullText) {
  MainContent content =
      ExtractMainContent("<title>Shop</title><nav><a href=/>Home</a></nav><footer>Bye</footer>");
  EXPECT_EQ(content.text, "Shop\nHome\nBye");
  EXPECT_EQ(content.kept_blocks, 3u);
  EXPECT_EQ(content.dropped_blocks, 0u);
}

TEST(ExtractMainContent, ASidebarClassOnTheLayoutWrapperDoesNotDropThePage) {
  // "sidebar" names the whole layout here; it holds the h1 and every word.
  MainContent content = ExtractMainContent(
      "<div class='layout with-sidebar'><h1>Ketamine 10g</h1><p>Needle point crystals.</p>"
      "<div class=sidebar><a href=/c/1>Dissociatives</a></div></div>");
  EXPECT_EQ(content.text, "Ketamine 10g\nNeedle point crystals.");
}

TEST(ExtractMainContent, LoginFormsAndSearchFormsGoBuyFormsStay) {
  MainContent content = ExtractMainContent(
      "<form action=/auth><label>User name</label><input name=user>"
      "<label>Your password</label><input type=password><button>Sign in now</button></form>"
      "<form id=site-search><input type=search><button>Find items</button></form>"
      "<h1>Heroin no. 4</h1>"
      "<form action=/order><label>Delivery address</label><input name=address>"
      "<button>Buy 1 g for 120 USD</button></form>");
  EXPECT_EQ(content.text, "Heroin no. 4\nDelivery address\nBuy 1 g for 120 USD");
}

TEST(ExtractMainContent, HeaderInsideTheArticleIsItsTitle) {
  MainContent content = ExtractMainContent(
      "<header><a href=/>Market</a></header><main><article><header><h1>Oxycodone 80mg</h1>"
      "</header><p>Pharmacy grade.</p><footer>Posted by pillman on 2024-03-01</footer>"
      "</article></main><footer>Site footer text</footer>");
  EXPECT_EQ(content.text, "Oxycodone 80mg\nPharmacy grade.\nPosted by pillman on 2024-03-01");
}

TEST(ExtractMainContent, ClassWordsAreMatchedAsWords) {
  // "canvas" and "menuitem-like" prose must not match "nav" or "menu"; camelCase "mainNav" does.
  MainContent content = ExtractMainContent(
      "<div class=canvas><p>Product photos and weights below.</p></div>"
      "<div id=mainNav><p>Main navigation text block</p></div><p>Last line of the listing.</p>");
  EXPECT_EQ(content.text, "Product photos and weights below.\nLast line of the listing.");
}

TEST(ExtractMainContent, HostileNestingIsSafeAndLinear) {
  auto start = std::chrono::steady_clock::now();
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "<div class=nav><span>";
  deep += "deep text";
  MainContent content = ExtractMainContent(deep);
  EXPECT_EQ(content.text, "deep text");  // furniture all the way down: the fallback
  std::string deep_links;
  for (int i = 0; i < 100000; ++i)
    deep_links += "<a href=/x><b>";
  deep_links += "x</a><p>after";
  content = ExtractMainContent(deep_links);
  EXPECT_FALSE(content.text.empty());
  std::string many;
  for (int i = 0; i < 200000; ++i)
    many += "<p>a</p><form action=/login><input type=password>";
  content = ExtractMainContent(many);
  EXPECT_LE(content.kept_blocks + content.dropped_blocks, 200000u);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 60.0);  // generous for sanitizer builds
}

TEST(ExtractMainContent, InvalidUtf8AndGarbageAreSafe) {
  MainContent content =
      ExtractMainContent("<h1>Te\xFF\xFEst</h1><p>\xC3(\xE2\x82 \xF0\x9F\x92 text</p>");
  EXPECT_FALSE(content.text.empty());
  EXPECT_TRUE(Has(content.text, "text"));
  EXPECT_TRUE(ExtractMainContent("").text.empty());
  EXPECT_TRUE(ExtractMainContent(std::string("\0\0\0", 3)).text.empty());
  std::string ff(size_t{4} << 20, '\xFF');
  content = ExtractMainContent(ff);
  EXPECT_LE(content.text.size(), size_t{64} << 20);
  std::string angles(size_t{1} << 20, '<');
  EXPECT_NO_THROW(ExtractMainContent(angles));
}

}  // namespace
}  // namespace dragnet::parse
