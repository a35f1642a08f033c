// notesctl customer import: JSON lines in, one COPY out, all or nothing.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <string_view>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "http/json_body.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

// Columns in COPY order after id and company_id.
const std::vector<const char*> kTextColumns = {"first_name", "middle_name", "last_name", "company_name",
                                               "company_title", "locale", "flag", "email", "profile_photo",
                                               "home_house_id"};
const std::vector<const char*> kFlagColumns = {"is_member", "was_member", "has_applied", "vip"};
const std::vector<const char*> kDateColumns = {"birthdate", "anniversary_date"};
const std::vector<const char*> kPhoneObjects = {"mobile", "phone"};  // -> <name>_country_code, <name>_number
constexpr std::size_t kMaxTextLength = 1024;

struct LineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Appends a value in COPY text format: backslash escapes, \N for NULL.
void append_copy_text(std::string& row, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': row += "\\\\"; break;
      case '\t': row += "\\t"; break;
      case '\n': row += "\\n"; break;
      case '\r': row += "\\r"; break;
      default: row += c;
    }
  }
}

void append_nullable_string(std::string& row, const rapidjson::Value* value, const std::string& field) {
  row += '\t';
  if (value == nullptr || value->IsNull()) {
    row += "\\N";
    return;
  }
  if (!value->IsString()) throw LineError(field + " must be a string or null");
  if (value->GetStringLength() > kMaxTextLength) throw LineError(field + " is longer than 1024 bytes");
  append_copy_text(row, std::string_view(value->GetString(), value->GetStringLength()));
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// One customer object -> the COPY columns after id and company_id.
std::string copy_row(const rapidjson::Value& customer) {
  for (const auto& m : customer.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool known = name == "full_name" || name == "created_on";
    for (auto list : {&kTextColumns, &kFlagColumns, &kDateColumns, &kPhoneObjects}) {
      for (const char* column : *list) known = known || name == column;
    }
    if (!known) throw LineError("unknown field \"" + std::string(name) + "\"");
  }
  std::string row;
  for (const char* column : kTextColumns) append_nullable_string(row, member(customer, column), column);
  for (const char* column : kFlagColumns) {
    const rapidjson::Value* value = member(customer, column);
    if (value && !value->IsBool()) throw LineError(std::string(column) + " must be true or false");
    row += (value && value->GetBool()) ? "\tt" : "\tf";
  }
  for (const char* column : kDateColumns) {
    const rapidjson::Value* value = member(customer, column);
    if (value && !value->IsNull() &&
        !(value->IsString() && is_iso_date(std::string_view(value->GetString(), value->GetStringLength())))) {
      throw LineError(std::string(column) + " must be a date like 1990-04-30, or null");
    }
    append_nullable_string(row, value, column);
  }
  for (const char* object : kPhoneObjects) {
    const rapidjson::Value* value = member(customer, object);
    if (value && !value->IsNull() && !value->IsObject()) {
      throw LineError(std::string(object) + " must be an object {country_code, number} or null");
    }
    bool present = value && value->IsObject();
    append_nullable_string(row, present ? member(*value, "country_code") : nullptr, std::string(object) + ".country_code");
    append_nullable_string(row, present ? member(*value, "number") : nullptr, std::string(object) + ".number");
  }
  const rapidjson::Value* created = member(customer, "created_on");
  append_nullable_string(row, created, "created_on");
  return row;
}

}  // namespace

void import_customers(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id")(
      "file", po::value<std::string>()->required(), "JSON lines, one CustomerSummary object each ('-': stdin)");
  po::positional_options_description positional;
  positional.add("file", 1);
  auto values = parse_command(args, "customer import --company C FILE", options, positional);
  if (!values) return;
  std::string path = (*values)["file"].as<std::string>();
  std::ifstream file_stream;
  if (path != "-") {
    file_stream.open(path);
    if (!file_stream) throw CommandError("cannot read " + path);
  }
  std::istream& in = path == "-" ? std::cin : file_stream;
  bool show_progress = isatty(STDERR_FILENO);

  // Validate every line before touching the database.
  std::vector<std::string> rows;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    rapidjson::Document customer;
    try {
      if (auto error = parse_json_body(line, customer)) throw LineError(error->message);
      if (!customer.IsObject()) throw LineError("a line must hold one JSON object");
      rows.push_back(copy_row(customer));
    } catch (const LineError& e) {
      throw CommandError(path + ":" + std::to_string(line_number) + ": " + e.what() + "; nothing was imported");
    }
    if (show_progress && rows.size() % 10000 == 0) std::cerr << "\rchecked " << rows.size() << " customers" << std::flush;
  }

  AdminDb& database = db();
  std::string company = (*values)["company"].as<std::string>();
  ResultPtr ids(nullptr, PQclear);
  database.in_transaction([&] {
    database.exec_value("SELECT id FROM companies WHERE id = $1::bigint FOR SHARE", {company});
    ids = database.exec(
        "SELECT nextval(pg_get_serial_sequence('customers', 'id')) FROM generate_series(1, $1::int)",
        {std::to_string(rows.size())});
    ResultPtr copy_start(PQexec(database.raw(),
        "COPY customers (id, company_id, first_name, middle_name, last_name, company_name, company_title,"
        " locale, flag, email, profile_photo, home_house_id, is_member, was_member, has_applied, vip,"
        " birthdate, anniversary_date, mobile_country_code, mobile_number, phone_country_code, phone_number,"
        " created_on) FROM STDIN"), PQclear);
    if (PQresultStatus(copy_start.get()) != PGRES_COPY_IN) throw CommandError(describe_error(copy_start.get()));
    std::string chunk;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      // created_on defaults to now() when the line has none.
      std::string row = rows[i];
      if (row.ends_with("\t\\N")) row.replace(row.size() - 2, 2, "now");
      chunk += PQgetvalue(ids.get(), static_cast<int>(i), 0);
      chunk += '\t';
      chunk += company;
      chunk += row;
      chunk += '\n';
      if (chunk.size() > (1 << 20) || i + 1 == rows.size()) {
        if (PQputCopyData(database.raw(), chunk.data(), static_cast<int>(chunk.size())) != 1) {
          throw CommandError(PQerrorMessage(database.raw()));
        }
        chunk.clear();
        if (show_progress) std::cerr << "\rimported " << (i + 1) << "/" << rows.size() << " customers" << std::flush;
      }
    }
    if (PQputCopyEnd(database.raw(), nullptr) != 1) throw CommandError(PQerrorMessage(database.raw()));
    ResultPtr copied(PQgetResult(database.raw()), PQclear);
    if (PQresultStatus(copied.get()) != PGRES_COMMAND_OK) {
      throw CommandError(describe_error(copied.get()) + "; nothing was imported");
    }
    while (PGresult* rest = PQgetResult(database.raw())) PQclear(rest);
  });
  if (show_progress) std::cerr << "\n";
  for (int i = 0; i < PQntuples(ids.get()); ++i) std::cout << PQgetvalue(ids.get(), i, 0) << "\n";
}

}  // namespace notes::admin
