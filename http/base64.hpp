#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace notes {

// Decodes standard base64 (RFC 4648 §4). Padding may be left off; anything
// else (white space, the URL-safe alphabet, bits left over) is refused.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace notes
