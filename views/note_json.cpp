#include "views/note_json.hpp"

#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

#include "views/json_cells.hpp"
#include "http/json.hpp"
#include "sql/note_columns.hpp"
#include "sql/pg_timestamp.hpp"

namespace notes::note_json {
namespace {

using namespace json_cells;
namespace nc = sql::note_column;
namespace cc = sql::customer_column;
namespace uc = sql::user_column;
namespace mc = sql::message_column;
namespace ac = sql::assignee_column;

// The JSON already written for a customer or a user in this answer. A page
// of a customer's notes repeats that customer in every Note and mostly the
// same few authors and posters: the first one is written from its row, the
// others copy those bytes (about two thirds of a list page's JSON, and of
// its cells read). Only rows of the same result share an entry, as only they
// come from the same snapshot.
class Fragments {
 public:
  explicit Fragments(rapidjson::StringBuffer& buffer) : buffer_(buffer) {}

  // Writes the value `write_value` writes for `id` of `kind`, or copies what
  // it wrote the first time. `id` points into the result and outlives this.
  template <class Write>
  void value(JsonWriter& out, int kind, std::string_view id, Write write_value) {
    for (const Fragment& known : known_) {
      if (known.kind != kind || known.id != id) continue;
      // The bytes begin with the ':' the key's value is written after. An
      // empty RawValue writes that and counts the value; the bytes follow
      // in one copy (RawValue itself copies a byte at a time). Reserved
      // first, so that neither pointer moves.
      out.RawValue("", 0, rapidjson::kObjectType);
      std::size_t length = known.length - 1;
      buffer_.Reserve(length + 1);
      const char* from = buffer_.GetString() + known.offset + 1;
      std::memcpy(buffer_.Push(length), from, length);
      return;
    }
    std::size_t start = buffer_.GetSize();
    write_value();
    std::size_t length = buffer_.GetSize() - start;
    if (length > 1 && buffer_.GetString()[start] == ':') known_.push_back({kind, id, start, length});
  }

