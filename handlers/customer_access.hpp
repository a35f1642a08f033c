#pragma once
// What every customer-note handler shares: the CRM's error envelope, the
// role rule, path ids, and the Note answer with its ETag.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "fcgi/request.hpp"
#include "fcgi/response.hpp"
#include "handlers/error_envelope.hpp"
#include "sql/params.hpp"

namespace notes::customer_access {

Response fail(const ApiError& error);

// Customer notes need admin privileges (owners have them too): staff get 403.
// The dispatcher applies it to every customer-note route.
std::optional<ApiError> require_admin(const Identity& caller);

// The {placeholder} at `index` of the path as an id, or a 400 naming it.
std::variant<int64_t, ApiError> path_id(const Request& request, std::size_t index, const char* name);

// $1 note id, $2 company, $3 caller, $4 role: how every note statement starts.
sql::Params note_params(int64_t note_id, const Identity& caller);

// A Note (JSON from the database) with its ETag.
Response note_answer(int status, std::string_view revision, std::string_view note_json);

}  // namespace notes::customer_access
