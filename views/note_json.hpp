#pragma once
// The JSON shapes of customer notes (docs/api.md, "The Note") (Note, CustomerSummary, User,
// NoteAssignee, NoteMessage), written in the worker from the flat rows laid
// out in sql/note_columns.hpp.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sql/result.hpp"

namespace notes::note_json {

// Rows [first_row, end_row) of `result`, each with the columns of one kind
// (an assignee's, a message's) from column `base` on.
struct PartRows {
  const sql::Result* result = nullptr;
  int first_row = 0;
  int end_row = 0;
  int base = 0;

  // Every row of `result`, from column 0.
  static PartRows all_of(const sql::Result& result) { return {&result, 0, result.rows(), 0}; }
};

// The assignees and messages fetched for one or more notes (the rows of
// note_assignees_of and note_messages_of, or of note_list), ordered by note.
// Empty: none fetched, the notes have none (a note just created).
struct NoteParts {
  PartRows assignees;
  PartRows messages;
};

// The parts a sql::query::with_note_parts() pipeline read: its last two
// results.
NoteParts parts_of(const std::vector<sql::Result>& results);

// What a Note carries of its thread (docs/api.md, "How big a Note gets"):
// its newest messages, at most NOTES_INLINE_MESSAGES (sql/statements.hpp)
// of them, which is all note_messages_of fetches, and no more than
// kInlineMessageBytes of their JSON. The whole thread is paged by GET
// .../messages. With the field limits and kMaxAssigneesPerNote, this keeps
// any Note answer under 1 MiB.
inline constexpr std::size_t kInlineMessageBytes = 256 * 1024;

// The bytes `text` takes as a JSON string, quotes included.
std::size_t json_string_length(std::string_view text);

// The whole Note of the NOTES_FULL_NOTE_COLUMNS that start at column `base`
// of `row`.
std::string note(const sql::Result& notes, int row, int base, NoteParts parts);

// A JSON array of the Notes in rows [first_row, end_row) of `notes`, each
// starting at column `base`, in row order.
std::string note_array(const sql::Result& notes, int first_row, int end_row, int base, NoteParts parts);

// The NoteMessage of the NOTES_MESSAGE_COLUMNS that start at column `base`.
std::string message(const sql::Result& messages, int row, int base);

// The User of the NOTES_USER_COLUMNS that start at column `base`.
std::string user_object(const sql::Result& users, int row, int base);

// The CustomerSummary of the NOTES_CUSTOMER_COLUMNS that start at column `base`.
std::string customer_summary(const sql::Result& customers, int row, int base);

// A JSON array of the NoteMessages in rows [0, rows()) of `messages`.
std::string message_array(const sql::Result& messages, int base);

}  // namespace notes::note_json
