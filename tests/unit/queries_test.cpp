// Each function of sql/queries.hpp binds exactly the parameters its
// statement's SQL numbers, whatever arguments it is given.
#include "sql/queries.hpp"

#include <gtest/gtest.h>

#include <set>

namespace notes::sql {
namespace {

void expect_bound_in_full(const Query& query) {
  const StatementText& text = statement_text(query.statement);
  EXPECT_EQ(query.params.size(), parameter_count(text.sql)) << text.name;
}

TEST(Queries, EveryFunctionBindsWhatItsStatementNumbers) {
  const Caller caller{7, 11, "staff"};
  NoteFilters no_filters;
  NoteFilters filters;
  filters.status = "open";
  NoteFields fields;
  fields.subject = {true, "s"};

  const std::vector<Query> queries = {
      query::ready_check(),
      query::auth_by_key_hash("hash"),
      query::account_note_get(1, caller),
      query::account_note_create(1, caller, "n"),
      query::account_note_update(1, caller, "n"),
      query::account_note_remove(1, caller),
      query::note_get(1, caller),
      query::note_by_id(1, 7),
      query::note_lock(1, 7),
      query::note_assignees_of({1, 2}, 7),
      query::note_messages_of({1, 2}, 7),
      query::note_list(1, caller, {25, 0}, no_filters),
      query::note_list(1, caller, {25, 0}, filters),
      query::note_create(1, caller, fields),
      query::note_update(1, caller, std::nullopt, fields),
      query::note_update(1, caller, std::vector<int64_t>{3}, NoteFields{}),
      query::note_delete(1, caller, std::nullopt),
      query::note_assignees_add(1, caller, {2, 3}, 100),
      query::note_assignee_remove(1, caller, 2),
      query::note_messages_list(1, caller, {25, 50}),
      query::note_message_create(1, caller, "m", std::nullopt),
      query::note_message_create(1, caller, "m", std::string("bytes")),
      query::note_message_attachment(1, caller, 2),
      query::actor_set({11, "key:3", "0123456789abcdef0123456789abcdef"}, false),
      query::changes_announce(7),
      query::note_restore_mark(4),
      query::note_restore(1, caller, std::nullopt, 4),
      query::note_restore(1, caller, std::vector<int64_t>{5}, 4),
      query::note_history_list(1, caller, {25, 0}),
      query::account_note_history_list(1, caller, {25, 0}),
      query::note_reads_record({1, 2}, 7, "list"),
      query::note_reads_list(1, 7, {25, 0}),
      query::note_changes(caller, {"812", 40}, 100),
      query::account_note_changes(caller, {}, 100),
      query::feed_position_answerable({"812", 40}),
      query::webhook_dispatch_lock(),
      query::webhook_endpoints_active(),
      query::webhook_endpoint_hold(3),
      query::webhook_enqueue(false, 3, {}, {"9", 4}, {"note.created"}, {"note:4"}, {"{}"}),
      query::webhook_enqueue(true, 3, {}, {"9", 4}, {}, {}, {}),
      query::webhook_reminders_due(100),
      query::webhook_enqueue_reminder(4, "2026-11-25 10:00:00+00", 7, "{}"),
      query::webhook_claim_turn(),
      query::webhook_claim(32, 4, 25000),
      query::webhook_record_attempt({5, 500, "", 12, false, 100, 90000}),
      query::webhook_record_attempt({5, std::nullopt, "timeout", 2000, false, 100, 90000}),
      query::webhook_forget_finished(30 * 86400, 500),
      query::idempotency_expire(11, "k"),
      query::idempotency_claim(11, 7, "k", "hash"),
      query::idempotency_find(11, "k"),
      query::idempotency_store(11, "k", 201, "h", "b"),
      query::login_attempt("name", -5, std::nullopt, "u", 10, 900),
      query::login_attempt("name", 5, 7, "u", 10, 900),
      query::login_issue(11, "hash", 3600, 2, "name", 5),
      query::refresh_family_lock("hash"),
      query::refresh_rotate("old", "new", 3600),
      query::token_revocations(1860),
      query::export_company(7),
      query::export_page(Statement::export_users, 7, std::nullopt, 0, 100),
      query::export_page(Statement::export_customers, 7, 12, 0, 100),
      query::export_page(Statement::export_notes, 7, std::nullopt, 40, 100),
      query::export_page(Statement::export_messages, 7, 12, 0, 100),
      query::export_attachment(7, 5),
      query::export_page(Statement::export_history, 7, 12, 0, 100),
      query::export_page(Statement::export_reads, 7, std::nullopt, 0, 100),
      query::export_page(Statement::export_accounts, 7, std::nullopt, 0, 100),
      query::export_page(Statement::export_account_notes, 7, std::nullopt, 0, 100),
      query::export_page(Statement::export_account_history, 7, std::nullopt, 0, 100),
  };
  std::set<Statement> covered;
  for (const auto& query : queries) {
    expect_bound_in_full(query);
    covered.insert(query.statement);
  }
  EXPECT_EQ(covered.size(), statement_catalogue().size()) << "a statement has no function here";
}

TEST(Queries, ListsUseTheFilteredStatementOnlyWhenFiltered) {
  const Caller caller{7, 11, "owner"};
  NoteFilters filters;
  EXPECT_EQ(query::note_list(1, caller, {25, 0}, filters).statement, Statement::note_list);
  filters.priority = false;  // a filter on "false" is still a filter
  EXPECT_EQ(query::note_list(1, caller, {25, 0}, filters).statement, Statement::note_list_filtered);
}

TEST(Queries, ParameterCountReadsTheHighestNumber) {
  static_assert(parameter_count("SELECT 1") == 0);
  static_assert(parameter_count("SELECT $1, $12, $3") == 12);
  static_assert(parameters_without_gaps("SELECT $2, $1"));
  static_assert(!parameters_without_gaps("SELECT $1, $3"));
  SUCCEED();
}

}  // namespace
}  // namespace notes::sql
