#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "http/json.hpp"

namespace notes {

inline constexpr int kMaxJsonDepth = 32;
// Values (objects, arrays, members' values, elements) in one body. The
// largest body a route takes holds about 160 (a note: 10 fields and 50 tags;
// assignees: 100 ids); the cap stops a body of a million tiny values while
// it is parsed, before it costs a worker more than a millisecond.
inline constexpr int kMaxJsonValues = 1000;

// Why a body was refused, in words fit for the client.
struct JsonBodyError {
  std::string message;
};

// Parses a request body into `document`, refusing everything docs/api.md
// calls malformed: NUL bytes (raw or escaped), invalid UTF-8 including lone
// surrogates, nesting deeper than kMaxJsonDepth, more than kMaxJsonValues
// values, duplicate keys, integers
// outside int64, NaN/Infinity, and anything after the one JSON value.
// The parser is RapidJSON's iterative one, so no input can exhaust the stack.
std::optional<JsonBodyError> parse_json_body(std::string_view body, rapidjson::Document& document);

}  // namespace notes
