#pragma once
// What the commands that erase (customer erase, company delete, account
// delete) share: they remove history, which only the schema's owner may,
// in a transaction that says it is erasing (sql/migrations/021_erasure.sql).
#include <functional>
#include <string>
#include <vector>

#include "admin/admin_db.hpp"

namespace notes::admin {

// Runs `erase` in one transaction as the schema's owner with notes.erasing
// set; commits it, or with `dry_run` rolls it back. Nothing is half done.
void erase_as_owner(AdminDb& db, bool dry_run, const std::function<void()>& erase);

// Runs the DELETE `statement` (without RETURNING) and answers how many
// rows it removed.
std::string deleted(AdminDb& db, const std::string& statement, const std::vector<std::optional<std::string>>& params);

// The first line of the report: whether anything was removed.
const char* report_heading(bool dry_run);

}  // namespace notes::admin
