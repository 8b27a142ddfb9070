// Tests of listing field extraction (fields.h) on small pages in the layouts markets use, on
// broken and hostile markup, and of the labels file loader.

#include "parse/fields.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include "core/scratch_dir.h"

namespace dragnet::parse {
namespace {

const FieldLabels& Labels() {
  static const FieldLabels* labels = [] {
    auto loaded = LoadFieldLabels(DefaultFieldLabelsFile());
    if (!loaded.has_value()) {
      ADD_FAILURE() << loaded.error().message();
      return new FieldLabels();
    }
    return new FieldLabels(std::move(loaded).value());
  }();
  return *labels;
}

// "id=value" of the single fields, in order; "id=value <link>" when there is a link.
std::vector<std::string> Flat(const std::vector<Field>& fields) {
  std::vector<std::string> out;
  for (const Field& f : fields)
    out.push_back(f.id + "=" + f.value + (f.link.empty() ? "" : " <" + f.link + ">"));
  return out;
}

bool ValidUtf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0)
      return false;
  }
  return true;
}

TEST(FieldLabels, RealFileLoadsAndCoversEveryField) {
  const FieldLabels& labels = Labels();
  ASSERT_EQ(labels.fields().size(), FieldLabels::KnownIds().size());
  EXPECT_GT(labels.label_count(), 300u);
  for (const FieldDefinition& field : labels.fields())
    EXPECT_FALSE(field.labels.empty()) << field.id;
}

TEST(FieldLabels, MatchFoldsCaseTrimsAndTakesTheLongestPrefix) {
  const FieldLabels& labels = Labels();
  EXPECT_EQ(labels.Match("Vendor"), "vendor");
  EXPECT_EQ(labels.Match("  SOLD\u00a0BY : "), "vendor");
  EXPECT_EQ(labels.Match("ВЕС"), "weight");
  EXPECT_EQ(labels.Match("Versand aus:"), "ships_from");
  EXPECT_EQ(labels.Match("VERSAND NACH"), "ships_to");
  EXPECT_EQ(labels.Match("Ships\u200b from"), "ships_from");  // zero-width space dropped
  EXPECT_EQ(labels.Match("Ships from (country)"), "ships_from");
  EXPECT_EQ(labels.Match("Price, BTC"), "price");
  EXPECT_EQ(labels.Match("Seller rating"), "rating");   // exact beats the prefix "seller"
  EXPECT_EQ(labels.Match("Seller level"), "level");     // a label of its own
  EXPECT_EQ(labels.Match("Seller country"), "vendor");  // the prefix "seller"
  EXPECT_EQ(labels.Match("Районы"), "district");
  EXPECT_EQ(labels.Match("Қала"), "city");
  EXPECT_EQ(labels.Match("Sprzedawca"), "vendor");
  EXPECT_EQ(labels.Match("Prijs"), "price");
  EXPECT_EQ(labels.Match("Pricey"), "");  // a prefix must end a word
  EXPECT_EQ(labels.Match("Vendor: bob"), "");
  EXPECT_EQ(labels.Match("Description"), "");
  EXPECT_EQ(labels.Match(""), "");
  EXPECT_EQ(labels.Match(std::string(500, 'a')), "");
}

TEST(ExtractFields, TableLayoutListing) {
  auto out = ExtractFields(R"(<html><head><title>Listing</title></head><body>
    <h1>Cocaine 90% 1g</h1>
    <table class="listing">
      <tr><th>Vendor</th><td><a href="/vendor/coke_king">coke_king</a> (4.9)</td></tr>
      <tr><th>Price</th><td>USD 95.00 / 0.0031 BTC</td></tr>
      <tr><td>Ships from:</td><td><img src="de.png" alt="DE"> Germany</td></tr>
      <tr><td>Ships to:</td><td>Worldwide</td></tr>
      <tr><td>Stock</td><td>  12&nbsp;  units </td></tr>
      <tr><td>Description</td><td>Pure</td></tr>
    </table></body></html>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"vendor=coke_king (4.9) </vendor/coke_king>",
                                      "price=USD 95.00 / 0.0031 BTC", "ships_from=Germany",
                                      "ships_to=Worldwide", "stock=12 units"}));
  EXPECT_EQ(out.fields[2].label, "Ships from");
  EXPECT_TRUE(out.rows.empty());
}

