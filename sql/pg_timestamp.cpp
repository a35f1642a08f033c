#include "sql/pg_timestamp.hpp"

namespace notes::sql {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD HH:MM:SS": digits where digits go, separators where they go.
bool has_date_and_time(std::string_view text) {
  constexpr std::string_view pattern = "dddd-dd-dd dd:dd:dd";
  if (text.size() < pattern.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == 'd' ? !is_digit(text[i]) : text[i] != pattern[i]) return false;
  }
  return true;
}

}  // namespace

std::string iso8601_from_pg_timestamp(std::string_view timestamp) {
  if (!has_date_and_time(timestamp)) return std::string(timestamp);
  std::size_t pos = 19;
  std::string_view fraction;
  if (pos < timestamp.size() && timestamp[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < timestamp.size() && is_digit(timestamp[pos])) ++pos;
    fraction = timestamp.substr(start, pos - start);
    if (fraction.empty()) return std::string(timestamp);
  }
  std::string_view zone = timestamp.substr(pos);
  if (zone != "+00" && zone != "+00:00") return std::string(timestamp);

  std::string iso(timestamp.substr(0, 19));
  iso[10] = 'T';
  iso += '.';
  for (std::size_t i = 0; i < 3; ++i) iso += i < fraction.size() ? fraction[i] : '0';
  iso += 'Z';
  return iso;
}

}  // namespace notes::sql
