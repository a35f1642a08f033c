#include "handlers/auth.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "credentials/api_key.hpp"
#include "handlers/error_envelope.hpp"

namespace notes::auth {

namespace {
// nginx answers the client itself (nginx/snippets/notes-errors.conf); it only
// needs the status.
Response unauthorized() { return Response::json(401, ""); }
}  // namespace

std::optional<int64_t> cache_through(double now, std::optional<double> expires) {
  auto last = static_cast<int64_t>(std::floor(now)) + kCacheSeconds - 1;
  if (expires) last = std::min(last, static_cast<int64_t>(std::floor(*expires)) - 1);
  if (last < static_cast<int64_t>(std::floor(now))) return std::nullopt;
  return last;
}

Response check(const Request& request, HandlerContext& context) {
  auto key = key_from_authorization(request.param_or_empty("HTTP_AUTHORIZATION"));
  if (!key) return unauthorized();
  auto result = context.db.execute(sql::query::auth_by_key_hash(hash_api_key(*key)));
  if (!result.ok()) return render_error(ApiFamily::customers, ApiError::from_database(result.failure()));
  if (result.rows() != 1) return unauthorized();

  // A key about to expire is cached only until it does. The times are the
  // database's, the clock nginx compares them with is the same host's.
  std::optional<double> expires;
  if (!result.is_null(0, 4)) expires = std::strtod(std::string(result.text(0, 4)).c_str(), nullptr);
  auto through = cache_through(std::strtod(std::string(result.text(0, 3)).c_str(), nullptr), expires);
  Response response = Response::no_content();
  response.status = 200;
  response.header("X-Notes-User-Id", std::string(result.text(0, 0)))
      .header("X-Notes-Company-Id", std::string(result.text(0, 1)))
      .header("X-Notes-Role", std::string(result.text(0, 2)))
      // "@" + Unix time: fresh through that second; "0": not cached.
      .header("X-Accel-Expires", through ? "@" + std::to_string(*through) : std::string("0"));
  return response;
}

}  // namespace notes::auth
