#include "handlers/auth.hpp"

#include <algorithm>

#include "handlers/api_key.hpp"
#include "handlers/error_envelope.hpp"

namespace notes::auth {

namespace {
// nginx answers the client itself (nginx/snippets/notes-errors.conf); it only
// needs the status.
Response unauthorized() { return Response::json(401, ""); }
}  // namespace

Response check(const Request& request, HandlerContext& context) {
  auto key = key_from_authorization(request.param_or_empty("HTTP_AUTHORIZATION"));
  if (!key) return unauthorized();
  sql::Params params;
  params.add_binary(hash_api_key(*key));
  auto result = context.db.execute(sql::Statement::auth_by_key_hash, params);
  if (!result.ok()) return render_error(ApiFamily::customers, ApiError::from_database(result.failure()));
  if (result.rows() != 1) return unauthorized();

  // A key about to expire is cached only until it does.
  int64_t cache_seconds = kCacheSeconds;
  if (!result.is_null(0, 3)) cache_seconds = std::clamp<int64_t>(result.int64(0, 3), 0, kCacheSeconds);
  Response response = Response::no_content();
  response.status = 200;
  response.header("X-Notes-User-Id", std::string(result.text(0, 0)))
      .header("X-Notes-Company-Id", std::string(result.text(0, 1)))
      .header("X-Notes-Role", std::string(result.text(0, 2)))
      .header("X-Accel-Expires", std::to_string(cache_seconds));
  return response;
}

}  // namespace notes::auth
