#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "http/request.hpp"
#include "handlers/error_envelope.hpp"

namespace notes {

// The body of POST /api/token or /api/token/refresh, as JSON (what clients
// of the original send) or as an OAuth form (application/x-www-form-
// urlencoded). Fields it does not know are ignored, as OAuth asks
// (`remember_me`, `client_id`, ...). Absent fields are empty.
struct TokenRequest {
  std::string grant_type;
  std::string username;
  std::string password;
  std::optional<int64_t> company_id;
  std::string refresh_token;
  std::string access_token;
};

// OAuth's invalid_request (RFC 6749, 5.2): a field missing, malformed or of
// the wrong type.
ApiError invalid_token_request(std::string description);

// 415 for another media type; 400 invalid_request for a body that is not
// one object or form, a known field of the wrong type, a repeated field,
// or any query string (credentials never belong in a URL, which logs keep).
std::variant<TokenRequest, ApiError> token_request(const Request& request);

}  // namespace notes
