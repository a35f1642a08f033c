#pragma once
// The flat columns a statement returns for a Note and its parts, and where
// each one sits. Statements (sql/statements.cpp) select them with the macros;
// views/note_json.cpp reads them by the enums and writes the JSON of docs/api.md
// in the worker. Building that JSON in PostgreSQL cost four times the whole
// request (docs/performance.md). A select list and its enum change together.

// A notes row: the Note's own fields, tags already as a JSON array.
#define NOTES_NOTE_COLUMNS(n)                                                                      \
  n ".id, " n ".revision, " n ".reference_type, " n ".reference_id, " n ".type, " n ".details, "   \
  n ".created_on, " n ".status, " n ".reminder, " n ".user_id, " n ".company_id, " n ".customer_id, " \
  n ".confidential, " n ".priority, to_json(" n ".tags), " n ".subject"

// A customers row: the CustomerSummary.
#define NOTES_CUSTOMER_COLUMNS(c)                                                                   \
  c ".id, " c ".company_name, " c ".company_title, " c ".first_name, " c ".middle_name, "           \
  c ".last_name, " c ".locale, " c ".is_member, " c ".was_member, " c ".has_applied, " c ".flag, "  \
  c ".email, " c ".mobile_country_code, " c ".mobile_number, " c ".phone_country_code, "            \
  c ".phone_number, " c ".profile_photo, " c ".vip, " c ".home_house_id, " c ".birthdate, "         \
  c ".anniversary_date, " c ".created_on"

// A users row: the User object.
#define NOTES_USER_COLUMNS(u)                                                                      \
  u ".id, " u ".status, " u ".first_name, " u ".last_name, " u ".email, " u ".username, "           \
  u ".profile_photo, " u ".employee_id, " u ".mobile_number, " u ".business_location_id, "         \
  u ".enable2_fa, " u ".modified_on, " u ".created_by, " u ".role"

// A whole note row: the note `n`, its customer `c` and its author `u`.
#define NOTES_FULL_NOTE_COLUMNS \
  NOTES_NOTE_COLUMNS("n") ", " NOTES_CUSTOMER_COLUMNS("c") ", " NOTES_USER_COLUMNS("u")

// A note_messages row `m` with its poster `u`. The attachment itself is not
// read (it may be 5 MiB), only whether there is one.
#define NOTES_MESSAGE_COLUMNS \
  "m.id, m.note_id, m.message, m.attachment IS NOT NULL, m.created_on, " NOTES_USER_COLUMNS("u")

// A note_assignees row `a` with the assigned user `u`.
#define NOTES_ASSIGNEE_COLUMNS "a.note_id, a.created_on, " NOTES_USER_COLUMNS("u")

// As many NULLs as each set of columns above has: where a row of a statement
// whose rows are of several kinds (note_list, a UNION ALL) has none of that
// kind. PostgreSQL gives a UNION's column the type of its first two
// branches, text when both are bare NULLs, so the lists a first branch uses
// are typed. The counts are checked against the enums below.
#define NOTES_NO_FULL_NOTE_COLUMNS \
  "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " \
  "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " \
  "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " \
  "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
#define NOTES_NO_USER_COLUMNS                                                                    \
  "NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, "       \
  "NULL::text, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text"
#define NOTES_NO_MESSAGE_COLUMNS \
  "NULL::bigint, NULL::bigint, NULL::text, NULL::boolean, NULL::timestamptz, " NOTES_NO_USER_COLUMNS
#define NOTES_NO_ASSIGNEE_COLUMNS "NULL::bigint, NULL::timestamptz, " NOTES_NO_USER_COLUMNS

namespace notes::sql {

namespace note_column {
enum : int {
  id, revision, reference_type, reference_id, type, details, created_on, status, reminder, user_id,
  company_id, customer_id, confidential, priority, tags_json, subject,
  count
};
}  // namespace note_column

namespace customer_column {
enum : int {
  id, company_name, company_title, first_name, middle_name, last_name, locale, is_member, was_member,
  has_applied, flag, email, mobile_country_code, mobile_number, phone_country_code, phone_number,
  profile_photo, vip, home_house_id, birthdate, anniversary_date, created_on,
  count
};
}  // namespace customer_column

namespace user_column {
enum : int {
  id, status, first_name, last_name, email, username, profile_photo, employee_id, mobile_number,
  business_location_id, enable2_fa, modified_on, created_by, role,
  count
};
}  // namespace user_column

// Where the parts of NOTES_FULL_NOTE_COLUMNS start, relative to its first column.
namespace full_note {
constexpr int note = 0;
constexpr int customer = note + note_column::count;
constexpr int author = customer + customer_column::count;
constexpr int count = author + user_column::count;
}  // namespace full_note

namespace message_column {
enum : int { id, note_id, message, has_attachment, created_on, poster, count = poster + user_column::count };
}  // namespace message_column

namespace assignee_column {
enum : int { note_id, assigned_on, user, count = user + user_column::count };
}  // namespace assignee_column

// The columns of a note_list row (sql/statements.cpp): a page of notes
// with their assignees and messages in one result, one kind of row each
// (`part`), ordered by part and then by the three keys: the notes in page
// order (key1 is the place on the page), then the assignees and messages by
// note (key1), oldest first.
namespace note_list_column {
enum Part : int { page_note, assignee_of_note, message_of_note };
constexpr int part = 0;
constexpr int key1 = 1;
constexpr int key2 = 2;
constexpr int key3 = 3;
constexpr int total = 4;  // in note rows: the count up to kExactCountUpTo + 1
constexpr int more = 5;   // in note rows: whether more follow
constexpr int note = 6;
constexpr int assignee = note + full_note::count;
constexpr int message = assignee + assignee_column::count;
constexpr int count = message + message_column::count;
}  // namespace note_list_column

// How many NULLs a NOTES_NO_..._COLUMNS list names.
constexpr int count_of_nulls(const char* list) {
  int count = 0;
  for (const char* at = list; *at != '\0'; ++at) count += *at == 'N';
  return count;
}
static_assert(count_of_nulls(NOTES_NO_FULL_NOTE_COLUMNS) == full_note::count);
static_assert(count_of_nulls(NOTES_NO_USER_COLUMNS) == user_column::count);
static_assert(count_of_nulls(NOTES_NO_MESSAGE_COLUMNS) == message_column::count);
static_assert(count_of_nulls(NOTES_NO_ASSIGNEE_COLUMNS) == assignee_column::count);

}  // namespace notes::sql
