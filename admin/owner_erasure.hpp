#pragma once
// What the commands that erase (customer erase, company delete, account
// delete) share: they remove history, which only the schema's owner may,
// in a transaction that says it is erasing (sql/migrations/021_erasure.sql).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "admin/admin_db.hpp"

namespace notes::admin {

// Runs `erase` in one transaction as the schema's owner with notes.erasing
// set; commits it, or with `dry_run` rolls it back. Nothing is half done.
void erase_as_owner(AdminDb& db, bool dry_run, const std::function<void()>& erase);

// Locks the company's webhook endpoints until the transaction ends. The
// delivery process reads and queues each page of the notes feed under its
// endpoint's lock (webhooks/dispatcher.cpp): once these locks are held, a
// page read before the erasure has been queued (and is erased with the
// rest), and one read after finds the notes erased.
void hold_webhook_endpoints(AdminDb& db, const std::string& company);

// Runs the DELETE `statement` (without RETURNING) and answers how many
// rows it removed.
std::string deleted(AdminDb& db, const std::string& statement, const std::vector<std::optional<std::string>>& params);

// What a removal took, as (what, count and remarks) in the order to print.
using RemovedCounts = std::vector<std::pair<std::string, std::string>>;
// The report: whether anything was removed, then each count, aligned.
void print_removed(const RemovedCounts& counts, bool dry_run);

}  // namespace notes::admin
