#pragma once
#include <array>
#include <string_view>

namespace notes::sql {

// Every statement the worker runs. Each is prepared once per connection, at
// connect and again after a reconnect, and executed by name.
enum class Statement {
  ready_check,
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
  idempotency_expire,
  idempotency_claim,
  idempotency_find,
  idempotency_store,
  count_  // keep last
};

// Whether running a statement again can change anything. A read that lost
// its connection mid-way is run once more on a new one; a write never is
// (it may have committed before the connection broke).
enum class Access { read, write };

struct StatementText {
  Statement id;
  const char* name;  // the prepared statement's name
  Access access;
  const char* sql;
};

const std::array<StatementText, static_cast<std::size_t>(Statement::count_)>& statement_catalogue();
const StatementText& statement_text(Statement id);

}  // namespace notes::sql
