#include "sql/queries.hpp"

#include "sql/pg_array.hpp"

namespace notes::sql::query {
namespace {

// $1 what the statement acts on, then the caller: $2 company, $3 user, $4 role.
template <class Target>
Params acting_for(Target target, const Caller& caller) {
  Params params;
  params.add(target).add(caller.company_id).add(caller.user_id).add(caller.role);
  return params;
}

Params of_company(int64_t id, int64_t company_id) {
  Params params;
  params.add(id).add(company_id);
  return params;
}

Params notes_of_company(const std::vector<int64_t>& note_ids, int64_t company_id) {
  Params params;
  params.add(std::string_view(bigint_array_literal(note_ids))).add(company_id);
  return params;
}

void add_revisions(Params& params, const Revisions& revisions) {
  if (revisions) {
    params.add(std::string_view(bigint_array_literal(*revisions)));
  } else {
    params.add_null();
  }
}

// How note_create and note_update take the writable fields: create wants
// each value (NULL for "absent or null": the statement fills in defaults);
// update wants a flag "given?" before each value.
enum class Binding { values, changes };

template <class T>
void add_field(Params& params, const Field<T>& field, Binding binding) {
  if (binding == Binding::changes) params.add(field.given);
  params.add_optional(field.value);
}

void add_field(Params& params, const Field<std::vector<std::string>>& tags, Binding binding) {
  if (binding == Binding::changes) params.add(tags.given);
  if (tags.value) {
    params.add(std::string_view(text_array_literal(*tags.value)));
  } else {
    params.add_null();
  }
}

void add_fields(Params& params, const NoteFields& f, Binding binding) {
  add_field(params, f.reference_type, binding);
  add_field(params, f.reference_id, binding);
  add_field(params, f.type, binding);
  add_field(params, f.details, binding);
  add_field(params, f.status, binding);
  add_field(params, f.reminder, binding);
  add_field(params, f.confidential, binding);
  add_field(params, f.priority, binding);
  add_field(params, f.tags, binding);
  add_field(params, f.subject, binding);
}

void add_window(Params& params, Window window) {
  params.add(static_cast<int64_t>(window.limit)).add(window.offset);
}

// account_note_create and _update: $5 the note's text.
Query account_note_write(Statement statement, int64_t account_id, const Caller& caller, std::string_view note) {
  Params params = acting_for(account_id, caller);
  params.add(note);
  return {statement, std::move(params)};
}

// $1 user, $2 key: how every idempotency statement names its row.
Params users_key(int64_t user_id, std::string_view key) {
  Params params;
  params.add(user_id).add(key);
  return params;
}

}  // namespace

Query ready_check() { return {Statement::ready_check, {}}; }

Query actor_set(const Actor& actor, bool announce) {
  Params params;
  params.add(actor.user_id).add(std::string_view(actor.credential))
      .add(std::string_view(actor.request_id)).add(std::string_view(announce ? "on" : "off"));
  return {Statement::actor_set, std::move(params)};
}

Query changes_announce(int64_t company_id) {
  Params params;
  params.add(company_id);
  return {Statement::changes_announce, std::move(params)};
}

Query auth_by_key_hash(std::string_view key_sha256) {
  Params params;
  params.add_binary(key_sha256);
  return {Statement::auth_by_key_hash, std::move(params)};
}

Query account_note_get(int64_t account_id, const Caller& caller) {
  return {Statement::account_note_get, acting_for(account_id, caller)};
}

Query account_note_create(int64_t account_id, const Caller& caller, std::string_view note) {
  return account_note_write(Statement::account_note_create, account_id, caller, note);
}

Query account_note_update(int64_t account_id, const Caller& caller, std::string_view note) {
  return account_note_write(Statement::account_note_update, account_id, caller, note);
}

Query account_note_remove(int64_t account_id, const Caller& caller) {
  return {Statement::account_note_remove, acting_for(account_id, caller)};
}

Query note_get(int64_t note_id, const Caller& caller) { return {Statement::note_get, acting_for(note_id, caller)}; }

Query note_by_id(int64_t note_id, int64_t company_id) {
  return {Statement::note_by_id, of_company(note_id, company_id)};
}

Query note_lock(int64_t note_id, int64_t company_id) {
  return {Statement::note_lock, of_company(note_id, company_id)};
}

Query note_assignees_of(const std::vector<int64_t>& note_ids, int64_t company_id) {
  return {Statement::note_assignees_of, notes_of_company(note_ids, company_id)};
}

Query note_messages_of(const std::vector<int64_t>& note_ids, int64_t company_id) {
  return {Statement::note_messages_of, notes_of_company(note_ids, company_id)};
}

std::vector<Query> with_note_parts(std::vector<Query> queries, const std::vector<int64_t>& note_ids,
                                   int64_t company_id) {
  queries.push_back(note_assignees_of(note_ids, company_id));
  queries.push_back(note_messages_of(note_ids, company_id));
  return queries;
}

Query note_list(int64_t customer_id, const Caller& caller, Window window, const NoteFilters& filters) {
  Params params = acting_for(customer_id, caller);
  add_window(params, window);
  if (!filters.any()) return {Statement::note_list, std::move(params)};
  params.add_optional(filters.status).add_optional(filters.reference_type).add_optional(filters.reference_id)
      .add_optional(filters.tag).add_optional(filters.assignee).add_optional(filters.priority)
      .add_optional(filters.created_from).add_optional(filters.created_to);
  return {Statement::note_list_filtered, std::move(params)};
}

Query note_create(int64_t customer_id, const Caller& author, const NoteFields& fields) {
  Params params;
  params.add(customer_id).add(author.company_id).add(author.user_id);
  add_fields(params, fields, Binding::values);
  return {Statement::note_create, std::move(params)};
}

Query note_update(int64_t note_id, const Caller& caller, const Revisions& if_match, const NoteFields& changes) {
  Params params = acting_for(note_id, caller);
  add_revisions(params, if_match);
  add_fields(params, changes, Binding::changes);
  return {Statement::note_update, std::move(params)};
}

Query note_delete(int64_t note_id, const Caller& caller, const Revisions& if_match) {
  Params params = acting_for(note_id, caller);
  add_revisions(params, if_match);
  return {Statement::note_delete, std::move(params)};
}

Query note_assignees_add(int64_t note_id, const Caller& caller, const std::vector<int64_t>& user_ids,
                         int max_assignees) {
  Params params = acting_for(note_id, caller);
  params.add(std::string_view(bigint_array_literal(user_ids))).add(static_cast<int64_t>(max_assignees));
  return {Statement::note_assignees_add, std::move(params)};
}

Query note_assignee_remove(int64_t note_id, const Caller& caller, int64_t user_id) {
  Params params = acting_for(note_id, caller);
  params.add(user_id);
  return {Statement::note_assignee_remove, std::move(params)};
}

Query note_messages_list(int64_t note_id, const Caller& caller, Window window) {
  Params params = acting_for(note_id, caller);
  add_window(params, window);
  return {Statement::note_messages_list, std::move(params)};
}

Query note_message_create(int64_t note_id, const Caller& caller, std::string_view message,
                          const std::optional<std::string>& attachment) {
  Params params = acting_for(note_id, caller);
  params.add(message);
  if (attachment) {
    params.add_binary(*attachment);
  } else {
    params.add_null();
  }
  return {Statement::note_message_create, std::move(params)};
}

Query note_message_attachment(int64_t note_id, const Caller& caller, int64_t message_id) {
  Params params = acting_for(note_id, caller);
  params.add(message_id);
  return {Statement::note_message_attachment, std::move(params)};
}

Query note_restore_mark(int64_t revision) {
  Params params;
  params.add(revision);
  return {Statement::note_restore_mark, std::move(params)};
}

Query note_restore(int64_t note_id, const Caller& caller, const Revisions& if_match, int64_t revision) {
  Params params = acting_for(note_id, caller);
  add_revisions(params, if_match);
  params.add(revision);
  return {Statement::note_restore, std::move(params)};
}

Query note_history_list(int64_t note_id, const Caller& caller, Window window) {
  Params params = acting_for(note_id, caller);
  add_window(params, window);
  return {Statement::note_history_list, std::move(params)};
}

Query account_note_history_list(int64_t account_id, const Caller& caller, Window window) {
  Params params = acting_for(account_id, caller);
  add_window(params, window);
  return {Statement::account_note_history_list, std::move(params)};
}

Query note_reads_record(const std::vector<int64_t>& note_ids, int64_t company_id, std::string_view via) {
  Params params = notes_of_company(note_ids, company_id);
  params.add(via);
  return {Statement::note_reads_record, std::move(params)};
}

Query note_reads_list(int64_t note_id, int64_t company_id, Window window) {
  Params params = of_company(note_id, company_id);
  add_window(params, window);
  return {Statement::note_reads_list, std::move(params)};
}

namespace {
// A feed acts on its position: $1 its transaction, the caller, then $5 its
// history id, $6 the limit, $7 the page's bytes.
Query feed(Statement statement, const Caller& caller, const FeedPosition& after, int limit) {
  Params params = acting_for(std::string_view(after.transaction), caller);
  params.add(after.id).add(static_cast<int64_t>(limit)).add(kFeedPageBytes);
  return {statement, std::move(params)};
}
}  // namespace

Query note_changes(const Caller& caller, const FeedPosition& after, int limit) {
  return feed(Statement::note_changes, caller, after, limit);
}

Query account_note_changes(const Caller& caller, const FeedPosition& after, int limit) {
  return feed(Statement::account_note_changes, caller, after, limit);
}

Query feed_position_answerable(const FeedPosition& position) {
  Params params;
  params.add(std::string_view(position.transaction));
  return {Statement::feed_position_answerable, std::move(params)};
}

Query webhook_dispatch_lock() { return {Statement::webhook_dispatch_lock, {}}; }

Query webhook_endpoints_active() { return {Statement::webhook_endpoints_active, {}}; }

Query webhook_endpoint_hold(int64_t endpoint_id) {
  Params params;
  params.add(endpoint_id);
  return {Statement::webhook_endpoint_hold, std::move(params)};
}

Query webhook_enqueue(bool account_notes, int64_t endpoint_id, const FeedPosition& from, const FeedPosition& to,
                      const std::vector<std::string>& events, const std::vector<std::string>& subjects,
                      const std::vector<std::string>& bodies) {
  Params params;
  params.add(endpoint_id).add(std::string_view(from.transaction)).add(from.id)
      .add(std::string_view(to.transaction)).add(to.id)
      .add(std::string_view(text_array_literal(events))).add(std::string_view(text_array_literal(subjects)))
      .add(std::string_view(text_array_literal(bodies)));
  return {account_notes ? Statement::webhook_enqueue_account_note_changes : Statement::webhook_enqueue_note_changes,
          std::move(params)};
}

Query webhook_reminders_due(int limit) {
  Params params;
  params.add(static_cast<int64_t>(limit));
  return {Statement::webhook_reminders_due, std::move(params)};
}

Query webhook_enqueue_reminder(int64_t note_id, std::string_view reminder, int64_t company_id, std::string_view body) {
  Params params;
  params.add(note_id).add(reminder).add(company_id).add(body);
  return {Statement::webhook_enqueue_reminder, std::move(params)};
}

Query webhook_claim_turn() { return {Statement::webhook_claim_turn, {}}; }

Query webhook_claim(int limit, int per_endpoint, int lease_ms) {
  Params params;
  params.add(static_cast<int64_t>(limit)).add(static_cast<int64_t>(per_endpoint)).add(static_cast<int64_t>(lease_ms));
  return {Statement::webhook_claim, std::move(params)};
}

Query webhook_record_attempt(const DeliveryAttempt& attempt) {
  Params params;
  params.add(attempt.delivery_id);
  if (attempt.status) {
    params.add(static_cast<int64_t>(*attempt.status));
  } else {
    params.add_null();
  }
  if (attempt.error.empty()) {
    params.add_null();
  } else {
    params.add(std::string_view(attempt.error));
  }
  params.add(attempt.duration_ms).add(attempt.delivered).add(attempt.retry_in_ms).add(attempt.give_up_after_s);
  return {Statement::webhook_record_attempt, std::move(params)};
}

Query webhook_forget_finished(int64_t older_than_s, int limit) {
  Params params;
  params.add(older_than_s).add(static_cast<int64_t>(limit));
  return {Statement::webhook_forget_finished, std::move(params)};
}

Query idempotency_expire(int64_t user_id, std::string_view key) {
  return {Statement::idempotency_expire, users_key(user_id, key)};
}

Query idempotency_claim(int64_t user_id, int64_t company_id, std::string_view key, std::string_view request_sha256) {
  Params params;
  params.add(user_id).add(company_id).add(key).add_binary(request_sha256);
  return {Statement::idempotency_claim, std::move(params)};
}

Query idempotency_find(int64_t user_id, std::string_view key) {
  return {Statement::idempotency_find, users_key(user_id, key)};
}

Query idempotency_store(int64_t user_id, std::string_view key, int status, std::string_view headers,
                        std::string_view body) {
  Params params = users_key(user_id, key);
  params.add(static_cast<int64_t>(status)).add(headers).add(body);
  return {Statement::idempotency_store, std::move(params)};
}

Query login_attempt(std::string_view name_sha256, int64_t client, std::optional<int64_t> company_id,
                    std::string_view username, int max_attempts, int window_seconds) {
  Params params;
  params.add_binary(name_sha256).add(client).add_optional(company_id).add(username)
      .add(static_cast<int64_t>(max_attempts)).add(static_cast<int64_t>(window_seconds));
  return {Statement::login_attempt, std::move(params)};
}

Query login_issue(int64_t user_id, std::string_view refresh_sha256, int64_t refresh_seconds,
                  int64_t token_generation, std::string_view name_sha256, int64_t client) {
  Params params;
  params.add(user_id).add_binary(refresh_sha256).add(refresh_seconds).add(token_generation)
      .add_binary(name_sha256).add(client);
  return {Statement::login_issue, std::move(params)};
}

Query refresh_family_lock(std::string_view refresh_sha256) {
  Params params;
  params.add_binary(refresh_sha256);
  return {Statement::refresh_family_lock, std::move(params)};
}

Query refresh_rotate(std::string_view presented_sha256, std::string_view next_sha256, int64_t refresh_seconds) {
  Params params;
  params.add_binary(presented_sha256).add_binary(next_sha256).add(refresh_seconds);
  return {Statement::refresh_rotate, std::move(params)};
}

Query export_company(int64_t company_id) {
  Params params;
  params.add(company_id);
  return {Statement::export_company, std::move(params)};
}

Query export_page(Statement statement, int64_t company_id, std::optional<int64_t> customer_id, int64_t after,
                  int limit) {
  Params params;
  params.add(company_id);
  bool of_customers = statement == Statement::export_customers || statement == Statement::export_notes ||
                      statement == Statement::export_messages || statement == Statement::export_history ||
                      statement == Statement::export_reads;
  if (of_customers) params.add_optional(customer_id);
  params.add(after).add(static_cast<int64_t>(limit));
  return {statement, std::move(params)};
}

Query export_attachment(int64_t company_id, int64_t message_id) {
  Params params;
  params.add(company_id).add(message_id);
  return {Statement::export_attachment, std::move(params)};
}

Query token_revocations(int64_t within_seconds) {
  Params params;
  params.add(within_seconds);
  return {Statement::token_revocations, std::move(params)};
}

}  // namespace notes::sql::query
