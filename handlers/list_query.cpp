#include "handlers/list_query.hpp"

#include <algorithm>
#include <set>

#include "http/iso8601.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/note_body.hpp"
#include "sql/statements.hpp"

namespace notes {

ApiError bad_query_parameter(const std::string& name, const std::string& why) {
  return ApiError{400, "invalid_parameter", "Query parameter " + name + " " + why + ".",
                  "{\"parameter\":" + json_string(name) + "}"};
}

std::optional<std::string> instant_or_day(const std::string& value, const char* time_of_day) {
  if (!is_iso8601_date_or_datetime(value)) return std::nullopt;
  return value.size() == 10 ? value + time_of_day : value;
}

namespace {

constexpr int64_t kMaxPage = 1'000'000'000;

// `page_number` is the original's name for the page; `page` an alias of it.
bool names_the_page(const std::string& name) { return name == "page_number" || name == "page"; }

bool is_paging(const std::string& name) { return names_the_page(name) || name == "page_size"; }

std::optional<ApiError> read_paging(const std::string& name, const std::string& value, Paging& paging,
                                    std::optional<int64_t>& page_given) {
  auto number = parse_positive_id(value);
  if (names_the_page(name)) {
    if (!number || *number > kMaxPage) return bad_query_parameter(name, "must be a whole number from 1");
    if (page_given && *page_given != *number) return bad_query_parameter(name, "names another page than its alias");
    page_given = paging.page = *number;
  } else {
    if (!number || *number > kMaxPageSize) {
      return bad_query_parameter(name, "must be a whole number from 1 to " + std::to_string(kMaxPageSize));
    }
    paging.page_size = static_cast<int>(*number);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> read_note_filter(const std::string& name, const std::string& value, int64_t caller_id,
                                         NoteFilters& f, bool& known) {
  known = true;
  if (name == "status") {
    if (!is_note_status(value)) return bad_query_parameter(name, std::string("must be one of ") + kNoteStatusList);
    f.status = value;
  } else if (name == "reference_type") {
    if (!is_reference_type(value)) return bad_query_parameter(name, std::string("must be one of ") + kReferenceTypeList);
    f.reference_type = value;
  } else if (name == "reference_id") {
    f.reference_id = parse_positive_id(value);
    if (!f.reference_id) return bad_query_parameter(name, "must be a positive 64-bit integer");
  } else if (name == "tag") {
    if (value.empty()) return bad_query_parameter(name, "must not be empty");
    f.tag = value;
  } else if (name == "assignee") {
    f.assignee = value == "me" ? std::optional<int64_t>(caller_id) : parse_positive_id(value);
    if (!f.assignee) return bad_query_parameter(name, "must be a user id or me");
  } else if (name == "priority") {
    if (value != "true" && value != "false") return bad_query_parameter(name, "must be true or false");
    f.priority = value == "true";
  } else if (name == "created_from" || name == "created_to") {
    // A plain date covers its whole day, in UTC.
    bool from = name == "created_from";
    auto bound = instant_or_day(value, from ? kDayStart : "T23:59:59.999999Z");
    if (!bound) return bad_query_parameter(name, "must be an ISO 8601 date or date-time");
    (from ? f.created_from : f.created_to) = bound;
  } else {
    known = false;
  }
  return std::nullopt;
}

std::optional<ApiError> read_list_query(const QueryParams& query, const char* header_page_size, Paging& paging,
                                        const OtherParameter& other) {
  std::set<std::string> seen;
  std::optional<int64_t> page_given;
  if (header_page_size && *header_page_size) {
    if (auto error = read_paging("page_size", header_page_size, paging, page_given)) return error;
  }
  for (const auto& [name, value] : query) {
    if (!seen.insert(name).second) return bad_query_parameter(name, "is given more than once");
    std::optional<ApiError> error =
        is_paging(name) ? read_paging(name, value, paging, page_given) : other(name, value);
    if (error) return error;
  }
  return std::nullopt;
}

std::variant<Paging, ApiError> paging_only(const QueryParams& query, const char* header_page_size) {
  Paging paging;
  auto error = read_list_query(query, header_page_size, paging, [](const std::string& name, const std::string&) {
    return std::optional<ApiError>(bad_query_parameter(name, "is not known here"));
  });
  if (error) return *error;
  return paging;
}

Paging requested_page(const Request& request) {
  auto query = parse_query_string(request.query_string());
  if (!query) throw ApiError::bad_request("The query string is malformed.");
  return checked(paging_only(*query, request.param("HTTP_PAGE_SIZE")));
}

std::variant<NoteListQuery, ApiError> note_list_query(const QueryParams& query, const char* header_page_size,
                                                      int64_t caller_id) {
  NoteListQuery result;
  NoteFilters& f = result.filters;
  auto filter = [&](const std::string& name, const std::string& value) -> std::optional<ApiError> {
    bool known = false;
    auto error = read_note_filter(name, value, caller_id, f, known);
    if (!known) return bad_query_parameter(name, "is not known here");
    return error;
  };
  if (auto error = read_list_query(query, header_page_size, result.paging, filter)) return *error;
  return result;
}

ListTotal list_total(const Paging& paging, int64_t counted, int rows_on_page, bool more) {
  if (counted <= sql::kExactCountUpTo) return {counted, false};
  // The last page knows the total; a page past the end knows only the bound.
  if (rows_on_page > 0 && !more) return {paging.offset() + rows_on_page, false};
  if (rows_on_page == 0) return {sql::kExactCountUpTo + 1, true};
  return {std::max(sql::kExactCountUpTo + 1, paging.offset() + rows_on_page + 1), true};
}

std::string pagination_json(const Paging& paging, ListTotal total, std::string_view more_members) {
  int64_t total_pages = (total.count + paging.page_size - 1) / paging.page_size;
  return "{\"page_number\":" + std::to_string(paging.page) + ",\"page_size\":" + std::to_string(paging.page_size) +
         ",\"total_pages\":" + std::to_string(total_pages) + ",\"total_count\":" + std::to_string(total.count) +
         ",\"total_count_estimated\":" + (total.estimated ? "true" : "false") +
         ",\"has_previous_page\":" + (paging.page > 1 ? "true" : "false") +
         ",\"has_next_page\":" + (paging.page < total_pages ? "true" : "false") +
         (more_members.empty() ? "" : ",") + std::string(more_members) + "}";
}

void set_pagination(Response& response, const Paging& paging, ListTotal total, std::string_view more_members) {
  std::string json = pagination_json(paging, total, more_members);
  response.header("Pagination", json);
  response.header("X-Pagination", std::move(json));
}

Response exact_page_answer(const sql::Result& rows, int base, RowsJson to_json, const Paging& paging, int64_t total) {
  Response response = rows.is_null(0, base) ? Response::no_content() : Response::json(200, to_json(rows, base));
  set_pagination(response, paging, ListTotal{total, false});
  return response;
}

}  // namespace notes
