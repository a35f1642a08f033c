#include "handlers/token_request.hpp"

#include <set>

#include "http/json.hpp"
#include "http/json_body.hpp"
#include "http/query_string.hpp"

namespace notes {
namespace {

ApiError invalid_request(std::string description) {
  return ApiError{400, "invalid_request", std::move(description)};
}

// Sets a known field from its text; false for a company_id that is not an id.
bool set_field(TokenRequest& request, const std::string& name, const std::string& value) {
  if (name == "grant_type") request.grant_type = value;
  else if (name == "username") request.username = value;
  else if (name == "password") request.password = value;
  else if (name == "refresh_token") request.refresh_token = value;
  else if (name == "access_token") request.access_token = value;
  else if (name == "company_id") {
    request.company_id = parse_positive_id(value);
    return request.company_id.has_value();
  }
  return true;
}

std::variant<TokenRequest, ApiError> from_form(const std::string& body) {
  auto fields = parse_query_string(body);
  if (!fields) return invalid_request("The form body is malformed.");
  TokenRequest request;
  std::set<std::string> seen;
  for (const auto& [name, value] : *fields) {
    if (!seen.insert(name).second) return invalid_request("The field " + name + " is given more than once.");
    if (!set_field(request, name, value)) return invalid_request("company_id must be a positive integer.");
  }
  return request;
}

std::variant<TokenRequest, ApiError> from_json(const std::string& body) {
  rapidjson::Document document;
  if (auto error = parse_json_body(body, document)) {
    return invalid_request("The body is not acceptable JSON: " + error->message + ".");
  }
  if (!document.IsObject()) return invalid_request("The body must be a JSON object.");
  TokenRequest request;
  for (const auto& member : document.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    const auto& value = member.value;
    if (name == "company_id" && value.IsInt64()) {
      if (value.GetInt64() <= 0) return invalid_request("company_id must be a positive integer.");
      request.company_id = value.GetInt64();
      continue;
    }
    bool known = name == "grant_type" || name == "username" || name == "password" || name == "refresh_token" ||
                 name == "access_token" || name == "company_id";
    if (!known) continue;
    if (!value.IsString()) return invalid_request("The field " + name + " must be a string.");
    if (!set_field(request, name, std::string(value.GetString(), value.GetStringLength()))) {
      return invalid_request("company_id must be a positive integer.");
    }
  }
  return request;
}

}  // namespace

std::variant<TokenRequest, ApiError> token_request(const Request& request) {
  if (!request.query_string().empty()) {
    return invalid_request("Send credentials in the body, never in the URL.");
  }
  if (request.has_json_content_type()) return from_json(request.body);
  if (request.has_content_type("application/x-www-form-urlencoded")) return from_form(request.body);
  return ApiError{415, "unsupported_media_type",
                  "The body must be JSON (application/json) or a form (application/x-www-form-urlencoded)."};
}

}  // namespace notes
