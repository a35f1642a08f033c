#include "http/content_length.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(ContentLength, AbsentOrEmptyIsZero) {
  EXPECT_EQ(parse_content_length(nullptr), 0u);
  EXPECT_EQ(parse_content_length(""), 0u);
}

TEST(ContentLength, DigitsOnly) {
  EXPECT_EQ(parse_content_length("0"), 0u);
  EXPECT_EQ(parse_content_length("1234"), 1234u);
  EXPECT_EQ(parse_content_length("999999999999999999"), 999999999999999999u);
  for (const char* bad : {"-1", "+1", " 1", "1 ", "1a", "0x10", "1e3", "1.0", "9999999999999999999"}) {
    EXPECT_FALSE(parse_content_length(bad)) << bad;
  }
}

}  // namespace notes
