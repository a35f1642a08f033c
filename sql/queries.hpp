#pragma once
// One function per statement of sql/statements.cpp. Each takes the
// statement's arguments by name and type and binds them in the order its SQL
// numbers them, so that no handler or test counts $n. A statement and its
// function change together; tests/unit/queries_test.cpp checks that each
// function binds exactly the parameters its statement numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/note_fields.hpp"
#include "sql/params.hpp"
#include "sql/statements.hpp"

namespace notes::sql {

// A statement with its arguments bound, ready for Connection::execute.
struct Query {
  Statement statement;
  Params params;
};

// A statement whose text was made for one shape of request (which filters,
// which sort), with its arguments: sql/work_queue.hpp says why.
struct ShapedQuery {
  std::string sql;
  Params params;
  // Plan it for each request's values (a custom plan) rather than once:
  // for shapes whose best plan depends on how many rows a value matches.
  bool plan_for_values = false;
};

// Whom a statement acts for. Every statement that has a caller takes it as
// $2 company, $3 user id, $4 role, after $1, what it acts on.
struct Caller {
  int64_t company_id = 0;
  int64_t user_id = 0;
  std::string_view role;  // "owner", "admin" or "staff"
};

// Whom a write acts for, as history records it
// (sql/migrations/008_history.sql): the user, the credential it presented
// ("key:<id>" or "token:<family id>", empty when not known) and nginx's
// request id.
struct Actor {
  int64_t user_id = 0;
  std::string credential;
  std::string request_id;
  int64_t company_id = 0;  // whose changes the writes make (for announcing them)
};

// About how many bytes of JSON a page of a change feed ends after.
inline constexpr int64_t kFeedPageBytes = 4 << 20;

// A place in a change feed: after the history entry `id` of transaction
// `transaction` (a PostgreSQL xid8, as text). The start: {"0", 0}.
struct FeedPosition {
  std::string transaction = "0";
  int64_t id = 0;
};

// One page of a list: at most `limit` rows, from row `offset`.
struct Window {
  int limit = 0;
  int64_t offset = 0;
};

// If-Match's revisions: nothing when any revision will do.
using Revisions = std::optional<std::vector<int64_t>>;

namespace query {

Query ready_check();
// Tells the transaction whom its writes act for (Connection::act_for).
// `announce`: whether its changes are announced to feed readers.
Query actor_set(const Actor& actor, bool announce);
// Wakes the feed readers waiting on `company_id`'s changes.
Query changes_announce(int64_t company_id);
Query auth_by_key_hash(std::string_view key_sha256);

Query account_note_get(int64_t account_id, const Caller& caller);
Query account_note_create(int64_t account_id, const Caller& caller, std::string_view note);
Query account_note_update(int64_t account_id, const Caller& caller, std::string_view note);
Query account_note_remove(int64_t account_id, const Caller& caller);

Query note_get(int64_t note_id, const Caller& caller);
Query note_by_id(int64_t note_id, int64_t company_id);
Query note_lock(int64_t note_id, int64_t company_id);
Query note_assignees_of(const std::vector<int64_t>& note_ids, int64_t company_id);
Query note_messages_of(const std::vector<int64_t>& note_ids, int64_t company_id);
// `queries` followed by note_assignees_of and note_messages_of for
// `note_ids`: a pipeline that answers Notes, their parts in the same round
// trip (views/note_json.hpp, parts_of).
std::vector<Query> with_note_parts(std::vector<Query> queries, const std::vector<int64_t>& note_ids,
                                   int64_t company_id);
// note_list, or note_list_filtered when any filter is set.
Query note_list(int64_t customer_id, const Caller& caller, Window window, const NoteFilters& filters);
// The caller is the author; its role is not asked.
Query note_create(int64_t customer_id, const Caller& author, const NoteFields& fields);
Query note_update(int64_t note_id, const Caller& caller, const Revisions& if_match, const NoteFields& changes);
Query note_delete(int64_t note_id, const Caller& caller, const Revisions& if_match);
Query note_assignees_add(int64_t note_id, const Caller& caller, const std::vector<int64_t>& user_ids,
                         int max_assignees);
Query note_assignee_remove(int64_t note_id, const Caller& caller, int64_t user_id);
Query note_messages_list(int64_t note_id, const Caller& caller, Window window);
Query note_message_create(int64_t note_id, const Caller& caller, std::string_view message,
                          const std::optional<std::string>& attachment);
Query note_message_attachment(int64_t note_id, const Caller& caller, int64_t message_id);
// History (docs/api.md, "History"). note_restore_mark goes before
// note_restore in its transaction, so the change is recorded as a restore.
Query note_restore_mark(int64_t revision);
Query note_restore(int64_t note_id, const Caller& caller, const Revisions& if_match, int64_t revision);
Query note_history_list(int64_t note_id, const Caller& caller, Window window);
Query account_note_history_list(int64_t account_id, const Caller& caller, Window window);
// Reads of confidential notes (docs/api.md, "Who read a confidential note").
Query note_reads_record(const std::vector<int64_t>& note_ids, int64_t company_id, std::string_view via);
// Owners only: the caller checks the role.
Query note_reads_list(int64_t note_id, int64_t company_id, Window window);
// The change feeds (docs/api.md, "Change feed"): up to `limit` changes
// after `after`, and no more than end past kFeedPageBytes of what they
// carry (so that a page of large notes fetches no more than it answers).
Query note_changes(const Caller& caller, const FeedPosition& after, int limit);
Query account_note_changes(const Caller& caller, const FeedPosition& after, int limit);
// Whether `position` is one the feeds could have answered: a cursor
// naming a later transaction was never given (and would wait forever).
Query feed_position_answerable(const FeedPosition& position);

// Webhooks (docs/webhooks.md): the delivery process's statements.
Query webhook_dispatch_lock();
Query webhook_endpoints_active();
// Locks `endpoint_id` until the transaction ends.
Query webhook_endpoint_hold(int64_t endpoint_id);
// The deliveries of one page of a feed (`account_notes`: the account notes
// feed), moving the endpoint's position from `from` to `to`.
Query webhook_enqueue(bool account_notes, int64_t endpoint_id, const FeedPosition& from, const FeedPosition& to,
                      const std::vector<std::string>& events, const std::vector<std::string>& subjects,
                      const std::vector<std::string>& bodies);
Query webhook_reminders_due(int limit);
Query webhook_enqueue_reminder(int64_t note_id, std::string_view reminder, int64_t company_id, std::string_view body);
Query webhook_claim_turn();
Query webhook_claim(int limit, int per_endpoint, int lease_ms);
struct DeliveryAttempt {
  int64_t delivery_id = 0;
  std::optional<int> status;  // the receiver's; none when no answer came
  std::string error;
  int64_t duration_ms = 0;
  bool delivered = false;
  int64_t retry_in_ms = 0;
  int64_t give_up_after_s = 0;
};
Query webhook_record_attempt(const DeliveryAttempt& attempt);
Query webhook_forget_finished(int64_t older_than_s, int limit);

Query idempotency_expire(int64_t user_id, std::string_view key);
Query idempotency_claim(int64_t user_id, int64_t company_id, std::string_view key, std::string_view request_sha256);
Query idempotency_find(int64_t user_id, std::string_view key);
Query idempotency_store(int64_t user_id, std::string_view key, int status, std::string_view headers,
                        std::string_view body);

// Tokens (docs/api.md, "Tokens"). Hashes are SHA-256, 32 raw bytes.
// Attempts are counted per name (`name_sha256`: login_name_digest) and
// client (credentials/failed_key_lookups.hpp's client_of).
Query login_attempt(std::string_view name_sha256, int64_t client, std::optional<int64_t> company_id,
                    std::string_view username, int max_attempts, int window_seconds);
// Issues nothing unless the user's token generation is still `token_generation`.
Query login_issue(int64_t user_id, std::string_view refresh_sha256, int64_t refresh_seconds,
                  int64_t token_generation, std::string_view name_sha256, int64_t client);
Query refresh_family_lock(std::string_view refresh_sha256);
Query refresh_rotate(std::string_view presented_sha256, std::string_view next_sha256, int64_t refresh_seconds);
Query token_revocations(int64_t within_seconds);

// notesctl export (docs/export.md). A page of one kind of record, by id
// after `after`: of customer `customer`'s (nothing: every customer's) for
// export_customers, _notes, _messages, _history and _reads; of the
// company's own for export_users, _accounts, _account_notes and
// _account_history.
Query export_company(int64_t company_id);
Query export_page(Statement statement, int64_t company_id, std::optional<int64_t> customer_id, int64_t after,
                  int limit);
Query export_attachment(int64_t company_id, int64_t message_id);

}  // namespace query
}  // namespace notes::sql
