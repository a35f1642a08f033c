#include "handlers/error_envelope.hpp"

#include "http/json.hpp"

namespace notes {

ApiFamily family_of(std::string_view path) {
  return path.starts_with("/api/v2/") ? ApiFamily::accounts : ApiFamily::customers;
}

ApiError ApiError::bad_request(std::string description, std::string details_json) {
  return {400, "invalid_request", std::move(description), std::move(details_json)};
}

ApiError ApiError::invalid_field(std::string_view field, std::string description) {
  return {400, "invalid_field", std::move(description),
          "{\"field\":" + json_string(field) + "}"};
}

ApiError ApiError::not_found(std::string description) {
  return {404, "not_found", std::move(description)};
}

ApiError ApiError::forbidden(std::string description) {
  return {403, "forbidden", std::move(description)};
}

ApiError ApiError::conflict(std::string description) {
  return {409, "conflict", std::move(description)};
}

ApiError ApiError::unauthorized() {
  return {401, "unauthorized", "A valid API key is required."};
}

ApiError ApiError::precondition_failed() {
  return {412, "precondition_failed", "The note has changed since that ETag was issued; fetch it again."};
}

ApiError ApiError::unsupported_media_type() {
  return {415, "unsupported_media_type", "The body must be JSON sent as Content-Type: application/json."};
}

ApiError ApiError::payload_too_large(std::size_t limit) {
  return {413, "payload_too_large", "The body is larger than " + std::to_string(limit) + " bytes.",
          "{\"limit\":" + std::to_string(limit) + "}"};
}

ApiError ApiError::field_too_large(std::string_view field, std::size_t limit_bytes) {
  return {413, "payload_too_large",
          std::string(field) + " is larger than " + std::to_string(limit_bytes) + " bytes.",
          "{\"field\":" + json_string(field) + "}"};
}

ApiError ApiError::internal() {
  return {500, "internal_error", "The service failed to answer; the failure has been logged."};
}

ApiError ApiError::from_database(sql::Failure failure) {
  switch (failure) {
    case sql::Failure::unavailable:
    case sql::Failure::timeout:
    case sql::Failure::retryable:
      return {503, "unavailable", "The database is not answering right now; retry shortly."};
    case sql::Failure::unique_violation:
      return conflict("The change conflicts with existing data.");
    case sql::Failure::invalid_value:
      return bad_request("A value is out of range (a date that does not exist?).");
    default:
      return internal();
  }
}

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

const sql::Result& checked(const sql::Result& result) {
  if (!result.ok()) throw ApiError::from_database(result.failure());
  return result;
}

sql::Result checked(sql::Result&& result) {
  checked(static_cast<const sql::Result&>(result));
  return std::move(result);
}

const std::vector<sql::Result>& checked(const std::vector<sql::Result>& results) {
  for (const auto& result : results) checked(result);
  return results;
}

std::vector<sql::Result> checked(std::vector<sql::Result>&& results) {
  checked(static_cast<const std::vector<sql::Result>&>(results));
  return std::move(results);
}

Response render_error(ApiFamily family, const ApiError& error) {
  std::string body;
  if (family == ApiFamily::accounts) {
    body = "{\"result\":\"error\",\"error\":" + json_string(error.description) + "}";
  } else {
    body = "{\"error\":" + json_string(error.code) +
           ",\"error_description\":" + json_string(error.description) +
           ",\"error_details\":" + error.details_json + "}";
  }
  Response response = Response::json(error.status, std::move(body));
  if (error.status == 503) response.header("Retry-After", "1");
  if (error.status == 401) {
    response.header("WWW-Authenticate", family == ApiFamily::accounts ? "ApiKey" : "Bearer");
  }
  return response;
}

}  // namespace notes
