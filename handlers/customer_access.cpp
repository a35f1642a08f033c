#include "handlers/customer_access.hpp"

#include <stdexcept>

#include "handlers/etag.hpp"
#include "handlers/list_query.hpp"
#include "sql/note_columns.hpp"

namespace notes::customer_access {
namespace {

// The ids of the notes in rows [first_row, rows()) whose
// NOTES_FULL_NOTE_COLUMNS start at column `base`.
std::vector<int64_t> note_ids(const sql::Result& notes, int first_row, int base) {
  std::vector<int64_t> ids;
  for (int row = first_row; row < notes.rows(); ++row) {
    ids.push_back(notes.int64(row, base + sql::full_note::note + sql::note_column::id));
  }
  return ids;
}

}  // namespace

int64_t path_id(const Request& request, const char* name) {
  auto text = request.path_params.get(name);
  if (!text) throw std::logic_error(std::string("the route has no {") + name + "}");
  if (auto id = parse_positive_id(*text)) return *id;
  throw ApiError::invalid_field(name, std::string(name) + " must be a positive 64-bit integer.");
}

std::vector<sql::Query> with_note_parts(std::vector<sql::Query> queries, const std::vector<int64_t>& note_ids,
                                        int64_t company_id) {
  queries.push_back(sql::query::note_assignees_of(note_ids, company_id));
  queries.push_back(sql::query::note_messages_of(note_ids, company_id));
  return queries;
}

std::vector<sql::Result> locked_write(sql::Connection& db, int64_t note_id, int64_t company_id,
                                      std::vector<sql::Query> queries) {
  queries.insert(queries.begin(), sql::query::note_lock(note_id, company_id));
  auto results = db.execute_pipeline(queries);
  results.erase(results.begin());
  return results;
}

note_json::NoteParts note_parts(const std::vector<sql::Result>& results) {
  return {&results[results.size() - 2], &results[results.size() - 1]};
}

Response note_page_answer(sql::Connection& db, const sql::Result& page, int base, int64_t company_id) {
  const auto& parts = checked(db.execute_pipeline(with_note_parts({}, note_ids(page, 0, base), company_id)));
  return Response::json(200, note_json::note_array(page, 0, base, note_parts(parts)));
}

Response note_answer(int status, const sql::Result& notes, int base, note_json::NoteParts parts) {
  Response response = Response::json(status, note_json::note(notes, 0, base, parts));
  response.header("ETag", note_etag(notes.text(0, base + sql::full_note::note + sql::note_column::revision)));
  return response;
}

Response one_notes_list(const Request& request, HandlerContext& context, OneNotesList statement, RowsJson to_json) {
  int64_t note_id = path_id(request, "note_id");
  Paging page = requested_page(request);
  const auto& result = checked(context.db.execute(statement(note_id, context.sql_caller(), page.window())));
  if (result.rows() == 0) throw ApiError::not_found("No such note.");
  constexpr int kRowsBase = 1;  // after the total
  Response response =
      result.is_null(0, kRowsBase) ? Response::no_content() : Response::json(200, to_json(result, kRowsBase));
  set_pagination(response, page, ListTotal{result.int64(0, 0), false});
  return response;
}

}  // namespace notes::customer_access
