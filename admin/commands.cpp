#include "admin/commands.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <optional>

#include "admin/command_options.hpp"
#include "credentials/api_key.hpp"
#include "sql/migrator.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

using Values = std::vector<std::optional<std::string>>;

// The columns of one new row, inserted with every value as a parameter.
class Row {
 public:
  void set(const char* column, std::optional<std::string> value) {
    columns_ += (columns_.empty() ? "" : ", ") + std::string(column);
    params_.push_back(std::move(value));
    placeholders_ += (placeholders_.empty() ? "$" : ", $") + std::to_string(params_.size());
  }
  // Inserts into `table` (a name from this file, never user input); returns the new id.
  std::string insert(AdminDb& db, const char* table) const {
    return db.exec_value(std::string("INSERT INTO ") + table + " (" + columns_ + ") VALUES (" + placeholders_ +
                             ") RETURNING id",
                         params_);
  }

 private:
  std::string columns_, placeholders_;
  Values params_;
};

// A key's hash as a bytea parameter in PostgreSQL's hex text form.
std::string key_hash_parameter(const std::string& key) { return "\\x" + to_hex(hash_secret(key)); }

void migrate(const std::vector<std::string>& args, const DbOpener& db) {
  if (!parse_command(args, "migrate", po::options_description("options"))) return;
  auto applied = sql::migrate(db().raw(), sql::embedded_migrations());
  for (const auto& name : applied) std::cerr << "applied " << name << "\n";
  if (applied.empty()) std::cerr << "schema is current\n";
}

void company_add(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("name", po::value<std::string>()->required(), "company name");
  auto values = parse_command(args, "company add --name NAME", options);
  if (!values) return;
  std::cout << db().exec_value("INSERT INTO companies (name) VALUES ($1) RETURNING id",
                               {(*values)["name"].as<std::string>()})
            << "\n";
}

// The optional text columns of a user, as option name -> column.
const std::vector<std::pair<const char*, const char*>> kUserFields = {
    {"first-name", "first_name"},       {"last-name", "last_name"},
    {"email", "email"},                 {"profile-photo", "profile_photo"},
    {"employee-id", "employee_id"},     {"mobile-number", "mobile_number"},
    {"business-location-id", "business_location_id"},
    {"enable2-fa", "enable2_fa"},       {"created-by", "created_by"},
};

void user_add(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id")(
      "role", po::value<std::string>()->required(), "owner, admin or staff")(
      "username", po::value<std::string>()->required(), "login name, unique in the company")(
      "status", po::value<std::string>()->default_value("active"), "active or inactive");
  for (const auto& [option, column] : kUserFields) options.add_options()(option, po::value<std::string>(), column);
  auto values = parse_command(args, "user add --company C --role owner|admin|staff --username U [fields]", options);
  if (!values) return;
  Row row;
  row.set("company_id", (*values)["company"].as<std::string>());
  row.set("role", one_of("role", (*values)["role"].as<std::string>(), {"owner", "admin", "staff"}));
  row.set("username", (*values)["username"].as<std::string>());
  row.set("status", one_of("status", (*values)["status"].as<std::string>(), {"active", "inactive"}));
  for (const auto& [option, column] : kUserFields) row.set(column, optional_value(*values, option));
  std::cout << row.insert(db(), "users") << "\n";
}

void key_issue(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("user", po::value<std::string>()->required(), "user id")(
      "expires", po::value<std::string>(), "ISO 8601 time after which the key fails");
  auto values = parse_command(args, "key issue --user U [--expires 2027-01-01T00:00:00Z]", options);
  if (!values) return;
  std::string key = generate_api_key();
  std::string hex = key_hash_parameter(key);
  auto result = db().exec(
      "INSERT INTO api_keys (user_id, company_id, key_hash, expires_at)"
      " SELECT id, company_id, $2::bytea, $3::timestamptz FROM users WHERE id = $1::bigint RETURNING id",
      {(*values)["user"].as<std::string>(), hex, optional_value(*values, "expires")});
  if (PQntuples(result.get()) != 1) throw CommandError("no such user");
  std::cout << key << "\n";
}

