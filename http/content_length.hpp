#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace notes {

// Parses a CGI CONTENT_LENGTH strictly: absent or empty is 0, otherwise only
// ASCII digits (no sign, no spaces), at most 18 of them. libfcgi trusts this
// value blindly, so nothing else may reach the body reader.
std::optional<std::size_t> parse_content_length(const char* value);

}  // namespace notes
