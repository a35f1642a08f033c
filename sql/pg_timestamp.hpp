#pragma once
#include <string>
#include <string_view>

namespace notes::sql {

// A timestamptz as PostgreSQL prints it to our sessions (DateStyle ISO,
// TimeZone UTC, both set at connect): "2024-10-06 20:25:26.131456+00", the
// fraction absent when zero and trimmed of trailing zeros. Returns it as the
// API writes it, "2024-10-06T20:25:26.131Z", the milliseconds truncated as
// to_char's MS does. Text of any other form (a year past 9999, BC,
// infinity) comes back unchanged rather than guessed at.
std::string iso8601_from_pg_timestamp(std::string_view timestamp);

}  // namespace notes::sql
