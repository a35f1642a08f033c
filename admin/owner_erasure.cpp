#include "admin/owner_erasure.hpp"

#include "sql/migrator.hpp"

namespace notes::admin {

void erase_as_owner(AdminDb& db, bool dry_run, const std::function<void()>& erase) {
  sql::act_as_schema_owner(db.raw());
  db.exec("BEGIN");
  try {
    db.exec("SELECT set_config('notes.erasing', 'on', true)");
    erase();
    db.exec(dry_run ? "ROLLBACK" : "COMMIT");
  } catch (...) {
    PQclear(PQexec(db.raw(), "ROLLBACK"));
    throw;
  }
}

std::string deleted(AdminDb& db, const std::string& statement, const std::vector<std::optional<std::string>>& params) {
  return db.exec_value("WITH gone AS (" + statement + " RETURNING 1) SELECT count(*) FROM gone", params);
}

const char* report_heading(bool dry_run) {
  return dry_run ? "would remove (nothing was removed):\n" : "removed:\n";
}

}  // namespace notes::admin
