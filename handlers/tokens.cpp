#include "handlers/tokens.hpp"

#include <ctime>

#include "credentials/api_key.hpp"
#include "credentials/client_address.hpp"
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

// The columns of a login_attempt row (sql/statements.cpp).
namespace login_attempt_column {
enum { over, retry_after, user_id, company_id, role, status, password_hash, token_generation };
}

// `request_address`: the client's, as nginx gives it (REMOTE_ADDR).
Response password_grant(const TokenRequest& login, std::string_view request_address, HandlerContext& context) {
  const SigningKeys& keys = signing_keys(context);
  if (login.username.empty() || login.password.empty()) {
    throw invalid_token_request("The password grant needs username and password.");
  }
  if (login.password.size() > kMaxPasswordBytes) throw wrong_login();
  // Counted per name presented, known or not, and per client: the limit
  // tells no one which names exist, and an attacker's attempts keep no one
  // else out (sql/migrations/019_login_attempts_per_client.sql).
  std::string name = hash_secret(std::to_string(login.company_id.value_or(0)) + "\n" + login.username);
  auto client = static_cast<int64_t>(client_of(request_address));
  const auto& attempt = checked(context.db.execute(sql::query::login_attempt(
      name, client, login.company_id, login.username, kMaxLoginAttempts, kLoginWindowSeconds)));
  namespace la = login_attempt_column;
  if (attempt.boolean(0, la::over)) {
    Response refusal = render_error(ApiFamily::customers,
                                    ApiError{429, "too_many_attempts", "Too many login attempts; try again later."});
    refusal.header("Retry-After", std::string(attempt.text(0, la::retry_after)));
    return refusal;
  }
  if (attempt.is_null(0, la::user_id)) {
    password_matches("", login.password);  // as long as a real check
    throw wrong_login();
  }
  bool matches = password_matches(attempt.text(0, la::password_hash), login.password);
  if (!matches || attempt.text(0, la::status) != "active") throw wrong_login();

  int64_t user_id = attempt.int64(0, la::user_id);
  int64_t generation = attempt.int64(0, la::token_generation);
  std::string refresh_token = generate_refresh_token();
  // The generation whose password was checked: a change since issues nothing.
  const auto& issued = checked(context.db.execute(
      sql::query::login_issue(user_id, hash_secret(refresh_token), kRefreshTokenSeconds, generation, name, client)));
  if (issued.rows() != 1) throw wrong_login();  // deleted, deactivated or given a new password meanwhile
  return token_answer(keys,
                      claims_for(user_id, attempt.int64(0, la::company_id), std::string(attempt.text(0, la::role)),
                                 issued.int64(0, 0), generation, issued.int64(0, 1)),
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
  if (body.grant_type == "password") return password_grant(body, request.param_or_empty("REMOTE_ADDR"), context);
  if (body.grant_type == "refresh_token") return refresh_grant(body, context);
  if (body.grant_type.empty()) throw invalid_token_request("grant_type is required.");
  throw ApiError{400, "unsupported_grant_type", "grant_type must be password or refresh_token."};
}

Response refresh(const Request& request, HandlerContext& context) {
  return refresh_grant(checked(token_request(request)), context);
}

}  // namespace notes::tokens
