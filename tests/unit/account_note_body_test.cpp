#include "handlers/account_note_body.hpp"

#include <gtest/gtest.h>

#include "http/json_body.hpp"

namespace notes {
namespace {

std::variant<std::string, ApiError> check(const std::string& body, int64_t account = 9124292845052624908) {
  rapidjson::Document document;
  EXPECT_FALSE(parse_json_body(body, document)) << body;
  return account_note_text(document, account);
}

ApiError error_of(const std::string& body) {
  auto result = check(body);
  EXPECT_TRUE(std::holds_alternative<ApiError>(result)) << body;
  return std::holds_alternative<ApiError>(result) ? std::get<ApiError>(result) : ApiError{};
}

}  // namespace

TEST(AccountNoteBody, NoteIsTheText) {
  EXPECT_EQ(std::get<std::string>(check(R"({"note":"Note content."})")), "Note content.");
  EXPECT_EQ(std::get<std::string>(check(R"({"note":""})")), "");
  EXPECT_EQ(std::get<std::string>(check(R"({"account_id":"9124292845052624908","note":"x"})")), "x");
}

TEST(AccountNoteBody, NoteIsRequiredAndAString) {
  EXPECT_EQ(error_of("{}").status, 400);
  EXPECT_EQ(error_of(R"({"note":5})").status, 400);
  EXPECT_EQ(error_of(R"({"note":null})").status, 400);
  EXPECT_EQ(error_of(R"({"note":["a"]})").status, 400);
}

TEST(AccountNoteBody, ReadOnlyAndUnknownAttributesAreRefusedByName) {
  for (const char* field : {"id", "created_at", "modified_at", "removed", "colour"}) {
    ApiError error = error_of(std::string(R"({"note":"x",")") + field + R"(":"1"})");
    EXPECT_EQ(error.status, 400) << field;
    EXPECT_NE(error.description.find(field), std::string::npos) << error.description;
    EXPECT_NE(error.details_json.find(field), std::string::npos) << error.details_json;
  }
}

TEST(AccountNoteBody, AccountIdIsImmutable) {
  EXPECT_EQ(error_of(R"({"note":"x","account_id":"1"})").status, 400);
  EXPECT_EQ(error_of(R"({"note":"x","account_id":9124292845052624908})").status, 400);
}

TEST(AccountNoteBody, LongNotesAreTooLarge) {
  std::string long_note(kMaxAccountNoteBytes + 1, 'a');
  EXPECT_EQ(error_of(R"({"note":")" + long_note + "\"}").status, 413);
  std::string longest(kMaxAccountNoteBytes, 'a');
  EXPECT_EQ(std::get<std::string>(check(R"({"note":")" + longest + "\"}")).size(), kMaxAccountNoteBytes);
}

}  // namespace notes
