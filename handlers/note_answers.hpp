#pragma once
// Answers that carry customer notes: a Note with its ETag, a page of Notes
// with their parts, a list one note has (messages, history, reads), each
// recording as it leaves which confidential notes of others it carries
// (docs/api.md, "Who read a confidential note").
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"
#include "handlers/list_query.hpp"
#include "views/note_json.hpp"
#include "sql/queries.hpp"
#include "sql/result.hpp"

namespace notes::note_answers {

// What carries a confidential note's content to whom (docs/api.md, "Who
// read a confidential note"): every answer below records, before it
// leaves, which confidential notes of others it holds, and how (`via`:
// "note", "list", "queue", "search", "messages", "history", "write"). An
// answer whose reads could not be recorded is a 503 instead.
void record_confidential_reads(HandlerContext& context, const std::vector<int64_t>& note_ids, std::string_view via);
// The same for the confidential notes of others among the rows of `notes`
// (NOTES_FULL_NOTE_COLUMNS at column `base`; rows without a note skipped).
void record_confidential_reads_of(HandlerContext& context, std::string_view via, const sql::Result& notes, int base);

// The assignees and messages (a sql::query::with_note_parts() pipeline's results) of
// the notes of `page` whose NOTES_FULL_NOTE_COLUMNS start at column `base`
// (rows without a note skipped), read in one round trip that also records
// which of them are confidential notes of others, as `via`.
std::vector<sql::Result> page_parts(HandlerContext& context, std::string_view via, const sql::Result& page, int base);

// 200 and the Note[] of every row of `page` (NOTES_FULL_NOTE_COLUMNS at
// column `base`), their assignees and messages read in one more round trip.
Response note_page_answer(HandlerContext& context, std::string_view via, const sql::Result& page, int base);

// GET of a list one note has (its messages, its history): `statement` for
// the page the request asks for; 404 when the caller may not see the note,
// else `to_json` of the page's rows (204 when it is empty). Such a list is
// counted exactly: it is read from one note's index. The statement's row
// starts with the total, whether the note is confidential and its author.
using OneNotesList = sql::Query (*)(int64_t note_id, const sql::Caller& caller, sql::Window window);
Response one_notes_list(const Request& request, HandlerContext& context, OneNotesList statement, RowsJson to_json,
                        std::string_view via);

// A Note with its ETag: the NOTES_FULL_NOTE_COLUMNS at column `base` of the
// first row of `notes`, with its assignees and messages from `parts`.
Response note_answer(HandlerContext& context, std::string_view via, int status, const sql::Result& notes, int base,
                     note_json::NoteParts parts);

}  // namespace notes::note_answers