// A key is named by itself or, when its value was lost, by the id that
// `key list` shows.
void key_revoke(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("key", po::value<std::string>(), "the key to revoke")(
      "id", po::value<std::string>(), "or the id of the key to revoke (key list shows it)");
  auto values = parse_command(args, "key revoke --key K | --id N", options);
  if (!values) return;
  auto key = optional_value(*values, "key");
  auto id = optional_value(*values, "id");
  if (key.has_value() == id.has_value()) throw CommandError("give either --key or --id (see --help)");
  auto result = db().exec(
      "UPDATE api_keys SET revoked_at = now()"
      " WHERE (key_hash = $1::bytea OR id = $2::bigint) AND revoked_at IS NULL RETURNING id",
      {key ? std::optional<std::string>(key_hash_parameter(*key)) : std::nullopt, id});
  if (PQntuples(result.get()) != 1) throw CommandError("no live key matches");
  std::cout << PQgetvalue(result.get(), 0, 0) << "\n";
}

const std::vector<std::pair<const char*, const char*>> kCustomerTextFields = {
    {"first-name", "first_name"},       {"middle-name", "middle_name"},
    {"last-name", "last_name"},         {"company-name", "company_name"},
    {"company-title", "company_title"}, {"locale", "locale"},
    {"flag", "flag"},                   {"email", "email"},
    {"mobile-country-code", "mobile_country_code"}, {"mobile-number", "mobile_number"},
    {"phone-country-code", "phone_country_code"},   {"phone-number", "phone_number"},
    {"profile-photo", "profile_photo"}, {"home-house-id", "home_house_id"},
    {"birthdate", "birthdate"},         {"anniversary-date", "anniversary_date"},
};
const std::vector<std::pair<const char*, const char*>> kCustomerFlags = {
    {"is-member", "is_member"}, {"was-member", "was_member"}, {"has-applied", "has_applied"}, {"vip", "vip"}};

void customer_add(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id");
  for (const auto& [option, column] : kCustomerTextFields) options.add_options()(option, po::value<std::string>(), column);
  for (const auto& [option, column] : kCustomerFlags) options.add_options()(option, po::bool_switch(), column);
  auto values = parse_command(args, "customer add --company C [fields]", options);
  if (!values) return;
  Row row;
  row.set("company_id", (*values)["company"].as<std::string>());
  for (const auto& [option, column] : kCustomerTextFields) row.set(column, optional_value(*values, option));
  for (const auto& [option, column] : kCustomerFlags) {
    row.set(column, std::string((*values)[option].as<bool>() ? "true" : "false"));
  }
  std::cout << row.insert(db(), "customers") << "\n";
}

void account_add(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id")(
      "id", po::value<std::string>(), "the account's 64-bit id (default: a random one)");
  auto values = parse_command(args, "account add --company C [--id N]", options);
  if (!values) return;
  // Gateway account ids are large opaque numbers; a random positive int64
  // keeps them unguessable and unlike row counters.
  std::string sql = values->count("id")
                        ? "INSERT INTO accounts (id, company_id) VALUES ($2::bigint, $1) RETURNING id"
                        : "INSERT INTO accounts (id, company_id) VALUES ("
                          "(floor(random() * 9.2e18)::bigint % 9223372036854775807) + 1, $1) RETURNING id";
  Values params = {(*values)["company"].as<std::string>()};
  if (values->count("id")) params.push_back((*values)["id"].as<std::string>());
  std::cout << db().exec_value(sql, params) << "\n";
}

po::options_description grant_options() {
  po::options_description options("options");
  options.add_options()("user", po::value<std::string>()->required(), "user id")(
      "account", po::value<std::string>()->required(), "account id")(
      "right", po::value<std::string>()->required(), "read or modify");
  return options;
}

void grant(const std::vector<std::string>& args, const DbOpener& db) {
  auto values = parse_command(args, "grant --user U --account A --right read|modify", grant_options());
  if (!values) return;
  std::string right = one_of("right", (*values)["right"].as<std::string>(), {"read", "modify"});
  // Granting never lowers a right: modify already includes read.
  auto result = db().exec(
      "INSERT INTO account_grants (user_id, account_id, company_id, access)"
      " SELECT u.id, $2::bigint, u.company_id, $3 FROM users u WHERE u.id = $1::bigint"
      " ON CONFLICT (user_id, account_id) DO UPDATE SET access ="
      "   CASE WHEN account_grants.access = 'modify' THEN 'modify' ELSE EXCLUDED.access END"
      " RETURNING user_id",
      {(*values)["user"].as<std::string>(), (*values)["account"].as<std::string>(), right});
  if (PQntuples(result.get()) != 1) throw CommandError("no such user");
}

