#include "handlers/note_history.hpp"

#include "handlers/note_answers.hpp"
#include "handlers/path_id.hpp"
#include "handlers/locked_write.hpp"
#include "handlers/etag.hpp"
#include "views/history_json.hpp"

namespace notes::note_history {

Response list(const Request& request, HandlerContext& context) {
  return note_answers::one_notes_list(request, context, sql::query::note_history_list,
                                         history_json::note_revisions, "history");
}

Response restore(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  int64_t revision = path_id(request, "revision");
  auto change = sql::query::note_restore(id, context.sql_caller(), if_match_revisions(request.param("HTTP_IF_MATCH")),
                                         revision);
  // The restore and the Note it leaves, in one transaction and one round trip.
  auto results = locked_write(
      context.db, id, context.caller.company_id,
      sql::query::with_note_parts({sql::query::note_restore_mark(revision), std::move(change)}, {id},
                                       context.caller.company_id));
  checked(results[0]);
  const sql::Result& restored = checked(results[1]);
  if (restored.int64(0, 0) == 0) throw ApiError::not_found("No such note.");
  if (restored.int64(0, 1) == 0) throw ApiError::not_found("This note has no such revision.");
  constexpr int kNoteBase = 2;  // after "found" and "revision known"
  if (restored.is_null(0, kNoteBase)) throw ApiError::precondition_failed();
  return note_answers::note_answer(context, "write", 200, restored, kNoteBase, note_json::parts_of(results));
}

}  // namespace notes::note_history
