// The admin CLI against the real database: ids alone on stdout, errors on
// stderr with a non-zero exit, nothing half-done.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "admin/commands.hpp"
#include "http/json_body.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/temp_file.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

const std::regex kId("^[1-9][0-9]*$");

}  // namespace

TEST(Notesctl, CreatingCommandsPrintOnlyTheId) {
  std::string company = notesctl_ok("company add --name 'Ids only'");
  EXPECT_TRUE(std::regex_match(company, kId)) << company;
  std::string user = notesctl_ok("user add --company " + company + " --role admin --username ids");
  EXPECT_TRUE(std::regex_match(user, kId)) << user;
  std::string key = notesctl_ok("key issue --user " + user);
  EXPECT_TRUE(std::regex_match(key, std::regex("^nk_[A-Za-z0-9_-]{43}$"))) << key;
  std::string account = notesctl_ok("account add --company " + company + " --id 9124292845052624908");
  EXPECT_EQ(account, "9124292845052624908");
  std::string generated = notesctl_ok("account add --company " + company);
  EXPECT_TRUE(std::regex_match(generated, kId)) << generated;
  std::string customer = notesctl_ok("customer add --company " + company + " --first-name Ada --vip --birthdate 1990-04-30");
  EXPECT_EQ(query_value("SELECT first_name || vip || birthdate FROM customers WHERE id = " + customer), "Adatrue1990-04-30");
}

TEST(Notesctl, TheKeyItselfIsNeverStored) {
  Company c = make_company("cli-hash");
  EXPECT_EQ(query_value("SELECT count(*) FROM api_keys WHERE position('" + c.owner_key + "' IN encode(key_hash, 'escape')) > 0"
                        " OR encode(key_hash, 'hex') = '" + c.owner_key + "'"),
            "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM api_keys WHERE user_id = " + c.owner_id), "1");
}

TEST(Notesctl, ErrorsGoToStderrWithNonZeroExit) {
  std::string company = notesctl_ok("company add --name Errors");
  for (const std::string& command : {"user add --company " + company + " --role king --username x",
                                     std::string("user add --company 999999999 --role admin --username x"),
                                     std::string("key issue --user 999999999"),
                                     std::string("key revoke --key nk_never_issued"),
                                     std::string("company add"),
                                     std::string("account add --company " + company + " --id banana"),
                                     std::string("no-such-command")}) {
    CliResult result = notesctl(command);
    EXPECT_NE(result.exit_code, 0) << command;
    EXPECT_EQ(result.out, "") << command;
    EXPECT_NE(result.err.find("notesctl: "), std::string::npos) << command << ": " << result.err;
  }
}

TEST(Notesctl, GrantNeedsUserAndAccountOfOneCompany) {
  Company a = make_company("cli-grant-a");
  Company b = make_company("cli-grant-b");
  CliResult cross = notesctl("grant --user " + a.admin_id + " --account " + b.account_id + " --right read");
  EXPECT_NE(cross.exit_code, 0);
  EXPECT_EQ(query_value("SELECT count(*) FROM account_grants WHERE user_id = " + a.admin_id), "0");
  notesctl_ok("grant --user " + a.admin_id + " --account " + a.account_id + " --right modify");
  notesctl_ok("grant --user " + a.admin_id + " --account " + a.account_id + " --right read");
  EXPECT_EQ(query_value("SELECT access FROM account_grants WHERE user_id = " + a.admin_id), "modify")
      << "granting read must not take modify away";
  notesctl_ok("revoke --user " + a.admin_id + " --account " + a.account_id + " --right modify");
  EXPECT_EQ(query_value("SELECT access FROM account_grants WHERE user_id = " + a.admin_id), "read");
  notesctl_ok("revoke --user " + a.admin_id + " --account " + a.account_id + " --right read");
  EXPECT_EQ(query_value("SELECT count(*) FROM account_grants WHERE user_id = " + a.admin_id), "0");
}

