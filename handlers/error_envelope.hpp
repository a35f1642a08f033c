#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/response.hpp"
#include "sql/result.hpp"

namespace notes {

// The two route families answer errors in the shapes of the APIs they come
// from (docs/api.md, "Every route").
enum class ApiFamily {
  customers,  // {"error", "error_description", "error_details"}
  accounts,   // {"result": "error", "error"}
};

// /api/v2/... is the account family; every other path answers like customers.
ApiFamily family_of(std::string_view path);

struct ApiError {
  int status = 500;
  std::string code;         // machine-readable, e.g. "invalid_field"
  std::string description;  // one sentence for a person
  std::string details_json = "{}";  // a JSON object naming fields or ids at fault

  static ApiError bad_request(std::string description, std::string details_json = "{}");
  static ApiError invalid_field(std::string_view field, std::string description);
  static ApiError not_found(std::string description);
  static ApiError forbidden(std::string description);
  static ApiError conflict(std::string description);
  static ApiError unauthorized();
  static ApiError precondition_failed();
  static ApiError unsupported_media_type();
  static ApiError payload_too_large(std::size_t limit);
  // 413 for one field over its limit, naming the field.
  static ApiError field_too_large(std::string_view field, std::size_t limit_bytes);
  static ApiError internal();
  // What a failed statement means for the client: 503 for an unreachable or
  // slow database, 409 for a conflicting write, 400 for a value PostgreSQL
  // refused (a date that does not exist), 500 for anything else.
  static ApiError from_database(sql::Failure failure);
};

Response render_error(ApiFamily family, const ApiError& error);

// How a handler refuses a request: it throws the ApiError, and dispatch
// answers it in the envelope of the route's family (handlers/routes.cpp),
// rolling back any transaction the handler had open. A check that returns
// std::variant<T, ApiError> hands over its T through checked(); a failed
// statement is refused through checked(result).
template <class T>
T checked(std::variant<T, ApiError> outcome) {
  if (auto* error = std::get_if<ApiError>(&outcome)) throw std::move(*error);
  return std::get<T>(std::move(outcome));
}
// (A temporary is taken by value, so `const auto& r = checked(db.execute(...))`
// holds no dangling reference.)
const sql::Result& checked(const sql::Result& result);
sql::Result checked(sql::Result&& result);
// Every result of a pipeline: the first failure is the refusal.
const std::vector<sql::Result>& checked(const std::vector<sql::Result>& results);
std::vector<sql::Result> checked(std::vector<sql::Result>&& results);

// Escapes text as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace notes
