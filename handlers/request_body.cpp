#include "handlers/request_body.hpp"

#include "http/json_body.hpp"

namespace notes {

void read_json_object(const Request& request, rapidjson::Document& document) {
  if (!request.has_json_content_type()) throw ApiError::unsupported_media_type();
  if (auto error = parse_json_body(request.body, document)) {
    throw ApiError{400, "invalid_json", "The body is not acceptable JSON: " + error->message + "."};
  }
  if (!document.IsObject()) throw ApiError{400, "invalid_json", "The body must be a JSON object."};
}

}  // namespace notes
