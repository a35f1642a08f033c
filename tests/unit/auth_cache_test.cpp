#include <gtest/gtest.h>

#include "handlers/auth.hpp"

namespace notes {

// nginx serves a cached answer while its clock's whole second is at most the
// value given, i.e. until one second past it: these check the value against
// the bounds the docs promise (docs/reliability.md).
TEST(AuthCache, AKeyWithoutExpiryIsCachedUnderFiveSeconds) {
  // Answered at 100.0: fresh through second 104, i.e. until 105.0 = 100 + 5.
  EXPECT_EQ(auth::cache_through(100.0, std::nullopt), 104);
  // Answered at 100.9: until 105.0, less than 5 s.
  EXPECT_EQ(auth::cache_through(100.9, std::nullopt), 104);
}

TEST(AuthCache, AKeyIsNeverServedFromTheCacheAtOrPastItsExpiry) {
  // Expiring at 102.0: fresh through second 101, i.e. until 102.0.
  EXPECT_EQ(auth::cache_through(100.2, 102.0), 101);
  // Expiring at 102.5: until 102.0, before the expiry.
  EXPECT_EQ(auth::cache_through(100.2, 102.5), 101);
  // Expiring within the current second: not cached at all.
  EXPECT_EQ(auth::cache_through(100.2, 100.9), std::nullopt);
  // Expiring in 1.5 s, across the next second: cached through this one only.
  EXPECT_EQ(auth::cache_through(100.6, 102.1), 101);
  EXPECT_EQ(auth::cache_through(100.6, 101.9), 100);
}

}  // namespace notes
