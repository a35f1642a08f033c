// `notesctl import`: an export (admin/export.cpp, docs/export.md) written
// into a database that does not hold its records yet, keeping every id,
// so that the API answers what it answered where the export was made.
//
// History is imported as it was, not recorded anew: the triggers that
// record changes (sql/migrations/008_history.sql) are off for the import's
// transaction, which takes the schema's owner, like `notesctl migrate`.
// The triggers that keep the search index stay on. All or nothing: a line
// that fails, or an export cut short, leaves the database as it was.
#include <fstream>
#include <iostream>
#include <map>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "http/json.hpp"
#include "sql/migrator.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

using Json = rapidjson::Value;

// The history triggers, by table: off while history is imported as it was.
const std::vector<std::pair<const char*, const char*>> kRecordingTriggers = {
    {"notes", "notes_history_insert"},
    {"note_assignees", "note_assignees_history"},
    {"note_messages", "note_messages_history"},
    {"account_notes", "account_notes_history"},
};

// The tables whose ids the import chose: their sequences go past them.
const std::vector<const char*> kTablesWithSequences = {
    "companies",   "users",        "customers",     "notes",        "note_messages",
    "note_history", "note_reads",  "account_notes", "account_note_history",
};

// A member as a statement parameter: text as it is, numbers and booleans
// as PostgreSQL reads them, objects and arrays as JSON; null or absent is NULL.
std::optional<std::string> param(const Json& object, const char* name) {
  auto found = object.FindMember(name);
  if (found == object.MemberEnd() || found->value.IsNull()) return std::nullopt;
  const Json& value = found->value;
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  value.Accept(out);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const Json& object_member(const Json& object, const char* name) {
  auto found = object.FindMember(name);
  if (found == object.MemberEnd() || !found->value.IsObject()) {
    throw CommandError(std::string("no object '") + name + "'");
  }
  return found->value;
}

class Importer {
 public:
  explicit Importer(AdminDb& db) : db_(db) {}

  // One line of the export; its kind is its first member's name.
  void line(const Json& record, long number) {
    if (!record.IsObject() || record.MemberCount() == 0 || !record.MemberBegin()->value.IsObject()) {
      throw CommandError("line " + std::to_string(number) + " is not a record of an export");
    }
    std::string kind = record.MemberBegin()->name.GetString();
    const Json& body = record.MemberBegin()->value;
    if (number == 1 && kind != "export") throw CommandError("line 1 is not an export's header");
    ++counts_[kind];
    if (kind == "export") {
      header(body);
    } else if (kind == "company") {
      db_.exec("INSERT INTO companies (id, name, created_on) VALUES ($1, $2, $3)",
               {param(body, "id"), param(body, "name"), param(body, "created_on")});
    } else if (kind == "user") {
      user(body);
    } else if (kind == "customer") {
      customer(body);
    } else if (kind == "account") {
      account(body);
    } else if (kind == "account_note") {
      db_.exec("INSERT INTO account_notes (id, account_id, company_id, note, created_at, modified_at, removed)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {param(body, "id"), param(body, "account_id"), company_, param(body, "note"), param(body, "created_at"),
                param(body, "modified_at"), param(body, "removed")});
    } else if (kind == "account_history") {
      account_history(body, record);
    } else if (kind == "note") {
      note(body, record);
    } else if (kind == "message") {
      db_.exec("INSERT INTO note_messages (id, note_id, company_id, posted_by, message, attachment, created_on)"
               " VALUES ($1, $2, $3, $4, $5, decode($6, 'base64'), $7)",
               {param(body, "id"), param(record, "note_id"), company_, param(object_member(body, "posted_by"), "id"),
                param(body, "message"), param(record, "attachment"), param(body, "created_on")});
    } else if (kind == "history") {
      const Json& who = object_member(body, "changed_by");
      db_.exec("INSERT INTO note_history (id, company_id, note_id, customer_id, revision, change, changed_at,"
               " actor_user_id, actor_credential, request_id, before, after, restored_from)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
               {param(body, "id"), company_, param(record, "note_id"), param(record, "customer_id"),
                param(body, "revision"), param(body, "change"), param(body, "changed_on"), param(who, "user_id"),
                param(who, "credential"), param(body, "request_id"), param(body, "before"), param(body, "after"),
                param(body, "restored_from")});
    } else if (kind == "read") {
      const Json& who = object_member(body, "read_by");
      db_.exec("INSERT INTO note_reads (id, company_id, note_id, read_at, user_id, credential, request_id, via)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
               {param(body, "id"), company_, param(record, "note_id"), param(body, "read_on"), param(who, "user_id"),
                param(who, "credential"), param(body, "request_id"), param(body, "via")});
    } else if (kind == "end") {
      auto lines = param(body, "lines");
      if (!lines || *lines != std::to_string(number)) {
        throw CommandError("the export's last line counts " + lines.value_or("nothing") + " lines, the file " +
                           std::to_string(number));
      }
      ended_ = true;
    } else {
      throw CommandError("line " + std::to_string(number) + " is of an unknown kind '" + kind + "'");
    }
  }

  bool ended() const { return ended_; }
  const std::map<std::string, long>& counts() const { return counts_; }

 private:
  void header(const Json& body) {
    auto format = param(body, "format");
    if (format != "notes-export/1") throw CommandError("not an export this notesctl reads (format " +
                                                       format.value_or("none") + ")");
    company_ = param(body, "company_id");
  }

  void user(const Json& body) {
    db_.exec("INSERT INTO users (id, company_id, status, first_name, last_name, email, username, profile_photo,"
             " employee_id, mobile_number, business_location_id, enable2_fa, modified_on, created_by, role)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
             {param(body, "id"), company_, param(body, "status"), param(body, "first_name"), param(body, "last_name"),
              param(body, "email"), param(body, "username"), param(body, "profile_photo"), param(body, "employee_id"),
              param(body, "mobile_number"), param(body, "business_location_id"), param(body, "enable2_fa"),
              param(body, "modified_on"), param(body, "created_by"), param(body, "role")});
  }

  void customer(const Json& body) {
    auto number_of = [&](const char* phone, const char* part) -> std::optional<std::string> {
      auto found = body.FindMember(phone);
      if (found == body.MemberEnd() || !found->value.IsObject()) return std::nullopt;
      return param(found->value, part);
    };
    db_.exec("INSERT INTO customers (id, company_id, company_name, company_title, first_name, middle_name,"
             " last_name, locale, is_member, was_member, has_applied, flag, email, mobile_country_code, mobile_number,"
             " phone_country_code, phone_number, profile_photo, vip, home_house_id, birthdate, anniversary_date,"
             " created_on)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
             " $21, $22, $23)",
             {param(body, "id"), company_, param(body, "company_name"), param(body, "company_title"),
              param(body, "first_name"), param(body, "middle_name"), param(body, "last_name"), param(body, "locale"),
              param(body, "is_member"), param(body, "was_member"), param(body, "has_applied"), param(body, "flag"),
              param(body, "email"), number_of("mobile", "country_code"), number_of("mobile", "number"),
              number_of("phone", "country_code"), number_of("phone", "number"), param(body, "profile_photo"),
              param(body, "vip"), param(body, "home_house_id"), param(body, "birthdate"),
              param(body, "anniversary_date"), param(body, "created_on")});
  }

  void account(const Json& body) {
    db_.exec("INSERT INTO accounts (id, company_id, created_at) VALUES ($1, $2, $3)",
             {param(body, "id"), company_, param(body, "created_at")});
    db_.exec("INSERT INTO account_grants (user_id, account_id, company_id, access, granted_at)"
             " SELECT (g ->> 'user_id')::bigint, $1::bigint, $2::bigint, g ->> 'access',"
             "        (g ->> 'granted_on')::timestamptz"
             " FROM jsonb_array_elements($3::jsonb) g",
             {param(body, "id"), company_, param(body, "grants").value_or("[]")});
  }

  void account_history(const Json& body, const Json& record) {
    const Json& who = object_member(body, "changed_by");
    db_.exec("INSERT INTO account_note_history (id, company_id, account_id, account_note_id, change, changed_at,"
             " actor_user_id, actor_credential, request_id, note_before, note_after)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
             {param(body, "id"), company_, param(record, "account_id"), param(body, "account_note_id"),
              param(body, "change"), param(body, "changed_at"), param(who, "user_id"), param(who, "credential"),
              param(body, "request_id"), param(body, "note_before"), param(body, "note_after")});
  }

  // The Note's own fields, its revision, then its assignees.
  void note(const Json& body, const Json& record) {
    db_.exec("INSERT INTO notes (id, company_id, customer_id, user_id, reference_type, reference_id, type, details,"
             " status, reminder, confidential, priority, tags, subject, created_on, revision)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
             "         CASE WHEN $13::jsonb IS NOT NULL THEN ARRAY(SELECT jsonb_array_elements_text($13::jsonb)) END,"
             "         $14, $15, $16)",
             {param(body, "id"), company_, param(body, "customer_id"), param(body, "user_id"),
              param(body, "reference_type"), param(body, "reference_id"), param(body, "type"), param(body, "details"),
              param(body, "status"), param(body, "reminder"), param(body, "confidential"), param(body, "priority"),
              param(body, "tags"), param(body, "subject"), param(body, "created_on"), param(record, "revision")});
    db_.exec("INSERT INTO note_assignees (note_id, user_id, company_id, created_on)"
             " SELECT $1::bigint, (a ->> 'id')::bigint, $2::bigint, (a ->> 'created_on')::timestamptz"
             " FROM jsonb_array_elements($3::jsonb) a",
             {param(body, "id"), company_, param(body, "assignees").value_or("[]")});
  }

  AdminDb& db_;
  std::optional<std::string> company_;
  std::map<std::string, long> counts_;
  bool ended_ = false;
};

