#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "http/query_string.hpp"
#include "handlers/error_envelope.hpp"

namespace notes {

inline constexpr int kDefaultPageSize = 25;
inline constexpr int kMaxPageSize = 100;

struct Paging {
  int64_t page = 1;
  int page_size = kDefaultPageSize;
  int64_t offset() const { return (page - 1) * page_size; }
};

// The filters of a customer's note list; nothing means "not filtered".
struct NoteFilters {
  std::optional<std::string> status, reference_type, tag, created_from, created_to;
  std::optional<int64_t> reference_id, assignee;
  std::optional<bool> priority;
  bool any() const {
    return status || reference_type || tag || created_from || created_to || reference_id || assignee || priority;
  }
};

struct NoteListQuery {
  Paging paging;
  NoteFilters filters;
};

// `page` and `page_size` from the query; `page_size` also from the
// page_size request header (`header_page_size`, may be null), the query
// winning. Any other parameter is refused: a list route that allows none.
std::variant<Paging, ApiError> paging_only(const QueryParams& query, const char* header_page_size);

// The customer note list's query: paging plus the filters of docs/api.md, "Lists".
// `assignee=me` names the caller. Unknown, repeated or malformed parameters
// are a 400 naming the parameter.
std::variant<NoteListQuery, ApiError> note_list_query(const QueryParams& query, const char* header_page_size,
                                                      int64_t caller_id);

// The X-Pagination header's JSON for a page of `total` items.
std::string pagination_json(const Paging& paging, int64_t total);

}  // namespace notes
