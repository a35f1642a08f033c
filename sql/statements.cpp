#include "sql/statements.hpp"

#include "sql/note_columns.hpp"
#include "sql/note_visibility.hpp"

namespace notes::sql {
namespace {

// Every statement that acts for a caller takes the same first four
// parameters: $1 what it acts on (an account, a note, a feed's position), $2 the
// caller's company, $3 the caller's user id, $4 the caller's role.

// The caller's rights on one account of its company: no row when the account
// does not exist there. An owner has every right on every account of its
// company.
#define NOTES_ACCOUNT_ACCESS_CTE                                                  \
  "WITH account AS ("                                                             \
  "  SELECT a.id,"                                                                \
  "         ($4::text = 'owner' OR g.access IS NOT NULL) AS may_read,"             \
  "         ($4::text = 'owner' OR g.access = 'modify') AS may_modify"            \
  "  FROM accounts a"                                                             \
  "  LEFT JOIN account_grants g ON g.account_id = a.id AND g.user_id = $3::bigint" \
  "  WHERE a.id = $1::bigint AND a.company_id = $2::bigint) "

// The ids of the messages a Note of note `note` (of company `company`)
// carries at most: its newest NOTES_INLINE_MESSAGES, and of those only
// while the newer ones hold fewer than NOTES_INLINE_MESSAGE_BYTES bytes of
// text, so that no page of Notes fetches more than it can answer.
// octet_length reads a stored text's size without reading the text.
#define NOTES_INLINE_MESSAGES_OF(note, company)                                                    \
  "SELECT id FROM (SELECT id, sum(octet_length(message)) OVER (ORDER BY created_on DESC, id DESC)" \
  "                           - octet_length(message) AS newer_bytes"                               \
  "                FROM note_messages WHERE note_id = " note " AND company_id = " company "::bigint" \
  "                ORDER BY created_on DESC, id DESC LIMIT " NOTES_INLINE_MESSAGES ") inline_messages" \
  " WHERE newer_bytes < " NOTES_INLINE_MESSAGE_BYTES

// The note $1 of company $2 as caller $3 with role $4 may see it, locked
// against other writers of the same note, so concurrent changes to one note
// queue up instead of deadlocking. No row: 404.
#define NOTES_VISIBLE_NOTE_CTE                                                        \
  "WITH target AS ("                                                                  \
  "  SELECT n.id, n.revision FROM notes n"                                            \
  "  WHERE n.id = $1::bigint AND n.company_id = $2::bigint"                           \
  "    AND " NOTES_VISIBLE("n", "$3", "$4")                                           \
  "  FOR NO KEY UPDATE) "

// The customer `c` and author `u` of the notes row `n`, for NOTES_FULL_NOTE_COLUMNS.
#define NOTES_NOTE_PEOPLE \
  " JOIN customers c ON c.id = n.customer_id LEFT JOIN users u ON u.id = n.user_id"

// A page of customer $1's notes in company $2 as caller $3 with role $4 may
// see them: $5 notes from offset $6, plus the `filters` (SQL conditions on
// `n`), with their assignees and messages (what note_assignees_of and
// note_messages_of fetch), in one statement: one round trip and one
// snapshot for the whole page. Rows: sql::note_list_column. The note rows
// come first, in page order, each with the matching notes counted up to
// kExactCountUpTo + 1 (in the text, NOTES_EXACT_COUNT_UP_TO) and whether
// more notes follow this page; when the page is empty, one such row whose
// note is NULL. No row: no such customer.
// Visibility is written out so that the count and the page's start read
// only the list index (notes_customer_newest INCLUDEs what it tests), and
// nothing is shared between them: a CTE read twice would be materialised in
// full, every matching note of a 50,000-note customer for a page of 25.
// The page's start is found in the index alone (skipping $6 entries costs no
// heap reads); the page then reads its notes from there in the same index
// with their heap rows, and joins each row back by its ctid, not by a
// second descent of the primary key (docs/performance-log.md, "The list
// statement's own reads"). It reads one row more than it answers, to know
// whether more follow.
#define NOTES_MATCHING(filters)                                                                   \
  " FROM notes n WHERE n.customer_id = (SELECT id FROM customer)"                                 \
  "   AND " NOTES_VISIBLE("n", "$3", "$4") filters
#define NOTES_NOTE_LIST(filters)                                                                  \
  "WITH customer AS (SELECT * FROM customers WHERE id = $1::bigint AND company_id = $2::bigint),"  \
  " page_start AS (SELECT n.created_on, n.id" NOTES_MATCHING(filters)                             \
  "                ORDER BY n.created_on DESC, n.id DESC LIMIT 1 OFFSET $6::bigint),"            \
  " page_and_one AS (SELECT n.ctid AS row_at, n.id, n.created_on" NOTES_MATCHING(filters)          \
  "                    AND (n.created_on, n.id) <= (SELECT created_on, id FROM page_start)"      \
  "                  ORDER BY n.created_on DESC, n.id DESC LIMIT $5::int + 1),"                  \
  " page AS (SELECT row_at, id, created_on,"                                                       \
  "                 row_number() OVER (ORDER BY created_on DESC, id DESC) AS place"                \
  "          FROM page_and_one ORDER BY created_on DESC, id DESC LIMIT $5::int)"                  \
  " SELECT 0, p.place, NULL::timestamptz, NULL::bigint,"                                          \
  "        (SELECT count(*) FROM (SELECT 1" NOTES_MATCHING(filters)                               \
  "         LIMIT " NOTES_EXACT_COUNT_UP_TO " + 1) counted),"                                     \
  "        (SELECT count(*) FROM page_and_one) > $5::int, " NOTES_FULL_NOTE_COLUMNS ","           \
  "        " NOTES_NO_ASSIGNEE_COLUMNS ", " NOTES_NO_MESSAGE_COLUMNS                                \
  " FROM customer c LEFT JOIN (page p CROSS JOIN LATERAL"                                          \
  "                            (SELECT * FROM notes WHERE ctid = p.row_at) n"                      \
  "                            LEFT JOIN users u ON u.id = n.user_id) ON true"                     \
  " UNION ALL"                                                                                     \
  " SELECT 1, a.note_id, a.created_on, a.user_id, NULL, NULL, " NOTES_NO_FULL_NOTE_COLUMNS ","     \
  "        " NOTES_ASSIGNEE_COLUMNS ", " NOTES_NO_MESSAGE_COLUMNS                                   \
  " FROM page p JOIN note_assignees a ON a.note_id = p.id AND a.company_id = $2::bigint"          \
  " JOIN users u ON u.id = a.user_id"                                                              \
  " UNION ALL"                                                                                     \
  " SELECT 2, m.note_id, m.created_on, m.id, NULL, NULL, " NOTES_NO_FULL_NOTE_COLUMNS ","          \
  "        " NOTES_NO_ASSIGNEE_COLUMNS ", " NOTES_MESSAGE_COLUMNS                                   \
  " FROM note_messages m JOIN users u ON u.id = m.posted_by"                                       \
  " WHERE m.id IN (SELECT newest.id FROM page p CROSS JOIN LATERAL"                                \
  "                  (" NOTES_INLINE_MESSAGES_OF("p.id", "$2") ") newest)"                          \
  " ORDER BY 1, 2, 3, 4"

constexpr std::array<StatementText, static_cast<std::size_t>(Statement::count_)> kCatalogue = {{
    {Statement::ready_check, "ready_check", Effect::idempotent, "SELECT 1"},

    // $1 user id, $2 credential, $3 request id: whom the transaction's
    // writes act for, read by the history triggers
    // (sql/migrations/008_history.sql); $4 'on' or 'off': whether the
    // history triggers announce its changes to feed readers as it commits
    // (010_change_feed.sql; a worker says 'off' and announces after the
    // commit, changes_announce). Local to the transaction.
    {Statement::actor_set, "actor_set", Effect::idempotent,
     "SELECT set_config('notes.actor_user_id', $1::text, true),"
     "       set_config('notes.actor_credential', $2::text, true),"
     "       set_config('notes.request_id', $3::text, true),"
     "       set_config('notes.announce', $4::text, true)"},

    // $1 company id: announces that company's changes to the feed readers
    // that listen (handlers/change_feed.cpp), in a transaction of its own
    // after the write committed (Connection::announce_if_awaited).
    {Statement::changes_announce, "changes_announce", Effect::idempotent,
     "SELECT pg_notify('notes_changes', $1::bigint::text)"},

    // $1 SHA-256 of the presented key (binary). One row for a live key of an
    // active user: id, company, role, now and the key's expiry (NULL when it
    // never does) as Unix time with fractions, the key's id.
    {Statement::auth_by_key_hash, "auth_by_key_hash", Effect::idempotent,
     "SELECT u.id, u.company_id, u.role, extract(epoch FROM now())::text,"
     "       extract(epoch FROM k.expires_at)::text, k.id"
     " FROM api_keys k JOIN users u ON u.id = k.user_id"
     " WHERE k.key_hash = $1::bytea AND k.revoked_at IS NULL"
     "   AND (k.expires_at IS NULL OR k.expires_at > now())"
     "   AND u.status = 'active'"},

    // Row: may_read, the live note (NULL when none). No row: no such account.
    {Statement::account_note_get, "account_note_get", Effect::idempotent,
     NOTES_ACCOUNT_ACCESS_CTE
     "SELECT account.may_read, n.note"
     " FROM account LEFT JOIN account_notes n ON n.account_id = account.id AND NOT n.removed"},

    // $5 note text. Row: may_modify, the new note's id (NULL when one is
    // already live). No row: no such account.
    {Statement::account_note_create, "account_note_create", Effect::writes_rows,
     NOTES_ACCOUNT_ACCESS_CTE
     ", created AS ("
     "  INSERT INTO account_notes (account_id, company_id, note)"
     "  SELECT id, $2::bigint, $5::text FROM account WHERE may_modify"
     "  ON CONFLICT (account_id) WHERE NOT removed DO NOTHING"
     "  RETURNING id)"
     " SELECT account.may_modify, (SELECT id FROM created) FROM account"},

    // $5 note text. Row: may_modify, the changed note's id (NULL when none is
    // live). No row: no such account.
    {Statement::account_note_update, "account_note_update", Effect::writes_rows,
     NOTES_ACCOUNT_ACCESS_CTE
     ", changed AS ("
     "  UPDATE account_notes n SET note = $5::text, modified_at = now()"
     "  FROM account"
     "  WHERE account.may_modify AND n.account_id = account.id AND NOT n.removed"
     "  RETURNING n.id)"
     " SELECT account.may_modify, (SELECT id FROM changed) FROM account"},

    // Marks the live note removed; it stays for audit. Same answer as update.
    {Statement::account_note_remove, "account_note_remove", Effect::writes_rows,
     NOTES_ACCOUNT_ACCESS_CTE
     ", changed AS ("
     "  UPDATE account_notes n SET removed = true, modified_at = now()"
     "  FROM account"
     "  WHERE account.may_modify AND n.account_id = account.id AND NOT n.removed"
     "  RETURNING n.id)"
     " SELECT account.may_modify, (SELECT id FROM changed) FROM account"},

    // Row: the note, its customer and author (NOTES_FULL_NOTE_COLUMNS). No
    // row: 404. Its assignees and messages come from the two statements below.
    {Statement::note_get, "note_get", Effect::idempotent,
     "SELECT " NOTES_FULL_NOTE_COLUMNS " FROM notes n" NOTES_NOTE_PEOPLE
     " WHERE n.id = $1::bigint AND n.company_id = $2::bigint AND " NOTES_VISIBLE("n", "$3", "$4")},

    // The same without the visibility check, for the answer of a write that
    // was already authorised earlier in its pipeline.
    {Statement::note_by_id, "note_by_id", Effect::idempotent,
     "SELECT " NOTES_FULL_NOTE_COLUMNS " FROM notes n" NOTES_NOTE_PEOPLE
     " WHERE n.id = $1::bigint AND n.company_id = $2::bigint"},

    // $1 note, $2 company: takes the note's write lock and nothing else. A
    // write runs this first, in the same transaction, so that its own
    // statement starts after the lock is held and decides visibility on
    // current rows. A statement that waits for the lock itself re-reads the
    // note row after the wait, but its EXISTS (note_assignees ...) still reads
    // the snapshot from before: an assignee removed meanwhile would still see
    // the note (docs/architecture.md, "Writes and the visibility rule").
    {Statement::note_lock, "note_lock", Effect::writes_rows,
     "SELECT 1 FROM notes WHERE id = $1::bigint AND company_id = $2::bigint FOR NO KEY UPDATE"},

    // $1 note ids, $2 company. Rows: NOTES_ASSIGNEE_COLUMNS, by note, each
    // note's in the order they were added. Callers checked visibility.
    {Statement::note_assignees_of, "note_assignees_of", Effect::idempotent,
     "SELECT " NOTES_ASSIGNEE_COLUMNS " FROM note_assignees a JOIN users u ON u.id = a.user_id"
     " WHERE a.note_id = ANY ($1::bigint[]) AND a.company_id = $2::bigint"
     " ORDER BY a.note_id, a.created_on, a.user_id"},

    // $1 note ids, $2 company. Rows: NOTES_MESSAGE_COLUMNS of each note's
    // newest NOTES_INLINE_MESSAGES (20) messages within NOTES_INLINE_MESSAGE_BYTES,
    // by note, each note's oldest first: what a Note carries (docs/api.md,
    // "How big a Note gets").
    // Callers checked visibility.
    {Statement::note_messages_of, "note_messages_of", Effect::idempotent,
     "WITH newest AS ("
     "  SELECT x.id FROM unnest($1::bigint[]) AS wanted(note_id),"
     "  LATERAL (" NOTES_INLINE_MESSAGES_OF("wanted.note_id", "$2") ") x)"
     " SELECT " NOTES_MESSAGE_COLUMNS " FROM note_messages m JOIN users u ON u.id = m.posted_by"
     " WHERE m.id IN (SELECT id FROM newest)"
     " ORDER BY m.note_id, m.created_on, m.id"},

    // $1 customer, $2 company, $3 caller, $4 role, $5 limit, $6 offset.
    // No row: no such customer. Rows: total matching, then
    // NOTES_FULL_NOTE_COLUMNS, newest first; a single row with a NULL note
    // when the page is empty.
    {Statement::note_list, "note_list", Effect::idempotent, NOTES_NOTE_LIST("")},

    // The same with filters (NULL: not filtered): $7 status,
    // $8 reference_type, $9 reference_id, $10 tag, $11 assignee,
    // $12 priority, $13 created_from, $14 created_to. A statement of its own
    // because its generic plan must read every candidate note's heap row to
    // test the filters, which the unfiltered list (the common one) need not.
    {Statement::note_list_filtered, "note_list_filtered", Effect::idempotent,
     NOTES_NOTE_LIST(
     "    AND ($7::text IS NULL OR n.status = $7::text)"
     "    AND ($8::text IS NULL OR n.reference_type = $8::text)"
     "    AND ($9::bigint IS NULL OR n.reference_id = $9::bigint)"
     "    AND ($10::text IS NULL OR $10::text = ANY (n.tags))"
     "    AND ($11::bigint IS NULL OR EXISTS (SELECT 1 FROM note_assignees a"
     "                                        WHERE a.note_id = n.id AND a.user_id = $11::bigint))"
     "    AND ($12::boolean IS NULL OR n.priority = $12::boolean)"
     "    AND ($13::timestamptz IS NULL OR n.created_on >= $13::timestamptz)"
     "    AND ($14::timestamptz IS NULL OR n.created_on <= $14::timestamptz)")},

    // $1 customer, $2 company, $3 author, then the fields: $4 reference_type,
    // $5 reference_id, $6 type, $7 details, $8 status, $9 reminder,
    // $10 confidential, $11 priority, $12 tags, $13 subject (NULL: default).
    // Row: NOTES_FULL_NOTE_COLUMNS of the new note (it has no assignees or
    // messages yet). No row: no such customer.
    {Statement::note_create, "note_create", Effect::writes_rows,
     "WITH customer AS (SELECT * FROM customers WHERE id = $1::bigint AND company_id = $2::bigint),"
     " created AS ("
     "  INSERT INTO notes (company_id, customer_id, user_id, reference_type, reference_id, type, details,"
     "                     status, reminder, confidential, priority, tags, subject)"
     "  SELECT $2::bigint, c.id, $3::bigint, coalesce($4::text, 'customer'),"
     "         coalesce($5::bigint, CASE WHEN coalesce($4::text, 'customer') = 'customer' THEN c.id END),"
     "         $6::text, $7::text, coalesce($8::text, 'open'), $9::timestamptz,"
     "         coalesce($10::boolean, false), coalesce($11::boolean, false), $12::text[], $13::text"
     "  FROM customer c RETURNING *)"
     " SELECT " NOTES_FULL_NOTE_COLUMNS
     " FROM created n CROSS JOIN customer c LEFT JOIN users u ON u.id = n.user_id"},

    // $1 note, $2 company, $3 caller, $4 role, $5 If-Match revisions
    // (NULL: none given), then for each field a flag "given" and the value:
    // $6/$7 reference_type, $8/$9 reference_id, $10/$11 type,
    // $12/$13 details, $14/$15 status, $16/$17 reminder, $18/$19 confidential,
    // $20/$21 priority, $22/$23 tags, $24/$25 subject.
    // Row: note found (0/1), then NOTES_FULL_NOTE_COLUMNS of the changed
    // note (NULL: If-Match failed).
    {Statement::note_update, "note_update", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     ", changed AS ("
     "  UPDATE notes n SET"
     "   reference_type = CASE WHEN $6::boolean THEN $7::text ELSE n.reference_type END,"
     "   reference_id = CASE WHEN $8::boolean THEN $9::bigint ELSE n.reference_id END,"
     "   type = CASE WHEN $10::boolean THEN $11::text ELSE n.type END,"
     "   details = CASE WHEN $12::boolean THEN $13::text ELSE n.details END,"
     "   status = CASE WHEN $14::boolean THEN $15::text ELSE n.status END,"
     "   reminder = CASE WHEN $16::boolean THEN $17::timestamptz ELSE n.reminder END,"
     "   confidential = CASE WHEN $18::boolean THEN $19::boolean ELSE n.confidential END,"
     "   priority = CASE WHEN $20::boolean THEN $21::boolean ELSE n.priority END,"
     "   tags = CASE WHEN $22::boolean THEN $23::text[] ELSE n.tags END,"
     "   subject = CASE WHEN $24::boolean THEN $25::text ELSE n.subject END,"
     // An empty PATCH changes nothing, so it keeps the ETag.
     "   revision = n.revision + CASE WHEN $6::boolean OR $8::boolean OR $10::boolean OR $12::boolean"
     "     OR $14::boolean OR $16::boolean OR $18::boolean OR $20::boolean OR $22::boolean OR $24::boolean"
     "     THEN 1 ELSE 0 END"
     "  FROM target t WHERE n.id = t.id AND ($5::bigint[] IS NULL OR t.revision = ANY ($5::bigint[]))"
     "  RETURNING n.*)"
     " SELECT (SELECT count(*) FROM target), " NOTES_FULL_NOTE_COLUMNS
     " FROM (SELECT 1) one LEFT JOIN (changed n" NOTES_NOTE_PEOPLE ") ON true"},

    // $1 note, $2 company, $3 caller, $4 role, $5 If-Match revisions.
    // Row: note found (0/1), deleted (0/1: 0 when If-Match failed).
    {Statement::note_delete, "note_delete", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     ", deleted AS ("
     "  DELETE FROM notes n USING target t"
     "  WHERE n.id = t.id AND ($5::bigint[] IS NULL OR t.revision = ANY ($5::bigint[]))"
     "  RETURNING n.id)"
     " SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM deleted)"},

    // $1 note, $2 company, $3 caller, $4 role, $5 user ids, $6 most
    // assignees a note may have. All or nothing: when any id is not a user of
    // the company, or the note would have more than $6, nothing is added.
    // Adding one already assigned changes nothing. Row: note found (0/1),
    // the unknown ids as a JSON array, bumped (0/1), assignees the note would
    // have.
    {Statement::note_assignees_add, "note_assignees_add", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     ", wanted AS (SELECT DISTINCT unnest($5::bigint[]) AS user_id),"
     " unknown AS (SELECT w.user_id FROM wanted w WHERE NOT EXISTS ("
     "   SELECT 1 FROM users u WHERE u.id = w.user_id AND u.company_id = $2::bigint)),"
     " would_have AS (SELECT count(*) AS assignees FROM ("
     "   SELECT a.user_id FROM note_assignees a, target t WHERE a.note_id = t.id"
     "   UNION SELECT user_id FROM wanted) everyone),"
     " added AS ("
     "  INSERT INTO note_assignees (note_id, user_id, company_id)"
     "  SELECT t.id, w.user_id, $2::bigint FROM target t, wanted w"
     "  WHERE NOT EXISTS (SELECT 1 FROM unknown) AND (SELECT assignees FROM would_have) <= $6::int"
     "  ORDER BY w.user_id"
     "  ON CONFLICT (note_id, user_id) DO NOTHING RETURNING user_id),"
     " bumped AS ("
     "  UPDATE notes n SET revision = n.revision + 1 FROM target t"
     "  WHERE n.id = t.id AND EXISTS (SELECT 1 FROM added) RETURNING n.id)"
     " SELECT (SELECT count(*) FROM target),"
     "  (SELECT coalesce(json_agg(user_id ORDER BY user_id), '[]') FROM unknown)::text,"
     "  (SELECT count(*) FROM bumped), (SELECT assignees FROM would_have)"},

    // $1 note, $2 company, $3 caller, $4 role, $5 user id.
    // Row: note found (0/1), removed (0/1: 0 when not assigned).
    {Statement::note_assignee_remove, "note_assignee_remove", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     ", removed AS ("
     "  DELETE FROM note_assignees a USING target t"
     "  WHERE a.note_id = t.id AND a.user_id = $5::bigint RETURNING a.user_id),"
     " bumped AS ("
     "  UPDATE notes n SET revision = n.revision + 1 FROM target t"
     "  WHERE n.id = t.id AND EXISTS (SELECT 1 FROM removed) RETURNING n.id)"
     " SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM removed), (SELECT count(*) FROM bumped)"},

    // $1 note, $2 company, $3 caller, $4 role, $5 limit, $6 offset.
    // No row: no such note. Rows: total messages, whether the note is
    // confidential, its author, then NOTES_MESSAGE_COLUMNS, oldest first; a
    // single row with a NULL message when the page is empty.
    {Statement::note_messages_list, "note_messages_list", Effect::idempotent,
     "WITH target AS (SELECT n.id, n.confidential, n.user_id FROM notes n"
     "                WHERE n.id = $1::bigint AND n.company_id = $2::bigint"
     "                AND " NOTES_VISIBLE("n", "$3", "$4") ")"
     " SELECT (SELECT count(*) FROM note_messages c WHERE c.note_id = (SELECT id FROM target)),"
     "        t.confidential, t.user_id, " NOTES_MESSAGE_COLUMNS
     " FROM target t LEFT JOIN ((SELECT * FROM note_messages m WHERE m.note_id = (SELECT id FROM target)"
     "                          ORDER BY m.created_on, m.id LIMIT $5::int OFFSET $6::bigint) m"
     "                         JOIN users u ON u.id = m.posted_by) ON true"
     " ORDER BY m.created_on, m.id"},

    // $1 note, $2 company, $3 caller, $4 role, $5 message, $6 attachment
    // (bytes, NULL for none). Row: NOTES_MESSAGE_COLUMNS. No row: 404.
    {Statement::note_message_create, "note_message_create", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     ", posted AS ("
     "  INSERT INTO note_messages (note_id, company_id, posted_by, message, attachment)"
     "  SELECT t.id, $2::bigint, $3::bigint, $5::text, $6::bytea FROM target t RETURNING *),"
     " bumped AS ("
     "  UPDATE notes n SET revision = n.revision + 1 FROM posted p WHERE n.id = p.note_id RETURNING n.id)"
     " SELECT " NOTES_MESSAGE_COLUMNS " FROM posted m JOIN users u ON u.id = m.posted_by"},

    // $1 note, $2 company, $3 caller, $4 role, $5 message. Row: the
    // attachment's bytes (fetch in binary). No row: 404. The download of a
    // confidential note's attachment by someone other than its author is
    // recorded in the same statement (actor from Connection::act_for).
    {Statement::note_message_attachment, "note_message_attachment", Effect::writes_rows,
     "WITH found AS ("
     "  SELECT m.attachment, n.id, n.company_id, n.confidential AND n.user_id <> $3::bigint AS audited"
     "  FROM note_messages m JOIN notes n ON n.id = m.note_id"
     "  WHERE m.id = $5::bigint AND m.note_id = $1::bigint AND n.company_id = $2::bigint"
     "    AND m.attachment IS NOT NULL AND " NOTES_VISIBLE("n", "$3", "$4") "),"
     " recorded AS ("
     "  INSERT INTO note_reads (company_id, note_id, user_id, credential, request_id, via)"
     "  SELECT company_id, id, notes_actor_user_id(), notes_actor_credential(), notes_request_id(), 'attachment'"
     "  FROM found WHERE audited RETURNING 1)"
     " SELECT attachment FROM found",
     ResultFormat::binary},

    // $1 the revision a restore brings back: the history trigger records
    // the transaction's change to the note's fields as that restore.
    {Statement::note_restore_mark, "note_restore_mark", Effect::idempotent,
     "SELECT set_config('notes.restoring', $1::text, true)"},

    // $1 note, $2 company, $3 caller, $4 role, $5 If-Match revisions,
    // $6 revision. Sets the note's fields to what they were at revision $6:
    // for each field, the value its newest recorded change at or before $6
    // left. A restore that changes nothing keeps the revision, as an empty
    // PATCH does. Row: note found (0/1), revision known (0/1), then
    // NOTES_FULL_NOTE_COLUMNS of the note (NULL: If-Match failed or no
    // such revision).
    {Statement::note_restore, "note_restore", Effect::writes_rows,
     NOTES_VISIBLE_NOTE_CTE
     // A revision at which the note was confidential is known only to those
     // who could see it so (docs/api.md, "History").
     ", known AS (SELECT 1 FROM note_history h, target t, notes kn"
     "            WHERE h.note_id = t.id AND h.revision = $6::bigint AND kn.id = t.id"
     "              AND (" NOTES_MAY_SEE_CONFIDENTIAL("kn", "$3", "$4") " OR NOT coalesce("
     "                (SELECT (p.after ->> 'confidential')::boolean FROM note_history p"
     "                 WHERE p.note_id = t.id AND p.revision <= $6::bigint AND p.after ? 'confidential'"
     "                 ORDER BY p.id DESC LIMIT 1), false))"
     "            LIMIT 1),"
     " restored AS ("
     "  SELECT jsonb_object_agg(latest.key, latest.value) AS fields FROM ("
     "    SELECT DISTINCT ON (f.key) f.key, f.value"
     "    FROM target t JOIN note_history h ON h.note_id = t.id, jsonb_each(h.after) f"
     "    WHERE h.revision <= $6::bigint AND h.change IN ('recorded', 'created', 'updated', 'restored')"
     "    ORDER BY f.key, h.id DESC) latest"
     "  HAVING count(*) > 0 AND EXISTS (SELECT 1 FROM known)),"
     " changed AS ("
     "  UPDATE notes n SET"
     "   reference_type = r.fields ->> 'reference_type',"
     "   reference_id = (r.fields ->> 'reference_id')::bigint,"
     "   type = r.fields ->> 'type',"
     "   details = r.fields ->> 'details',"
     "   status = r.fields ->> 'status',"
     "   reminder = (r.fields ->> 'reminder')::timestamptz,"
     "   confidential = (r.fields ->> 'confidential')::boolean,"
     "   priority = (r.fields ->> 'priority')::boolean,"
     "   tags = CASE WHEN jsonb_typeof(r.fields -> 'tags') = 'array'"
     "               THEN ARRAY(SELECT jsonb_array_elements_text(r.fields -> 'tags')) END,"
     "   subject = r.fields ->> 'subject',"
     "   revision = n.revision + CASE WHEN notes_fields_json(n) = r.fields THEN 0 ELSE 1 END"
     "  FROM target t, restored r"
     "  WHERE n.id = t.id AND ($5::bigint[] IS NULL OR t.revision = ANY ($5::bigint[]))"
     "  RETURNING n.*)"
     " SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM known), " NOTES_FULL_NOTE_COLUMNS
     " FROM (SELECT 1) one LEFT JOIN (changed n" NOTES_NOTE_PEOPLE ") ON true"},

    // $1 note, $2 company, $3 caller, $4 role, $5 limit, $6 offset. The
    // note's history, newest first: of a note the caller may see, or, to an
    // owner, of a deleted note of the company. An entry written while the
    // note was confidential keeps its fields from a caller who could not
    // see it so (withheld: before and after NULL). No row: 404. Rows: total,
    // whether the page shows anything confidential (the note now, or a
    // confidential entry), the note's author (NULL once deleted), then id,
    // change, changed_at, actor user id, credential, request id, revision,
    // before, after (JSON), restored_from, withheld
    // (views/history_json.hpp); a single row with a NULL id when the
    // page is empty.
    {Statement::note_history_list, "note_history_list", Effect::idempotent,
     "WITH target AS ("
     "  SELECT n.id, n.confidential, n.user_id, " NOTES_MAY_SEE_CONFIDENTIAL("n", "$3", "$4") " AS privileged"
     "  FROM notes n"
     "  WHERE n.id = $1::bigint AND n.company_id = $2::bigint AND " NOTES_VISIBLE("n", "$3", "$4")
     "  UNION ALL"
     // A deleted note: confidential as it was deleted; its author is gone
     // with it; only owners read it.
     "  SELECT $1::bigint, coalesce((SELECT (d.before ->> 'confidential')::boolean FROM note_history d"
     "                               WHERE d.note_id = $1::bigint AND d.change = 'deleted'), false), NULL::bigint,"
     "         true"
     "  WHERE $4::text = 'owner' AND NOT EXISTS (SELECT 1 FROM notes WHERE id = $1::bigint)"
     "    AND EXISTS (SELECT 1 FROM note_history WHERE note_id = $1::bigint AND company_id = $2::bigint))"
     " SELECT (SELECT count(*) FROM note_history c WHERE c.note_id = t.id),"
     "        t.confidential OR coalesce(bool_or(h.confidential_then AND NOT h.withheld) OVER (), false), t.user_id,"
     "        h.id, h.change, h.changed_at, h.actor_user_id, h.actor_credential, h.request_id,"
     "        h.revision, CASE WHEN h.withheld THEN NULL ELSE h.before::text END,"
     "        CASE WHEN h.withheld THEN NULL ELSE h.after::text END, h.restored_from, h.withheld"
     " FROM target t LEFT JOIN LATERAL ("
     "   SELECT e.*, e.confidential_then AND NOT t.privileged AS withheld FROM ("
     "     SELECT x.*, " NOTES_HISTORY_CONFIDENTIAL_THEN("x") " AS confidential_then FROM note_history x"
     "     WHERE x.note_id = t.id ORDER BY x.id DESC LIMIT $5::int OFFSET $6::bigint) e) h ON true"
     " ORDER BY h.id DESC"},

    // $1 account, $2 company, $3 caller, $4 role, $5 limit, $6 offset. The
    // history of the account's notes, removed ones included, newest first.
    // No row: no such account. Rows: may_read, total (0 when not may_read),
    // then id, change, changed_at, actor user id, credential, request id,
    // account note id, note before, note after (views/history_json.hpp);
    // NULL id when the page is empty or may_read is false.
    {Statement::account_note_history_list, "account_note_history_list", Effect::idempotent,
     NOTES_ACCOUNT_ACCESS_CTE
     "SELECT a.may_read,"
     "       CASE WHEN a.may_read THEN (SELECT count(*) FROM account_note_history c WHERE c.account_id = a.id)"
     "            ELSE 0 END,"
     "       h.id, h.change, h.changed_at, h.actor_user_id, h.actor_credential, h.request_id,"
     "       h.account_note_id, h.note_before, h.note_after"
     " FROM account a LEFT JOIN LATERAL (SELECT * FROM account_note_history"
     "                                   WHERE a.may_read AND account_id = a.id"
     "                                   ORDER BY id DESC LIMIT $5::int OFFSET $6::bigint) h ON true"
     " ORDER BY h.id DESC"},

    // $1 note ids, $2 company, $3 how they were read: records that the
    // acting user (Connection::act_for) read these confidential notes.
    {Statement::note_reads_record, "note_reads_record", Effect::writes_rows,
     "INSERT INTO note_reads (company_id, note_id, user_id, credential, request_id, via)"
     " SELECT $2::bigint, unnest($1::bigint[]), notes_actor_user_id(), notes_actor_credential(),"
     "        notes_request_id(), $3::text"},

    // $1 note, $2 company, $3 limit, $4 offset. Who read the note while
    // confidential, newest first: of a note of the company, or one deleted
    // since. Only owners may ask; the handler checks the role, as for every
    // route of one role. No row: 404. Rows: total, then id, read_at, user
    // id, credential, request id, via; a single row with a NULL id when the
    // page is empty.
    {Statement::note_reads_list, "note_reads_list", Effect::idempotent,
     "WITH target AS ("
     "  SELECT $1::bigint AS id"
     "  WHERE EXISTS (SELECT 1 FROM notes WHERE id = $1::bigint AND company_id = $2::bigint)"
     "     OR EXISTS (SELECT 1 FROM note_history WHERE note_id = $1::bigint AND company_id = $2::bigint))"
     " SELECT (SELECT count(*) FROM note_reads c WHERE c.note_id = t.id),"
     "        r.id, r.read_at, r.user_id, r.credential, r.request_id, r.via"
     " FROM target t LEFT JOIN LATERAL (SELECT * FROM note_reads WHERE note_id = t.id"
     "                                  ORDER BY id DESC LIMIT $3::int OFFSET $4::bigint) r ON true"
     " ORDER BY r.id DESC"},

    // The change feeds (docs/api.md, "Change feed") act on a position: $1
    // its transaction, then the caller ($2 company, $3 user, $4 role), $5
    // its history id, $6 limit.
    // History in the order of the transactions that wrote it, only of
    // those older than every transaction still running: one still running
    // may yet commit history of a lower transaction id, and a reader that
    // went past it would never see it. What the page names is read as it
    // is now.
#define NOTES_FEED_PAGE(history)                                                                \
  "(SELECT * FROM " history                                                                      \
  "  WHERE company_id = $2::bigint AND (written_by_xact, id) > ($1::xid8, $5::bigint)"           \
  "    AND written_by_xact < pg_snapshot_xmin(pg_current_snapshot())"                            \
  "  ORDER BY written_by_xact, id LIMIT $6::int) h"

    // Rows: transaction, id, note id, change, revision, changed_at, the
    // change's fields before and after (JSON), then
    // NOTES_FULL_NOTE_COLUMNS of the note if the caller may see it now
    // (NULL: deleted, or confidential to the caller), then two columns of
    // the page's own. The page ends after the row whose note (with the
    // messages its Note carries) brings the page's bytes past $7: a page
    // of large notes is as short as its answer will be.
    {Statement::note_changes, "note_changes", Effect::idempotent,
     "SELECT * FROM ("
     " SELECT h.written_by_xact::text, h.id, h.note_id, h.change, h.revision, h.changed_at, h.before::text,"
     "        h.after::text, " NOTES_FULL_NOTE_COLUMNS ", h.written_by_xact AS page_xact,"
     "        sum(s.bytes) OVER (ORDER BY h.written_by_xact, h.id) - s.bytes AS page_bytes_before"
     " FROM " NOTES_FEED_PAGE("note_history")
     " LEFT JOIN (notes n" NOTES_NOTE_PEOPLE ")"
     "   ON n.id = h.note_id AND n.company_id = $2::bigint AND " NOTES_VISIBLE("n", "$3", "$4")
     " CROSS JOIN LATERAL (SELECT 512 + coalesce(octet_length(h.before::text), 0)"
     "   + coalesce(octet_length(h.after::text), 0) + coalesce(octet_length(n.details), 0)"
     "   + coalesce(octet_length(n.subject), 0) + coalesce(octet_length(n.tags::text), 0)"
     "   + coalesce((SELECT sum(octet_length(m.message)) FROM note_messages m"
     "               WHERE m.id IN (" NOTES_INLINE_MESSAGES_OF("n.id", "$2") ")), 0) AS bytes) s"
     ") page WHERE page_bytes_before < $7::bigint ORDER BY page_xact, 2"},

    // Rows: transaction, id, account id, change, changed_at, the note's
    // text once changed (NULL when removed), then the account's live note
    // if the caller may read it now (NULL: removed, or no grant), then two
    // columns of the page's own; the page ends past $7 bytes, as above.
    {Statement::account_note_changes, "account_note_changes", Effect::idempotent,
     "SELECT * FROM ("
     " SELECT h.written_by_xact::text, h.id, h.account_id, h.change, h.changed_at, h.note_after, live.note,"
     "        h.written_by_xact AS page_xact,"
     "        sum(256 + coalesce(octet_length(h.note_after), 0) + coalesce(octet_length(live.note), 0))"
     "          OVER (ORDER BY h.written_by_xact, h.id)"
     "        - (256 + coalesce(octet_length(h.note_after), 0) + coalesce(octet_length(live.note), 0))"
     "          AS page_bytes_before"
     " FROM " NOTES_FEED_PAGE("account_note_history")
     " LEFT JOIN LATERAL (SELECT n.note FROM account_notes n"
     "                    WHERE n.account_id = h.account_id AND n.company_id = $2::bigint AND NOT n.removed"
     "                      AND ($4::text = 'owner' OR EXISTS (SELECT 1 FROM account_grants g"
     "                           WHERE g.account_id = h.account_id AND g.user_id = $3::bigint))) live ON true"
     ") page WHERE page_bytes_before < $7::bigint ORDER BY page_xact, 2"},

    // Whether a feed could have answered a cursor of transaction $1: every
    // cursor it gives names a transaction older than each one running
    // then, and that bound only grows. Row: true or false.
    {Statement::feed_position_answerable, "feed_position_answerable", Effect::idempotent,
     "SELECT $1::xid8 < pg_snapshot_xmin(pg_current_snapshot())"},

    // Webhooks (docs/webhooks.md), for the delivery process (webhooks/).
    // Whether this session now turns the feeds into deliveries: one
    // delivery process at a time does, the lock held as long as its
    // connection lives.
    {Statement::webhook_dispatch_lock, "webhook_dispatch_lock", Effect::idempotent,
     "SELECT pg_try_advisory_lock(7235087346721930241)"},

    // Rows: the endpoints not disabled: id, company, events, then where
    // each has read the notes feed and the account notes feed up to.
    {Statement::webhook_endpoints_active, "webhook_endpoints_active", Effect::idempotent,
     "SELECT id, company_id, array_to_string(events, ','), notes_after_xact::text, notes_after_id,"
     "       accounts_after_xact::text,"
     "       accounts_after_id"
     " FROM webhook_endpoints WHERE disabled_at IS NULL ORDER BY id"},

    // $1 endpoint: holds it until the transaction ends, so that a page of
    // the notes feed is read and queued with no erasure of its company
    // between the two (admin/customer_erase.cpp takes these locks first).
    // Row: the endpoint, when it is still enabled.
    {Statement::webhook_endpoint_hold, "webhook_endpoint_hold", Effect::writes_rows,
     "SELECT id FROM webhook_endpoints WHERE id = $1::bigint AND disabled_at IS NULL FOR NO KEY UPDATE"},

    // $1 endpoint, from position ($2 transaction, $3 id) to ($4, $5), then
    // the deliveries' $6 events, $7 subjects and $8 bodies, in order. The
    // position moves only from where it was read: were two delivery
    // processes to read the same page, one of them enqueues nothing. Row:
    // whether it moved.
#define NOTES_WEBHOOK_ENQUEUE(after_xact, after_id)                                                    \
  "WITH moved AS ("                                                                                  \
  "  UPDATE webhook_endpoints SET " after_xact " = $4::xid8, " after_id " = $5::bigint"              \
  "  WHERE id = $1::bigint AND " after_xact " = $2::xid8 AND " after_id " = $3::bigint"              \
  "    AND disabled_at IS NULL RETURNING id, company_id),"                                            \
  " queued AS ("                                                                                     \
  "  INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body)"                 \
  "  SELECT moved.company_id, moved.id, e.event, e.subject, e.body FROM moved,"                      \
  "         unnest($6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS e(event, subject, body, n)" \
  "  ORDER BY e.n RETURNING 1)"                                                                      \
  " SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM queued)"
    {Statement::webhook_enqueue_note_changes, "webhook_enqueue_note_changes", Effect::writes_rows,
     NOTES_WEBHOOK_ENQUEUE("notes_after_xact", "notes_after_id")},
    {Statement::webhook_enqueue_account_note_changes, "webhook_enqueue_account_note_changes", Effect::writes_rows,
     NOTES_WEBHOOK_ENQUEUE("accounts_after_xact", "accounts_after_id")},

    // Notes whose reminder has passed (within the last day), not yet
    // fired, of a company with an endpoint that asked for
    // note.reminder_due before the reminder was due; at most $1. Rows: the
    // reminder, then NOTES_FULL_NOTE_COLUMNS.
    {Statement::webhook_reminders_due, "webhook_reminders_due", Effect::idempotent,
     "SELECT n.reminder, " NOTES_FULL_NOTE_COLUMNS
     " FROM notes n" NOTES_NOTE_PEOPLE
     " WHERE n.reminder <= now() AND n.reminder > now() - interval '1 day'"
     "   AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.company_id = n.company_id"
     "               AND w.disabled_at IS NULL AND 'note.reminder_due' = ANY (w.events)"
     "               AND w.created_at < n.reminder)"
     "   AND NOT EXISTS (SELECT 1 FROM webhook_reminders_fired f"
     "                   WHERE f.note_id = n.id AND f.reminder = n.reminder)"
     " ORDER BY n.reminder LIMIT $1::int"},

    // $1 note, $2 its reminder, $3 company, $4 body: fires the reminder
    // once, to every endpoint of the company that asked for it then, while
    // the note is there: one erased since its body was read is not sent
    // (admin/customer_erase.cpp), and an erasure waits for the lock taken
    // here. Row: how many deliveries were queued.
    {Statement::webhook_enqueue_reminder, "webhook_enqueue_reminder", Effect::writes_rows,
     "WITH fired AS ("
     "  INSERT INTO webhook_reminders_fired (company_id, note_id, reminder)"
     "  SELECT $3::bigint, $1::bigint, $2::timestamptz FROM notes"
     "  WHERE id = $1::bigint AND company_id = $3::bigint FOR KEY SHARE"
     "  ON CONFLICT DO NOTHING RETURNING 1),"
     " queued AS ("
     "  INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body)"
     "  SELECT w.company_id, w.id, 'note.reminder_due', 'note:' || $1::bigint, $4::text"
     "  FROM webhook_endpoints w, fired"
     "  WHERE w.company_id = $3::bigint AND w.disabled_at IS NULL AND 'note.reminder_due' = ANY (w.events)"
     "    AND w.created_at < $2::timestamptz ORDER BY w.id RETURNING 1)"
     " SELECT count(*) FROM queued"},

    // Waits for any other delivery process's claim to end, until this
    // transaction ends: run before webhook_claim, in its transaction, so
    // that the leases it counts include every other process's, and delivery
    // processes on several hosts keep the per-endpoint bound together.
    {Statement::webhook_claim_turn, "webhook_claim_turn", Effect::writes_rows,
     "SELECT pg_advisory_xact_lock(7235087346721930242)"},

    // Takes up to $1 deliveries that are due, for $3 ms: the oldest
    // undelivered one of each subject, at most $2 held at once per
    // endpoint (by any delivery process), of endpoints not disabled. Rows:
    // id, event, body, attempts so far, the endpoint's URL and its secret's
    // salt (hex).
    {Statement::webhook_claim, "webhook_claim", Effect::writes_rows,
     // Each subject's oldest pending delivery, in one pass over the
     // pending ones of endpoints not disabled (not a look-up per delivery,
     // whose cost and plan grew with a backlog), then those of them that
     // are due and not held.
     "WITH pending AS MATERIALIZED ("
     "  SELECT DISTINCT ON (d.endpoint_id, d.subject) d.id, d.endpoint_id, d.next_attempt_at, d.leased_until"
     "  FROM webhook_deliveries d"
     "  JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.disabled_at IS NULL"
     "  WHERE d.delivered_at IS NULL AND d.given_up_at IS NULL"
     "  ORDER BY d.endpoint_id, d.subject, d.id),"
     " heads AS MATERIALIZED ("
     "  SELECT p.id, p.endpoint_id FROM pending p"
     "  WHERE p.next_attempt_at <= now() AND (p.leased_until IS NULL OR p.leased_until < now())"
     "  ORDER BY p.id LIMIT 1000),"
     // Counted once per endpoint, in one pass too.
     " held AS MATERIALIZED ("
     "  SELECT l.endpoint_id, count(*) AS held FROM webhook_deliveries l"
     "  WHERE l.leased_until >= now() AND l.delivered_at IS NULL AND l.given_up_at IS NULL"
     "  GROUP BY l.endpoint_id),"
     " ranked AS ("
     "  SELECT h.id, row_number() OVER (PARTITION BY h.endpoint_id ORDER BY h.id) AS place,"
     "         coalesce(held.held, 0) AS held"
     "  FROM heads h LEFT JOIN held ON held.endpoint_id = h.endpoint_id),"
     " taken AS ("
     "  SELECT d.id FROM webhook_deliveries d"
     "  WHERE d.id IN (SELECT id FROM ranked WHERE place + held <= $2::int ORDER BY id LIMIT $1::int)"
     "  FOR UPDATE SKIP LOCKED)"
     " UPDATE webhook_deliveries d SET leased_until = now() + $3::int * interval '1 millisecond'"
     " FROM taken, webhook_endpoints w"
     " WHERE d.id = taken.id AND w.id = d.endpoint_id"
     "   AND (d.leased_until IS NULL OR d.leased_until < now())"
     " RETURNING d.id, d.event, d.body, d.attempts, w.url, encode(w.secret_salt, 'hex')"},

    // $1 delivery, $2 the receiver's status (NULL: no answer), $3 error,
    // $4 duration in ms, $5 delivered, $6 ms until the next attempt, $7
    // seconds after which a failed delivery is given up (and its endpoint
    // disabled). Row: whether it was given up.
    {Statement::webhook_record_attempt, "webhook_record_attempt", Effect::writes_rows,
     "WITH attempt AS ("
     "  INSERT INTO webhook_attempts (company_id, delivery_id, status, error, duration_ms)"
     "  SELECT company_id, id, $2::int, $3::text, $4::int FROM webhook_deliveries WHERE id = $1::bigint),"
     " delivery AS ("
     "  UPDATE webhook_deliveries SET attempts = attempts + 1, leased_until = NULL,"
     "    delivered_at = CASE WHEN $5::boolean THEN now() END,"
     "    next_attempt_at = CASE WHEN $5::boolean THEN next_attempt_at"
     "                           ELSE now() + $6::bigint * interval '1 millisecond' END,"
     "    given_up_at = CASE WHEN NOT $5::boolean AND created_at <= now() - $7::bigint * interval '1 second'"
     "                       THEN now() END"
     "  WHERE id = $1::bigint RETURNING endpoint_id, given_up_at),"
     " disabled AS ("
     "  UPDATE webhook_endpoints w SET disabled_at = now(),"
     "    disabled_why = 'a delivery failed for ' || $7::bigint || ' s'"
     "  FROM delivery WHERE w.id = delivery.endpoint_id AND delivery.given_up_at IS NOT NULL"
     "    AND w.disabled_at IS NULL RETURNING 1)"
     " SELECT (SELECT given_up_at IS NOT NULL FROM delivery), (SELECT count(*) FROM disabled)"},

    // $1 seconds, $2 at most how many: forgets deliveries taken or given up
    // that were queued more than $1 seconds ago, with their attempts, oldest
    // first (docs/webhooks.md, "What is kept"). Row: how many went.
    {Statement::webhook_forget_finished, "webhook_forget_finished", Effect::writes_rows,
     "WITH old AS ("
     "  SELECT id FROM webhook_deliveries"
     "  WHERE created_at < now() - $1::bigint * interval '1 second'"
     "    AND (delivered_at IS NOT NULL OR given_up_at IS NOT NULL)"
     "  ORDER BY created_at LIMIT $2::int FOR UPDATE SKIP LOCKED),"
     " attempts AS (DELETE FROM webhook_attempts a USING old WHERE a.delivery_id = old.id),"
     " deliveries AS (DELETE FROM webhook_deliveries d USING old WHERE d.id = old.id RETURNING 1)"
     " SELECT count(*) FROM deliveries"},

    // $1 user, $2 key: forget that key's answer if it is older than the
    // keys' lifetime (24 hours), and with it up to 10 other expired answers
    // of anyone, oldest first. Every claim runs this, so expired rows go
    // faster than new ones come: the table holds about a day of keys.
    // SKIP LOCKED: two requests never wait for each other over old rows.
    {Statement::idempotency_expire, "idempotency_expire", Effect::writes_rows,
     "WITH mine AS ("
     "  DELETE FROM idempotency_keys WHERE user_id = $1::bigint AND key = $2::text"
     "  AND created_at < now() - interval '24 hours' RETURNING 1),"
     " oldest AS ("
     "  DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY("
     "    SELECT ctid FROM idempotency_keys WHERE created_at < now() - interval '24 hours'"
     "    ORDER BY created_at LIMIT 10 FOR UPDATE SKIP LOCKED)) RETURNING 1)"
     " SELECT (SELECT count(*) FROM mine), (SELECT count(*) FROM oldest)"},

    // $1 user, $2 company, $3 key, $4 request hash. A row: the key is ours to
    // answer; none: it was used before. Waits while another transaction
    // holds the same key, so two concurrent retries cannot both write.
    {Statement::idempotency_claim, "idempotency_claim", Effect::writes_rows,
     "INSERT INTO idempotency_keys (user_id, company_id, key, request_hash)"
     " VALUES ($1::bigint, $2::bigint, $3::text, $4::bytea)"
     " ON CONFLICT (user_id, key) DO NOTHING RETURNING 1"},

    // $1 user, $2 key. Row: request hash (hex), status, headers, body.
    {Statement::idempotency_find, "idempotency_find", Effect::idempotent,
     "SELECT encode(request_hash, 'hex'), status, headers, body FROM idempotency_keys"
     " WHERE user_id = $1::bigint AND key = $2::text"},

    // $1 user, $2 key, $3 status, $4 headers, $5 body.
    {Statement::idempotency_store, "idempotency_store", Effect::writes_rows,
     "UPDATE idempotency_keys SET status = $3::integer, headers = $4::text, body = $5::text"
     " WHERE user_id = $1::bigint AND key = $2::text"},

    // A login attempt for name digest $1 (SHA-256 of the company asked for
    // and the name) from client $2, counted before anything else, whether
    // or not such a user exists (migration 019): the row lock makes
    // concurrent attempts count one by one. $5 attempts allowed in a window
    // of $6 seconds; a few windows ended long ago go on the way. Then the
    // user named $4 of company $3 (NULL: the name must be unique across
    // companies). Row: whether this attempt is over the limit, seconds until
    // the window ends, then the user's id, company, role, status, password
    // hash ('' for none) and token generation (all NULL: no such user).
    {Statement::login_attempt, "login_attempt", Effect::writes_rows,
     "WITH counted AS ("
     "  INSERT INTO login_attempts AS a (name_digest, client, attempts, window_start)"
     "  VALUES ($1::bytea, $2::bigint, 1, now())"
     "  ON CONFLICT (name_digest, client) DO UPDATE SET"
     "   attempts = CASE WHEN a.window_start > now() - make_interval(secs => $6::int)"
     "                   THEN a.attempts + 1 ELSE 1 END,"
     "   window_start = CASE WHEN a.window_start > now() - make_interval(secs => $6::int)"
     "                       THEN a.window_start ELSE now() END"
     "  RETURNING attempts > $5::int AS over,"
     "   ceil(extract(epoch FROM window_start + make_interval(secs => $6::int) - now()))::bigint AS retry_after),"
     " ended AS (DELETE FROM login_attempts WHERE ctid = ANY (ARRAY("
     "  SELECT ctid FROM login_attempts WHERE window_start < now() - make_interval(secs => $6::int)"
     "    AND NOT (name_digest = $1::bytea AND client = $2::bigint)"
     "  ORDER BY window_start LIMIT 10)))"
     " SELECT c.over, c.retry_after, u.id, u.company_id, u.role, u.status, coalesce(u.password_hash, ''),"
     "        u.token_generation"
     " FROM counted c LEFT JOIN LATERAL ("
     "  SELECT * FROM users u WHERE u.username = $4::text AND ($3::bigint IS NULL OR u.company_id = $3::bigint)"
     "   AND NOT EXISTS (SELECT 1 FROM users o WHERE o.username = $4::text"
     "                   AND ($3::bigint IS NULL OR o.company_id = $3::bigint) AND o.id <> u.id)) u ON true"},

    // User $1 logged in: its attempts (name digest $5 from client $6) start
    // again, and a new token family
    // with its first refresh token (SHA-256 $2, valid $3 seconds). A few
    // expired refresh tokens of anyone go on the way, so the table does not
    // grow without bound. Only while the user's token generation is still
    // $4, the one whose password was checked: a password, role or status
    // changed since (by a transaction this one waited for) raised it, and
    // the login issues nothing. Row: the family, now (Unix seconds).
    {Statement::login_issue, "login_issue", Effect::writes_rows,
     "WITH reset AS (UPDATE users SET login_attempts = 0, login_window_start = NULL"
     "               WHERE id = $1::bigint AND token_generation = $4::int AND status = 'active'"
     "               RETURNING id, company_id),"
     " forgiven AS (DELETE FROM login_attempts WHERE name_digest = $5::bytea AND client = $6::bigint"
     "              AND EXISTS (SELECT 1 FROM reset)),"
     " family AS (INSERT INTO token_families (user_id, company_id) SELECT id, company_id FROM reset"
     "            RETURNING id, company_id),"
     " refresh AS (INSERT INTO refresh_tokens (token_hash, family_id, company_id, expires_at)"
     "             SELECT $2::bytea, id, company_id, now() + make_interval(secs => $3::int) FROM family"
     "             RETURNING family_id),"
     " expired AS (DELETE FROM refresh_tokens WHERE token_hash IN"
     "             (SELECT token_hash FROM refresh_tokens WHERE expires_at < now() ORDER BY expires_at LIMIT 20))"
     " SELECT family_id, extract(epoch FROM now())::bigint FROM refresh"},

    // Locks the family of the refresh token with SHA-256 $1, so that
    // refreshes and revocations of one family happen one at a time. No row:
    // no such refresh token.
    {Statement::refresh_family_lock, "refresh_family_lock", Effect::writes_rows,
     "SELECT f.id FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id"
     " WHERE t.token_hash = $1::bytea FOR UPDATE OF f"},

    // With the family locked: a usable refresh token (SHA-256 $1) is used up
    // and replaced by $2 (valid $3 seconds); one used before revokes its
    // family. Row: whether a new token was issued, whether $1 was used
    // before, family, user id, company, role, token generation, now (Unix
    // seconds).
    {Statement::refresh_rotate, "refresh_rotate", Effect::writes_rows,
     "WITH presented AS ("
     "  SELECT t.family_id, t.used_at IS NOT NULL AS reused,"
     "         t.used_at IS NULL AND t.expires_at > now() AND f.revoked_at IS NULL"
     "           AND u.status = 'active' AS usable,"
     "         u.id AS user_id, u.company_id, u.role, u.token_generation"
     "  FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id JOIN users u ON u.id = f.user_id"
     "  WHERE t.token_hash = $1::bytea),"
     " revoked AS (UPDATE token_families SET revoked_at = now()"
     "             WHERE id = (SELECT family_id FROM presented WHERE reused) AND revoked_at IS NULL"
     "             RETURNING id),"
     " used AS (UPDATE refresh_tokens SET used_at = now()"
     "          WHERE token_hash = $1::bytea AND (SELECT usable FROM presented)"
     "          RETURNING family_id, company_id),"
     " fresh AS (INSERT INTO refresh_tokens (token_hash, family_id, company_id, expires_at)"
     "           SELECT $2::bytea, family_id, company_id, now() + make_interval(secs => $3::int) FROM used"
     "           RETURNING family_id)"
     " SELECT EXISTS (SELECT 1 FROM fresh), p.reused, p.family_id, p.user_id, p.company_id, p.role,"
     "        p.token_generation, extract(epoch FROM now())::bigint"
     " FROM presented p"},

    // What a worker needs to refuse access tokens that still look valid:
    // users whose status, role or password changed (kind 'u', id, current
    // generation) and revoked families (kind 'f', id), within the last $1
    // seconds.
    {Statement::token_revocations, "token_revocations", Effect::idempotent,
     "SELECT 'u', id, token_generation FROM users"
     " WHERE credentials_changed_at > now() - make_interval(secs => $1::int)"
     " UNION ALL"
     " SELECT 'f', id, 0 FROM token_families WHERE revoked_at > now() - make_interval(secs => $1::int)"},

    // notesctl export (docs/export.md): everything held for a company, or
    // for one of its customers, read in pages by id. The pages of a
    // customer's records take $1 company, $2 customer (NULL: every one of
    // the company), $3 the last id of the page before, $4 how many; those
    // of the company's own records $1, then $2 and $3 as $3 and $4.

    // $1 company. Row: id, name, created_on, and the instant of the
    // export's snapshot (its transaction's start).
    {Statement::export_company, "export_company", Effect::idempotent,
     "SELECT id, name, created_on, now() FROM companies WHERE id = $1::bigint"},

    // Rows: NOTES_USER_COLUMNS.
    {Statement::export_users, "export_users", Effect::idempotent,
     "SELECT " NOTES_USER_COLUMNS("u") " FROM users u"
     " WHERE u.company_id = $1::bigint AND u.id > $2::bigint ORDER BY u.id LIMIT $3::int"},

    // Rows: NOTES_CUSTOMER_COLUMNS.
    {Statement::export_customers, "export_customers", Effect::idempotent,
     "SELECT " NOTES_CUSTOMER_COLUMNS("c") " FROM customers c"
     " WHERE c.company_id = $1::bigint AND ($2::bigint IS NULL OR c.id = $2::bigint) AND c.id > $3::bigint"
     " ORDER BY c.id LIMIT $4::int"},

    // Rows: NOTES_FULL_NOTE_COLUMNS.
    {Statement::export_notes, "export_notes", Effect::idempotent,
     "SELECT " NOTES_FULL_NOTE_COLUMNS " FROM notes n" NOTES_NOTE_PEOPLE
     " WHERE n.company_id = $1::bigint AND ($2::bigint IS NULL OR n.customer_id = $2::bigint)"
     "   AND n.id > $3::bigint ORDER BY n.id LIMIT $4::int"},

    // Rows: NOTES_MESSAGE_COLUMNS; the attachments one by one
    // (export_attachment), so that a page holds at most one.
    {Statement::export_messages, "export_messages", Effect::idempotent,
     "SELECT " NOTES_MESSAGE_COLUMNS
     " FROM note_messages m JOIN users u ON u.id = m.posted_by JOIN notes n ON n.id = m.note_id"
     " WHERE m.company_id = $1::bigint AND ($2::bigint IS NULL OR n.customer_id = $2::bigint)"
     "   AND m.id > $3::bigint ORDER BY m.id LIMIT $4::int"},

    // $1 company, $2 message. Row: the attachment in base64, on one line.
    {Statement::export_attachment, "export_attachment", Effect::idempotent,
     "SELECT translate(encode(attachment, 'base64'), E'\\n', '') FROM note_messages"
     " WHERE company_id = $1::bigint AND id = $2::bigint"},

    // Every entry of the history of the notes, deleted ones included. Rows:
    // the columns of a note_history_list row (views/history_json.hpp),
    // then the note and its customer. An entry names its customer since
    // migration 021; an older one of a live note finds it in notes.
    {Statement::export_history, "export_history", Effect::idempotent,
     "SELECT h.id, h.change, h.changed_at, h.actor_user_id, h.actor_credential, h.request_id, h.revision,"
     "       h.before::text, h.after::text, h.restored_from, false, h.note_id,"
     "       coalesce(h.customer_id, (SELECT n.customer_id FROM notes n WHERE n.id = h.note_id))"
     " FROM note_history h"
     " WHERE h.company_id = $1::bigint"
     "   AND ($2::bigint IS NULL OR h.customer_id = $2::bigint"
     "        OR h.note_id IN (SELECT n.id FROM notes n WHERE n.company_id = $1::bigint AND n.customer_id = $2::bigint))"
     "   AND h.id > $3::bigint ORDER BY h.id LIMIT $4::int"},

    // Rows: the columns of a note_reads_list row from its id on, then the note.
    {Statement::export_reads, "export_reads", Effect::idempotent,
     "SELECT r.id, r.read_at, r.user_id, r.credential, r.request_id, r.via, r.note_id FROM note_reads r"
     " WHERE r.company_id = $1::bigint"
     "   AND ($2::bigint IS NULL"
     "        OR EXISTS (SELECT 1 FROM notes n WHERE n.id = r.note_id AND n.customer_id = $2::bigint)"
     "        OR EXISTS (SELECT 1 FROM note_history h WHERE h.note_id = r.note_id AND h.customer_id = $2::bigint))"
     "   AND r.id > $3::bigint ORDER BY r.id LIMIT $4::int"},

    // Rows: id, created_at, and who holds which right on it (a JSON array).
    {Statement::export_accounts, "export_accounts", Effect::idempotent,
     "SELECT a.id, a.created_at,"
     "       (SELECT coalesce(json_agg(json_build_object('user_id', g.user_id, 'access', g.access,"
     "                                                   'granted_on', notes_api_instant(g.granted_at))"
     "                                 ORDER BY g.user_id), '[]')"
     "        FROM account_grants g WHERE g.account_id = a.id)"
     " FROM accounts a WHERE a.company_id = $1::bigint AND a.id > $2::bigint ORDER BY a.id LIMIT $3::int"},

    // Rows: id, account, note, created_at, modified_at, removed.
    {Statement::export_account_notes, "export_account_notes", Effect::idempotent,
     "SELECT id, account_id, note, created_at, modified_at, removed FROM account_notes"
     " WHERE company_id = $1::bigint AND id > $2::bigint ORDER BY id LIMIT $3::int"},

    // Rows: the columns of an account_note_history_list row from its id
    // on, then the account.
    {Statement::export_account_history, "export_account_history", Effect::idempotent,
     "SELECT id, change, changed_at, actor_user_id, actor_credential, request_id, account_note_id,"
     "       note_before, note_after, account_id"
     " FROM account_note_history WHERE company_id = $1::bigint AND id > $2::bigint ORDER BY id LIMIT $3::int"},
}};

#undef NOTES_ACCOUNT_ACCESS_CTE
#undef NOTES_VISIBLE_NOTE_CTE
#undef NOTES_NOTE_PEOPLE
#undef NOTES_NOTE_LIST

// The catalogue lists every statement in the order of enum Statement, so
// that a statement's entry is found by its number; checked as it compiles.
constexpr bool catalogue_in_enum_order() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (kCatalogue[i].id != static_cast<Statement>(i) || kCatalogue[i].name == nullptr) return false;
  }
  return true;
}
static_assert(catalogue_in_enum_order(), "kCatalogue must list every Statement, in the enum's order");

constexpr bool parameters_numbered_without_gaps() {
  for (const auto& statement : kCatalogue) {
    if (!parameters_without_gaps(statement.sql)) return false;
  }
  return true;
}
static_assert(parameters_numbered_without_gaps(), "a statement skips a $n");

}  // namespace

const std::array<StatementText, static_cast<std::size_t>(Statement::count_)>& statement_catalogue() {
  return kCatalogue;
}

const StatementText& statement_text(Statement id) { return kCatalogue[static_cast<std::size_t>(id)]; }

}  // namespace notes::sql
