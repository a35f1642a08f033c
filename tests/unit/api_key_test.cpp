#include "credentials/api_key.hpp"

#include <gtest/gtest.h>

#include <set>

namespace notes {

TEST(ApiKey, GeneratedKeysAreLongRandomAndHeaderSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string key = generate_api_key();
    EXPECT_EQ(key.size(), 3u + 43u);
    EXPECT_EQ(key.rfind("nk_", 0), 0u);
    EXPECT_EQ(key_from_authorization(key), key);  // usable as a raw key
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(ApiKey, HashIsSha256) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  std::string digest = hash_secret("abc");
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0xbau);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0xadu);
  EXPECT_NE(hash_secret("abd"), digest);
  EXPECT_EQ(to_hex(digest).substr(0, 8), "ba7816bf");
  EXPECT_EQ(to_hex(std::string("\x00\xab\xff", 3)), "00abff");
}

TEST(ApiKey, HexRoundTrips) {
  EXPECT_EQ(from_hex("00abff"), std::string("\x00\xab\xff", 3));
  EXPECT_EQ(from_hex("00ABFF"), std::string("\x00\xab\xff", 3));
  EXPECT_EQ(from_hex(""), std::string());
  std::string bytes = hash_secret("abc");
  EXPECT_EQ(from_hex(to_hex(bytes)), bytes);
  for (const char* bad : {"0", "0g", "00 ", "\\x00"}) EXPECT_FALSE(from_hex(bad)) << bad;
}

TEST(ApiKey, AcceptsBothCredentialForms) {
  EXPECT_EQ(key_from_authorization("Bearer nk_abc"), "nk_abc");
  EXPECT_EQ(key_from_authorization("bearer   nk_abc"), "nk_abc");
  EXPECT_EQ(key_from_authorization("BEARER nk_abc"), "nk_abc");
  EXPECT_EQ(key_from_authorization("sgfeea6jsaz4mum9su8w6"), "sgfeea6jsaz4mum9su8w6");
}

TEST(ApiKey, RefusesAnythingElse) {
  for (const char* header : {"", "Bearer ", "Basic dXNlcjpwYXNz", "nk_abc extra", "nk_\"abc",
                             "Bearer nk_abc\r\n", "Token nk_abc"}) {
    EXPECT_FALSE(key_from_authorization(header)) << header;
  }
  EXPECT_TRUE(key_from_authorization(std::string(1024, 'a')));  // an access token's length, with room
  EXPECT_FALSE(key_from_authorization(std::string(1025, 'a')));
}

}  // namespace notes
