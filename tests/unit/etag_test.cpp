#include "handlers/etag.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(ETag, IfMatchNamesRevisions) {
  EXPECT_EQ(note_etag("7"), "\"7\"");
  EXPECT_FALSE(if_match_revisions(nullptr));
  EXPECT_FALSE(if_match_revisions("*"));
  EXPECT_EQ(if_match_revisions("\"7\""), std::vector<int64_t>{7});
  EXPECT_EQ(if_match_revisions("\"7\", \"9\""), (std::vector<int64_t>{7, 9}));
  EXPECT_EQ(if_match_revisions("W/\"7\""), std::vector<int64_t>{});  // weak tags never match If-Match
  EXPECT_EQ(if_match_revisions("7"), std::vector<int64_t>{});
  EXPECT_EQ(if_match_revisions("\"x\""), std::vector<int64_t>{});
}

}  // namespace notes