TEST(ExtractFields, CardLayoutWithDefinitionList) {
  auto out = ExtractFields(R"(<div class="card"><h3>MDMA 84% x10</h3>
    <dl><dt>Seller:</dt><dd><a href="http://m.onion/u/dutchmolly">DutchMolly</a></dd>
        <dt>Origin</dt><dd>Netherlands</dd>
        <dt>Destination</dt><dd>EU, UK</dd>
        <dt>Notes</dt><dd>Fast</dd></dl></div>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"vendor=DutchMolly <http://m.onion/u/dutchmolly>",
                                      "ships_from=Netherlands", "ships_to=EU, UK"}));
  EXPECT_EQ(out.fields[0].label, "Seller");
}

TEST(ExtractFields, GermanForumPostLines) {
  auto out = ExtractFields(R"(<div class="post"><p>Hallo zusammen, biete an:</p>
    <p>Amnesia Haze, Top Qualität<br>Versand aus: Deutschland<br>
    Preis: 10 € / g<br><b>Versand nach:</b> DE, AT, CH<br>
    Zahlung: XMR oder BTC</p><p>Treuhand:</p><p>ja, über den Markt</p>
    <p>Uhrzeit 12:30 Versand aus: Spanien</p></div>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{
                                  "ships_from=Deutschland", "price=10 € / g", "ships_to=DE, AT, CH",
                                  "payment=XMR oder BTC", "escrow=ja, über den Markt"}));
  EXPECT_EQ(out.fields[0].label, "Versand aus");
}

TEST(ExtractFields, RussianDeadDropShopHeaderTable) {
  auto out = ExtractFields(R"(<html><body><h1>Мефедрон VHQ кристалл</h1>
    <p>Город: Алматы</p><p>Магазин: <a href="/shop/krystal">KRYSTAL SHOP</a></p>
    <table class="products">
      <thead><tr><th>Вес</th><th>Цена</th><th>Районы</th><th>Тип клада</th><th>В наличии</th>
      <th></th></tr></thead>
      <tbody>
      <tr><td>0,5 г</td><td>9 500 ₸</td><td>Алмалинский, Бостандыкский</td><td>Магнит</td>
          <td>12</td><td><a href="/buy/1">Купить</a></td></tr>
      <tr><td>1 г</td><td>17 000 ₸</td><td>Ауэзовский</td><td>Прикоп</td><td>5</td>
          <td><a href="/buy/2">Купить</a></td></tr>
      <tr><td>2 г</td><td>32 000 ₸</td><td>Медеуский,<br>Турксибский</td><td>Тайник</td><td>1</td>
          <td><a href="/buy/3">Купить</a></td></tr>
      </tbody></table></body></html>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"city=Алматы", "vendor=KRYSTAL SHOP </shop/krystal>"}));
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(Flat(out.rows[0]), (std::vector<std::string>{"weight=0,5 г", "price=9 500 ₸",
                                                         "district=Алмалинский, Бостандыкский",
                                                         "stash_type=Магнит", "stock=12"}));
  EXPECT_EQ(Flat(out.rows[1]),
            (std::vector<std::string>{"weight=1 г", "price=17 000 ₸", "district=Ауэзовский",
                                      "stash_type=Прикоп", "stock=5"}));
  EXPECT_EQ(Flat(out.rows[2]), (std::vector<std::string>{"weight=2 г", "price=32 000 ₸",
                                                         "district=Медеуский, Турксибский",
                                                         "stash_type=Тайник", "stock=1"}));
  EXPECT_EQ(out.rows[0][2].label, "Районы");
  EXPECT_EQ(out.rows[0][3].label, "Тип клада");
}