TEST(Notesctl, CustomerImportIsAllOrNothing) {
  std::string company = notesctl_ok("company add --name Importers");
  TempFile good(
      R"({"first_name":"Ada","last_name":"Lovelace","email":"ada@example.org","vip":true,"mobile":{"country_code":"44","number":"7700900000"},"birthdate":"1815-12-10"})"
      "\n\n"
      R"({"first_name":"Tab\there","is_member":true,"phone":null})"
      "\n"
      R"({"company_name":"Analytical Engines","locale":"en-GB","created_on":"2020-01-02T03:04:05Z"})"
      "\n");
  CliResult imported = notesctl("customer import --company " + company + " " + good.path);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(std::regex_search(imported.out, std::regex("^[0-9]+\n[0-9]+\n[0-9]+\n$"))) << imported.out;
  EXPECT_EQ(query_value("SELECT count(*) FROM customers WHERE company_id = " + company), "3");
  EXPECT_EQ(query_value("SELECT mobile_country_code || '/' || mobile_number || '/' || vip FROM customers"
                        " WHERE company_id = " + company + " AND last_name = 'Lovelace'"),
            "44/7700900000/true");
  EXPECT_EQ(query_value("SELECT first_name FROM customers WHERE company_id = " + company + " AND is_member"),
            "Tab\there");

  TempFile bad(R"({"first_name":"Fine"})" "\n" R"({"first_name":"Bad","vip":"yes"})" "\n");
  CliResult refused = notesctl("customer import --company " + company + " " + bad.path);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find(bad.path + ":2:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("vip"), std::string::npos) << refused.err;
  EXPECT_EQ(query_value("SELECT count(*) FROM customers WHERE company_id = " + company), "3");

  TempFile unknown(R"({"first_name":"X","shoe_size":44})" "\n");
  CliResult unknown_field = notesctl("customer import --company " + company + " " + unknown.path);
  EXPECT_NE(unknown_field.err.find("shoe_size"), std::string::npos) << unknown_field.err;
}

TEST(Notesctl, EveryCommandHasHelp) {
  for (const auto& command : admin::commands()) {
    CliResult help = notesctl(command.name + " --help");
    EXPECT_EQ(help.exit_code, 0) << command.name;
    EXPECT_NE(help.out.find("usage: notesctl " + command.name), std::string::npos) << command.name << help.out;
  }
}

// The usage names every command, each summary set apart from its name and
// starting in the same column, however long the longest name.
TEST(Notesctl, UsageListsEveryCommandWithItsSummaryInOneColumn) {
  CliResult usage = notesctl("--help");
  ASSERT_EQ(usage.exit_code, 0);
  std::set<std::size_t> summary_columns;
  for (const auto& command : admin::commands()) {
    std::string line_start = "\n  " + command.name + "  ";
    auto line = usage.out.find(line_start);
    ASSERT_NE(line, std::string::npos) << command.name << "\n" << usage.out;
    auto summary = usage.out.find_first_not_of(' ', line + line_start.size());
    EXPECT_EQ(usage.out.compare(summary, command.summary.size(), command.summary), 0) << usage.out;
    summary_columns.insert(summary - line);
  }
  EXPECT_EQ(summary_columns.size(), 1u) << usage.out;
}

TEST(Notesctl, ListsAndShowsAlignedOrAsJsonAndNeverAKey) {
  Company c = make_company("cli-list");
  notesctl_ok("grant --user " + c.staff_id + " --account " + c.account_id + " --right read");

  std::string users = notesctl_ok("user list --company " + c.id);
  std::istringstream lines(users);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header.rfind("id", 0), 0u) << users;
  // Aligned: every column starts where its header does.
  EXPECT_EQ(header.find("username"), first.find("cli-list")) << users;
  EXPECT_EQ(std::count(users.begin(), users.end(), '\n'), 3) << "a header and three users:\n" << users;

  rapidjson::Document json;
  ASSERT_FALSE(parse_json_body(notesctl_ok("user list --json --company " + c.id), json));
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), 3u);
  EXPECT_EQ(json[0]["id"].GetInt64(), std::stoll(c.owner_id));
  EXPECT_STREQ(json[0]["role"].GetString(), "owner");
  EXPECT_TRUE(json[0]["email"].IsNull());

  ASSERT_FALSE(parse_json_body(notesctl_ok("company show --json --company " + c.id), json));
  EXPECT_EQ(json["users"].GetInt64(), 3);
  EXPECT_EQ(json["live_keys"].GetInt64(), 3);
  EXPECT_EQ(json["accounts"].GetInt64(), 1);

  ASSERT_FALSE(parse_json_body(notesctl_ok("grant list --json --company " + c.id + " --account " + c.account_id), json));
  ASSERT_EQ(json.Size(), 1u);
  EXPECT_EQ(json[0]["user_id"].GetInt64(), std::stoll(c.staff_id));
  EXPECT_STREQ(json[0]["access"].GetString(), "read");

  std::string keys = notesctl_ok("key list --company " + c.id);
  for (const std::string& key : {c.owner_key, c.admin_key, c.staff_key}) {
    EXPECT_EQ(keys.find(key), std::string::npos) << keys;
    EXPECT_EQ(keys.find(key.substr(3, 12)), std::string::npos) << "part of a key in:\n" << keys;
  }
  EXPECT_EQ(std::count(keys.begin(), keys.end(), '\n'), 3) << "a header and three keys:\n" << keys;
  std::string show = notesctl_ok("user show --user " + c.staff_id);
  EXPECT_TRUE(show.ends_with("\naccount_grants:       1")) << show;
  EXPECT_NE(show.find("\nstatus:               active\n"), std::string::npos) << show;

  // Another company's rows never appear in a company's list.
  Company other = make_company("cli-list-other");
  EXPECT_EQ(notesctl_ok("user list --company " + c.id).find("cli-list-other"), std::string::npos);
}

