#pragma once
#include <libpq-fe.h>

#include <ostream>

namespace notes::admin {

// How `list` and `show` print what a query returned.
enum class ReportFormat {
  table,  // aligned columns under a header line; NULL as "-"
  json,   // a JSON array of objects; numbers and booleans typed, NULL as null
};

// Every row of `result`, one per line (table) or one object each (json).
void print_rows(std::ostream& out, const PGresult* result, ReportFormat format);

// The one row of `result` as "name: value" lines (table), or one JSON object.
void print_record(std::ostream& out, const PGresult* result, ReportFormat format);

}  // namespace notes::admin