 private:
  struct Fragment {
    int kind;
    std::string_view id;
    std::size_t offset;
    std::size_t length;
  };
  rapidjson::StringBuffer& buffer_;
  std::vector<Fragment> known_;
};

enum FragmentKind : int { kCustomer, kAuthor, kPoster };

// Writes through `fragments` when there are some, else from the row.
template <class Write>
void remembered(JsonWriter& out, Fragments* fragments, int kind, std::string_view id, Write write_value) {
  if (fragments == nullptr || id.empty()) {
    write_value();
  } else {
    fragments->value(out, kind, id, write_value);
  }
}

// The names joined by single spaces, skipping nulls; null when that leaves
// nothing (full_name, docs/api.md "The Note").
void full_name(JsonWriter& out, const Cells& cells, std::initializer_list<int> columns) {
  std::string name;
  bool first = true;
  for (int column : columns) {
    if (cells.null(column)) continue;
    if (!first) name += ' ';
    name += cells.text(column);
    first = false;
  }
  if (name.empty()) {
    out.Null();
  } else {
    out.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }
}

// {country_code, number, full}; null when there is no number.
void phone(JsonWriter& out, const Cells& cells, int country_code, int number) {
  if (cells.null(number)) {
    out.Null();
    return;
  }
  out.StartObject();
  key(out, "country_code");
  string_or_null(out, cells, country_code);
  key(out, "number");
  string_or_null(out, cells, number);
  key(out, "full");
  std::string full;
  if (!cells.null(country_code)) {
    full += '+';
    full += cells.text(country_code);
  }
  full += cells.text(number);
  out.String(full.data(), static_cast<rapidjson::SizeType>(full.size()));
  out.EndObject();
}

void user_fields(JsonWriter& out, const Cells& u) {
  key(out, "id");
  number_or_null(out, u, uc::id);
  key(out, "status");
  string_or_null(out, u, uc::status);
  key(out, "first_name");
  string_or_null(out, u, uc::first_name);
  key(out, "last_name");
  string_or_null(out, u, uc::last_name);
  key(out, "full_name");
  full_name(out, u, {uc::first_name, uc::last_name});
  key(out, "email");
  string_or_null(out, u, uc::email);
  key(out, "username");
  string_or_null(out, u, uc::username);
  key(out, "profile_photo");
  string_or_null(out, u, uc::profile_photo);
  key(out, "employee_id");
  string_or_null(out, u, uc::employee_id);
  key(out, "mobile_number");
  string_or_null(out, u, uc::mobile_number);
  key(out, "business_location_id");
  string_or_null(out, u, uc::business_location_id);
  key(out, "enable2_fa");
  string_or_null(out, u, uc::enable2_fa);
  key(out, "modified_on");
  timestamp_or_null(out, u, uc::modified_on);
  key(out, "created_by");
  string_or_null(out, u, uc::created_by);
  key(out, "role");
  string_or_null(out, u, uc::role);
}

// The User; null when the row has none (an outer join found nobody).
void user(JsonWriter& out, const Cells& u) {
  if (u.null(uc::id)) {
    out.Null();
    return;
  }
  out.StartObject();
  user_fields(out, u);
  out.EndObject();
}

void customer(JsonWriter& out, const Cells& c) {
  out.StartObject();
  key(out, "id");
  number_or_null(out, c, cc::id);
  key(out, "company_name");
  string_or_null(out, c, cc::company_name);
  key(out, "company_title");
  string_or_null(out, c, cc::company_title);
  key(out, "first_name");
  string_or_null(out, c, cc::first_name);
  key(out, "middle_name");
  string_or_null(out, c, cc::middle_name);
  key(out, "last_name");
  string_or_null(out, c, cc::last_name);
  key(out, "full_name");
  full_name(out, c, {cc::first_name, cc::middle_name, cc::last_name});
  key(out, "locale");
  string_or_null(out, c, cc::locale);
  key(out, "is_member");
  boolean_or_null(out, c, cc::is_member);
  key(out, "was_member");
  boolean_or_null(out, c, cc::was_member);
  key(out, "has_applied");
  boolean_or_null(out, c, cc::has_applied);
  key(out, "flag");
  string_or_null(out, c, cc::flag);
  key(out, "email");
  string_or_null(out, c, cc::email);
  key(out, "mobile");
  phone(out, c, cc::mobile_country_code, cc::mobile_number);
  key(out, "phone");
  phone(out, c, cc::phone_country_code, cc::phone_number);
  key(out, "profile_photo");
  string_or_null(out, c, cc::profile_photo);
  key(out, "vip");
  boolean_or_null(out, c, cc::vip);
  key(out, "home_house_id");
  string_or_null(out, c, cc::home_house_id);
  key(out, "birthdate");  // a date prints as YYYY-MM-DD under DateStyle ISO
  string_or_null(out, c, cc::birthdate);
  key(out, "anniversary_date");
  string_or_null(out, c, cc::anniversary_date);
  key(out, "created_on");
  timestamp_or_null(out, c, cc::created_on);
  out.EndObject();
}

void write_message(JsonWriter& out, const Cells& m, Fragments* fragments) {
  out.StartObject();
  key(out, "id");
  number_or_null(out, m, mc::id);
  key(out, "message");
  string_or_null(out, m, mc::message);
  // Not the bytes (up to 5 MiB): the path that downloads them.
  key(out, "attachment");
  if (m.text(mc::has_attachment) == "t") {
    std::string path = "/api/customers/notes/";
    path.append(m.text(mc::note_id)).append("/messages/").append(m.text(mc::id)).append("/attachment");
    out.String(path.data(), static_cast<rapidjson::SizeType>(path.size()));
  } else {
    out.Null();
  }
  key(out, "posted_by");
  const Cells poster = m.at(mc::poster);
  remembered(out, fragments, kPoster, poster.text(uc::id), [&] { user(out, poster); });
  key(out, "created_on");
  timestamp_or_null(out, m, mc::created_on);
  out.EndObject();
}

// The rows of `parts` that belong to note `note_id`, in their order.
template <class Write>
void array_of_rows(JsonWriter& out, const PartRows& parts, int note_id_column, std::string_view note_id,
                   Write write_row) {
  out.StartArray();
  for (int row = parts.first_row; row < parts.end_row; ++row) {
    Cells cells(*parts.result, row, parts.base);
    if (cells.text(note_id_column) == note_id) write_row(cells);
  }
  out.EndArray();
}

// The messages of note `note_id` in `parts` that its Note carries: the
// newest whose JSON fits in kInlineMessageBytes, oldest first.
std::vector<int> inline_messages(const PartRows& parts, std::string_view note_id) {
  std::vector<int> rows;
  for (int row = parts.first_row; row < parts.end_row; ++row) {
    if (Cells(*parts.result, row, parts.base).text(mc::note_id) == note_id) rows.push_back(row);
  }
  // A message's JSON beyond its text (ids, the poster, timestamps) stays
  // well under this.
  constexpr std::size_t kMessageOverhead = 2048;
  std::size_t bytes = 0;
  auto first = rows.end();
  while (first != rows.begin()) {
    auto previous = std::prev(first);
    bytes += json_string_length(Cells(*parts.result, *previous, parts.base).text(mc::message)) + kMessageOverhead;
    if (bytes > kInlineMessageBytes) break;
    first = previous;
  }
  return {first, rows.end()};
}

void write_note(JsonWriter& out, const Cells& row, NoteParts parts, Fragments* fragments) {
  const Cells n = row.at(sql::full_note::note);
  out.StartObject();
  key(out, "id");
  number_or_null(out, n, nc::id);
  key(out, "reference_type");
  string_or_null(out, n, nc::reference_type);
  key(out, "reference_id");
  number_or_null(out, n, nc::reference_id);
  key(out, "type");
  string_or_null(out, n, nc::type);
  key(out, "details");
  string_or_null(out, n, nc::details);
  key(out, "created_on");
  timestamp_or_null(out, n, nc::created_on);
  key(out, "status");
  string_or_null(out, n, nc::status);
  key(out, "reminder");
  timestamp_or_null(out, n, nc::reminder);
  key(out, "user_id");
  number_or_null(out, n, nc::user_id);
  key(out, "company_id");
  number_or_null(out, n, nc::company_id);
  key(out, "customer_id");
  number_or_null(out, n, nc::customer_id);
  key(out, "confidential");
  boolean_or_null(out, n, nc::confidential);
  key(out, "priority");
  boolean_or_null(out, n, nc::priority);
  key(out, "tags");
  raw_or_null(out, n, nc::tags_json, rapidjson::kArrayType);
  key(out, "subject");
  string_or_null(out, n, nc::subject);
  key(out, "customer");
  const Cells customer_cells = row.at(sql::full_note::customer);
  remembered(out, fragments, kCustomer, customer_cells.text(cc::id), [&] { customer(out, customer_cells); });
  key(out, "user");
  const Cells author = row.at(sql::full_note::author);
  remembered(out, fragments, kAuthor, author.text(uc::id), [&] { user(out, author); });

  std::string_view note_id = n.text(nc::id);
  key(out, "assignees");
  array_of_rows(out, parts.assignees, ac::note_id, note_id, [&](const Cells& a) {
    out.StartObject();
    user_fields(out, a.at(ac::user));
    key(out, "created_on");  // when they were assigned
    timestamp_or_null(out, a, ac::assigned_on);
    out.EndObject();
  });
  key(out, "messages");
  out.StartArray();
  for (int message_row : inline_messages(parts.messages, note_id)) {
    write_message(out, Cells(*parts.messages.result, message_row, parts.messages.base), fragments);
  }
  out.EndArray();
  out.EndObject();
}

std::string text_of(const rapidjson::StringBuffer& buffer) { return {buffer.GetString(), buffer.GetSize()}; }

}  // namespace

std::size_t json_string_length(std::string_view text) {
  std::size_t length = 2;  // the quotes
  for (unsigned char c : text) {
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      length += 2;
    } else if (c < 0x20) {
      length += 6;  // \u00XX
    } else {
      ++length;
    }
  }
  return length;
}

