#include "handlers/note_body.hpp"

#include <gtest/gtest.h>

#include "http/json_body.hpp"

namespace notes {
namespace {

std::variant<NoteFields, ApiError> check(const std::string& body, bool creating = true) {
  rapidjson::Document document;
  EXPECT_FALSE(parse_json_body(body, document)) << body;
  return note_fields(document, creating);
}

std::string field_of(const std::string& body, bool creating = true) {
  auto result = check(body, creating);
  if (!std::holds_alternative<ApiError>(result)) return "(accepted)";
  return std::get<ApiError>(result).details_json;
}

}  // namespace

TEST(NoteBody, AbsentNullAndValueAreThreeThings) {
  auto fields = std::get<NoteFields>(check(R"({"subject":null,"details":"d","priority":true})", false));
  EXPECT_TRUE(fields.subject.given);
  EXPECT_FALSE(fields.subject.value);
  EXPECT_EQ(fields.details.value, "d");
  EXPECT_EQ(fields.priority.value, true);
  EXPECT_FALSE(fields.type.given);
  EXPECT_FALSE(fields.tags.given);
}

TEST(NoteBody, EnumsAndTypes) {
  EXPECT_EQ(field_of(R"({"status":"archived"})"), R"({"field":"status"})");
  EXPECT_EQ(field_of(R"({"reference_type":"Customer"})"), R"({"field":"reference_type"})");
  EXPECT_EQ(field_of(R"({"confidential":"true"})"), R"({"field":"confidential"})");
  EXPECT_EQ(field_of(R"({"reference_id":"5","reference_type":"order"})"), R"({"field":"reference_id"})");
  EXPECT_EQ(field_of(R"({"reference_id":1e3,"reference_type":"order"})"), R"({"field":"reference_id"})");
  EXPECT_EQ(field_of(R"({"reminder":"2024-10-06 20:25:26"})"), R"({"field":"reminder"})");
  EXPECT_EQ(field_of(R"({"reminder":"2024-10-06T20:25:26.131Z","status":"closed","reference_type":"event","reference_id":9})"),
            "(accepted)");
}

TEST(NoteBody, ReadOnlyAndUnknownFields) {
  for (const char* field : {"id", "created_on", "user_id", "company_id", "customer_id", "customer", "user",
                            "assignees", "messages", "colour"}) {
    EXPECT_EQ(field_of(std::string("{\"") + field + "\":1}"), std::string("{\"field\":\"") + field + "\"}");
  }
}

TEST(NoteBody, LimitsCountCharactersNotBytes) {
  std::string subject;
  for (int i = 0; i < 255; ++i) subject += "é";  // 510 bytes, 255 characters
  EXPECT_EQ(field_of("{\"subject\":\"" + subject + "\"}"), "(accepted)");
  EXPECT_EQ(field_of("{\"subject\":\"" + subject + "e\"}"), R"({"field":"subject"})");
  auto too_long = check("{\"details\":\"" + std::string(kMaxDetailsBytes + 1, 'd') + "\"}");
  EXPECT_EQ(std::get<ApiError>(too_long).status, 413);
}

TEST(NoteBody, ReferenceIdNeededForOtherReferences) {
  EXPECT_EQ(field_of(R"({"reference_type":"order"})"), R"({"field":"reference_id"})");
  EXPECT_EQ(field_of(R"({"reference_type":"order"})", false), "(accepted)");  // PATCH keeps the old id
  EXPECT_EQ(field_of(R"({"reference_type":"customer"})"), "(accepted)");
}

TEST(NoteBody, Utf8Length) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("é✓😀"), 3u);
}

}  // namespace notes
