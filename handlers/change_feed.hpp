#pragma once
// The change feeds (docs/api.md, "Change feed"): every change to the
// company's notes, in the order of the transactions that made them, each
// delivered once, with a cursor to ask for what follows. A reader may
// long-poll: with `wait`, a request that finds nothing new waits until a
// change is announced or `wait` seconds pass.
#include <chrono>
#include <string>

#include "handlers/handler_context.hpp"
#include "sql/queries.hpp"
#include "sql/result.hpp"

namespace notes::change_feed {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;
// nginx gives the feed routes 30 s (snippets/notes-locations.conf).
inline constexpr int kMaxWaitSeconds = 20;
// A waiting reader looks again this often even unannounced: changes made
// outside the service while it started listening, or held back by an older
// transaction of another company still running, are announced to no one.
inline constexpr std::chrono::milliseconds kLookAgainEvery{1000};

// The columns of a feed row (sql/statements.cpp, NOTES_FEED_PAGE): what
// both feeds' rows start with, then each one's own.
namespace feed_column {
enum : int { transaction, history_id, subject_id, change };
namespace note {
// before, after: the fields the change touched (JSON); full_note:
// NOTES_FULL_NOTE_COLUMNS of the note as it is now.
enum : int { revision = change + 1, changed_at, before, after, full_note };
}
namespace account {
// note_after: the text once changed; note: the live note now.
enum : int { changed_at = change + 1, note_after, note };
}
}  // namespace feed_column

// Where a feed row sits.
sql::FeedPosition position_of(const sql::Result& page, int row);

// A cursor as the feed writes it: "<transaction>.<history id>".
std::string cursor_text(const sql::FeedPosition& position);
// A cursor a client sent back; nothing when it is not one.
std::optional<sql::FeedPosition> parse_cursor(std::string_view text);

// GET /api/customers/notes/changes
Response note_changes(const Request& request, HandlerContext& context);
// GET /api/v2/account_notes/changes
Response account_note_changes(const Request& request, HandlerContext& context);

}  // namespace notes::change_feed
