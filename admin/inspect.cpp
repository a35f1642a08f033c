// notesctl's read-only commands (list, show) and `user set`: what an
// operator needs to see who and what exists. Never a key or its hash.
#include <iostream>
#include <string>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "admin/report.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

// --json beside a command's own options.
po::options_description with_format(po::options_description options) {
  options.add_options()("json", po::bool_switch(), "print JSON instead of aligned text");
  return options;
}

ReportFormat format_of(const po::variables_map& values) {
  return values["json"].as<bool>() ? ReportFormat::json : ReportFormat::table;
}

po::options_description company_option() {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id");
  return options;
}

// Runs a listing query with `params` and prints its rows.
void list(const std::vector<std::string>& args, const DbOpener& db, const std::string& usage,
          const po::options_description& options, const std::string& sql,
          const std::vector<const char*>& parameter_options) {
  auto values = parse_command(args, usage, with_format(options));
  if (!values) return;
  std::vector<std::optional<std::string>> params;
  for (const char* name : parameter_options) params.push_back(optional_value(*values, name));
  print_rows(std::cout, db().exec(sql, params).get(), format_of(*values));
}

// Runs a query for one record with `params` and prints it; none is an error.
void show(const std::vector<std::string>& args, const DbOpener& db, const std::string& usage,
          const po::options_description& options, const std::string& sql, const char* parameter_option,
          const std::string& missing) {
  auto values = parse_command(args, usage, with_format(options));
  if (!values) return;
  auto result = db().exec(sql, {optional_value(*values, parameter_option)});
  if (PQntuples(result.get()) != 1) throw CommandError(missing);
  print_record(std::cout, result.get(), format_of(*values));
}

// A timestamp column as ISO 8601 in UTC to the second, named as the column.
std::string iso(const std::string& column) {
  std::string name = column.substr(column.find('.') + 1);
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " + name;
}

}  // namespace

void company_list(const std::vector<std::string>& args, const DbOpener& db) {
  list(args, db, "company list [--json]", po::options_description("options"),
       "SELECT c.id, c.name, " + iso("c.created_on") + ","
       " (SELECT count(*) FROM users u WHERE u.company_id = c.id) AS users,"
       " (SELECT count(*) FROM customers cu WHERE cu.company_id = c.id) AS customers,"
       " (SELECT count(*) FROM accounts a WHERE a.company_id = c.id) AS accounts"
       " FROM companies c ORDER BY c.id",
       {});
}

void company_show(const std::vector<std::string>& args, const DbOpener& db) {
  show(args, db, "company show --company C [--json]", company_option(),
       "SELECT c.id, c.name, " + iso("c.created_on") + ","
       " (SELECT count(*) FROM users u WHERE u.company_id = c.id) AS users,"
       " (SELECT count(*) FROM users u WHERE u.company_id = c.id AND u.status = 'active') AS active_users,"
       " (SELECT count(*) FROM api_keys k WHERE k.company_id = c.id AND k.revoked_at IS NULL"
       "   AND (k.expires_at IS NULL OR k.expires_at > now())) AS live_keys,"
       " (SELECT count(*) FROM customers cu WHERE cu.company_id = c.id) AS customers,"
       " (SELECT count(*) FROM notes n WHERE n.company_id = c.id) AS customer_notes,"
       " (SELECT count(*) FROM accounts a WHERE a.company_id = c.id) AS accounts"
       " FROM companies c WHERE c.id = $1::bigint",
       "company", "no such company");
}

void user_list(const std::vector<std::string>& args, const DbOpener& db) {
  list(args, db, "user list --company C [--json]", company_option(),
       "SELECT id, username, role, status, first_name, last_name, email FROM users"
       " WHERE company_id = $1::bigint ORDER BY id",
       {"company"});
}

void user_show(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("user", po::value<std::string>()->required(), "user id");
  show(args, db, "user show --user U [--json]", options,
       "SELECT u.id, u.company_id, u.username, u.role, u.status, u.first_name, u.last_name, u.email,"
       " u.employee_id, u.mobile_number, u.business_location_id,"
       " (SELECT count(*) FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL"
       "   AND (k.expires_at IS NULL OR k.expires_at > now())) AS live_keys,"
       " (SELECT count(*) FROM account_grants g WHERE g.user_id = u.id) AS account_grants"
       " FROM users u WHERE u.id = $1::bigint",
       "user", "no such user");
}

void user_set(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("user", po::value<std::string>()->required(), "user id")(
      "status", po::value<std::string>(), "active or inactive (inactive: its keys stop working within 5 s)")(
      "role", po::value<std::string>(), "owner, admin or staff");
  auto values = parse_command(args, "user set --user U [--status active|inactive] [--role owner|admin|staff]", options);
  if (!values) return;
  auto status = optional_value(*values, "status");
  auto role = optional_value(*values, "role");
  if (!status && !role) throw CommandError("nothing to set: give --status or --role (see --help)");
  if (status) one_of("status", *status, {"active", "inactive"});
  if (role) one_of("role", *role, {"owner", "admin", "staff"});
  auto result = db().exec(
      "UPDATE users SET status = coalesce($2, status), role = coalesce($3, role) WHERE id = $1::bigint RETURNING id",
      {(*values)["user"].as<std::string>(), status, role});
  if (PQntuples(result.get()) != 1) throw CommandError("no such user");
  std::cout << PQgetvalue(result.get(), 0, 0) << "\n";
}

