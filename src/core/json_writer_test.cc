#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dragnet {
namespace {

TEST(JsonWriter, NestsDeeperThanItsInlineStack) {
  // The first 64 levels live in a bit set, deeper ones in a vector: commas are right in both.
  std::string out;
  JsonWriter w(out);
  std::string expected;
  for (int depth = 0; depth < 100; ++depth) {
    w.BeginArray();
    w.Int(depth);
    expected += "[" + std::to_string(depth) + ",";
  }
  w.String("k\"ey");
  expected += R"("k\"ey")";
  for (int depth = 0; depth < 99; ++depth) {
    w.EndArray();
    w.Int(depth);
    expected += "]," + std::to_string(depth);
  }
  w.EndArray();
  expected += "]";
  EXPECT_EQ(out, expected);
}

TEST(JsonWriter, EmptyViewsWithoutData) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field(std::string_view(), std::string_view());
  w.EndObject();
  EXPECT_EQ(out, R"({"":""})");
}

TEST(JsonWriter, WritesNestedValuesWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("name", "α-PVP");
  w.FieldInt("begin", 3);
  w.Key("list");
  w.BeginArray();
  w.Int(1);
  w.Double(2.5);
  w.BeginObject();
  w.EndObject();
  w.Null();
  w.Bool(true);
  w.EndArray();
  w.FieldDouble("nan", std::nan(""));
  w.Key("raw");
  w.Raw(R"({"a":1})");
  w.Field("after", "raw");
  w.EndObject();
  EXPECT_EQ(out, R"({"name":"α-PVP","begin":3,"list":[1,2.5,{},null,true],"nan":null,)"
                 R"("raw":{"a":1},"after":"raw"})");
}

TEST(JsonWriter, EscapesControlsQuotesAndBrokenUtf8) {
  std::string out;
  JsonWriter w(out);
  w.String("a\"b\\c\n\x01 \xff\xc3 ok \xed\xa0\x80");
  auto parsed = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << out;
  std::string value = parsed.get<std::string>();
  EXPECT_EQ(value.substr(0, 8), "a\"b\\c\n\x01 ");
  EXPECT_NE(value.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD for the bad bytes
}

TEST(JsonWriter, LiteralKeysWriteWhatViewKeysWrite) {
  std::string a, b;
  JsonWriter literal(a);
  JsonWriter view(b);
  literal.BeginObject();
  view.BeginObject();
  literal.Field("name", "x");
  view.Field(std::string_view("name"), "x");
  literal.FieldInt("begin", 3);
  view.FieldInt(std::string("begin"), 3);
  literal.Key("list");
  view.Key(std::string_view("list"));
  literal.BeginArray();
  view.BeginArray();
  literal.EndArray();
  view.EndArray();
  literal.EndObject();
  view.EndObject();
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, R"({"name":"x","begin":3,"list":[]})");
  std::string c;
  JsonWriter dynamic(c);
  dynamic.BeginObject();
  dynamic.Field(std::string("a\"b"), "v");  // a key that is not a literal is escaped
  dynamic.EndObject();
  EXPECT_EQ(c, R"({"a\"b":"v"})");
}

}  // namespace
}  // namespace dragnet
