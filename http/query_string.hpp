#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notes {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes "a=1&b=x%20y+z" into name/value pairs (percent escapes and '+').
// Nothing when an escape is malformed or a name or value is not valid UTF-8
// or holds a NUL: such a query is a 400, not something to guess at.
std::optional<QueryParams> parse_query_string(std::string_view query);

}  // namespace notes
