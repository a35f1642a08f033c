#pragma once
#include <string_view>

namespace notes {

// A date-time as clients send it: YYYY-MM-DDTHH:MM[:SS[.fraction]] followed
// by Z or ±HH:MM. The ranges are checked (month 1-12, day 1-31, hour 0-23,
// ...); PostgreSQL refuses the calendar's impossible days (Feb 30).
bool is_iso8601_datetime(std::string_view text);

// The same, or a plain date YYYY-MM-DD (meaning midnight UTC).
bool is_iso8601_date_or_datetime(std::string_view text);

}  // namespace notes
