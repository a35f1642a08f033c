#pragma once
#include <string_view>

namespace notes {

// A date-time as clients send it: YYYY-MM-DDTHH:MM[:SS[.fraction]] followed
// by Z or ±HH:MM. Every part is checked against the calendar (no Feb 30, no
// hour 24), and the instant it names must lie in the UTC years 1 to 9999.
bool is_iso8601_datetime(std::string_view text);

// The same, or a plain date YYYY-MM-DD (meaning midnight UTC).
bool is_iso8601_date_or_datetime(std::string_view text);

}  // namespace notes
