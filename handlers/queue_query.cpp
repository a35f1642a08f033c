#include "handlers/queue_query.hpp"

#include "handlers/queue_cursor.hpp"
#include "http/request.hpp"
#include "http/utf8.hpp"

namespace notes {
namespace {

bool given(const QueryParams& query, const char* name) {
  for (const auto& [key, value] : query) {
    if (key == name) return true;
  }
  return false;
}

}  // namespace

std::variant<QueueQuery, ApiError> queue_query(const QueryParams& query, const char* header_page_size,
                                               int64_t caller_id) {
  QueueQuery result;
  sql::QueueFilters& f = result.filters;
  std::optional<std::string> sort_given, cursor_given;
  auto other = [&](const std::string& name, const std::string& value) -> std::optional<ApiError> {
    bool known = false;
    if (auto error = read_note_filter(name, value, caller_id, f, known); error || known) return error;
    if (name == "q") {
      if (value.empty() || value.size() > kMaxSearchBytes || !is_valid_utf8(value)) {
        return bad_query_parameter(name, "must be 1 to " + std::to_string(kMaxSearchBytes) + " bytes of UTF-8");
      }
      f.q = value;
    } else if (name == "customer_id") {
      f.customer_id = parse_positive_id(value);
      if (!f.customer_id) return bad_query_parameter(name, "must be a positive 64-bit integer");
    } else if (name == "reminder_before" || name == "reminder_after") {
      // A date means its first instant, for either bound.
      auto bound = instant_or_day(value, kDayStart);
      if (!bound) return bad_query_parameter(name, "must be an ISO 8601 date or date-time");
      (name == "reminder_before" ? f.reminder_before : f.reminder_after) = bound;
    } else if (name == "sort") {
      sort_given = value;
    } else if (name == "cursor") {
      cursor_given = value;
    } else {
      return bad_query_parameter(name, "is not known here");
    }
    return std::nullopt;
  };
  if (auto error = read_list_query(query, header_page_size, result.paging, other)) return *error;

  result.sort_name = sort_given.value_or(f.q ? "-relevance" : "-created_on");
  if (cursor_given) {
    if (given(query, "page_number") || given(query, "page")) {
      return bad_query_parameter("cursor", "cannot be combined with page_number");
    }
    auto decoded = decode_cursor(*cursor_given);
    if (!decoded) return bad_query_parameter("cursor", "is not a cursor this service gave");
    if (sort_given && *sort_given != decoded->cursor.sort) {
      return bad_query_parameter("cursor", "was made for another sort");
    }
    result.sort_name = decoded->cursor.sort;
    result.paging.page = decoded->cursor.page;
    result.after = decoded->cursor.after;
  }
  auto sort = parse_queue_sort(result.sort_name);
  if (!sort) {
    return bad_query_parameter("sort", "must be created_on, reminder, priority or relevance, - first for descending");
  }
  if (sort->key == sql::QueueSortKey::relevance && !f.q) return bad_query_parameter("sort", "can be relevance only with q");
  result.sort = *sort;
  return result;
}

}  // namespace notes