TEST(ExtractFields, HeaderRowWithoutTheadAndFewLabelsIsNotAHeader) {
  auto out = ExtractFields(
      "<table><tr><th>Product</th><th>Price</th></tr><tr><td>Speed</td><td>20 EUR</td></tr>"
      "</table><table><tr><th>Vendor</th><th>bob</th></tr></table>",
      Labels());
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(Flat(out.rows[0]), (std::vector<std::string>{"title=Speed", "price=20 EUR"}));
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=bob"}));
}

TEST(ExtractFields, VendorProfile) {
  auto out = ExtractFields(R"(<div class="profile"><h2>Vendor profile: NordicPharma</h2>
    <div class="stats"><span class="k">Sales:</span> <span class="v">1,284</span></div>
    <div class="k">Member since:</div><div class="v">2023-04-17</div>
    <table><tr><td>Rating</td><td>4.93/5 <img alt="stars"></td></tr>
           <tr><td>Ships from</td><td>Sweden</td></tr></table>
    <p>Ships from: Norway</p></div>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=NordicPharma", "sales=1,284",
                                                        "member_since=2023-04-17", "rating=4.93/5",
                                                        "ships_from=Sweden"}));
}

TEST(ExtractFields, FourCellRowsAndStructureBeatsTheLineAtTheSamePlace) {
  auto out = ExtractFields(
      "<table><tr><td>Vendor:</td><td><a href='/v/a'>alice</a></td><td>Price:</td>"
      "<td>5 USD</td></tr></table>",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=alice </v/a>", "price=5 USD"}));
}

TEST(ExtractFields, BrokenMarkupUnclosedTagsAndNestedTables) {
  auto out = ExtractFields(
      "<table><tr><td>Vendor<td><b>alice<tr><td>Price<td>5 USD"
      "<table><tr><th>Weight<td>1g</table>"
      "<tr><td>Stock<td>12<dl><dt>Category<dd>Drugs &gt; Stimulants<dt>Escrow",
      Labels());
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"vendor=alice", "price=5 USD", "weight=1g", "stock=12",
                                      "category=Drugs > Stimulants"}));
}

// A vendor cell holding a link and a rating badge in its own elements (as on SR2-style and
// Berlusconi-style markets) gives the link text; plain text of the cell itself stays.
TEST(ExtractFields, ClassWordsGiveValuesNoLabelGives) {
  auto out = ExtractFields(R"(<h2>AXA TREN</h2><div class="related"><span class="price-old">
<s>50 EUR</s></span></div>
<div class="listing-price"><strong>35 <b>EUR</b></strong> <span>0.003834</span></div>
<span class="Vendor_Rating">4.77 / 5.0 (120 reviews)</span><span class="rating">99%</span>
<p class="priceless">12 USD</p><div class="stock-price">no number here</div>)",
                           Labels());
  // The first marked element of each field, not a price struck through; a label, where there is
  // one, wins.
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=35 EUR", "rating=4.77 / 5.0"}));
  out = ExtractFields(
      R"(<div class="price">USD 20</div><p>Price: 35 EUR</p><div class="rating">long text without a number at all</div>)",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=35 EUR"}));
  // An old price struck through inside the element; an amount is no price; a review count is
  // no rating; a marked element inside another marked one is read on its own.
  out = ExtractFields(
      R"(<div class="price"><del>50 EUR</del> 35 EUR</div>
<div class="rating-section"><h3>Ratings</h3><span class="rating">4.5/5</span> (12 reviews)</div>)",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=35 EUR", "rating=4.5/5"}));
  out = ExtractFields(
      R"(<select class="price-select"><option>1g - 50 EUR</option></select>
<div class="rating">★★★★☆ (12 reviews)</div><p class="price">$35</p>)",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=50 EUR"}));
  out = ExtractFields(R"(<p class="price">$35</p><p class="price">0.006 ฿</p>)", Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=$35"}));
  EXPECT_EQ(Labels().MatchClass("col-md-4 listing-price"), "price");
  EXPECT_EQ(Labels().MatchClass("username_rating"), "rating");
  EXPECT_EQ(Labels().MatchClass("priceless ratings"), "");
}

