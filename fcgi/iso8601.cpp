#include "fcgi/iso8601.hpp"

namespace notes {
namespace {

// Reads `digits` digits at `pos` into `value`; false when they are not there.
bool read_number(std::string_view text, std::size_t& pos, int digits, int& value) {
  if (pos + digits > text.size()) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool read_date(std::string_view text, std::size_t& pos) {
  int year, month, day;
  return read_number(text, pos, 4, year) && year >= 1 && expect(text, pos, '-') &&
         read_number(text, pos, 2, month) && month >= 1 && month <= 12 && expect(text, pos, '-') &&
         read_number(text, pos, 2, day) && day >= 1 && day <= 31;
}

}  // namespace

bool is_iso8601_datetime(std::string_view text) {
  std::size_t pos = 0;
  int hour, minute, second;
  if (!read_date(text, pos) || !expect(text, pos, 'T')) return false;
  if (!read_number(text, pos, 2, hour) || hour > 23 || !expect(text, pos, ':') ||
      !read_number(text, pos, 2, minute) || minute > 59) {
    return false;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_number(text, pos, 2, second) || second > 59) return false;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start || pos - start > 9) return false;
    }
  }
  if (pos < text.size() && text[pos] == 'Z') return pos + 1 == text.size();
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    ++pos;
    int offset_hours, offset_minutes;
    return read_number(text, pos, 2, offset_hours) && offset_hours <= 14 && expect(text, pos, ':') &&
           read_number(text, pos, 2, offset_minutes) && offset_minutes <= 59 && pos == text.size();
  }
  return false;
}

bool is_iso8601_date_or_datetime(std::string_view text) {
  std::size_t pos = 0;
  if (text.size() == 10) return read_date(text, pos) && pos == text.size();
  return is_iso8601_datetime(text);
}

}  // namespace notes
