// notesctl's webhook commands that change something (docs/webhooks.md):
// add an endpoint (its secret shown once), disable and enable one. The
// listings are in admin/inspect.cpp.
#include <iostream>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "credentials/api_key.hpp"
#include "credentials/webhook_secret.hpp"
#include "webhooks/address_policy.hpp"
#include "webhooks/events.hpp"

namespace po = boost::program_options;

namespace notes::admin {

void webhook_add(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "company id")(
      "url", po::value<std::string>()->required(), "where deliveries are POSTed: http or https")(
      "events", po::value<std::string>()->required(),
      "comma-separated: note.created, note.updated, note.deleted, note.message_posted, note.assigned, "
      "note.reminder_due, account_note.created, account_note.modified, account_note.removed; note.*, "
      "account_note.* or * for a family or all")(
      "key-file", po::value<std::string>()->default_value("/etc/notes/webhook-key"),
      "the host's webhook key (notesd's webhook-key-file)");
  auto values = parse_command(args, "webhook add --company C --url U --events E[,E...] [--key-file F]", options);
  if (!values) return;
  std::string why;
  std::string url = (*values)["url"].as<std::string>();
  if (!webhooks::parse_endpoint_url(url, why)) throw CommandError("--url " + why);
  auto events = webhooks::parse_events((*values)["events"].as<std::string>(), why);
  if (!events) throw CommandError("--events " + why);
  std::string key_file = (*values)["key-file"].as<std::string>();
  auto key = read_webhook_key(key_file, why);
  if (!key) throw CommandError(key_file + " " + why);
  std::string salt = new_webhook_salt();
  std::string event_list = "{";
  for (const std::string& event : *events) event_list += (event_list.size() > 1 ? "," : "") + event;
  event_list += "}";
  // A new endpoint starts at the present of both feeds: after every
  // transaction already finished (handlers/change_feed.hpp).
  std::string id = db().exec_value(
      "INSERT INTO webhook_endpoints (company_id, url, events, secret_salt, notes_after_xact, notes_after_id,"
      "                               accounts_after_xact, accounts_after_id)"
      " SELECT c.id, $2, $3::text[], $4::bytea, p.xact, 9223372036854775807, p.xact, 9223372036854775807"
      " FROM companies c,"
      "      (SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text::xid8 AS xact) p"
      " WHERE c.id = $1::bigint RETURNING id",
      {(*values)["company"].as<std::string>(), url, event_list, "\\x" + to_hex(salt)});
  std::cout << id << "\n" << webhook_secret(*key, salt) << "\n";
}

// Gone with it: its deliveries, sent or not, and their attempts.
void webhook_delete(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("endpoint", po::value<std::string>()->required(), "endpoint id");
  auto values = parse_command(args, "webhook delete --endpoint E", options);
  if (!values) return;
  std::string endpoint = (*values)["endpoint"].as<std::string>();
  db().in_transaction([&] {
    // The endpoint first: the delivery process queues under its lock.
    auto found = db().exec("SELECT id FROM webhook_endpoints WHERE id = $1::bigint FOR UPDATE", {endpoint});
    if (PQntuples(found.get()) != 1) throw CommandError("no such endpoint");
    db().exec("DELETE FROM webhook_attempts WHERE delivery_id IN"
              " (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1::bigint)", {endpoint});
    db().exec("DELETE FROM webhook_deliveries WHERE endpoint_id = $1::bigint", {endpoint});
    db().exec("DELETE FROM webhook_endpoints WHERE id = $1::bigint", {endpoint});
  });
  std::cout << endpoint << "\n";
}

namespace {

void set_disabled(const std::vector<std::string>& args, const DbOpener& db, bool disabled) {
  po::options_description options("options");
  options.add_options()("endpoint", po::value<std::string>()->required(), "endpoint id");
  auto values = parse_command(args, disabled ? "webhook disable --endpoint E" : "webhook enable --endpoint E",
                              options);
  if (!values) return;
  auto result = db().exec(disabled ? "UPDATE webhook_endpoints SET disabled_at = now(), disabled_why = 'notesctl'"
                                     " WHERE id = $1::bigint AND disabled_at IS NULL RETURNING id"
                                   : "UPDATE webhook_endpoints SET disabled_at = NULL, disabled_why = NULL"
                                     " WHERE id = $1::bigint AND disabled_at IS NOT NULL RETURNING id",
                          {(*values)["endpoint"].as<std::string>()});
  if (PQntuples(result.get()) != 1) {
    throw CommandError(disabled ? "no such endpoint, or it is disabled already" : "no such disabled endpoint");
  }
  std::cout << PQgetvalue(result.get(), 0, 0) << "\n";
}

}  // namespace

void webhook_disable(const std::vector<std::string>& args, const DbOpener& db) { set_disabled(args, db, true); }
void webhook_enable(const std::vector<std::string>& args, const DbOpener& db) { set_disabled(args, db, false); }

}  // namespace notes::admin
