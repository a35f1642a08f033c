#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace notes {

// What an access token says (docs/api.md, "Tokens"): a JWT signed with
// HMAC-SHA256, so the auth responder can check it without the database.
struct AccessClaims {
  int64_t user_id = 0;
  int64_t company_id = 0;
  std::string role;         // "owner", "admin" or "staff" when issued
  int64_t family_id = 0;    // the login it descends from (token_families)
  int64_t generation = 0;   // the user's token_generation when issued
  int64_t issued_at = 0;    // Unix seconds
  int64_t expires_at = 0;
};

// How long an access token counts, as the original's do.
inline constexpr int64_t kAccessTokenSeconds = 30 * 60;

// The keys access tokens are signed with, from the keys file
// (docs/api.md, "Tokens"): the first signs, every one verifies,
// so a new key goes first and the old one stays below it until the tokens
// it signed have expired.
class SigningKeys {
 public:
  // One key per line in base64, at least 32 bytes decoded; blank lines and
  // lines starting with '#' are skipped. The error names the line at fault.
  static std::variant<SigningKeys, std::string> parse(std::string_view text);

  bool empty() const { return keys_.empty(); }

  // A signed token of `claims`. Throws std::runtime_error if libjwt fails.
  std::string sign(const AccessClaims& claims) const;

  // The claims of a token one of the keys signed with HS256 and that is
  // well formed; nothing otherwise. Unless `expired_too`, also nothing once
  // `now` (Unix seconds) has reached its expiry.
  std::optional<AccessClaims> verify(std::string_view token, int64_t now, bool expired_too = false) const;

 private:
  std::vector<std::string> keys_;
};

// Whether a bearer credential is shaped as an access token (three parts
// joined by dots) rather than an API key, which has no dot.
bool is_access_token(std::string_view credential);

}  // namespace notes
