#include "http/base64.hpp"

#include <gtest/gtest.h>

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

}  // namespace notes
