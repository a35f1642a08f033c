#include "handlers/customer_access.hpp"

#include "handlers/etag.hpp"

namespace notes::customer_access {

Response fail(const ApiError& error) { return render_error(ApiFamily::customers, error); }

std::optional<ApiError> require_admin(const Identity& caller) {
  if (caller.role == "owner" || caller.role == "admin") return std::nullopt;
  return ApiError::forbidden("Customer notes require admin privileges.");
}

std::variant<int64_t, ApiError> path_id(const Request& request, std::size_t index, const char* name) {
  if (auto id = parse_positive_id(request.path_params.at(index))) return *id;
  return ApiError::invalid_field(name, std::string(name) + " must be a positive 64-bit integer.");
}

sql::Params note_params(int64_t note_id, const Identity& caller) {
  sql::Params params;
  params.add(note_id).add(caller.company_id).add(caller.user_id).add(std::string_view(caller.role));
  return params;
}

Response note_answer(int status, std::string_view revision, std::string_view note_json) {
  Response response = Response::json(status, std::string(note_json));
  response.header("ETag", note_etag(revision));
  return response;
}

}  // namespace notes::customer_access