void key_list(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options = company_option();
  options.add_options()("user", po::value<std::string>(), "only this user's keys");
  list(args, db, "key list --company C [--user U] [--json]", options,
       "SELECT id, user_id, " + iso("created_at") + ", " + iso("expires_at") + ", " + iso("revoked_at") + ","
       " CASE WHEN revoked_at IS NOT NULL THEN 'revoked'"
       "      WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired' ELSE 'live' END AS state"
       " FROM api_keys WHERE company_id = $1::bigint AND ($2::bigint IS NULL OR user_id = $2::bigint) ORDER BY id",
       {"company", "user"});
}

void customer_list(const std::vector<std::string>& args, const DbOpener& db) {
  list(args, db, "customer list --company C [--json]", company_option(),
       "SELECT c.id, c.first_name, c.last_name, c.email, c.is_member, c.vip, " + iso("c.created_on") + ","
       " (SELECT count(*) FROM notes n WHERE n.customer_id = c.id) AS notes"
       " FROM customers c WHERE c.company_id = $1::bigint ORDER BY c.id",
       {"company"});
}

void account_list(const std::vector<std::string>& args, const DbOpener& db) {
  list(args, db, "account list --company C [--json]", company_option(),
       "SELECT a.id, " + iso("a.created_at") + ","
       " EXISTS (SELECT 1 FROM account_notes n WHERE n.account_id = a.id AND NOT n.removed) AS has_note,"
       " (SELECT count(*) FROM account_grants g WHERE g.account_id = a.id) AS grants"
       " FROM accounts a WHERE a.company_id = $1::bigint ORDER BY a.id",
       {"company"});
}

void grant_list(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options = company_option();
  options.add_options()("user", po::value<std::string>(), "only this user's rights")(
      "account", po::value<std::string>(), "only the rights on this account");
  list(args, db, "grant list --company C [--user U] [--account A] [--json]", options,
       "SELECT g.account_id, g.user_id, u.username, g.access, " + iso("g.granted_at") +
       " FROM account_grants g JOIN users u ON u.id = g.user_id"
       " WHERE g.company_id = $1::bigint AND ($2::bigint IS NULL OR g.user_id = $2::bigint)"
       "   AND ($3::bigint IS NULL OR g.account_id = $3::bigint)"
       " ORDER BY g.account_id, g.user_id",
       {"company", "user", "account"});
}

}  // namespace notes::admin

namespace notes::admin {

void webhook_list(const std::vector<std::string>& args, const DbOpener& db) {
  list(args, db, "webhook list --company C [--json]", company_option(),
       "SELECT w.id, w.url, array_to_string(w.events, ',') AS events, " + iso("w.created_at") + ", " +
           iso("w.disabled_at") + ", w.disabled_why,"
       " (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id"
       "    AND d.delivered_at IS NULL AND d.given_up_at IS NULL) AS pending"
       " FROM webhook_endpoints w WHERE w.company_id = $1::bigint ORDER BY w.id",
       {"company"});
}

void webhook_deliveries(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("endpoint", po::value<std::string>()->required(), "endpoint id")(
      "limit", po::value<std::string>()->default_value("50"), "the newest this many deliveries");
  // An endpoint with no deliveries yet is an empty list; one that does not
  // exist is an error.
  auto values = parse_command(args, "webhook deliveries --endpoint E [--limit N] [--json]", with_format(options));
  if (!values) return;
  if (PQntuples(db().exec("SELECT 1 FROM webhook_endpoints WHERE id = $1::bigint",
                          {optional_value(*values, "endpoint")}).get()) != 1) {
    throw CommandError("no such endpoint");
  }
  // Each delivery with its last attempt; `state` says where it stands.
  list(args, db, "webhook deliveries --endpoint E [--limit N] [--json]", options,
       "SELECT d.id, d.event, d.subject, " + iso("d.created_at") + ", d.attempts,"
       " CASE WHEN d.delivered_at IS NOT NULL THEN 'delivered' WHEN d.given_up_at IS NOT NULL THEN 'given up'"
       "      ELSE 'pending' END AS state, " + iso("d.next_attempt_at") + ","
       " a.status AS last_status, a.error AS last_error, a.duration_ms AS last_ms"
       " FROM webhook_deliveries d"
       " LEFT JOIN LATERAL (SELECT * FROM webhook_attempts a WHERE a.delivery_id = d.id"
       "                    ORDER BY a.id DESC LIMIT 1) a ON true"
       " WHERE d.endpoint_id = $1::bigint ORDER BY d.id DESC LIMIT $2::int",
       {"endpoint", "limit"});
}

}  // namespace notes::admin
