#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "http/query_string.hpp"
#include "http/request.hpp"
#include "handlers/error_envelope.hpp"
#include "sql/note_fields.hpp"
#include "sql/queries.hpp"
#include "sql/result.hpp"

namespace notes {

struct Response;

inline constexpr int kDefaultPageSize = 25;
inline constexpr int kMaxPageSize = 100;

struct Paging {
  int64_t page = 1;
  int page_size = kDefaultPageSize;
  int64_t offset() const { return (page - 1) * page_size; }
  sql::Window window() const { return {page_size, offset()}; }
};

// The list's filters are what note_list takes.
using sql::NoteFilters;

struct NoteListQuery {
  Paging paging;
  NoteFilters filters;
};

// A list's query parameter other than paging: its refusal, or nothing.
using OtherParameter = std::function<std::optional<ApiError>(const std::string& name, const std::string& value)>;

// The 400 for query parameter `name`, which `why` ("must be ...").
ApiError bad_query_parameter(const std::string& name, const std::string& why);

// An instant parameter's value: an ISO 8601 date-time as it is, or a date
// YYYY-MM-DD with `time_of_day` ("T00:00:00Z") appended; nothing when it is
// neither (docs/api.md, "Lists").
inline constexpr const char* kDayStart = "T00:00:00Z";
std::optional<std::string> instant_or_day(const std::string& value, const char* time_of_day);

// Reads the paging of a list query into `paging` and hands every other
// parameter to `other`. A repeated parameter is refused.
std::optional<ApiError> read_list_query(const QueryParams& query, const char* header_page_size, Paging& paging,
                                        const OtherParameter& other);

// One filter of the customer list (docs/api.md, "Lists") into `filters`;
// `known` says whether `name` is one of them.
std::optional<ApiError> read_note_filter(const std::string& name, const std::string& value, int64_t caller_id,
                                         NoteFilters& filters, bool& known);

// `page_number` (or its alias `page`; both given must agree) and `page_size`
// from the query; `page_size` also from the page_size request header
// (`header_page_size`, may be null), the query winning. Any other parameter
// is refused: a list route that allows none.
std::variant<Paging, ApiError> paging_only(const QueryParams& query, const char* header_page_size);

// paging_only() of a request's query string and page_size header; throws
// the 400.
Paging requested_page(const Request& request);

// The customer note list's query: paging plus the filters of docs/api.md, "Lists".
// `assignee=me` names the caller. Unknown, repeated or malformed parameters
// are a 400 naming the parameter.
std::variant<NoteListQuery, ApiError> note_list_query(const QueryParams& query, const char* header_page_size,
                                                      int64_t caller_id);

// How many items a list has: exact, or, past sql::kExactCountUpTo and before
// the last page, a lower bound that counts one item past the page, so that a
// client paging until page_number reaches total_pages gets every page.
struct ListTotal {
  int64_t count = 0;
  bool estimated = false;
};

// The total of a page of `rows_on_page` items from a list counted up to
// kExactCountUpTo + 1 as `counted`, with `more` items after the page.
ListTotal list_total(const Paging& paging, int64_t counted, int rows_on_page, bool more);

// The paging JSON of a page of a list of `total` items, with
// `more_members` ("\"next_cursor\":...") added when not empty.
std::string pagination_json(const Paging& paging, ListTotal total, std::string_view more_members = {});

// The page of an exactly counted list of `total` items whose rows start at
// column `base` of `rows`: 204 when it is empty (that column of its first
// row is NULL), else 200 with `to_json` of its rows; the paging JSON in
// either case.
using RowsJson = std::string (*)(const sql::Result& rows, int base);
Response exact_page_answer(const sql::Result& rows, int base, RowsJson to_json, const Paging& paging, int64_t total);

// That JSON under `Pagination` (what clients of the original read) and
// `X-Pagination`.
void set_pagination(Response& response, const Paging& paging, ListTotal total, std::string_view more_members = {});

}  // namespace notes
