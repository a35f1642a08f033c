#pragma once
// The company-wide work queue's statement (docs/api.md, "The work queue").
// Unlike the catalogue of sql/statements.cpp, its text depends on which
// filters, sort and paging a request uses: a statement with every filter
// optional ("$n IS NULL OR ...") gets one generic plan for all of them, and
// the plan good for "assigned to me" or a rare word is the wrong one for
// the whole company's newest notes. Each distinct text is prepared once per
// connection (Connection::execute(const ShapedQuery&)).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "sql/note_fields.hpp"
#include "sql/queries.hpp"

namespace notes::sql {

// The customer list's filters, and what only the queue has.
struct QueueFilters : NoteFilters {
  std::optional<std::string> q;  // websearch_to_tsquery syntax
  std::optional<int64_t> customer_id;
  std::optional<std::string> reminder_before;  // ISO 8601 date-time, exclusive
  std::optional<std::string> reminder_after;   // ISO 8601 date-time, inclusive
};

enum class QueueSortKey { created_on, reminder, priority, relevance };

struct QueueSort {
  QueueSortKey key = QueueSortKey::created_on;
  bool descending = true;
};

// Where a cursor walk goes on: after the note `id`, whose sort value was
// `value` (as the statement's third column gave it: a timestamptz, which
// is 'infinity' or '-infinity' for a note without a reminder under a
// reminder sort; a boolean; a real).
struct QueuePosition {
  std::string value;
  int64_t id = 0;
};

// The page to read: an offset, or the position after which it starts.
using QueueStart = std::variant<int64_t, QueuePosition>;

// One page of the caller's company's notes the caller may see. Row: the
// matching notes counted up to kExactCountUpTo + 1, whether more follow the
// page, the note's sort value (text, for the next cursor), then
// NOTES_FULL_NOTE_COLUMNS; a single row with NULLs after the first two when
// the page is empty.
ShapedQuery queue_page(const Caller& caller, const QueueFilters& filters, QueueSort sort, int limit,
                       const QueueStart& start);

}  // namespace notes::sql
