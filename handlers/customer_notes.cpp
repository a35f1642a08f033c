#include "handlers/customer_notes.hpp"

#include "http/query_string.hpp"
#include "handlers/note_answers.hpp"
#include "handlers/path_id.hpp"
#include "handlers/locked_write.hpp"
#include "handlers/idempotency.hpp"
#include "handlers/etag.hpp"
#include "handlers/list_query.hpp"
#include "handlers/note_body.hpp"
#include "views/note_json.hpp"
#include "handlers/request_body.hpp"
#include "sql/note_columns.hpp"

namespace notes::customer_notes {
namespace {

ApiError no_note() { return ApiError::not_found("No such note."); }

// The first row from `from` on that is not of `part` (note_list's rows are
// ordered by their part).
int end_of_part(const sql::Result& rows, int from, sql::note_list_column::Part part) {
  while (from < rows.rows() && rows.int64(from, sql::note_list_column::part) == part) ++from;
  return from;
}

}  // namespace

Response list(const Request& request, HandlerContext& context) {
  int64_t customer_id = path_id(request, "customer_id");
  auto query = parse_query_string(request.query_string());
  if (!query) throw ApiError::bad_request("The query string is malformed.");
  const auto [paging, filters] =
      checked(note_list_query(*query, request.param("HTTP_PAGE_SIZE"), context.caller.user_id));

  const auto& page = checked(
      context.db.execute(sql::query::note_list(customer_id, context.sql_caller(), paging.window(), filters)));
  if (page.rows() == 0) throw ApiError::not_found("No such customer.");
  namespace lc = sql::note_list_column;
  // The page's notes, then their assignees, then their messages.
  const int notes_end = end_of_part(page, 0, lc::page_note);
  const int assignees_end = end_of_part(page, notes_end, lc::assignee_of_note);
  bool empty = page.is_null(0, lc::note + sql::full_note::note + sql::note_column::id);
  ListTotal total = list_total(paging, page.int64(0, lc::total), empty ? 0 : notes_end, page.boolean(0, lc::more));
  // An empty page answers 204 with no body, as the original API does.
  if (empty) {
    Response response = Response::no_content();
    set_pagination(response, paging, total);
    return response;
  }
  note_answers::record_confidential_reads_of(context, "list", page, lc::note);
  note_json::NoteParts parts{{&page, notes_end, assignees_end, lc::assignee},
                             {&page, assignees_end, page.rows(), lc::message}};
  Response response = Response::json(200, note_json::note_array(page, 0, notes_end, lc::note, parts));
  set_pagination(response, paging, total);
  return response;
}

Response create(const Request& request, HandlerContext& context) {
  int64_t customer_id = path_id(request, "customer_id");
  rapidjson::Document body;
  read_json_object(request, body);
  NoteFields f = checked(note_fields(body, true));

  const auto& result = checked(context.db.execute(sql::query::note_create(customer_id, context.sql_caller(), f)));
  if (result.rows() == 0) throw ApiError::not_found("No such customer.");
  // A new note has no assignees or messages yet: nothing more to fetch.
  Response response = note_answers::note_answer(context, "write", 201, result, 0, {});
  response.header("Location", "/api/customers/notes/" +
                                  std::string(result.text(0, sql::full_note::note + sql::note_column::id)));
  return response;
}

Response get(const Request& request, HandlerContext& context) {
  return note_now(path_id(request, "note_id"), context);
}

Response replay_create(const Request&, HandlerContext& context, Response first) {
  std::string location(idempotency::header_of(first, "Location"));
  auto id = parse_positive_id(location.substr(location.rfind('/') + 1));
  if (!id) throw ApiError::internal();
  Response response = note_now(*id, context);
  response.status = first.status;
  response.header("Location", location);
  return response;
}

Response note_now(int64_t id, HandlerContext& context) {
  // The note and its parts in one round trip. Each statement reads its own
  // snapshot, so the parts can be newer than the ETag, never older: an
  // If-Match with that ETag still refuses to overwrite the newer note.
  const auto& results = checked(context.db.execute_pipeline(sql::query::with_note_parts(
      {sql::query::note_get(id, context.sql_caller())}, {id},
      context.caller.company_id)));
  if (results[0].rows() == 0) throw no_note();
  return note_answers::note_answer(context, "note", 200, results[0], 0, note_json::parts_of(results));
}

Response update(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  rapidjson::Document body;
  read_json_object(request, body);
  NoteFields f = checked(note_fields(body, false));
  if ((f.reference_type.given && !f.reference_type.value) || (f.reference_id.given && !f.reference_id.value)) {
    throw ApiError::invalid_field(f.reference_id.given ? "reference_id" : "reference_type",
                                  "The note's reference cannot be null.");
  }

  auto change = sql::query::note_update(id, context.sql_caller(), if_match_revisions(request.param("HTTP_IF_MATCH")), f);
  // The change and the Note it leaves, in one transaction and one round trip.
  const auto& results = checked(locked_write(
      context.db, id, context.caller.company_id,
      sql::query::with_note_parts({std::move(change)}, {id}, context.caller.company_id)));
  const sql::Result& updated = results[0];
  if (updated.int64(0, 0) == 0) throw no_note();
  constexpr int kNoteBase = 1;  // after "found"
  // Nothing changed: If-Match named another revision.
  if (updated.is_null(0, kNoteBase)) throw ApiError::precondition_failed();
  return note_answers::note_answer(context, "write", 200, updated, kNoteBase, note_json::parts_of(results));
}

Response remove(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  auto results = locked_write(
      context.db, id, context.caller.company_id,
      {sql::query::note_delete(id, context.sql_caller(), if_match_revisions(request.param("HTTP_IF_MATCH")))});
  const sql::Result& result = checked(results[0]);
  if (result.int64(0, 0) == 0) throw no_note();
  if (result.int64(0, 1) == 0) throw ApiError::precondition_failed();
  return Response::no_content();
}

}  // namespace notes::customer_notes
