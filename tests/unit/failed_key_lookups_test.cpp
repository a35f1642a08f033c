#include "credentials/failed_key_lookups.hpp"

#include <gtest/gtest.h>

namespace notes {
namespace {

constexpr int64_t kStart = 1'800'000'000;  // the start of a window

}  // namespace

TEST(FailedKeyLookups, AnAddressIsExhaustedAtTheLimitOfDifferentKeysUntilItsWindowEnds) {
  FailedKeyLookups failures;
  for (int i = 0; i < FailedKeyLookups::kLimit; ++i) {
    EXPECT_FALSE(failures.exhausted("192.0.2.7", kStart)) << i;
    failures.record_failure("192.0.2.7", 1000 + i, kStart);
  }
  EXPECT_TRUE(failures.exhausted("192.0.2.7", kStart));
  EXPECT_TRUE(failures.exhausted("192.0.2.7", kStart + FailedKeyLookups::kWindowSeconds - 1));
  EXPECT_FALSE(failures.exhausted("192.0.2.8", kStart)) << "another address";
  EXPECT_FALSE(failures.exhausted("192.0.2.7", kStart + FailedKeyLookups::kWindowSeconds)) << "the next window";
  failures.record_failure("192.0.2.7", 1, kStart + FailedKeyLookups::kWindowSeconds);
  EXPECT_FALSE(failures.exhausted("192.0.2.7", kStart + FailedKeyLookups::kWindowSeconds));
}

TEST(FailedKeyLookups, OneKeySentAgainAndAgainIsCountedOnce) {
  FailedKeyLookups failures;
  for (int i = 0; i < 10 * FailedKeyLookups::kLimit; ++i) failures.record_failure("192.0.2.9", 42, kStart);
  EXPECT_FALSE(failures.exhausted("192.0.2.9", kStart));
  // More keys in turn than it remembers: each is counted every time.
  for (int i = 0; i < FailedKeyLookups::kLimit; ++i) {
    failures.record_failure("192.0.2.9", 100 + i % (FailedKeyLookups::kRecent + 1), kStart);
  }
  EXPECT_TRUE(failures.exhausted("192.0.2.9", kStart));
}

TEST(FailedKeyLookups, AnIpv6ClientIsItsSlash64) {
  FailedKeyLookups failures;
  for (int i = 0; i < FailedKeyLookups::kLimit; ++i) {
    failures.record_failure("2001:db8:1:2::" + std::to_string(i + 1), 1000 + i, kStart);
  }
  EXPECT_TRUE(failures.exhausted("2001:db8:1:2:ffff::1", kStart));
  EXPECT_FALSE(failures.exhausted("2001:db8:1:3::1", kStart));
  EXPECT_EQ(client_of("2001:db8:1:2::1"), client_of("2001:db8:1:2:abcd::9"));
  EXPECT_NE(client_of("192.0.2.1"), client_of("192.0.2.2"));
}

}  // namespace notes
