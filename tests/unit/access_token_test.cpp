#include "credentials/access_token.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>

namespace notes {
namespace {

// Two keys of 32+ bytes each, in base64.
constexpr const char* kKeyA = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIz";
constexpr const char* kKeyB = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTBmZWRj";
constexpr int64_t kNow = 1'800'000'000;

SigningKeys keys_of(const std::string& text) {
  auto parsed = SigningKeys::parse(text);
  EXPECT_TRUE(std::holds_alternative<SigningKeys>(parsed)) << std::get<std::string>(parsed);
  return std::get<SigningKeys>(parsed);
}

AccessClaims claims() { return {42, 7, "admin", 99, 3, kNow, kNow + kAccessTokenSeconds}; }

// A token signed by libjwt with `alg` and `key`, the claims given as JSON.
std::string forged(jwt_alg_t alg, const std::string& key, const char* claims_json) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(jwt, claims_json);
  jwt_set_alg(jwt, alg, alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size()));
  char* text = jwt_encode_str(jwt);
  std::string token(text ? text : "");
  free(text);
  jwt_free(jwt);
  return token;
}

constexpr const char* kClaimsJson =
    R"({"iss":"notesd","sub":"42","cid":7,"role":"owner","fam":99,"gen":3,"iat":1800000000,"exp":1800001800})";

}  // namespace

TEST(AccessToken, WhatIsSignedVerifies) {
  SigningKeys keys = keys_of(kKeyA);
  std::string token = keys.sign(claims());
  EXPECT_TRUE(is_access_token(token));
  auto back = keys.verify(token, kNow + 10);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user_id, 42);
  EXPECT_EQ(back->company_id, 7);
  EXPECT_EQ(back->role, "admin");
  EXPECT_EQ(back->family_id, 99);
  EXPECT_EQ(back->generation, 3);
  EXPECT_EQ(back->expires_at, kNow + kAccessTokenSeconds);
}

TEST(AccessToken, ExpiredFromItsExpirySecond) {
  SigningKeys keys = keys_of(kKeyA);
  std::string token = keys.sign(claims());
  EXPECT_TRUE(keys.verify(token, kNow + kAccessTokenSeconds - 1));
  EXPECT_FALSE(keys.verify(token, kNow + kAccessTokenSeconds));
  EXPECT_TRUE(keys.verify(token, kNow + kAccessTokenSeconds, true));  // a refresh may name an expired one
}

TEST(AccessToken, AnotherKeyOrAChangedByteIsRefused) {
  std::string token = keys_of(kKeyA).sign(claims());
  EXPECT_FALSE(keys_of(kKeyB).verify(token, kNow));
  // The payload edited (role admin -> owner) under the same signature.
  auto first_dot = token.find('.'), second_dot = token.rfind('.');
  std::string payload = token.substr(first_dot + 1, second_dot - first_dot - 1);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    std::string changed = token;
    changed[first_dot + 1 + i] = changed[first_dot + 1 + i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(keys_of(kKeyA).verify(changed, kNow)) << i;
  }
}

TEST(AccessToken, OnlyHs256WithOurKeyCounts) {
  SigningKeys keys = keys_of(kKeyA);
  auto key_a = std::string("0123456789abcdef0123456789abcdef0123");  // kKeyA decoded
  EXPECT_TRUE(keys.verify(forged(JWT_ALG_HS256, key_a, kClaimsJson), kNow));
  EXPECT_FALSE(keys.verify(forged(JWT_ALG_NONE, "", kClaimsJson), kNow));
  EXPECT_FALSE(keys.verify(forged(JWT_ALG_HS512, key_a, kClaimsJson), kNow));
  EXPECT_FALSE(keys.verify(forged(JWT_ALG_HS384, key_a, kClaimsJson), kNow));
  // "none" with the signature part left empty or a stray one.
  std::string none = forged(JWT_ALG_NONE, "", kClaimsJson);
  EXPECT_FALSE(keys.verify(none + "x", kNow));
}

TEST(AccessToken, ClaimsMustBeComplete) {
  std::string key_a = "0123456789abcdef0123456789abcdef0123";
  SigningKeys keys = keys_of(kKeyA);
  for (const char* json :
       {R"({"iss":"other","sub":"42","cid":7,"role":"owner","fam":99,"gen":3,"iat":1800000000,"exp":1800001800})",
        R"({"iss":"notesd","sub":"x","cid":7,"role":"owner","fam":99,"gen":3,"iat":1800000000,"exp":1800001800})",
        R"({"iss":"notesd","sub":"42","role":"owner","fam":99,"gen":3,"iat":1800000000,"exp":1800001800})",
        R"({"iss":"notesd","sub":"42","cid":7,"role":"root","fam":99,"gen":3,"iat":1800000000,"exp":1800001800})",
        R"({"iss":"notesd","sub":"42","cid":7,"role":"owner","gen":3,"iat":1800000000,"exp":1800001800})",
        R"({"iss":"notesd","sub":"42","cid":7,"role":"owner","fam":99,"gen":3,"iat":1800000000})"}) {
    EXPECT_FALSE(keys.verify(forged(JWT_ALG_HS256, key_a, json), kNow)) << json;
  }
}

TEST(AccessToken, TheFirstKeySignsEveryKeyVerifies) {
  std::string old_token = keys_of(kKeyA).sign(claims());
  SigningKeys rotated = keys_of(std::string("# new key first\n") + kKeyB + "\n\n" + kKeyA + "\n");
  EXPECT_TRUE(rotated.verify(old_token, kNow));
  std::string new_token = rotated.sign(claims());
  EXPECT_FALSE(keys_of(kKeyA).verify(new_token, kNow));
  EXPECT_TRUE(keys_of(kKeyB).verify(new_token, kNow));
}

TEST(AccessToken, KeysFileErrorsNameTheLine) {
  auto bad = SigningKeys::parse(std::string(kKeyA) + "\nnot base64!\n");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_EQ(std::get<std::string>(bad), "line 2 is not base64");
  auto short_key = SigningKeys::parse("c2hvcnQ=\n");
  ASSERT_TRUE(std::holds_alternative<std::string>(short_key));
  EXPECT_EQ(std::get<std::string>(short_key), "line 1 holds fewer than 32 bytes");
  EXPECT_TRUE(std::get<SigningKeys>(SigningKeys::parse("# nothing\n")).empty());
}

TEST(AccessToken, ApiKeysAreNotTakenForTokens) {
  EXPECT_FALSE(is_access_token("nk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"));
  EXPECT_TRUE(is_access_token("a.b.c"));
  EXPECT_FALSE(keys_of(kKeyA).verify("a.b.c", kNow));
}

}  // namespace notes