TEST(ExtractFields, VendorCellLinkWithABadgeIsTheLinkText) {
  auto out = ExtractFields(R"(<table class="producttable"><tbody>
      <tr><th>Item info:</th><th>&nbsp;</th></tr>
      <tr><td>seller</td><td>
        <a href="/market/user/bakerbob">bakerbob</a>
        <span class="username_rating" title="average vendor rating">97.1</span></td></tr>
      <tr><td>ships from</td><td>Belgium</td></tr></tbody></table>)",
                           Labels());
  // The badge is no part of the name; its class says it is the rating.
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=bakerbob </market/user/bakerbob>",
                                                        "ships_from=Belgium", "rating=97.1"}));

  out = ExtractFields(
      "<table><tr><td><b>Vendor</b></td><td>\n<a href='?c=listings&a=vendor&v_id=9'>NordPharm</a> "
      "[<strong class='fb-pos'>+12</strong><span>|</span><strong class='fb-neg'>\u22121</strong>]"
      "<span class='pull-right'></span></td></tr></table>",
      Labels());
  // The score beside the name, in elements of its own, is the vendor's rating.
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"vendor=NordPharm <?c=listings&a=vendor&v_id=9>",
                                      "rating=+12|\u22121"}));

  // Text after an image or a line break is the cell's own: void elements close (depth returns).
  out = ExtractFields(
      "<dl><dt>Seller</dt><dd><a href='/u/x'>x</a><img src=s.png alt='5 stars'><br> UK</dd>"
      "<dt>Shop</dt></dl><table><tr><th>Vendor</th><th>Price</th></tr><tr><td><a href='/u/y'>y"
      "</a><em>(99%)</em></td><td>5 EUR</td></tr><tr><td>by <a href='/u/z'>z</a></td><td>6 EUR"
      "</td></tr></table>",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=x UK </u/x>"}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(Flat(out.rows[0]), (std::vector<std::string>{"vendor=y </u/y>", "price=5 EUR"}));
  EXPECT_EQ(Flat(out.rows[1]), (std::vector<std::string>{"vendor=by z </u/z>", "price=6 EUR"}));

  // Only the vendor takes the link text: a category keeps the whole cell.
  out = ExtractFields(
      "<table><tr><td>Category</td><td><a href='/c/1'>Stimulants</a> <span>(298)</span></td>"
      "</tr></table>",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"category=Stimulants (298) </c/1>"}));
}

// The order form's choices are the payment where no label gives it: radio buttons and check
// boxes whose name has a control word, or the options of such a select; disabled choices and
// empty placeholders are left out, and each choice ends with its line, label or option.
TEST(ExtractFields, OrderFormChoicesGiveThePayment) {
  auto out = ExtractFields(R"(<form>
      <label><input type="radio" name="pay_coin" value="btc"> Bitcoin</label>
      <label><input type="radio" name="pay_coin" value="xmr" checked> Monero (XMR)</label>
      <input type="radio" name="pay_coin" value="ltc" disabled> Litecoin <em>soon</em><br>
      <input type="checkbox" name="agree"> I agree <button>Buy</button></form>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"payment=Bitcoin, Monero (XMR)"}));

  out = ExtractFields(R"(<select name="currency"><option value="">Choose...</option>
      <option value="btc">BTC</option><option>XMR</option><option disabled>ETH</option>
      </select><select name="shipping"><option>EU</option></select>)",
                      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"payment=BTC, XMR"}));

  // A label wins over the form.
  out = ExtractFields(R"(<p>Payment: Monero only</p>
      <input type="radio" name="currency"> Bitcoin<br>)",
                      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"payment=Monero only"}));
  EXPECT_EQ(Labels().MatchControl("order[currency]"), "");  // parts split at '-' and '_' only
  EXPECT_EQ(Labels().MatchControl("payment-method"), "payment");
  EXPECT_EQ(Labels().MatchControl("amount"), "");
}

