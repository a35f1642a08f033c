#include "http/content_length.hpp"

namespace notes {

std::optional<std::size_t> parse_content_length(const char* value) {
  if (value == nullptr || *value == '\0') return 0;
  std::string_view text(value);
  if (text.size() > 18) return std::nullopt;  // beyond any body we would accept
  std::size_t length = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<std::size_t>(c - '0');
  }
  return length;
}

}  // namespace notes
