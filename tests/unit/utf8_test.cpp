#include "http/utf8.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(Utf8, AcceptsEveryWellFormedLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));              // é
  EXPECT_TRUE(is_valid_utf8("\xe2\x9c\x93"));          // ✓
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));      // 😀
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));          // U+D7FF, just below surrogates
}

TEST(Utf8, RefusesMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));                 // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xc3"));                 // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x9c"));             // truncated
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));             // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));         // overlong
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));     // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));         // U+D800
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));         // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));     // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x28\xa1"));         // bad continuation
}

}  // namespace notes
