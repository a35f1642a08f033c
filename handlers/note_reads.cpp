#include "handlers/note_reads.hpp"

#include "handlers/note_answers.hpp"
#include "handlers/path_id.hpp"
#include "views/history_json.hpp"
#include "handlers/list_query.hpp"

namespace notes::note_reads {

Response list(const Request& request, HandlerContext& context) {
  int64_t note_id = path_id(request, "note_id");
  if (context.caller.role != "owner") throw ApiError::forbidden("Only owners may see who read a note.");
  Paging page = requested_page(request);
  const auto& result =
      checked(context.db.execute(sql::query::note_reads_list(note_id, context.caller.company_id, page.window())));
  if (result.rows() == 0) throw ApiError::not_found("No such note.");
  constexpr int kReadsBase = 1;  // after the total
  // One note's reads are counted exactly: they are read from one note's index.
  return exact_page_answer(result, kReadsBase, history_json::note_reads, page, result.int64(0, 0));
}

}  // namespace notes::note_reads
