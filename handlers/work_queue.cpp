#include "handlers/work_queue.hpp"

#include "handlers/note_answers.hpp"
#include "handlers/list_query.hpp"
#include "handlers/queue_cursor.hpp"
#include "handlers/queue_query.hpp"
#include "http/query_string.hpp"
#include "sql/note_columns.hpp"
#include "sql/work_queue.hpp"

namespace notes::work_queue {

Response list(const Request& request, HandlerContext& context) {
  auto query = parse_query_string(request.query_string());
  if (!query) throw ApiError::bad_request("The query string is malformed.");
  const QueueQuery queue = checked(queue_query(*query, request.param("HTTP_PAGE_SIZE"), context.caller.user_id));
  sql::QueueStart start = queue.after ? sql::QueueStart(*queue.after) : sql::QueueStart(queue.paging.offset());
  // A search holds one of its company's share of the workers while it runs.
  SearchPlace searching(queue.filters.q ? context.services.search_places : nullptr, context.caller.company_id);
  if (!searching) {
    Response refusal = render_error(
        ApiFamily::customers, ApiError{429, "too_many_searches",
                                       "This company's searches already hold their share of the service; try again "
                                       "in a second."});
    refusal.header("Retry-After", "1");
    return refusal;
  }

  const auto& page = checked(context.db.execute(
      sql::queue_page(context.sql_caller(), queue.filters, queue.sort, queue.paging.page_size, start)));
  constexpr int kSortValue = 2;  // after the count and whether more follow
  constexpr int kNotesBase = 3;
  bool empty = page.is_null(0, kNotesBase);
  bool more = page.boolean(0, 1);
  ListTotal total = list_total(queue.paging, page.int64(0, 0), empty ? 0 : page.rows(), more);

  // The way on from the last note of the page, while more follow.
  std::string next_cursor = "\"next_cursor\":null";
  if (more && !empty) {
    int last = page.rows() - 1;
    QueueCursor cursor{queue.sort_name,
                       {std::string(page.text(last, kSortValue)), page.int64(last, kNotesBase + sql::note_column::id)},
                       queue.paging.page + 1};
    next_cursor = "\"next_cursor\":\"" + encode_cursor(cursor) + "\"";
  }
  // An empty page answers 204 with no body, as every list does.
  Response response = empty ? Response::no_content()
                            : note_answers::note_page_answer(context, queue.filters.q ? "search" : "queue", page,
                                                                kNotesBase);
  set_pagination(response, queue.paging, total, next_cursor);
  return response;
}

}  // namespace notes::work_queue
