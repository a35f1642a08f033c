#include "views/history_json.hpp"

#include <stdexcept>

#include "views/json_cells.hpp"

namespace notes::history_json {
namespace {

using namespace json_cells;

// How a family writes its ids: the customer family as JSON numbers, as the
// original does; the account family as decimal strings, as the original does
// and as a JavaScript client needs for ids above 2^53 (docs/api.md).
enum class Ids { numbers, strings };

void id_or_null(JsonWriter& out, const Cells& cells, int column, Ids ids) {
  if (ids == Ids::strings) {
    string_or_null(out, cells, column);
  } else {
    number_or_null(out, cells, column);
  }
}

// {"user_id": ..., "credential": ...}: who made a change; both null for a
// change made outside the service (a migration, psql).
void changed_by(JsonWriter& out, const Cells& cells, int user_id, int credential, Ids ids) {
  out.StartObject();
  key(out, "user_id");
  id_or_null(out, cells, user_id, ids);
  key(out, "credential");
  string_or_null(out, cells, credential);
  out.EndObject();
}

// A jsonb cell rewritten compact, as every body is (PostgreSQL prints
// jsonb with spaces), or null.
void compact_json_or_null(JsonWriter& out, const Cells& cells, int column) {
  if (cells.null(column)) {
    out.Null();
    return;
  }
  auto text = cells.text(column);
  rapidjson::Document value;
  value.Parse(text.data(), text.size());
  if (value.HasParseError()) throw std::runtime_error("history holds JSON that does not parse");
  value.Accept(out);
}

// What every history entry has after its id; the customer family names
// instants "..._on", the account family "..._at".
void change_and_who(JsonWriter& out, const Cells& c, const char* when_name, Ids ids) {
  key(out, "change");
  string_or_null(out, c, column::change);
  out.Key(when_name);
  timestamp_or_null(out, c, column::changed_at);
  key(out, "changed_by");
  changed_by(out, c, column::actor_user_id, column::credential, ids);
  key(out, "request_id");
  string_or_null(out, c, column::request_id);
}

// One entry: its id, then what `write_entry` writes of it.
template <class WriteEntry>
void entry(JsonWriter& out, const Cells& c, WriteEntry write_entry, Ids ids) {
  out.StartObject();
  key(out, "id");
  id_or_null(out, c, column::id, ids);
  write_entry(out, c);
  out.EndObject();
}

// A JSON array of `write_entry`'s object for each row.
template <class WriteEntry>
std::string entries(const sql::Result& rows, int base, WriteEntry write_entry, Ids ids = Ids::numbers) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  out.StartArray();
  for (int row = 0; row < rows.rows(); ++row) entry(out, Cells(rows, row, base), write_entry, ids);
  out.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

// One entry alone.
template <class WriteEntry>
std::string one_entry(const sql::Result& rows, int row, int base, WriteEntry write_entry, Ids ids = Ids::numbers) {
  return json_text([&](JsonWriter& out) { entry(out, Cells(rows, row, base), write_entry, ids); });
}

void note_revision_fields(JsonWriter& out, const Cells& c) {
  key(out, "revision");
  number_or_null(out, c, note_column::revision);
  change_and_who(out, c, "changed_on", Ids::numbers);
  key(out, "before");
  compact_json_or_null(out, c, note_column::before);
  key(out, "after");
  compact_json_or_null(out, c, note_column::after);
  key(out, "restored_from");
  number_or_null(out, c, note_column::restored_from);
  // Written while the note was confidential, to a caller who could not
  // see it so: before and after are withheld (null).
  key(out, "redacted");
  out.Bool(!c.null(note_column::withheld) && c.text(note_column::withheld) == "t");
}

void account_note_change_fields(JsonWriter& out, const Cells& c) {
  key(out, "account_note_id");
  string_or_null(out, c, account_column::account_note_id);
  change_and_who(out, c, "changed_at", Ids::strings);
  key(out, "note_before");
  string_or_null(out, c, account_column::note_before);
  key(out, "note_after");
  string_or_null(out, c, account_column::note_after);
}

void note_read_fields(JsonWriter& out, const Cells& c) {
  key(out, "read_on");
  timestamp_or_null(out, c, read_column::read_at);
  key(out, "read_by");
  changed_by(out, c, read_column::user_id, read_column::credential, Ids::numbers);
  key(out, "request_id");
  string_or_null(out, c, read_column::request_id);
  key(out, "via");
  string_or_null(out, c, read_column::via);
}

}  // namespace

std::string note_revisions(const sql::Result& rows, int base) { return entries(rows, base, note_revision_fields); }
std::string note_revision(const sql::Result& rows, int row, int base) {
  return one_entry(rows, row, base, note_revision_fields);
}

std::string account_note_changes(const sql::Result& rows, int base) {
  return entries(rows, base, account_note_change_fields, Ids::strings);
}
std::string account_note_change(const sql::Result& rows, int row, int base) {
  return one_entry(rows, row, base, account_note_change_fields, Ids::strings);
}

std::string note_reads(const sql::Result& rows, int base) { return entries(rows, base, note_read_fields); }
std::string note_read(const sql::Result& rows, int row, int base) { return one_entry(rows, row, base, note_read_fields); }

}  // namespace notes::history_json
