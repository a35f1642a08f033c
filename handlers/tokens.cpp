#include "handlers/tokens.hpp"

#include <ctime>

#include "credentials/api_key.hpp"
#include "credentials/password.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/token_request.hpp"
#include "sql/queries.hpp"

namespace notes::tokens {
namespace {

ApiError invalid_grant(std::string description) { return {400, "invalid_grant", std::move(description)}; }
// One answer for every wrong login, so that it does not tell which part was wrong.
ApiError wrong_login() { return invalid_grant("The username or password is wrong."); }

const SigningKeys& signing_keys(const HandlerContext& context) {
  const SigningKeys* keys = context.services.token_keys;
  if (!keys || keys->empty()) {
    throw ApiError{503, "temporarily_unavailable", "Token login is not configured on this server."};
  }
  return *keys;
}

// The answer to a login or refresh: OAuth's shape (RFC 6749, 5.1), never
// cached by anyone.
Response token_answer(const SigningKeys& keys, const AccessClaims& claims, const std::string& refresh_token) {
  std::string body = "{\"access_token\":" + json_string(keys.sign(claims)) +
                     ",\"token_type\":\"bearer\",\"expires_in\":" + std::to_string(kAccessTokenSeconds) +
                     ",\"refresh_token\":" + json_string(refresh_token) +
                     ",\"refresh_token_expires_in\":" + std::to_string(kRefreshTokenSeconds) + "}";
  Response response = Response::json(200, std::move(body));
  // nginx adds Cache-Control: no-store to every API answer
  // (nginx/snippets/notes-headers.conf); Pragma is for HTTP/1.0 caches.
  response.header("Pragma", "no-cache");
  return response;
}

AccessClaims claims_for(int64_t user_id, int64_t company_id, std::string role, int64_t family_id,
                        int64_t generation, int64_t now) {
  return {user_id, company_id, std::move(role), family_id, generation, now, now + kAccessTokenSeconds};
}

Response password_grant(const TokenRequest& login, HandlerContext& context) {
  const SigningKeys& keys = signing_keys(context);
  if (login.username.empty() || login.password.empty()) {
    throw invalid_token_request("The password grant needs username and password.");
  }
  if (login.password.size() > kMaxPasswordBytes) throw wrong_login();
  const auto& attempt = checked(context.db.execute(
      sql::query::login_attempt(login.company_id, login.username, kMaxLoginAttempts, kLoginWindowSeconds)));
  if (attempt.rows() == 0) {
    password_matches("", login.password);  // as long as a real check
    throw wrong_login();
  }
  if (attempt.boolean(0, 6)) {
    Response refusal = render_error(ApiFamily::customers,
                                    ApiError{429, "too_many_attempts", "Too many login attempts; try again later."});
    refusal.header("Retry-After", std::string(attempt.text(0, 7)));
    return refusal;
  }
  bool matches = password_matches(attempt.text(0, 4), login.password);
  if (!matches || attempt.text(0, 3) != "active") throw wrong_login();

  int64_t user_id = attempt.int64(0, 0);
  std::string refresh_token = generate_refresh_token();
  // The generation whose password was checked: a change since issues nothing.
  const auto& issued = checked(context.db.execute(
      sql::query::login_issue(user_id, hash_secret(refresh_token), kRefreshTokenSeconds, attempt.int64(0, 5))));
  if (issued.rows() != 1) throw wrong_login();  // deleted, deactivated or given a new password meanwhile
  return token_answer(keys,
                      claims_for(user_id, attempt.int64(0, 1), std::string(attempt.text(0, 2)), issued.int64(0, 0),
                                 attempt.int64(0, 5), issued.int64(0, 1)),
                      refresh_token);
}

Response refresh_grant(const TokenRequest& presented, HandlerContext& context) {
  const SigningKeys& keys = signing_keys(context);
  if (presented.refresh_token.empty()) throw invalid_token_request("refresh_token is required.");
  // The original sends the access token along: when it does, it must be
  // ours (expired or not) and of the same login.
  std::optional<AccessClaims> access;
  if (!presented.access_token.empty()) {
    access = keys.verify(presented.access_token, static_cast<int64_t>(std::time(nullptr)), true);
    if (!access) throw invalid_grant("The access token is not one this server issued.");
  }
  std::string presented_hash = hash_secret(presented.refresh_token);
  std::string next = generate_refresh_token();

  sql::Connection& db = context.db;
  if (!db.begin()) throw ApiError::from_database(sql::Failure::unavailable);
  const auto& family = checked(db.execute(sql::query::refresh_family_lock(presented_hash)));
  if (family.rows() == 0) throw invalid_grant("The refresh token is not valid.");
  if (access && access->family_id != family.int64(0, 0)) {
    throw invalid_grant("The access token and the refresh token come from different logins.");
  }
  const auto& rotated =
      checked(db.execute(sql::query::refresh_rotate(presented_hash, hash_secret(next), kRefreshTokenSeconds)));
  // Committed whatever the outcome: a reuse revokes the family for good.
  if (!db.commit()) throw ApiError::from_database(sql::Failure::unavailable);
  if (rotated.rows() != 1 || !rotated.boolean(0, 0)) {
    throw invalid_grant(rotated.rows() == 1 && rotated.boolean(0, 1)
                            ? "The refresh token was used before; every token of its login is revoked."
                            : "The refresh token has expired or was revoked.");
  }
  return token_answer(keys,
                      claims_for(rotated.int64(0, 3), rotated.int64(0, 4), std::string(rotated.text(0, 5)),
                                 rotated.int64(0, 2), rotated.int64(0, 6), rotated.int64(0, 7)),
                      next);
}

}  // namespace

Response issue(const Request& request, HandlerContext& context) {
  TokenRequest body = checked(token_request(request));
  if (body.grant_type == "password") return password_grant(body, context);
  if (body.grant_type == "refresh_token") return refresh_grant(body, context);
  if (body.grant_type.empty()) throw invalid_token_request("grant_type is required.");
  throw ApiError{400, "unsupported_grant_type", "grant_type must be password or refresh_token."};
}

Response refresh(const Request& request, HandlerContext& context) {
  return refresh_grant(checked(token_request(request)), context);
}

}  // namespace notes::tokens