void revoke(const std::vector<std::string>& args, const DbOpener& db) {
  auto values = parse_command(args, "revoke --user U --account A --right read|modify", grant_options());
  if (!values) return;
  std::string right = one_of("right", (*values)["right"].as<std::string>(), {"read", "modify"});
  Values params = {(*values)["user"].as<std::string>(), (*values)["account"].as<std::string>()};
  // Revoking modify leaves read; revoking read leaves nothing, since modify
  // cannot stand without read.
  if (right == "modify") {
    db().exec("UPDATE account_grants SET access = 'read' WHERE user_id = $1::bigint AND account_id = $2::bigint",
              params);
  } else {
    db().exec("DELETE FROM account_grants WHERE user_id = $1::bigint AND account_id = $2::bigint", params);
  }
}

// The language notes are searched in (docs/reliability.md, "Operating it"). A new
// one re-indexes every note in the same transaction: a note indexed in one
// language does not match words parsed in another. Setting it redefines a
// function of the schema, which takes the schema's owner.
void search_language(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("set", po::value<std::string>(),
                        "a PostgreSQL text search configuration: english, german, simple, ...");
  auto values = parse_command(args, "search-language [--set LANGUAGE]", options);
  if (!values) return;
  if (values->count("set")) {
    sql::act_as_schema_owner(db().raw());
    std::string rebuilt;
    db().in_transaction([&] {
      rebuilt = db().exec_value("SELECT notes_set_search_language($1::text)", {(*values)["set"].as<std::string>()});
    });
    std::cerr << "re-indexed " << rebuilt << " notes\n";
  }
  std::cout << db().exec_value("SELECT notes_search_language()::text") << "\n";
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"migrate", "apply pending migrations; a no-op when current", migrate},
      {"company add", "create a company; prints its id", company_add},
      {"company list", "list the companies with their counts", company_list},
      {"company show", "one company and what it holds", company_show},
      {"company delete", "remove a company and everything it holds, history included; says what it removed",
       company_delete},
      {"user add", "create a user in a company; prints its id", user_add},
      {"user list", "list a company's users", user_list},
      {"user show", "one user, with live keys and grants counted", user_show},
      {"user set", "change a user's status (inactive: locked out) or role", user_set},
      {"user passwd", "set a user's login password from standard input (or --clear it)", user_passwd},
      {"key issue", "issue an API key for a user; prints the key (shown only now)", key_issue},
      {"key revoke", "revoke an API key, named by itself or by its id; prints the key's id", key_revoke},
      {"key list", "list a company's keys (ids and dates, never the key)", key_list},
      {"customer add", "create a customer; prints its id", customer_add},
      {"customer import", "import customers from a JSON-lines file; prints their ids", import_customers},
      {"customer list", "list a company's customers with their notes counted", customer_list},
      {"customer erase", "remove everything held about a customer (an erasure request); says what it removed",
       customer_erase},
      {"account add", "create an account; prints its id", account_add},
      {"account list", "list a company's accounts", account_list},
      {"account delete", "remove an account with its notes, their history and its grants; says what it removed",
       account_delete},
      {"grant", "give a user read or modify on an account", grant},
      {"grant list", "list who has which right on which account", grant_list},
      {"revoke", "take a right on an account from a user", revoke},
      {"webhook add", "add a webhook endpoint to a company; prints its id, then its secret (shown only now)",
       webhook_add},
      {"webhook list", "list a company's webhook endpoints", webhook_list},
      {"webhook deliveries", "an endpoint's newest deliveries, each with its last attempt", webhook_deliveries},
      {"webhook delete", "delete an endpoint with its deliveries and their attempts", webhook_delete},
      {"webhook disable", "stop sending to an endpoint (what is queued waits)", webhook_disable},
      {"webhook enable", "send to an endpoint again, what was queued first", webhook_enable},
      {"export", "write everything held for a company (or --customer) as JSON lines, in the API's shapes",
       export_company},
      {"import", "write an export into a database that does not hold its records yet, keeping every id",
       import_export},
      {"archive status", "whether WAL reaches the backup repository; exits 1 when off, failing or behind",
       archive_status},
      {"search-language", "show the language notes are searched in, or --set it (re-indexes every note)",
       search_language},
  };
  return table;
}

}  // namespace notes::admin
