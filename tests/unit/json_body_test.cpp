#include "http/json_body.hpp"

#include <gtest/gtest.h>

namespace notes {
namespace {

std::optional<JsonBodyError> parse(std::string_view body) {
  rapidjson::Document document;
  return parse_json_body(body, document);
}

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST(JsonBody, AcceptsAnOrdinaryObject) {
  rapidjson::Document document;
  ASSERT_FALSE(parse_json_body(R"({"note":"héllo ✓","n":9223372036854775807,"a":[1,{"b":null}]})", document));
  ASSERT_TRUE(document.IsObject());
  EXPECT_STREQ(document["note"].GetString(), "héllo ✓");
  EXPECT_EQ(document["n"].GetInt64(), INT64_MAX);
}

TEST(JsonBody, NestingLimitIs32) {
  EXPECT_FALSE(parse(nested(32)));
  auto error = parse(nested(33));
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("deeper"), std::string::npos);
}

TEST(JsonBody, HugeNestingIsRefusedWithoutCrashing) {
  EXPECT_TRUE(parse(std::string(1'000'000, '[')));
  EXPECT_TRUE(parse(std::string(500'000, '{')));
}

TEST(JsonBody, ValueCountIsCappedAtItsBound) {
  // An object of N members is N + 1 values.
  auto object_of = [](int members) {
    std::string body = "{";
    for (int i = 0; i < members; ++i) body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    return body + "}";
  };
  rapidjson::Document document;
  EXPECT_FALSE(parse_json_body(object_of(kMaxJsonValues - 1), document));
  auto error = parse_json_body(object_of(kMaxJsonValues), document);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("more than 1000 values"), std::string::npos) << error->message;
  // The attack's shape: 700,000 tiny values, refused as they are counted.
  std::string array = "[0";
  for (int i = 1; i < 700000; ++i) array += ",0";
  error = parse_json_body(array + "]", document);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("more than 1000 values"), std::string::npos) << error->message;
}

TEST(JsonBody, RefusesDuplicateKeysAtAnyLevel) {
  EXPECT_TRUE(parse(R"({"a":1,"a":2})"));
  EXPECT_TRUE(parse(R"({"x":{"a":1,"b":2,"a":3}})"));
  EXPECT_FALSE(parse(R"({"a":{"a":1},"b":{"a":2}})"));
}

TEST(JsonBody, RefusesNulBytesRawAndEscaped) {
  EXPECT_TRUE(parse(std::string("{\"a\":\"x\0y\"}", 12)));
  EXPECT_TRUE(parse(R"({"a":"x\u0000y"})"));
  EXPECT_TRUE(parse(R"({"a\u0000":1})"));
}

TEST(JsonBody, RefusesInvalidUtf8AndLoneSurrogates) {
  EXPECT_TRUE(parse("{\"a\":\"\xff\"}"));
  EXPECT_TRUE(parse("{\"a\":\"\xc0\xaf\"}"));        // overlong '/'
  EXPECT_TRUE(parse("{\"a\":\"\xed\xa0\x80\"}"));    // raw surrogate
  EXPECT_TRUE(parse(R"({"a":"\uDC00"})"));            // lone low surrogate
  EXPECT_TRUE(parse(R"({"a":"\uD800"})"));            // lone high surrogate
  EXPECT_TRUE(parse(R"({"\uDFFF":1})"));
  EXPECT_FALSE(parse(R"({"a":"\uD83D\uDE00"})"));     // a proper pair is fine
}

TEST(JsonBody, RefusesIntegersBeyondInt64ButKeepsThemApartFromInt64) {
  EXPECT_TRUE(parse(R"({"a":9223372036854775808})"));
  EXPECT_TRUE(parse(R"({"a":18446744073709551615})"));
  rapidjson::Document document;
  ASSERT_FALSE(parse_json_body(R"({"a":99999999999999999999999})", document));
  EXPECT_FALSE(document["a"].IsInt64());  // a double: fields wanting ids refuse it
}

TEST(JsonBody, RefusesTrailingDataEmptyBodiesAndNonJson) {
  EXPECT_TRUE(parse(R"({"a":1} {"b":2})"));
  EXPECT_TRUE(parse(R"({"a":1}x)"));
  EXPECT_TRUE(parse(""));
  EXPECT_TRUE(parse("   "));
  EXPECT_TRUE(parse("{'a':1}"));
  EXPECT_TRUE(parse(R"({"a":NaN})"));
  EXPECT_TRUE(parse(R"({"a":Infinity})"));
  EXPECT_FALSE(parse(" {\"a\":1}\n"));  // surrounding white space is fine
}

TEST(JsonBody, ErrorsSayWhereTheSyntaxBroke) {
  auto error = parse(R"({"a":})");
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("byte 5"), std::string::npos) << error->message;
}

}  // namespace notes
