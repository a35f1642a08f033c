#include "handlers/note_answers.hpp"

#include <algorithm>

#include "handlers/etag.hpp"
#include "handlers/path_id.hpp"
#include "handlers/list_query.hpp"
#include "sql/note_columns.hpp"

namespace notes::note_answers {
namespace {

// The ids of the notes in rows [first_row, rows()) whose
// NOTES_FULL_NOTE_COLUMNS start at column `base`.
// A row whose note is NULL (a feed's tombstone) is skipped; each note is
// named once.
std::vector<int64_t> note_ids(const sql::Result& notes, int first_row, int base) {
  const int id = base + sql::full_note::note + sql::note_column::id;
  std::vector<int64_t> ids;
  for (int row = first_row; row < notes.rows(); ++row) {
    if (!notes.is_null(row, id)) ids.push_back(notes.int64(row, id));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Whether `caller` reading a note is recorded: when it is confidential and
// not the caller's own (`author` NULL: deleted, its author unknown).
bool read_is_recorded(const sql::Result& rows, int row, int confidential, int author, int64_t caller) {
  return rows.boolean(row, confidential) && (rows.is_null(row, author) || rows.int64(row, author) != caller);
}

// The notes of rows [first_row, rows()) of `notes` (NOTES_FULL_NOTE_COLUMNS
// at `base`) whose reading by `caller` is recorded.
std::vector<int64_t> confidential_of_others(const sql::Result& notes, int first_row, int base, int64_t caller) {
  namespace nc = sql::note_column;
  const int note = base + sql::full_note::note;
  std::vector<int64_t> ids;
  for (int row = first_row; row < notes.rows(); ++row) {
    if (!notes.is_null(row, note + nc::id) &&
        read_is_recorded(notes, row, note + nc::confidential, note + nc::user_id, caller)) {
      ids.push_back(notes.int64(row, note + nc::id));
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

void record_confidential_reads(HandlerContext& context, const std::vector<int64_t>& note_ids, std::string_view via) {
  if (note_ids.empty()) return;
  checked(context.db.execute(sql::query::note_reads_record(note_ids, context.caller.company_id, via)));
}

void record_confidential_reads_of(HandlerContext& context, std::string_view via, const sql::Result& notes, int base) {
  record_confidential_reads(context, confidential_of_others(notes, 0, base, context.caller.user_id), via);
}

std::vector<sql::Result> page_parts(HandlerContext& context, std::string_view via, const sql::Result& page,
                                    int base) {
  int64_t company_id = context.caller.company_id;
  std::vector<sql::Query> queries = sql::query::with_note_parts({}, note_ids(page, 0, base), company_id);
  // The page's confidential notes of others are recorded in the same
  // round trip and transaction as their parts are read.
  auto audited = confidential_of_others(page, 0, base, context.caller.user_id);
  if (!audited.empty()) queries.insert(queries.begin(), sql::query::note_reads_record(audited, company_id, via));
  return checked(context.db.execute_pipeline(queries));
}

Response note_page_answer(HandlerContext& context, std::string_view via, const sql::Result& page, int base) {
  auto results = page_parts(context, via, page, base);
  return Response::json(200, note_json::note_array(page, 0, page.rows(), base, note_json::parts_of(results)));
}

Response note_answer(HandlerContext& context, std::string_view via, int status, const sql::Result& notes, int base,
                     note_json::NoteParts parts) {
  record_confidential_reads(context, confidential_of_others(notes, 0, base, context.caller.user_id), via);
  Response response = Response::json(status, note_json::note(notes, 0, base, parts));
  response.header("ETag", note_etag(notes.text(0, base + sql::full_note::note + sql::note_column::revision)));
  return response;
}

Response one_notes_list(const Request& request, HandlerContext& context, OneNotesList statement, RowsJson to_json,
                        std::string_view via) {
  int64_t note_id = path_id(request, "note_id");
  Paging page = requested_page(request);
  const auto& result = checked(context.db.execute(statement(note_id, context.sql_caller(), page.window())));
  if (result.rows() == 0) throw ApiError::not_found("No such note.");
  // After the total: whether the note is confidential, and its author
  // (NULL once it is deleted).
  if (read_is_recorded(result, 0, 1, 2, context.caller.user_id)) record_confidential_reads(context, {note_id}, via);
  constexpr int kRowsBase = 3;
  return exact_page_answer(result, kRowsBase, to_json, page, result.int64(0, 0));
}

}  // namespace notes::note_answers
