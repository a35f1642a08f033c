#include "credentials/password.hpp"

#include <gtest/gtest.h>

namespace notes {

TEST(Password, HashIsArgon2idAndMatchesOnlyItsPassword) {
  std::string hash = hash_password("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(password_matches(hash, "correct horse battery"));
  EXPECT_FALSE(password_matches(hash, "correct horse batterY"));
  EXPECT_FALSE(password_matches(hash, ""));
  EXPECT_NE(hash_password("correct horse battery"), hash);  // salted
}

TEST(Password, NoStoredHashNeverMatches) {
  EXPECT_FALSE(password_matches("", ""));
  EXPECT_FALSE(password_matches("", "no user has this password, it is only checked against"));
  EXPECT_FALSE(password_matches("$argon2id$garbage", "x"));
  EXPECT_FALSE(password_matches(std::string(200, 'x'), "x"));
}

}  // namespace notes