// A score beside the vendor's name, in elements of its own, is the rating where no label gives
// one; other badges are not.
TEST(ExtractFields, ScoreBesideTheVendorIsTheRating) {
  auto rating = [](std::string_view badge) {
    auto out = ExtractFields("<table><tr><td>Vendor</td><td><a href='/u/bob'>bob</a> " +
                                 std::string(badge) + "</td></tr></table>",
                             Labels());
    for (const Field& f : out.fields) {
      if (f.id == "rating")
        return f.value;
    }
    return std::string("-");
  };
  EXPECT_EQ(rating("<span>★ 4.8</span>"), "★ 4.8");
  EXPECT_EQ(rating("(<b>98%</b>)"), "98%");
  EXPECT_EQ(rating("[<b>+1,204</b>|<b>-3</b>]"), "-");  // a thousands separator is no score
  EXPECT_EQ(rating("<em>(4.77 / 5.0)</em>"), "4.77 / 5.0");
  EXPECT_EQ(rating("<small>(Level 4)</small>"), "-");
  EXPECT_EQ(rating("<small>+</small>"), "-");
  EXPECT_EQ(rating("<i>12 | 0 | 3</i>"), "-");
  auto out = ExtractFields(
      "<table><tr><td>Vendor</td><td><a href='/u/bob'>bob</a> <i>99%</i></td></tr>"
      "<tr><td>Rating</td><td>4.9/5</td></tr></table>",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=bob </u/bob>", "rating=4.9/5"}));
}

// "Sold by <a>bob</a>" without a colon: the link is the vendor when it ends the line or only a
// score follows (the rating). A label that names no field (`id: none`) shadows shorter ones.
TEST(ExtractFields, VendorLabelLineWithALinkAndNoneLabels) {
  auto out = ExtractFields(
      "<div>Sold by <a href='/u/bob'>bob</a> <span>(4.96/5)</span></div>"
      "<div>Продавец <a href='/u/x'>x</a> пишет</div><div>Shop <a href='/c'>Catalog</a> "
      "<a href='/cart'>Cart</a></div><table><tr><td>Product "
      "class</td><td>Physical</td></tr></table>",
      Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"vendor=bob </u/bob>", "rating=4.96/5"}));
  EXPECT_EQ(Labels().Match("Product class"), "");
  EXPECT_EQ(Labels().Match("Product class (physical)"), "");
  EXPECT_EQ(Labels().Match("Product"), "title");
  EXPECT_EQ(Labels().MatchControl("betaalmethode"), "payment");  // a Dutch label
  EXPECT_EQ(Labels().MatchControl("verzending"), "");            // a label of no choice field

  auto bad = ParseFieldLabels(
      "schema: 1\nfields:\n  - id: none\n    value: number\n"
      "    labels: {en: [Class]}\n",
      "l.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("l.yaml:3: `none` takes only `labels`"), std::string::npos)
      << bad.error().message();
}

