#include "sql/pg_timestamp.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(PgTimestamp, BecomesIso8601WithMillisecondsAndZ) {
  using sql::iso8601_from_pg_timestamp;
  EXPECT_EQ(iso8601_from_pg_timestamp("2024-10-06 20:25:26.131456+00"), "2024-10-06T20:25:26.131Z");
  EXPECT_EQ(iso8601_from_pg_timestamp("2024-10-06 20:25:26.1319+00"), "2024-10-06T20:25:26.131Z");  // truncated
  EXPECT_EQ(iso8601_from_pg_timestamp("2024-10-06 20:25:26.5+00"), "2024-10-06T20:25:26.500Z");
  EXPECT_EQ(iso8601_from_pg_timestamp("2024-10-06 20:25:26+00"), "2024-10-06T20:25:26.000Z");
  EXPECT_EQ(iso8601_from_pg_timestamp("2024-10-06 20:25:26+00:00"), "2024-10-06T20:25:26.000Z");
}

TEST(PgTimestamp, LeavesOtherFormsAlone) {
  using sql::iso8601_from_pg_timestamp;
  for (const char* other : {"infinity", "-infinity", "12024-10-06 20:25:26+00", "2024-10-06 20:25:26+00 BC",
                            "2024-10-06 20:25:26+02", "2024-10-06 20:25:26.+00", "2024-10-06T20:25:26Z", ""}) {
    EXPECT_EQ(iso8601_from_pg_timestamp(other), other);
  }
}

}  // namespace notes