TEST(Notesctl, UserSetDeactivatesAndChangesRole) {
  Company c = make_company("cli-set");
  EXPECT_EQ(notesctl_ok("user set --user " + c.staff_id + " --status inactive"), c.staff_id);
  EXPECT_EQ(query_value("SELECT status || role FROM users WHERE id = " + c.staff_id), "inactivestaff");
  EXPECT_EQ(notesctl_ok("user set --user " + c.staff_id + " --status active --role admin"), c.staff_id);
  EXPECT_EQ(query_value("SELECT status || role FROM users WHERE id = " + c.staff_id), "activeadmin");
  for (const std::string& bad : {"user set --user " + c.staff_id, "user set --user " + c.staff_id + " --status gone",
                                 std::string("user set --user 999999999 --status inactive")}) {
    CliResult refused = notesctl(bad);
    EXPECT_NE(refused.exit_code, 0) << bad;
    EXPECT_NE(refused.err.find("notesctl: "), std::string::npos) << bad << ": " << refused.err;
  }
  EXPECT_EQ(query_value("SELECT status || role FROM users WHERE id = " + c.staff_id), "activeadmin");
}

}  // namespace notes::test

namespace notes::test {

// Every object notesctl creates can be listed and ended by its id, and a
// command about an object that does not exist says so with exit 1
// (docs/reliability.md, "Operating it").
TEST(Notesctl, KeysCustomersAndEndpointsAreListedAndEndedById) {
  Company c = make_company("cli-lifecycle");
  // A key whose value was lost is revoked by the id `key list` shows.
  std::string key_id = query_value("SELECT id FROM api_keys WHERE user_id = " + c.staff_id);
  EXPECT_EQ(notesctl_ok("key revoke --id " + key_id), key_id);
  EXPECT_NE(notesctl_ok("key list --company " + c.id + " --user " + c.staff_id).find("revoked"), std::string::npos);
  CliResult again = notesctl("key revoke --id " + key_id);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("no live key"), std::string::npos) << again.err;
  EXPECT_NE(notesctl("key revoke").exit_code, 0);
  EXPECT_NE(notesctl("key revoke --id " + key_id + " --key " + c.owner_key).exit_code, 0);

  std::string customer = notesctl_ok("customer add --company " + c.id + " --first-name Listed --vip");
  rapidjson::Document json;
  ASSERT_FALSE(parse_json_body(notesctl_ok("customer list --json --company " + c.id), json));
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), 1u);
  EXPECT_EQ(json[0]["id"].GetInt64(), std::stoll(customer));
  EXPECT_STREQ(json[0]["first_name"].GetString(), "Listed");
  EXPECT_EQ(json[0]["notes"].GetInt64(), 0);

  CliResult nowhere = notesctl("webhook deliveries --endpoint 999999999");
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_EQ(nowhere.out, "");
  EXPECT_NE(nowhere.err.find("no such endpoint"), std::string::npos) << nowhere.err;

  auto added = notesctl("webhook add --company " + c.id + " --url https://hooks.example.org/n --events note.* --key-file " +
                        stack_value("NOTES_WEBHOOK_KEY_FILE"));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::string endpoint = added.out.substr(0, added.out.find('\n'));
  run_sql("INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body) VALUES (" + c.id + ", " +
          endpoint + ", 'note.created', 'note:1', '{}')");
  run_sql("INSERT INTO webhook_attempts (company_id, delivery_id, status, duration_ms)"
          " SELECT company_id, id, 500, 3 FROM webhook_deliveries WHERE endpoint_id = " + endpoint);
  EXPECT_EQ(notesctl_ok("webhook delete --endpoint " + endpoint), endpoint);
  EXPECT_EQ(query_value("SELECT count(*) FROM webhook_endpoints WHERE id = " + endpoint), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = " + endpoint), "0");
  EXPECT_EQ(notesctl("webhook delete --endpoint " + endpoint).exit_code, 1);
}

}  // namespace notes::test