// What was imported, by kind.
std::map<std::string, long> import_lines(std::istream& in, AdminDb& db) {
  Importer importer(db);
  std::string text;
  long number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (importer.ended()) throw CommandError("line " + std::to_string(number) + " follows the export's last line");
    rapidjson::Document record;
    record.Parse(text.data(), text.size());
    if (record.HasParseError()) throw CommandError("line " + std::to_string(number) + " is not JSON");
    try {
      importer.line(record, number);
    } catch (const CommandError& e) {
      throw CommandError("line " + std::to_string(number) + ": " + e.what());
    }
  }
  if (!importer.ended()) throw CommandError("the export ends before its last line: cut short?");
  for (const char* table : kTablesWithSequences) {
    db.exec(std::string("SELECT setval(pg_get_serial_sequence('") + table + "', 'id'),"
            " greatest((SELECT max(id) FROM " + table + "), 1))");
  }
  return importer.counts();
}

}  // namespace

void import_export(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("file", po::value<std::string>()->default_value("-"), "the export (- : standard input)");
  auto values = parse_command(args, "import [--file FILE]", options);
  if (!values) return;
  std::string path = (*values)["file"].as<std::string>();
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw CommandError("cannot read " + path);
  }
  AdminDb& session = db();
  sql::act_as_schema_owner(session.raw());
  std::map<std::string, long> counts;
  session.in_transaction([&] {
    for (const auto& [table, trigger] : kRecordingTriggers) {
      session.exec(std::string("ALTER TABLE ") + table + " DISABLE TRIGGER " + trigger);
    }
    counts = import_lines(path == "-" ? std::cin : file, session);
    for (const auto& [table, trigger] : kRecordingTriggers) {
      session.exec(std::string("ALTER TABLE ") + table + " ENABLE TRIGGER " + trigger);
    }
  });
  std::cout << "imported:\n";
  for (const auto& [kind, count] : counts) {
    if (kind != "export" && kind != "end") std::cout << "  " << kind << " " << count << "\n";
  }
}

}  // namespace notes::admin
