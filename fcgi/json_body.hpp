#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "fcgi/json.hpp"

namespace notes {

inline constexpr int kMaxJsonDepth = 32;

// Why a body was refused, in words fit for the client.
struct JsonBodyError {
  std::string message;
};

// Parses a request body into `document`, refusing everything the contract
// calls malformed: NUL bytes (raw or escaped), invalid UTF-8 including lone
// surrogates, nesting deeper than kMaxJsonDepth, duplicate keys, integers
// outside int64, NaN/Infinity, and anything after the one JSON value.
// The parser is RapidJSON's iterative one, so no input can exhaust the stack.
std::optional<JsonBodyError> parse_json_body(std::string_view body, rapidjson::Document& document);

}  // namespace notes
