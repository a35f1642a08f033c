#include "sql/statements.hpp"

#include <stdexcept>

namespace notes::sql {
namespace {

// The caller's rights on one account of its company: no row when the account
// does not exist there. Parameters: $1 account id, $2 company id, $3 role,
// $4 user id. An owner has every right on every account of its company.
#define NOTES_ACCOUNT_ACCESS_CTE                                                  \
  "WITH account AS ("                                                             \
  "  SELECT a.id,"                                                                \
  "         ($3::text = 'owner' OR g.access IS NOT NULL) AS may_read,"             \
  "         ($3::text = 'owner' OR g.access = 'modify') AS may_modify"            \
  "  FROM accounts a"                                                             \
  "  LEFT JOIN account_grants g ON g.account_id = a.id AND g.user_id = $4::bigint" \
  "  WHERE a.id = $1::bigint AND a.company_id = $2::bigint) "

const std::array<StatementText, static_cast<std::size_t>(Statement::count_)> kCatalogue = {{
    {Statement::ready_check, "ready_check", "SELECT 1"},

    // $1 SHA-256 of the presented key (binary). One row for a live key of an
    // active user: id, company, role, and whole seconds until the key expires
    // (NULL when it never does).
    {Statement::auth_by_key_hash, "auth_by_key_hash",
     "SELECT u.id, u.company_id, u.role,"
     "       floor(extract(epoch FROM k.expires_at - now()))::bigint"
     " FROM api_keys k JOIN users u ON u.id = k.user_id"
     " WHERE k.key_hash = $1::bytea AND k.revoked_at IS NULL"
     "   AND (k.expires_at IS NULL OR k.expires_at > now())"
     "   AND u.status = 'active'"},

    // Row: may_read, the live note (NULL when none). No row: no such account.
    {Statement::account_note_get, "account_note_get",
     NOTES_ACCOUNT_ACCESS_CTE
     "SELECT account.may_read, n.note"
     " FROM account LEFT JOIN account_notes n ON n.account_id = account.id AND NOT n.removed"},

    // $5 note text. Row: may_modify, the new note's id (NULL when one is
    // already live). No row: no such account.
    {Statement::account_note_create, "account_note_create",
     NOTES_ACCOUNT_ACCESS_CTE
     ", created AS ("
     "  INSERT INTO account_notes (account_id, company_id, note)"
     "  SELECT id, $2::bigint, $5::text FROM account WHERE may_modify"
     "  ON CONFLICT (account_id) WHERE NOT removed DO NOTHING"
     "  RETURNING id)"
     " SELECT account.may_modify, (SELECT id FROM created) FROM account"},

    // $5 note text. Row: may_modify, the changed note's id (NULL when none is
    // live). No row: no such account.
    {Statement::account_note_update, "account_note_update",
     NOTES_ACCOUNT_ACCESS_CTE
     ", changed AS ("
     "  UPDATE account_notes n SET note = $5::text, modified_at = now()"
     "  FROM account"
     "  WHERE account.may_modify AND n.account_id = account.id AND NOT n.removed"
     "  RETURNING n.id)"
     " SELECT account.may_modify, (SELECT id FROM changed) FROM account"},

    // Marks the live note removed; it stays for audit. Same answer as update.
    {Statement::account_note_remove, "account_note_remove",
     NOTES_ACCOUNT_ACCESS_CTE
     ", changed AS ("
     "  UPDATE account_notes n SET removed = true, modified_at = now()"
     "  FROM account"
     "  WHERE account.may_modify AND n.account_id = account.id AND NOT n.removed"
     "  RETURNING n.id)"
     " SELECT account.may_modify, (SELECT id FROM changed) FROM account"},
}};

#undef NOTES_ACCOUNT_ACCESS_CTE

}  // namespace

const std::array<StatementText, static_cast<std::size_t>(Statement::count_)>& statement_catalogue() {
  return kCatalogue;
}

const StatementText& statement_text(Statement id) {
  const auto& entry = kCatalogue.at(static_cast<std::size_t>(id));
  if (entry.id != id) throw std::logic_error("statement catalogue out of order");
  return entry;
}

}  // namespace notes::sql
