// Small encoders and decoders: base64, ETags, ISO 8601, PostgreSQL arrays.
#include <gtest/gtest.h>

#include <string>

#include "fcgi/iso8601.hpp"
#include "handlers/base64.hpp"
#include "handlers/etag.hpp"
#include "sql/pg_array.hpp"
#include "sql/pg_timestamp.hpp"

namespace notes {

TEST(Base64, DecodesStandardWithOrWithoutPadding) {
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");
  EXPECT_EQ(decode_base64("aGVsbG8"), "hello");
  EXPECT_EQ(decode_base64("AAEC/w=="), std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(decode_base64("+/+/"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64, RefusesEverythingElse) {
  for (const char* bad : {"a", "aGVsbG8=\n", "aGVs bG8=", "aGVsbG8-", "aGVsbG_=", "a===", "AAF", "AB==", "====",
                          "aGVsbG8==="}) {
    EXPECT_FALSE(decode_base64(bad)) << bad;
  }
}

TEST(ETag, IfMatchNamesRevisions) {
  EXPECT_EQ(note_etag("7"), "\"7\"");
  EXPECT_FALSE(if_match_revisions(nullptr));
  EXPECT_FALSE(if_match_revisions("*"));
  EXPECT_EQ(if_match_revisions("\"7\""), "{7}");
  EXPECT_EQ(if_match_revisions("\"7\", \"9\""), "{7,9}");
  EXPECT_EQ(if_match_revisions("W/\"7\""), "{}");  // weak tags never match If-Match
  EXPECT_EQ(if_match_revisions("7"), "{}");
  EXPECT_EQ(if_match_revisions("\"x\""), "{}");
}

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

TEST(PgArray, QuotesAndEscapesEveryElement) {
  EXPECT_EQ(sql::text_array_literal({}), "{}");
  EXPECT_EQ(sql::text_array_literal({"a", "b c", "q\"uote", "back\\slash", "{x,y}", "NULL"}),
            R"({"a","b c","q\"uote","back\\slash","{x,y}","NULL"})");
  EXPECT_EQ(sql::bigint_array_literal({1, -2, 9223372036854775807}), "{1,-2,9223372036854775807}");
}

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
