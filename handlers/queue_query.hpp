#pragma once
// The work queue's query parameters (docs/api.md, "The work queue").
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "handlers/error_envelope.hpp"
#include "handlers/list_query.hpp"
#include "http/query_string.hpp"
#include "sql/work_queue.hpp"

namespace notes {

// Longest `q` taken, in bytes: a search is a few words, and its parse and
// ranking cost grow with it.
inline constexpr std::size_t kMaxSearchBytes = 256;

struct QueueQuery {
  // The page number; with a cursor, the one the cursor leads to.
  Paging paging;
  sql::QueueFilters filters;
  sql::QueueSort sort;
  std::string sort_name;  // as the cursor carries it
  // Given a cursor: the page starts after this note.
  std::optional<sql::QueuePosition> after;
};

// The customer list's filters (`assignee=me` names the caller) plus q,
// customer_id, reminder_before, reminder_after, sort and cursor. Unknown,
// repeated, malformed or conflicting parameters are a 400 naming one.
std::variant<QueueQuery, ApiError> queue_query(const QueryParams& query, const char* header_page_size,
                                               int64_t caller_id);

}  // namespace notes
