#include "handlers/token_request.hpp"

#include <set>

#include "http/json.hpp"
#include "http/json_body.hpp"
#include "http/query_string.hpp"

namespace notes {
namespace {

// The fields read as text; company_id is read apart (a number, or digits).
std::string TokenRequest::*text_field(const std::string& name) {
  static const std::pair<const char*, std::string TokenRequest::*> kFields[] = {
      {"grant_type", &TokenRequest::grant_type},       {"username", &TokenRequest::username},
      {"password", &TokenRequest::password},           {"refresh_token", &TokenRequest::refresh_token},
      {"access_token", &TokenRequest::access_token}};
  for (const auto& [field_name, field] : kFields) {
    if (name == field_name) return field;
  }
  return nullptr;
}

ApiError bad_company_id() { return invalid_token_request("company_id must be a positive integer."); }

std::variant<TokenRequest, ApiError> from_form(const std::string& body) {
  auto fields = parse_query_string(body);
  if (!fields) return invalid_token_request("The form body is malformed.");
  TokenRequest request;
  std::set<std::string> seen;
  for (const auto& [name, value] : *fields) {
    if (!seen.insert(name).second) return invalid_token_request("The field " + name + " is given more than once.");
    if (name == "company_id") {
      request.company_id = parse_positive_id(value);
      if (!request.company_id) return bad_company_id();
    } else if (auto field = text_field(name)) {
      request.*field = value;
    }
  }
  return request;
}

std::variant<TokenRequest, ApiError> from_json(const std::string& body) {
  rapidjson::Document document;
  if (auto error = parse_json_body(body, document)) {
    return invalid_token_request("The body is not acceptable JSON: " + error->message + ".");
  }
  if (!document.IsObject()) return invalid_token_request("The body must be a JSON object.");
  TokenRequest request;
  for (const auto& member : document.GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    const auto& value = member.value;
    if (name == "company_id") {
      if (value.IsInt64()) request.company_id = value.GetInt64();
      if (value.IsString()) request.company_id = parse_positive_id(value.GetString());
      if (!request.company_id || *request.company_id <= 0) return bad_company_id();
    } else if (auto field = text_field(name)) {
      if (!value.IsString()) return invalid_token_request("The field " + name + " must be a string.");
      request.*field = std::string(value.GetString(), value.GetStringLength());
    }
  }
  return request;
}

}  // namespace

ApiError invalid_token_request(std::string description) {
  return ApiError{400, "invalid_request", std::move(description)};
}

std::variant<TokenRequest, ApiError> token_request(const Request& request) {
  if (!request.query_string().empty()) {
    return invalid_token_request("Send credentials in the body, never in the URL.");
  }
  if (request.has_json_content_type()) return from_json(request.body);
  if (request.has_content_type("application/x-www-form-urlencoded")) return from_form(request.body);
  return ApiError{415, "unsupported_media_type",
                  "The body must be JSON (application/json) or a form (application/x-www-form-urlencoded)."};
}

}  // namespace notes
