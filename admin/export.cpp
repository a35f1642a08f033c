// `notesctl export`: everything the service holds for a company, or for one
// of its customers, as JSON Lines on standard output (docs/export.md). Each
// record is written in the API's own shape, by the same code the routes
// use (views/), read a page at a time from one snapshot: memory stays that
// of a page (and one attachment) whatever the company's size.
#include <iostream>
#include <optional>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "http/json.hpp"
#include "sql/connection.hpp"
#include "sql/note_columns.hpp"
#include "sql/queries.hpp"
#include "views/history_json.hpp"
#include "views/json_cells.hpp"
#include "views/note_json.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

using namespace json_cells;
using sql::Statement;

// Rows a page reads: of records of a bounded size, and of those that may
// each take a MiB (a Note, a history entry holding a note's fields twice).
constexpr int kPage = 200;
constexpr int kLargeRecordsPage = 20;

struct Scope {
  int64_t company = 0;
  std::optional<int64_t> customer;  // nothing: the whole company
};

sql::Result checked(sql::Result result) {
  if (!result.ok()) throw CommandError("the database failed: " + result.error_message());
  return result;
}

// Writes the lines, counting them for the last one.
class Lines {
 public:
  explicit Lines(std::ostream& out) : out_(out) {}
  // {"<kind>":<json><rest>}: `rest` is more members, each starting with a comma.
  void write(std::string_view kind, std::string_view json, std::string_view rest = {}) {
    out_ << "{\"" << kind << "\":" << json << rest << "}\n";
    if (!out_) throw CommandError("cannot write the export (standard output closed?)");
    ++count_;
  }
  long count() const { return count_; }

 private:
  std::ostream& out_;
  long count_ = 0;
};

// A JSON object built with `write_members` (between the braces).
template <class WriteMembers>
std::string object_of(WriteMembers write_members) {
  return json_text([&](JsonWriter& out) {
    out.StartObject();
    write_members(out);
    out.EndObject();
  });
}

std::string member(std::string_view name, std::string_view json) {
  return ",\"" + std::string(name) + "\":" + std::string(json);
}

// Every row of `statement`'s pages, in id order (the id in `id_column`).
template <class Write>
void each_row(sql::Connection& db, Statement statement, const Scope& scope, int id_column, Write write) {
  const int rows = statement == Statement::export_history ? kLargeRecordsPage : kPage;
  int64_t after = 0;
  for (;;) {
    sql::Result page = checked(db.execute(sql::query::export_page(statement, scope.company, scope.customer, after,
                                                                  rows)));
    for (int row = 0; row < page.rows(); ++row) write(page, row);
    if (page.rows() < rows) return;
    after = page.int64(page.rows() - 1, id_column);
  }
}

void write_header(sql::Connection& db, const Scope& scope, Lines& lines) {
  sql::Result company = checked(db.execute(sql::query::export_company(scope.company)));
  if (company.rows() != 1) throw CommandError("no company " + std::to_string(scope.company));
  if (scope.customer) {
    sql::Result found = checked(db.execute(
        sql::query::export_page(Statement::export_customers, scope.company, scope.customer, 0, 1)));
    if (found.rows() != 1) {
      throw CommandError("no customer " + std::to_string(*scope.customer) + " in company " +
                         std::to_string(scope.company));
    }
  }
  lines.write("export", object_of([&](JsonWriter& out) {
    key(out, "format");
    out.String("notes-export/1");
    key(out, "company_id");
    out.Int64(scope.company);
    key(out, "customer_id");
    if (scope.customer) {
      out.Int64(*scope.customer);
    } else {
      out.Null();
    }
    key(out, "exported_at");  // the instant the snapshot shows
    timestamp_or_null(out, Cells(company, 0, 0), 3);
  }));
  lines.write("company", object_of([&](JsonWriter& out) {
    Cells c(company, 0, 0);
    key(out, "id");
    number_or_null(out, c, 0);
    key(out, "name");
    string_or_null(out, c, 1);
    key(out, "created_on");
    timestamp_or_null(out, c, 2);
  }));
}

// Each Note as GET answers it, with its revision (the ETag), then every
// message of the notes, each with its attachment.
void write_notes(sql::Connection& db, const Scope& scope, Lines& lines) {
  int64_t after = 0;
  for (;;) {
    sql::Result page = checked(db.execute(sql::query::export_page(Statement::export_notes, scope.company,
                                                                  scope.customer, after, kLargeRecordsPage)));
    if (page.rows() == 0) break;
    std::vector<int64_t> ids;
    for (int row = 0; row < page.rows(); ++row) ids.push_back(page.int64(row, sql::note_column::id));
    auto parts = db.execute_pipeline({sql::query::note_assignees_of(ids, scope.company),
                                      sql::query::note_messages_of(ids, scope.company)});
    for (const auto& part : parts) {
      if (!part.ok()) throw CommandError("the database failed: " + part.error_message());
    }
    note_json::NoteParts note_parts{note_json::PartRows::all_of(parts[0]), note_json::PartRows::all_of(parts[1])};
    for (int row = 0; row < page.rows(); ++row) {
      lines.write("note", note_json::note(page, row, 0, note_parts),
                  member("revision", page.text(row, sql::note_column::revision)));
    }
    if (page.rows() < kLargeRecordsPage) break;
    after = ids.back();
  }
  namespace mc = sql::message_column;
  each_row(db, Statement::export_messages, scope, mc::id, [&](const sql::Result& page, int row) {
    std::string attachment = "null";
    if (page.boolean(row, mc::has_attachment)) {
      sql::Result bytes = checked(db.execute(sql::query::export_attachment(scope.company, page.int64(row, mc::id))));
      attachment = "\"" + std::string(bytes.text(0, 0)) + "\"";
    }
    lines.write("message", note_json::message(page, row, 0),
                member("note_id", page.text(row, mc::note_id)) + member("attachment", attachment));
  });
}

