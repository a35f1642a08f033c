#include "credentials/access_token.hpp"

#include <jwt.h>
#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace notes {
namespace {

constexpr std::size_t kMinKeyBytes = 32;
constexpr const char* kIssuer = "notesd";

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

std::optional<std::string> decode_base64(std::string_view text) {
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(), text.size(),
                          nullptr, &length, nullptr, variant) == 0) {
      bytes.resize(length);
      return bytes;
    }
  }
  return std::nullopt;
}

std::string_view trimmed(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// An integer claim, or nothing when it is missing or not an integer.
std::optional<int64_t> integer_claim(jwt_t* jwt, const char* name) {
  errno = 0;
  long value = jwt_get_grant_int(jwt, name);
  if (errno != 0) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::optional<AccessClaims> claims_of(jwt_t* jwt) {
  const char* issuer = jwt_get_grant(jwt, "iss");
  const char* subject = jwt_get_grant(jwt, "sub");
  const char* role = jwt_get_grant(jwt, "role");
  if (!issuer || std::string_view(issuer) != kIssuer || !subject || !role) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long user = std::strtoll(subject, &end, 10);
  if (errno != 0 || end == subject || *end != '\0' || user <= 0) return std::nullopt;
  auto company = integer_claim(jwt, "cid");
  auto family = integer_claim(jwt, "fam");
  auto generation = integer_claim(jwt, "gen");
  auto issued = integer_claim(jwt, "iat");
  auto expires = integer_claim(jwt, "exp");
  if (!company || !family || !generation || !issued || !expires) return std::nullopt;
  std::string_view r(role);
  if (r != "owner" && r != "admin" && r != "staff") return std::nullopt;
  return AccessClaims{user, *company, std::string(r), *family, *generation, *issued, *expires};
}

}  // namespace

std::variant<SigningKeys, std::string> SigningKeys::parse(std::string_view text) {
  if (sodium_init() < 0) return std::string("libsodium failed to start");
  SigningKeys keys;
  int number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    auto key = decode_base64(line);
    if (!key) return "line " + std::to_string(number) + " is not base64";
    if (key->size() < kMinKeyBytes) {
      return "line " + std::to_string(number) + " holds fewer than " + std::to_string(kMinKeyBytes) + " bytes";
    }
    keys.keys_.push_back(std::move(*key));
  }
  return keys;
}

std::string SigningKeys::sign(const AccessClaims& claims) const {
  if (keys_.empty()) throw std::runtime_error("no key to sign access tokens with");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: out of memory");
  JwtPtr jwt(raw);
  const std::string& key = keys_.front();
  std::string subject = std::to_string(claims.user_id);
  bool ok = jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())) == 0 &&
            jwt_add_grant(jwt.get(), "iss", kIssuer) == 0 && jwt_add_grant(jwt.get(), "sub", subject.c_str()) == 0 &&
            jwt_add_grant_int(jwt.get(), "cid", claims.company_id) == 0 &&
            jwt_add_grant(jwt.get(), "role", claims.role.c_str()) == 0 &&
            jwt_add_grant_int(jwt.get(), "fam", claims.family_id) == 0 &&
            jwt_add_grant_int(jwt.get(), "gen", claims.generation) == 0 &&
            jwt_add_grant_int(jwt.get(), "iat", claims.issued_at) == 0 &&
            jwt_add_grant_int(jwt.get(), "exp", claims.expires_at) == 0;
  if (!ok) throw std::runtime_error("libjwt refused a claim");
  char* encoded = jwt_encode_str(jwt.get());
  if (!encoded) throw std::runtime_error("libjwt could not encode a token");
  std::string token(encoded);
  free(encoded);
  return token;
}

std::optional<AccessClaims> SigningKeys::verify(std::string_view token, int64_t now, bool expired_too) const {
  if (!is_access_token(token)) return std::nullopt;
  std::string text(token);
  for (const std::string& key : keys_) {
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) != 0) {
      continue;
    }
    JwtPtr jwt(raw);
    // Only what we sign counts: never "none", never another algorithm the
    // token's own header asks for.
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return std::nullopt;
    auto claims = claims_of(jwt.get());
    if (!claims) return std::nullopt;
    if (!expired_too && now >= claims->expires_at) return std::nullopt;
    return claims;
  }
  return std::nullopt;
}

bool is_access_token(std::string_view credential) {
  return std::count(credential.begin(), credential.end(), '.') == 2;
}

}  // namespace notes