std::string note(const sql::Result& notes, int row, int base, NoteParts parts) {
  return json_text([&](JsonWriter& out) { write_note(out, Cells(notes, row, base), parts, nullptr); });
}

std::string note_array(const sql::Result& notes, int first_row, int end_row, int base, NoteParts parts) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  Fragments fragments(buffer);
  out.StartArray();
  for (int row = first_row; row < end_row; ++row) write_note(out, Cells(notes, row, base), parts, &fragments);
  out.EndArray();
  return text_of(buffer);
}

std::string message(const sql::Result& messages, int row, int base) {
  return json_text([&](JsonWriter& out) { write_message(out, Cells(messages, row, base), nullptr); });
}

std::string user_object(const sql::Result& users, int row, int base) {
  return json_text([&](JsonWriter& out) { user(out, Cells(users, row, base)); });
}

std::string customer_summary(const sql::Result& customers, int row, int base) {
  return json_text([&](JsonWriter& out) { customer(out, Cells(customers, row, base)); });
}

std::string message_array(const sql::Result& messages, int base) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  Fragments fragments(buffer);
  out.StartArray();
  for (int row = 0; row < messages.rows(); ++row) write_message(out, Cells(messages, row, base), &fragments);
  out.EndArray();
  return text_of(buffer);
}

NoteParts parts_of(const std::vector<sql::Result>& results) {
  return {PartRows::all_of(results[results.size() - 2]), PartRows::all_of(results[results.size() - 1])};
}

}  // namespace notes::note_json
