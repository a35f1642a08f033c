// `notesctl customer erase`: the answer to a member's erasure request
// (docs/erasure.md). Removes, in one transaction, everything the service
// holds about one customer: the customer, their notes with assignees,
// messages and attachments, the notes' history (deleted notes' included),
// search postings, read records, webhook deliveries and their attempts,
// and stored idempotent answers that carry a note's content. Each note
// keeps one content-free 'deleted' entry in history, so that feed readers
// and webhook endpoints learn that it is gone.
//
// History and read records are append-only (sql/migrations/008_history.sql);
// only the schema's owner may delete from them, in a transaction that sets
// notes.erasing (sql/migrations/021_erasure.sql). The command acts as that
// owner, like `notesctl migrate`.
#include <iostream>
#include <string>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "admin/owner_erasure.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

struct Erased {
  std::string notes, messages, attachments, postings, history, markers, reads, deliveries, pending, attempts,
      answers;
};

// Everything but the transaction around it. $1 company, $2 customer; the
// note ids, once known, are $3.
Erased erase(AdminDb& db, const std::string& company, const std::string& customer) {
  // The customer first: a note being added for them holds a key-share lock
  // on the customer, so this waits for it to commit (and is then erased
  // with the rest), and a note added after waits for this transaction and
  // then finds no customer.
  auto found = db.exec("SELECT 1 FROM customers WHERE company_id = $1::bigint AND id = $2::bigint FOR UPDATE",
                       {company, customer});
  if (PQntuples(found.get()) != 1) throw CommandError("no customer " + customer + " in company " + company);
  hold_webhook_endpoints(db, company);
  std::string ids = db.exec_value(
      "SELECT coalesce(array_agg(id ORDER BY id), '{}')::text FROM ("
      " SELECT id FROM notes WHERE company_id = $1::bigint AND customer_id = $2::bigint"
      " UNION SELECT note_id FROM note_history WHERE company_id = $1::bigint AND customer_id = $2::bigint) n",
      {company, customer});
  const std::vector<std::optional<std::string>> note_ids = {company, ids};

  Erased erased;
  auto parts = db.exec(
      "SELECT count(*), count(attachment), coalesce(array_agg(id), '{}')::text FROM note_messages"
      " WHERE company_id = $1::bigint AND note_id = ANY ($2::bigint[])",
      note_ids);
  erased.messages = PQgetvalue(parts.get(), 0, 0);
  erased.attachments = PQgetvalue(parts.get(), 0, 1);
  std::string message_ids = PQgetvalue(parts.get(), 0, 2);
  erased.postings = db.exec_value(
      "SELECT count(*) FROM note_search_postings WHERE company_id = $1::bigint AND note_id = ANY ($2::bigint[])",
      note_ids);

  // A stored answer names its note in Location (a new note) or is the
  // message it posted (docs/api.md, "Idempotent requests").
  erased.answers = deleted(
      db,
      "DELETE FROM idempotency_keys WHERE company_id = $1::bigint AND ("
      "   substring(headers FROM 'Location: /api/customers/notes/([0-9]+)')::bigint = ANY ($2::bigint[])"
      "   OR CASE WHEN body LIKE '{%' THEN body::jsonb ? 'posted_by'"
      "                                    AND (body::jsonb ->> 'id')::bigint = ANY ($3::bigint[])"
      "      ELSE false END)",
      {company, ids, message_ids});
  // Assignees, messages and postings go with their notes (foreign keys and
  // triggers); so does the notes' search text.
  erased.notes = deleted(db, "DELETE FROM notes WHERE company_id = $1::bigint AND customer_id = $2::bigint",
                         {company, customer});
  db.exec("DELETE FROM webhook_reminders_fired WHERE company_id = $1::bigint AND note_id = ANY ($2::bigint[])",
          note_ids);
  const std::string deliveries =
      " FROM webhook_deliveries WHERE company_id = $1::bigint"
      " AND subject = ANY (SELECT 'note:' || unnest($2::bigint[]))";
  erased.attempts =
      deleted(db, "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id" + deliveries + ")", note_ids);
  auto sent = db.exec("WITH gone AS (DELETE" + deliveries +
                          " RETURNING delivered_at IS NULL AND given_up_at IS NULL AS pending)"
                          " SELECT count(*), count(*) FILTER (WHERE pending) FROM gone",
                      note_ids);
  erased.deliveries = PQgetvalue(sent.get(), 0, 0);
  erased.pending = PQgetvalue(sent.get(), 0, 1);
  erased.reads =
      deleted(db, "DELETE FROM note_reads WHERE company_id = $1::bigint AND note_id = ANY ($2::bigint[])", note_ids);
  // Every entry goes, the deletion just recorded included; one entry per
  // note says it was deleted, and nothing else.
  auto history = db.exec(
      "WITH gone AS (DELETE FROM note_history WHERE company_id = $1::bigint AND note_id = ANY ($2::bigint[])"
      "              RETURNING note_id, revision),"
      " marked AS (INSERT INTO note_history (company_id, note_id, revision, change)"
      "            SELECT $1::bigint, note_id, max(revision), 'deleted' FROM gone GROUP BY note_id RETURNING 1)"
      " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM marked)",
      note_ids);
  erased.history = PQgetvalue(history.get(), 0, 0);
  erased.markers = PQgetvalue(history.get(), 0, 1);
  db.exec("DELETE FROM customers WHERE company_id = $1::bigint AND id = $2::bigint", {company, customer});
  return erased;
}

}  // namespace

void customer_erase(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("company", po::value<std::string>()->required(), "the customer's company id")(
      "customer", po::value<std::string>()->required(), "customer id")(
      "dry-run", po::bool_switch(), "say what would be removed, and remove nothing");
  auto values = parse_command(args, "customer erase --company C --customer N [--dry-run]", options);
  if (!values) return;
  bool dry_run = (*values)["dry-run"].as<bool>();
  Erased erased;
  erase_as_owner(db(), dry_run, [&] {
    erased = erase(db(), (*values)["company"].as<std::string>(), (*values)["customer"].as<std::string>());
  });
  print_removed({{"customer", "1"},
                 {"notes", erased.notes},
                 {"messages", erased.messages + " (" + erased.attachments + " with attachments)"},
                 {"history entries", erased.history + " (" + erased.markers +
                                         " notes keep one content-free 'deleted' entry)"},
                 {"read records", erased.reads},
                 {"search postings", erased.postings},
                 {"webhook deliveries", erased.deliveries + " (" + erased.pending + " not yet delivered), " +
                                            erased.attempts + " attempts"},
                 {"stored answers", erased.answers}},
                dry_run);
}

}  // namespace notes::admin