void write_history_and_reads(sql::Connection& db, const Scope& scope, Lines& lines) {
  namespace hc = history_json::note_column;
  const int note_id = hc::withheld + 1, customer_id = note_id + 1;
  each_row(db, Statement::export_history, scope, history_json::column::id, [&](const sql::Result& page, int row) {
    std::string customer = page.is_null(row, customer_id) ? "null" : std::string(page.text(row, customer_id));
    lines.write("history", history_json::note_revision(page, row, 0),
                member("note_id", page.text(row, note_id)) + member("customer_id", customer));
  });
  const int read_note = history_json::read_column::via + 1;
  each_row(db, Statement::export_reads, scope, history_json::read_column::id, [&](const sql::Result& page, int row) {
    lines.write("read", history_json::note_read(page, row, 0), member("note_id", page.text(row, read_note)));
  });
}

// Account ids are decimal strings, as the account family writes them.
void write_accounts(sql::Connection& db, const Scope& scope, Lines& lines) {
  each_row(db, Statement::export_accounts, scope, 0, [&](const sql::Result& page, int row) {
    lines.write("account", object_of([&](JsonWriter& out) {
      Cells c(page, row, 0);
      key(out, "id");
      string_or_null(out, c, 0);
      key(out, "created_at");
      timestamp_or_null(out, c, 1);
      key(out, "grants");
      raw_or_null(out, c, 2, rapidjson::kArrayType);
    }));
  });
  each_row(db, Statement::export_account_notes, scope, 0, [&](const sql::Result& page, int row) {
    lines.write("account_note", object_of([&](JsonWriter& out) {
      Cells c(page, row, 0);
      key(out, "id");
      string_or_null(out, c, 0);
      key(out, "account_id");
      string_or_null(out, c, 1);
      key(out, "note");
      string_or_null(out, c, 2);
      key(out, "created_at");
      timestamp_or_null(out, c, 3);
      key(out, "modified_at");
      timestamp_or_null(out, c, 4);
      key(out, "removed");
      boolean_or_null(out, c, 5);
    }));
  });
  const int account_id = history_json::account_column::note_after + 1;
  each_row(db, Statement::export_account_history, scope, history_json::column::id,
           [&](const sql::Result& page, int row) {
             lines.write("account_history", history_json::account_note_change(page, row, 0),
                         member("account_id", "\"" + std::string(page.text(row, account_id)) + "\""));
           });
}

}  // namespace

void export_company(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<int64_t>()->required(), "company id")(
      "customer", po::value<int64_t>(), "only what is held about this customer of the company");
  auto values = parse_command(args, "export --company C [--customer N] > FILE", options);
  if (!values) return;
  Scope scope;
  scope.company = (*values)["company"].as<int64_t>();
  if (values->count("customer")) scope.customer = (*values)["customer"].as<int64_t>();

  // The service's statements on a connection of their own, in one
  // snapshot; a page may take longer than a request's statement, and the
  // reader of standard output may be slow.
  sql::ConnectionSettings settings;
  settings.url = db().url();
  settings.statement_timeout_ms = 600000;
  settings.idle_in_transaction_timeout_ms = 0;
  settings.connect_timeout_s = 10;
  settings.application_name = "notesctl";
  sql::Connection connection(settings);
  if (!connection.begin_read_only_snapshot()) throw CommandError("cannot reach the database at " + settings.url);

  std::ios::sync_with_stdio(false);
  Lines lines(std::cout);
  write_header(connection, scope, lines);
  each_row(connection, Statement::export_users, scope, sql::user_column::id, [&](const sql::Result& page, int row) {
    lines.write("user", note_json::user_object(page, row, 0));
  });
  each_row(connection, Statement::export_customers, scope, sql::customer_column::id,
           [&](const sql::Result& page, int row) {
             lines.write("customer", note_json::customer_summary(page, row, 0));
           });
  // A customer's export holds no account: accounts belong to the company.
  if (!scope.customer) write_accounts(connection, scope, lines);
  write_notes(connection, scope, lines);
  write_history_and_reads(connection, scope, lines);
  connection.rollback();
  lines.write("end", "{\"lines\":" + std::to_string(lines.count() + 1) + "}");
  std::cout.flush();
}

}  // namespace notes::admin
