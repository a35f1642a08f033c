#pragma once
// The JSON of the audit trail (docs/api.md, "History" and "Who read a
// confidential note"), written from the rows of note_history_list,
// account_note_history_list and note_reads_list.
#include <string>

#include "sql/result.hpp"

namespace notes::history_json {

// The columns of a note_history_list or account_note_history_list row from
// `base` on: what both kinds of entry have, then each one's own.
namespace column {
enum { id, change, changed_at, actor_user_id, credential, request_id, own };
}
namespace note_column {
enum { revision = column::own, before, after, restored_from, withheld };
}
namespace account_column {
enum { account_note_id = column::own, note_before, note_after };
}

// The columns of a note_reads_list row from `base` on (its id first, as
// every entry's).
namespace read_column {
enum { id = column::id, read_at, user_id, credential, request_id, via };
}

// A JSON array of the NoteRevisions in rows [0, rows()) of `rows`, and
// the one of row `row`.
std::string note_revisions(const sql::Result& rows, int base);
std::string note_revision(const sql::Result& rows, int row, int base);

// The same for AccountNoteChanges.
std::string account_note_changes(const sql::Result& rows, int base);
std::string account_note_change(const sql::Result& rows, int row, int base);

// The same for NoteReads.
std::string note_reads(const sql::Result& rows, int base);
std::string note_read(const sql::Result& rows, int row, int base);

}  // namespace notes::history_json