// "Item info:" with "seller" on the next line, as a label list or a section heading renders:
// the label of another field is no value. The same field's label is ("Availability: In stock").
TEST(ExtractFields, AValueThatIsAnotherFieldsLabelIsNoValue) {
  auto out = ExtractFields(R"(<div class="viewusercont"><div>Item info:</div><div>seller</div>
      <div>fredthebaker</div><div>Vendor stats:</div><div>vendor for</div>
      <div>Availability:</div><div>In stock</div></div>
      <table><tr><td>Vendor</td><td>Ships from</td><td>Germany</td></tr></table>
      <dl><dt>Origin</dt><dd>Destination</dd><dt>Escrow</dt><dd>Multisig</dd></dl>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields),
            (std::vector<std::string>{"stock=In stock", "ships_from=Germany", "escrow=Multisig"}));
  EXPECT_EQ(Labels().MatchWhole("  SELLER: "), "vendor");
  EXPECT_EQ(Labels().MatchWhole("vendor for"), "member_since");
  EXPECT_EQ(Labels().MatchWhole("Seller country"), "");
  EXPECT_EQ(Labels().MatchWhole("Germany"), "");
  EXPECT_EQ(Labels().MatchWhole(std::string(300, 'x')), "");
}

// Price, weight, quantity and sales take only values with a digit (`value: number`).
TEST(ExtractFields, NumberFieldsNeedADigit) {
  auto out = ExtractFields(R"(<form><div class="well">
      Quantity: <input name="amount" value="1" type="text"> <br>
      <input name="currency" value="btc" type="radio"> Bitcoin (BTC) <br>
      <input value="multisig" type="radio" disabled> Multisig <span>COMING SOON</span> <br>
      <button type="submit">Buy Now</button></div></form>
      <p>Price: on request</p><p>Sales: many</p><p>Cena: ١٢٠ zł</p><p>Menge: 3 Stück</p>
      <table><tr><th>Вес</th><th>Цена</th></tr><tr><td>—</td><td>по запросу</td></tr>
      <tr><td>1 г</td><td>2 000 ₽</td></tr></table>)",
                           Labels());
  // The currency radio button is the payment; the disabled choice is not offered.
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=١٢٠ zł", "quantity=3 Stück",
                                                        "payment=Bitcoin (BTC)"}));
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(Flat(out.rows[0]), (std::vector<std::string>{"weight=1 г", "price=2 000 ₽"}));
  EXPECT_EQ(Labels().ValueType("price"), FieldValueType::kNumber);
  EXPECT_EQ(Labels().ValueType("vendor"), FieldValueType::kText);
  EXPECT_TRUE(Labels().Accepts("sales", "1,284"));
  EXPECT_FALSE(Labels().Accepts("quantity", "Bitcoin (BTC)"));
  EXPECT_TRUE(Labels().Accepts("title", "Bitcoin (BTC)"));
  EXPECT_TRUE(Labels().Accepts("no_such_field", ""));
}

// A line that is only a number field's label, outside tables, takes the next line: the price box
// of SR2-style listings. Text fields and table header cells do not.
TEST(ExtractFields, BareLabelLineOfANumberFieldTakesTheNextLine) {
  auto out = ExtractFields(R"(<div class="form_class"><div class="price_big">
        price <div class="price_big_inner"> ฿0.0125 </div></div></div>
      <div>category</div><div>Opioids</div><div>sales</div><div>none yet</div>
      <table><tr><th>Weight</th><th>Price</th></tr><tr><td>1g</td><td>10 EUR</td></tr></table>
      <div>Weight</div><div>Price</div><div>12 EUR</div>)",
                           Labels());
  EXPECT_EQ(Flat(out.fields), (std::vector<std::string>{"price=฿0.0125"}));
  EXPECT_EQ(out.fields[0].label, "price");
  ASSERT_EQ(out.rows.size(), 1u);
}

TEST(ExtractFields, ValueIsCappedAtAUtf8Boundary) {
  std::string value;
  for (int i = 0; i < 400; ++i)
    value += "ж";  // 2 bytes each
  auto out = ExtractFields("<dl><dt>Title</dt><dd>x" + value + "</dd></dl>", Labels());
  ASSERT_EQ(out.fields.size(), 1u);
  EXPECT_EQ(out.fields[0].value.size(), 511u);
  EXPECT_TRUE(ValidUtf8(out.fields[0].value));
}

