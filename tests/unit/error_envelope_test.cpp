#include "handlers/error_envelope.hpp"

#include <gtest/gtest.h>

#include "http/json_body.hpp"

namespace notes {

TEST(ErrorEnvelope, FamilyFollowsThePath) {
  EXPECT_EQ(family_of("/api/v2/account/1/note"), ApiFamily::accounts);
  EXPECT_EQ(family_of("/api/customers/1/notes"), ApiFamily::customers);
  EXPECT_EQ(family_of("/unknown"), ApiFamily::customers);
}

TEST(ErrorEnvelope, CustomersShape) {
  Response response = render_error(ApiFamily::customers, ApiError::invalid_field("sub\"ject", "bad \"value\"."));
  EXPECT_EQ(response.status, 400);
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(response.body, body)) << response.body;
  EXPECT_STREQ(body["error"].GetString(), "invalid_field");
  EXPECT_STREQ(body["error_description"].GetString(), "bad \"value\".");
  EXPECT_STREQ(body["error_details"]["field"].GetString(), "sub\"ject");
  EXPECT_EQ(body.MemberCount(), 3u);
}

TEST(ErrorEnvelope, AccountsShape) {
  Response response = render_error(ApiFamily::accounts, ApiError::not_found("No such account."));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"result":"error","error":"No such account."})");
}

TEST(ErrorEnvelope, UnavailableDatabaseIs503WithRetryAfter) {
  Response response = render_error(ApiFamily::accounts, ApiError::from_database(sql::Failure::unavailable));
  EXPECT_EQ(response.status, 503);
  std::string serialized = response.serialize();
  EXPECT_NE(serialized.find("Retry-After: 1\r\n"), std::string::npos);
  EXPECT_EQ(ApiError::from_database(sql::Failure::unique_violation).status, 409);
  EXPECT_EQ(ApiError::from_database(sql::Failure::other).status, 500);
}

TEST(Response, SerializesStatusHeadersAndBody) {
  Response response = Response::json(201, "{}");
  response.header("Location", "/x");
  EXPECT_EQ(response.serialize(),
            "Status: 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\nLocation: /x\r\n\r\n{}");
  EXPECT_EQ(Response::no_content().serialize(), "Status: 204 No Content\r\n\r\n");
}

}  // namespace notes
