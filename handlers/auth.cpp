#include "handlers/auth.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "credentials/access_token.hpp"
#include "credentials/api_key.hpp"
#include "handlers/error_envelope.hpp"

namespace notes::auth {

namespace {
// nginx answers the client itself (nginx/snippets/notes-errors.conf); it only
// needs the status.
Response unauthorized() { return Response::json(401, ""); }

// auth_request passes on only 401 and 403: a 403 naming this refusal
// becomes nginx's 429 (nginx/snippets/notes-errors.conf).
Response too_many_failed_keys() {
  Response response = Response::json(403, "");
  response.header("X-Notes-Refusal", "too_many_failed_keys");
  return response;
}

int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// 200 naming the caller and the credential it presented ("key:<id>" or
// "token:<family id>", which history records), cacheable by nginx through
// that second (none: not cached).
Response caller_named(std::string_view user_id, std::string_view company_id, std::string_view role,
                      std::string credential, std::optional<int64_t> cache_through_second) {
  Response response = Response::no_content();
  response.status = 200;
  response.header("X-Notes-User-Id", std::string(user_id))
      .header("X-Notes-Company-Id", std::string(company_id))
      .header("X-Notes-Role", std::string(role))
      .header("X-Notes-Credential", std::move(credential))
      // "@" + Unix time: fresh through that second; "0": not cached.
      .header("X-Accel-Expires",
              cache_through_second ? "@" + std::to_string(*cache_through_second) : std::string("0"));
  return response;
}

// An access token is checked here without the database: its signature and
// expiry, then what this worker knows of revocations (refreshed at most once
// per TokenRevocations::kFreshFor). nginx may cache the answer a second less
// than an API key's, so that both stop within kCacheSeconds of a change.
Response check_access_token(std::string_view token, HandlerContext& context) {
  const SigningKeys* keys = context.services.token_keys;
  TokenRevocations* revocations = context.services.token_revocations;
  if (!keys || !revocations) return unauthorized();
  auto now = std::chrono::system_clock::now();
  double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  auto claims = keys->verify(token, static_cast<int64_t>(std::floor(now_seconds)));
  if (!claims) return unauthorized();
  switch (revocations->check(*claims, context.db, TokenRevocations::Clock::now())) {
    case TokenRevocations::Verdict::revoked:
      return unauthorized();
    case TokenRevocations::Verdict::unknown:
      return render_error(ApiFamily::customers, ApiError::from_database(sql::Failure::unavailable));
    case TokenRevocations::Verdict::counts:
      break;
  }
  constexpr int kTokenCacheSeconds = kCacheSeconds - 1;
  static_assert(TokenRevocations::kFreshFor.count() <= 1000, "the token cache bound assumes 1 s");
  return caller_named(std::to_string(claims->user_id), std::to_string(claims->company_id), claims->role,
                      "token:" + std::to_string(claims->family_id),
                      cache_through(now_seconds, static_cast<double>(claims->expires_at), kTokenCacheSeconds));
}
}  // namespace

std::optional<int64_t> cache_through(double now, std::optional<double> expires, int seconds) {
  auto last = static_cast<int64_t>(std::floor(now)) + seconds - 1;
  if (expires) last = std::min(last, static_cast<int64_t>(std::floor(*expires)) - 1);
  if (last < static_cast<int64_t>(std::floor(now))) return std::nullopt;
  return last;
}

Response check(const Request& request, HandlerContext& context) {
  // The key as nginx read it from the Authorization header, whatever its
  // spelling: nginx keys its limits and its cache on exactly this string.
  auto key = key_from_authorization(request.param_or_empty("NOTES_PRESENTED_KEY"));
  if (!key) return unauthorized();
  if (is_access_token(*key)) return check_access_token(*key, context);
  const FailedKeyLookups* failures = context.services.failed_key_lookups;
  std::string_view address = request.param_or_empty("REMOTE_ADDR");
  if (failures && failures->exhausted(address, unix_seconds_now())) return too_many_failed_keys();
  std::string key_hash = hash_secret(*key);
  auto result = context.db.execute(sql::query::auth_by_key_hash(key_hash));
  if (!result.ok()) return render_error(ApiFamily::customers, ApiError::from_database(result.failure()));
  if (result.rows() != 1) {
    if (failures) {
      uint64_t digest = 0;
      std::memcpy(&digest, key_hash.data(), sizeof digest);
      failures->record_failure(address, digest, unix_seconds_now());
    }
    return unauthorized();
  }

  // A key about to expire is cached only until it does. The times are the
  // database's, the clock nginx compares them with is the same host's.
  std::optional<double> expires;
  if (!result.is_null(0, 4)) expires = std::strtod(std::string(result.text(0, 4)).c_str(), nullptr);
  auto through = cache_through(std::strtod(std::string(result.text(0, 3)).c_str(), nullptr), expires);
  return caller_named(result.text(0, 0), result.text(0, 1), result.text(0, 2),
                      "key:" + std::string(result.text(0, 5)), through);
}

}  // namespace notes::auth
