#pragma once
#include <optional>

#include "http/json.hpp"
#include "http/request.hpp"
#include "handlers/error_envelope.hpp"

namespace notes {

// Reads the request body as one JSON object into `document`: refuses with
// 415 unless it is sent as application/json, 400 for anything
// parse_json_body refuses or a value that is not an object.
void read_json_object(const Request& request, rapidjson::Document& document);

}  // namespace notes
