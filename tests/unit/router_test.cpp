#include "http/router.hpp"

#include <gtest/gtest.h>

namespace notes {

using Kind = PathMatcher::Match::Kind;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/v2/account/{account_id}/note", "get note");
    router.add("POST", "/api/v2/account/{account_id}/note", "create note");
    router.add("GET", "/api/v2/objspec/account_note", "spec");
    router.add("GET", "/api/customers/notes/{note_id}/assignees/{user_id}", "assignee");
    router.add("GET", "/healthz", "health");
  }
  Router<std::string> router;
  PathParams params;
};

TEST_F(RouterTest, MatchesMethodAndCapturesPlaceholdersByName) {
  auto match = router.match("POST", "/api/v2/account/42/note", params);
  ASSERT_EQ(match.kind, Kind::found);
  EXPECT_EQ(*match.route, "create note");
  EXPECT_EQ(params.get("account_id"), "42");
  EXPECT_EQ(params.get("note_id"), std::nullopt);
  params.clear();
  ASSERT_EQ(router.match("GET", "/api/customers/notes/7/assignees/9", params).kind, Kind::found);
  EXPECT_EQ(params.get("note_id"), "7");
  EXPECT_EQ(params.get("user_id"), "9");
}

TEST_F(RouterTest, LiteralSegmentsMustMatchExactly) {
  auto match = router.match("GET", "/api/v2/objspec/account_note", params);
  ASSERT_EQ(match.kind, Kind::found);
  EXPECT_EQ(*match.route, "spec");
  EXPECT_EQ(params.get("account_id"), std::nullopt);
}

TEST_F(RouterTest, KnownPathWithOtherMethodListsAllowedMethods) {
  auto match = router.match("DELETE", "/api/v2/account/42/note", params);
  EXPECT_EQ(match.kind, Kind::method_not_allowed);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, "GET, POST");
  EXPECT_EQ(params.get("account_id"), std::nullopt);
}

TEST_F(RouterTest, UnknownPathsAreNotFound) {
  for (const char* path : {"/api/v2/account/42/note/", "/api/v2/account//note", "/api/v2/account/42",
                           "/api/v2/account/42/note/extra", "", "api/v2/account/1/note", "/", "/healthz/"}) {
    EXPECT_EQ(router.match("GET", path, params).kind, Kind::not_found) << path;
  }
}

TEST(SplitPath, KeepsEmptySegments) {
  EXPECT_EQ(split_path("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_TRUE(split_path("relative").empty());
}

}  // namespace notes
