#pragma once
// A change of the change feeds (docs/api.md, "Change feed"), as the feed
// routes and webhook deliveries both write it: its cursor and the fields
// every reader of it gets. The routes add the note as it is now, the
// deliveries what the change did (docs/webhooks.md, "What is sent").
#include <optional>
#include <string>
#include <string_view>

#include "sql/queries.hpp"
#include "sql/result.hpp"
#include "views/json_cells.hpp"

namespace notes::feed_item {

// The columns of a feed row (sql/statements.cpp, NOTES_FEED_PAGE): what
// both feeds' rows start with, then each one's own.
namespace column {
enum : int { transaction, history_id, subject_id, change };
namespace note {
// before, after: the fields the change touched (JSON); full_note:
// NOTES_FULL_NOTE_COLUMNS of the note as it is now.
enum : int { revision = change + 1, changed_at, before, after, full_note };
}  // namespace note
namespace account {
// note_after: the text once changed; note: the live note now.
enum : int { changed_at = change + 1, note_after, note };
}  // namespace account
}  // namespace column

// Where a feed row sits.
sql::FeedPosition position_of(const sql::Result& page, int row);

// A cursor as the feeds write it: "<transaction>.<history id>".
std::string cursor_text(const sql::FeedPosition& position);
// A cursor a client sent back; nothing when it is not one.
std::optional<sql::FeedPosition> parse_cursor(std::string_view text);

// "note_id", "change", "revision", "changed_on" of a notes feed row.
void note_change_fields(json_cells::JsonWriter& out, const json_cells::Cells& row);
// "account_id" (a decimal string, as every id of the account family),
// "change", "changed_at" of an account notes feed row.
void account_change_fields(json_cells::JsonWriter& out, const json_cells::Cells& row);

// A feed route's tombstone (docs/api.md, "Change feed"): the row's subject,
// the change the reader sees ("deleted" for a note, "removed" for an
// account's note) and "note": null, nothing more.
void note_tombstone(json_cells::JsonWriter& out, const json_cells::Cells& row);
void account_tombstone(json_cells::JsonWriter& out, const json_cells::Cells& row);

}  // namespace notes::feed_item
