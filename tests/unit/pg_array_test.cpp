#include "sql/pg_array.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(PgArray, QuotesAndEscapesEveryElement) {
  EXPECT_EQ(sql::text_array_literal({}), "{}");
  EXPECT_EQ(sql::text_array_literal({"a", "b c", "q\"uote", "back\\slash", "{x,y}", "NULL"}),
            R"({"a","b c","q\"uote","back\\slash","{x,y}","NULL"})");
  EXPECT_EQ(sql::bigint_array_literal({1, -2, 9223372036854775807}), "{1,-2,9223372036854775807}");
}

}  // namespace notes