TEST(ExtractFields, HostileInputIsCappedAndSafe) {
  std::string rows = "<table>";
  while (rows.size() < (1u << 20))
    rows += "<tr><th>";
  EXPECT_TRUE(ExtractFields(rows, Labels()).fields.empty());

  std::string nested;
  while (nested.size() < (1u << 20))
    nested += "<table><tr><td>Vendor</td><td>x";
  auto out = ExtractFields(nested, Labels());
  ASSERT_FALSE(out.fields.empty());
  EXPECT_EQ(out.fields[0].id, "vendor");

  std::string many = "<table><tr><th>Вес</th><th>Цена</th></tr>";
  for (int i = 0; i < 20000; ++i)
    many += "<tr><td>1г</td><td>" + std::to_string(i) + "</td></tr>";
  out = ExtractFields(many, Labels());
  ASSERT_EQ(out.rows.size(), kMaxRowsPerPage);
  EXPECT_EQ(out.rows.back()[1].value, "9999");

  std::string garbage = "<dl><dt>Vendor\xff\xfe</dt><dd>\xc3\x28 bad \xed\xa0\x80 utf8 \xf8</dd>";
  garbage += "<p>Price: \x80\x81\x82</p>";
  for (int i = 0; i < 1000; ++i)
    garbage += "<p>Price:" + std::string(2000, '\xff') + "</p><br>:::::";
  out = ExtractFields(garbage, Labels());
  for (const Field& f : out.fields) {
    EXPECT_LE(f.value.size(), kMaxFieldValueBytes);
    EXPECT_TRUE(ValidUtf8(f.value)) << f.id;
  }

  std::string line(4u << 20, 'a');
  line += ": b";
  EXPECT_TRUE(ExtractFields(line, Labels()).fields.empty());
  EXPECT_TRUE(ExtractFields("", Labels()).fields.empty());
  EXPECT_TRUE(ExtractFields(std::string(100, '\0'), Labels()).fields.empty());
}

