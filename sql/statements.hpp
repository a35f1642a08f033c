#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace notes::sql {

// Every statement the worker runs. Each is prepared once per connection, at
// connect and again after a reconnect, and executed by name.
enum class Statement {
  ready_check,
  actor_set,
  changes_announce,
  auth_by_key_hash,
  account_note_get,
  account_note_create,
  account_note_update,
  account_note_remove,
  note_get,
  note_by_id,
  note_lock,
  note_assignees_of,
  note_messages_of,
  note_list,
  note_list_filtered,
  note_create,
  note_update,
  note_delete,
  note_assignees_add,
  note_assignee_remove,
  note_messages_list,
  note_message_create,
  note_message_attachment,
  note_restore_mark,
  note_restore,
  note_history_list,
  account_note_history_list,
  note_reads_record,
  note_reads_list,
  note_changes,
  account_note_changes,
  feed_position_answerable,
  webhook_dispatch_lock,
  webhook_endpoints_active,
  webhook_endpoint_hold,
  webhook_enqueue_note_changes,
  webhook_enqueue_account_note_changes,
  webhook_reminders_due,
  webhook_enqueue_reminder,
  webhook_claim_turn,
  webhook_claim,
  webhook_record_attempt,
  webhook_forget_finished,
  idempotency_expire,
  idempotency_claim,
  idempotency_find,
  idempotency_store,
  login_attempt,
  login_issue,
  refresh_family_lock,
  refresh_rotate,
  token_revocations,
  export_company,
  export_users,
  export_customers,
  export_notes,
  export_messages,
  export_attachment,
  export_history,
  export_reads,
  export_accounts,
  export_account_notes,
  export_account_history,
  count_  // keep last
};

// A list counts its matching notes exactly up to this many; beyond, its
// total is a lower bound (docs/api.md, "Lists"), so a page of a customer
// with 50,000 notes costs what one of a small customer does. The macro is
// the same number for the SQL text.
inline constexpr int64_t kExactCountUpTo = 1000;
#define NOTES_EXACT_COUNT_UP_TO "1000"

// How many of a note's newest messages are fetched with it: what its Note
// carries at most (docs/api.md, "How big a Note gets"), as SQL text.
#define NOTES_INLINE_MESSAGES "20"
// And within how many bytes of their text, newest first (the Note's JSON
// carries those within note_json::kInlineMessageBytes, 256 KiB, of JSON):
// a message is fetched while the newer ones fetched hold fewer bytes.
#define NOTES_INLINE_MESSAGE_BYTES "262144"

// What running a statement does to the database, which decides two things
// (sql/connection.cpp):
// - idempotent: running it twice leaves the database as running it once (a
//   read, or a session setting, an advisory lock or a notification, whose
//   repetition changes nothing). One that lost its connection mid-way is
//   run once more on a new connection.
// - writes_rows: it may have committed before the connection broke, so it
//   is never run again (the caller answers 503 and the client retries with
//   its Idempotency-Key); and the actor is set before it, in the same
//   transaction, so that history records who wrote.
enum class Effect { idempotent, writes_rows };

// How PostgreSQL sends the statement's columns: text, or binary for raw
// bytea (an attachment's bytes, which text format would double as hex).
enum class ResultFormat { text = 0, binary = 1 };

struct StatementText {
  Statement id;
  const char* name;  // the prepared statement's name
  Effect effect;
  const char* sql;
  ResultFormat results = ResultFormat::text;
};

// The $n a statement's SQL uses: the highest, and each one seen (bit n; a
// statement takes fewer than 64). One pass: clang limits the steps of a
// constant expression.
struct Placeholders {
  int highest = 0;
  unsigned long long seen = 0;
  bool too_many = false;
};

constexpr Placeholders placeholders(std::string_view sql) {
  Placeholders found;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$') continue;
    int n = 0;
    while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') n = n * 10 + (sql[++i] - '0');
    if (n == 0) continue;  // a lone '$' is no parameter
    if (n > 63) {
      found.too_many = true;
      continue;
    }
    found.seen |= 1ull << n;
    if (n > found.highest) found.highest = n;
  }
  return found;
}

// The highest $n in a statement's SQL: how many parameters it takes.
constexpr int parameter_count(std::string_view sql) { return placeholders(sql).highest; }

// Whether the SQL uses every $n from $1 to the highest: a gap would be a
// parameter that the statement's function binds and nothing reads.
constexpr bool parameters_without_gaps(std::string_view sql) {
  Placeholders found = placeholders(sql);
  return !found.too_many && found.seen == ((1ull << (found.highest + 1)) - 2);
}

const std::array<StatementText, static_cast<std::size_t>(Statement::count_)>& statement_catalogue();
const StatementText& statement_text(Statement id);

}  // namespace notes::sql
