#include "http/request.hpp"

#include <gtest/gtest.h>

namespace notes {
namespace {

Request make(std::vector<const char*> params) {
  params.push_back(nullptr);
  return Request(params.data());
}

}  // namespace

TEST(Request, ReadsParamsExactlyByName) {
  Request request = make({"REQUEST_METHOD=GET", "DOCUMENT_URI=/a", "HTTP_X=1", "HTTP_XY=2", "EMPTY="});
  EXPECT_EQ(request.method(), "GET");
  EXPECT_EQ(request.path(), "/a");
  EXPECT_STREQ(request.param("HTTP_XY"), "2");
  EXPECT_STREQ(request.param("EMPTY"), "");
  EXPECT_EQ(request.param("HTTP"), nullptr);
  EXPECT_EQ(request.param("MISSING"), nullptr);
}

TEST(Request, IdentityComesOnlyFromNotesParams) {
  auto identity = make({"NOTES_USER_ID=7", "NOTES_COMPANY_ID=3", "NOTES_ROLE=admin"}).identity();
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->user_id, 7);
  EXPECT_EQ(identity->company_id, 3);
  EXPECT_EQ(identity->role, "admin");
  // What a client header becomes is ignored.
  EXPECT_FALSE(make({"HTTP_NOTES_USER_ID=7", "HTTP_X_USER_ID=7", "NOTES_COMPANY_ID=3", "NOTES_ROLE=owner"}).identity());
  // nginx sends empty values when the auth answer lacked them: fail closed.
  EXPECT_FALSE(make({"NOTES_USER_ID=", "NOTES_COMPANY_ID=", "NOTES_ROLE="}).identity());
  EXPECT_FALSE(make({"NOTES_USER_ID=7", "NOTES_COMPANY_ID=3", "NOTES_ROLE=root"}).identity());
  EXPECT_FALSE(make({"NOTES_USER_ID=-7", "NOTES_COMPANY_ID=3", "NOTES_ROLE=owner"}).identity());
}

TEST(Request, JsonContentTypeIgnoresCaseAndParameters) {
  EXPECT_TRUE(make({"CONTENT_TYPE=application/json"}).has_json_content_type());
  EXPECT_TRUE(make({"CONTENT_TYPE=Application/JSON; charset=utf-8"}).has_json_content_type());
  EXPECT_FALSE(make({"CONTENT_TYPE=text/plain"}).has_json_content_type());
  EXPECT_FALSE(make({"CONTENT_TYPE=application/jsonx"}).has_json_content_type());
  EXPECT_FALSE(make({}).has_json_content_type());
}

TEST(ParsePositiveId, Int64RangeOnly) {
  EXPECT_EQ(parse_positive_id("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_positive_id("9124292845052624908"), 9124292845052624908);
  for (const char* bad : {"0", "-1", "9223372036854775808", "99999999999999999999", "", "1a", " 1", "+1", "1.0"}) {
    EXPECT_FALSE(parse_positive_id(bad)) << bad;
  }
}

TEST(ParseWholeNumber, DigitsWithinTheBoundsOnly) {
  EXPECT_EQ(parse_whole_number("0", 0, 20), 0);
  EXPECT_EQ(parse_whole_number("20", 0, 20), 20);
  EXPECT_EQ(parse_whole_number("007", 0, 20), 7);
  for (const char* bad : {"21", "-0", "-1", "+1", "", " 1", "1 ", "1e1", "0x1", "9223372036854775808"}) {
    EXPECT_FALSE(parse_whole_number(bad, 0, 20)) << bad;
  }
  EXPECT_FALSE(parse_whole_number("0", 1, 20));
}

}  // namespace notes
