#include "http/iso8601.hpp"

#include <gtest/gtest.h>

#include <string>

namespace notes {

TEST(Iso8601, DateTimes) {
  for (const char* good : {"2024-10-06T20:25:26.131Z", "2024-10-06T20:25:26Z", "2024-10-06T20:25Z",
                           "2024-10-06T20:25:26+02:00", "2024-10-06T20:25:26.123456789-05:30"}) {
    EXPECT_TRUE(is_iso8601_datetime(good)) << good;
  }
  for (const char* bad : {"2024-10-06", "2024-10-06T20:25:26", "2024-10-06 20:25:26Z", "2024-13-06T20:25:26Z",
                          "2024-10-32T20:25:26Z", "2024-10-06T24:00:00Z", "2024-10-06T20:60:00Z", "20241006T202526Z",
                          "2024-10-06T20:25:26.Z", "2024-10-06T20:25:26Zjunk", "2024-10-06T20:25:26+2:00", ""}) {
    EXPECT_FALSE(is_iso8601_datetime(bad)) << bad;
  }
  EXPECT_TRUE(is_iso8601_date_or_datetime("2024-10-06"));
  EXPECT_FALSE(is_iso8601_date_or_datetime("2024-10-6"));
}

TEST(Iso8601, DaysMustExistInTheirMonth) {
  EXPECT_TRUE(is_iso8601_date_or_datetime("2024-02-29"));  // a leap year
  EXPECT_TRUE(is_iso8601_date_or_datetime("2000-02-29"));
  for (const char* bad : {"2024-02-30", "2024-02-31", "2023-02-29", "1900-02-29", "2024-04-31", "2024-11-31"}) {
    EXPECT_FALSE(is_iso8601_date_or_datetime(bad)) << bad;
    EXPECT_FALSE(is_iso8601_datetime(std::string(bad) + "T00:00:00Z")) << bad;
  }
}

TEST(Iso8601, TheInstantMustFallInTheUtcYearsOneTo9999) {
  EXPECT_TRUE(is_iso8601_datetime("9999-12-31T23:59:59.999Z"));
  EXPECT_TRUE(is_iso8601_datetime("9999-12-31T09:59:59-14:00"));  // 23:59:59 UTC
  EXPECT_FALSE(is_iso8601_datetime("9999-12-31T10:00:00-14:00"));  // the year 10000 in UTC
  EXPECT_FALSE(is_iso8601_datetime("9999-12-31T23:59:59-14:00"));
  EXPECT_TRUE(is_iso8601_datetime("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(is_iso8601_datetime("0001-01-01T14:00:00+14:00"));  // midnight UTC
  EXPECT_FALSE(is_iso8601_datetime("0001-01-01T13:59:00+14:00"));  // before the year 1 in UTC
  EXPECT_FALSE(is_iso8601_datetime("0001-01-01T00:00:00+14:00"));
  EXPECT_FALSE(is_iso8601_datetime("0000-12-31T23:00:00Z"));
}

}  // namespace notes
