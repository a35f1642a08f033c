#include "fcgi/router.hpp"

#include <gtest/gtest.h>

namespace notes {

Response handler_a(const Request&, HandlerContext&) { return Response::json(200, "a"); }
Response handler_b(const Request&, HandlerContext&) { return Response::json(200, "b"); }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/v2/account/{account_id}/note", handler_a);
    router.add("POST", "/api/v2/account/{account_id}/note", handler_b);
    router.add("GET", "/api/v2/objspec/account_note", handler_b);
    router.add("GET", "/healthz", handler_a);
  }
  Router router;
  std::vector<std::string> params;
};

TEST_F(RouterTest, MatchesMethodAndCapturesPlaceholders) {
  auto match = router.match("POST", "/api/v2/account/42/note", params);
  ASSERT_EQ(match.kind, Router::Match::Kind::found);
  EXPECT_EQ(match.handler, &handler_b);
  EXPECT_EQ(params, std::vector<std::string>{"42"});
}

TEST_F(RouterTest, LiteralSegmentsMustMatchExactly) {
  auto match = router.match("GET", "/api/v2/objspec/account_note", params);
  ASSERT_EQ(match.kind, Router::Match::Kind::found);
  EXPECT_EQ(match.handler, &handler_b);
  EXPECT_TRUE(params.empty());
}

TEST_F(RouterTest, KnownPathWithOtherMethodListsAllowedMethods) {
  auto match = router.match("DELETE", "/api/v2/account/42/note", params);
  EXPECT_EQ(match.kind, Router::Match::Kind::method_not_allowed);
  EXPECT_EQ(match.allow, "GET, POST");
  EXPECT_TRUE(params.empty());
}

TEST_F(RouterTest, UnknownPathsAreNotFound) {
  for (const char* path : {"/api/v2/account/42/note/", "/api/v2/account//note", "/api/v2/account/42",
                           "/api/v2/account/42/note/extra", "", "api/v2/account/1/note", "/", "/healthz/"}) {
    EXPECT_EQ(router.match("GET", path, params).kind, Router::Match::Kind::not_found) << path;
  }
}

TEST(SplitPath, KeepsEmptySegments) {
  EXPECT_EQ(split_path("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_TRUE(split_path("relative").empty());
}

}  // namespace notes
