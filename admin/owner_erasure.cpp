#include "admin/owner_erasure.hpp"

#include "sql/migrator.hpp"

namespace notes::admin {

void erase_as_owner(AdminDb& db, bool dry_run, const std::function<void()>& erase) {
  sql::act_as_schema_owner(db.raw());
  db.in_transaction(
      [&] {
        db.exec("SELECT set_config('notes.erasing', 'on', true)");
        erase();
      },
      !dry_run);
}

void hold_webhook_endpoints(AdminDb& db, const std::string& company) {
  db.exec("SELECT 1 FROM webhook_endpoints WHERE company_id = $1::bigint ORDER BY id FOR UPDATE", {company});
}

std::string deleted(AdminDb& db, const std::string& statement, const std::vector<std::optional<std::string>>& params) {
  return db.exec_value("WITH gone AS (" + statement + " RETURNING 1) SELECT count(*) FROM gone", params);
}

const char* report_heading(bool dry_run) {
  return dry_run ? "would remove (nothing was removed):\n" : "removed:\n";
}

}  // namespace notes::admin
