// `notesctl company delete` and `notesctl account delete`: the end of the
// two objects that hold history (docs/erasure.md, "A company or an
// account"). Each removes, in one transaction as the schema's owner,
// everything of the company or account, history included, and says what
// it removed. Export a company first (`notesctl export`) to keep a copy.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "admin/owner_erasure.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

using Counts = RemovedCounts;

// Every table that holds the company's rows, in an order the foreign keys
// allow. Notes go before their history: deleting one records it there.
// Keys, tokens, grants and stored answers go with their users.
const std::vector<std::pair<const char*, const char*>> kCompanyTables = {
    {"webhook attempts", "webhook_attempts"},
    {"webhook deliveries", "webhook_deliveries"},
    {"webhook reminders", "webhook_reminders_fired"},
    {"webhook endpoints", "webhook_endpoints"},
    {"customer notes", "notes"},
    {"history entries", "note_history"},
    {"read records", "note_reads"},
    {"search postings", "note_search_postings"},
    {"account note history", "account_note_history"},
    {"account notes", "account_notes"},
    {"accounts", "accounts"},
    {"customers", "customers"},
    {"users", "users"},
};

}  // namespace

void company_delete(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id")(
      "dry-run", po::bool_switch(), "say what would be removed, and remove nothing");
  auto values = parse_command(args, "company delete --company C [--dry-run]", options);
  if (!values) return;
  bool dry_run = (*values)["dry-run"].as<bool>();
  std::string company = (*values)["company"].as<std::string>();
  Counts counts;
  erase_as_owner(db(), dry_run, [&] {
    // A row being added to the company holds a key-share lock on it: this
    // waits for it, and one added later finds no company.
    if (PQntuples(db().exec("SELECT 1 FROM companies WHERE id = $1::bigint FOR UPDATE", {company}).get()) != 1) {
      throw CommandError("no company " + company);
    }
    hold_webhook_endpoints(db(), company);
    for (const auto& [what, table] : kCompanyTables) {
      counts.emplace_back(what,
                          deleted(db(), std::string("DELETE FROM ") + table + " WHERE company_id = $1::bigint", {company}));
    }
    counts.emplace_back("company", deleted(db(), "DELETE FROM companies WHERE id = $1::bigint", {company}));
  });
  print_removed(counts, dry_run);
}

void account_delete(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("account", po::value<std::string>()->required(), "account id")(
      "dry-run", po::bool_switch(), "say what would be removed, and remove nothing");
  auto values = parse_command(args, "account delete --account A [--dry-run]", options);
  if (!values) return;
  bool dry_run = (*values)["dry-run"].as<bool>();
  std::string account = (*values)["account"].as<std::string>();
  Counts counts;
  erase_as_owner(db(), dry_run, [&] {
    auto found = db().exec("SELECT company_id FROM accounts WHERE id = $1::bigint FOR UPDATE", {account});
    if (PQntuples(found.get()) != 1) throw CommandError("no account " + account);
    // The account's history goes; a reader of the account notes feed is
    // told that its live note, if it had one, was removed, and nothing else.
    auto history = db().exec(
        "WITH gone AS (DELETE FROM account_note_history WHERE account_id = $1::bigint RETURNING company_id),"
        " marked AS (INSERT INTO account_note_history (company_id, account_id, account_note_id, change)"
        "            SELECT n.company_id, n.account_id, n.id, 'removed' FROM account_notes n"
        "            WHERE n.account_id = $1::bigint AND NOT n.removed RETURNING 1)"
        " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM marked)",
        {account});
    counts.emplace_back("account note history", std::string(PQgetvalue(history.get(), 0, 0)) + " (" +
                                                    PQgetvalue(history.get(), 0, 1) +
                                                    " live note keeps one content-free 'removed' entry)");
    counts.emplace_back("account notes", deleted(db(), "DELETE FROM account_notes WHERE account_id = $1::bigint",
                                                 {account}));
    counts.emplace_back("grants", deleted(db(), "DELETE FROM account_grants WHERE account_id = $1::bigint", {account}));
    counts.emplace_back("account", deleted(db(), "DELETE FROM accounts WHERE id = $1::bigint", {account}));
  });
  print_removed(counts, dry_run);
}

}  // namespace notes::admin
