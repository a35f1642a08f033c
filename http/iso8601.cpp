#include "http/iso8601.hpp"

#include <cstdint>

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

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Days from 0001-01-01 to the given date of the proleptic Gregorian calendar.
int64_t days_since_year_one(int year, int month, int day) {
  int64_t y = year - 1;
  int64_t days = y * 365 + y / 4 - y / 100 + y / 400;
  for (int m = 1; m < month; ++m) days += days_in_month(year, m);
  return days + day - 1;
}

struct Date {
  int year, month, day;
};

// A calendar date: the day must exist in its month (no Feb 30).
bool read_date(std::string_view text, std::size_t& pos, Date& date) {
  return read_number(text, pos, 4, date.year) && date.year >= 1 && expect(text, pos, '-') &&
         read_number(text, pos, 2, date.month) && date.month >= 1 && date.month <= 12 && expect(text, pos, '-') &&
         read_number(text, pos, 2, date.day) && date.day >= 1 && date.day <= days_in_month(date.year, date.month);
}

}  // namespace

bool is_iso8601_datetime(std::string_view text) {
  std::size_t pos = 0;
  Date date{};
  int hour, minute, second = 0;
  if (!read_date(text, pos, date) || !expect(text, pos, 'T')) return false;
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
  int offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    if (pos + 1 != text.size()) return false;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int hours, minutes;
    if (!read_number(text, pos, 2, hours) || hours > 14 || !expect(text, pos, ':') ||
        !read_number(text, pos, 2, minutes) || minutes > 59 || pos != text.size()) {
      return false;
    }
    offset_minutes = sign * (hours * 60 + minutes);
  } else {
    return false;
  }
  // The instant in UTC must fall in the years 1 to 9999: an offset can carry
  // 9999-12-31T23:59-14:00 into the year 10000, and 0001-01-01T00:00+14:00
  // back before the year 1, which PostgreSQL would store as BC.
  int64_t minutes_utc = days_since_year_one(date.year, date.month, date.day) * 1440 + hour * 60 + minute -
                        offset_minutes;
  return minutes_utc >= 0 && minutes_utc < days_since_year_one(10000, 1, 1) * 1440;
}

bool is_iso8601_date_or_datetime(std::string_view text) {
  std::size_t pos = 0;
  Date date{};
  if (text.size() == 10) return read_date(text, pos, date) && pos == text.size();
  return is_iso8601_datetime(text);
}

}  // namespace notes