TEST(FieldLabelsLoader, ReportsFileAndLine) {
  auto labels = ParseFieldLabels(R"(schema: 1
fields:
  - id: vendor
    labels:
      en: [Vendor, Seller]
      xx: [Verkoper]
  - id: price
    labels:
      en: [Price, "", seller]
    colour: red
  - id: prize
    labels:
      en: [Prize]
  - id: stock
    labels:
      en: [Stock, Stock]
      fr: [Stock]
  - id: sales
    value: many
    labels:
      en: [Sales]
extra: 1
)",
                                 "labels.yaml");
  ASSERT_FALSE(labels.has_value());
  const std::string& message = labels.error().message();
  EXPECT_NE(message.find("labels.yaml:6: unknown language `xx`"), std::string::npos) << message;
  EXPECT_NE(message.find("labels.yaml:9: empty label"), std::string::npos) << message;
  EXPECT_NE(message.find("labels.yaml:9: label `seller` already names field `vendor` (line 5)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("labels.yaml:10: unknown key `colour`"), std::string::npos) << message;
  EXPECT_NE(message.find("labels.yaml:11: unknown field id `prize`"), std::string::npos) << message;
  EXPECT_NE(message.find("labels.yaml:16: duplicate label `Stock`"), std::string::npos) << message;
  EXPECT_EQ(message.find("labels.yaml:17"), std::string::npos) << message;  // en + fr is fine
  EXPECT_NE(message.find("labels.yaml:19: `value` must be `text` or `number`"), std::string::npos)
      << message;
  EXPECT_NE(message.find("labels.yaml:22: unknown key `extra`"), std::string::npos) << message;
}

TEST(FieldLabelsLoader, SyntaxSchemaAndMissingFile) {
  auto bad = ParseFieldLabels("schema: 1\nfields:\n  - id: [vendor\n", "l.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message().rfind("l.yaml:", 0), 0u) << bad.error().message();
  auto schema = ParseFieldLabels("schema: 2\nfields: []\n", "l.yaml");
  ASSERT_FALSE(schema.has_value());
  EXPECT_NE(schema.error().message().find("l.yaml:1: `schema: 1` is missing or not 1"),
            std::string::npos);

  ScratchDir dir("FieldLabelsLoader.SyntaxSchemaAndMissingFile");
  { std::ofstream(dir / "labels.yaml") << "schema: 1\nfields:\n  - id: city\n    labels: {}\n"; }
  auto empty = LoadFieldLabels(dir / "labels.yaml");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message().find((dir / "labels.yaml").string() +
                                         ":3: field `city` has no labels"),
            std::string::npos)
      << empty.error().message();
  EXPECT_FALSE(LoadFieldLabels(dir / "missing.yaml").has_value());
}

TEST(FieldLabelsLoader, DefaultFileHonoursDragnetData) {
  const char* old = std::getenv("DRAGNET_DATA");
  std::string saved = old == nullptr ? "" : old;
  setenv("DRAGNET_DATA", "/srv/dragnet-data", 1);
  EXPECT_EQ(DefaultFieldLabelsFile(), "/srv/dragnet-data/parse/labels.yaml");
  EXPECT_EQ(DefaultParseDataFile("x.yaml"), "/srv/dragnet-data/parse/x.yaml");
  if (old == nullptr) {
    unsetenv("DRAGNET_DATA");
  } else {
    setenv("DRAGNET_DATA", saved.c_str(), 1);
  }
  EXPECT_EQ(DefaultFieldLabelsFile().filename(), "labels.yaml");
}

// ~1,000 generated pages of ~10 KB in the layouts above; prints pages/s (not asserted).
TEST(ExtractFields, Throughput) {
  std::vector<std::string> pages;
  size_t bytes = 0;
  for (int p = 0; p < 1000; ++p) {
    std::string page = "<html><head><title>Listing " + std::to_string(p) +
                       "</title><style>td{color:red}</style></head><body><nav><a href=/>Home</a>"
                       "<a href=/c>Categories</a></nav><table>";
    page += "<tr><th>Vendor</th><td><a href='/v/" + std::to_string(p % 37) + "'>v" +
            std::to_string(p % 37) + "</a></td></tr><tr><th>Price</th><td>" + std::to_string(p) +
            " USD</td></tr><tr><td>Ships from:</td><td>Germany</td></tr>"
            "</table><dl><dt>Origin</dt><dd>DE</dd><dt>Category</dt><dd>Drugs</dd></dl>";
    page += "<table><tr><th>Вес</th><th>Цена</th><th>Районы</th><th>Тип клада</th></tr>";
    for (int r = 0; r < 10; ++r)
      page += "<tr><td>" + std::to_string(r) + " г</td><td>" + std::to_string(r * 1500) +
              " ₽</td><td>Центральный</td><td>Магнит</td></tr>";
    page += "</table>";
    while (page.size() < 10000)
      page +=
          "<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing: elit.<br>"
          "Versand aus: Deutschland</p><div class=review>Great product 5/5</div>";
    page += "</body></html>";
    bytes += page.size();
    pages.push_back(std::move(page));
  }
  size_t found = 0;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& page : pages) {
    auto out = ExtractFields(page, Labels());
    found += out.fields.size() + out.rows.size();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(found, 1000u * (4 + 10));
  std::printf("ExtractFields: %zu pages (%.1f MB) in %.3f s = %.0f pages/s, %.1f MB/s\n",
              pages.size(), static_cast<double>(bytes) / 1e6, seconds,
              static_cast<double>(pages.size()) / seconds,
              static_cast<double>(bytes) / 1e6 / seconds);
}

}  // namespace
}  // namespace dragnet::parse
