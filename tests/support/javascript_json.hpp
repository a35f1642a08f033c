#pragma once
// JSON as JavaScript's JSON.parse reads it: every number a double, so an
// integer above 2^53 arrives rounded (5137419700472558593 comes out as
// 5137419700472559000). What a browser or Node client of the service sees.
#include <string>
#include <string_view>
#include <vector>

namespace notes::test {

// Where in `json` ("changes[0].account_id") a number sits that JSON.parse
// would read as another number; empty when every number survives.
std::vector<std::string> numbers_javascript_rounds(std::string_view json);

// The text of a string at `path` (members and indexes: "history[1].id"),
// or "" when that is absent or not a string, as a JavaScript reader would
// find it after JSON.parse.
std::string javascript_string_at(std::string_view json, std::string_view path);

}  // namespace notes::test
