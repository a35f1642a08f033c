#include "handlers/token_request.hpp"

#include <gtest/gtest.h>

namespace notes {
namespace {

std::variant<TokenRequest, ApiError> parse(const std::string& content_type, const std::string& body,
                                           const std::string& query = "") {
  std::string type = "CONTENT_TYPE=" + content_type, query_string = "QUERY_STRING=" + query;
  const char* params[] = {"REQUEST_METHOD=POST", type.c_str(), query_string.c_str(), nullptr};
  Request request(params);
  request.body = body;
  return token_request(request);
}

int refusal(const std::variant<TokenRequest, ApiError>& outcome) {
  return std::holds_alternative<ApiError>(outcome) ? std::get<ApiError>(outcome).status : 0;
}

}  // namespace

TEST(TokenRequest, TheOriginalsJsonLogin) {
  auto login = std::get<TokenRequest>(parse(
      "application/json",
      R"({"grant_type":"password","username":"ann","password":"pw","company_id":7,"remember_me":true})"));
  EXPECT_EQ(login.grant_type, "password");
  EXPECT_EQ(login.username, "ann");
  EXPECT_EQ(login.password, "pw");
  EXPECT_EQ(login.company_id, 7);
  EXPECT_EQ(std::get<TokenRequest>(parse("application/json", R"({"company_id":"7"})")).company_id, 7);
}

TEST(TokenRequest, AnOAuthForm) {
  auto refresh = std::get<TokenRequest>(parse("application/x-www-form-urlencoded; charset=utf-8",
                                              "grant_type=refresh_token&refresh_token=nr_x%2By&client_id=z"));
  EXPECT_EQ(refresh.grant_type, "refresh_token");
  EXPECT_EQ(refresh.refresh_token, "nr_x+y");
}

TEST(TokenRequest, RefusalsSayWhy) {
  EXPECT_EQ(refusal(parse("text/plain", "grant_type=password")), 415);
  EXPECT_EQ(refusal(parse("application/json", "[1]")), 400);
  EXPECT_EQ(refusal(parse("application/json", "{")), 400);
  EXPECT_EQ(refusal(parse("application/json", R"({"password":5})")), 400);
  EXPECT_EQ(refusal(parse("application/json", R"({"company_id":-1})")), 400);
  EXPECT_EQ(refusal(parse("application/json", R"({"company_id":"x"})")), 400);
  EXPECT_EQ(refusal(parse("application/x-www-form-urlencoded", "username=a&username=b")), 400);
  EXPECT_EQ(refusal(parse("application/x-www-form-urlencoded", "a=%zz")), 400);
  // Credentials in the URL would be in every access log.
  EXPECT_EQ(refusal(parse("application/json", "{}", "password=pw")), 400);
  EXPECT_EQ(std::get<ApiError>(parse("application/json", "{}", "password=pw")).code, "invalid_request");
}

}  // namespace notes
