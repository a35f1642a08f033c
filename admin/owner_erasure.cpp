#include "admin/owner_erasure.hpp"

#include <iostream>

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

void print_removed(const RemovedCounts& counts, bool dry_run) {
  std::cout << (dry_run ? "would remove (nothing was removed):\n" : "removed:\n");
  constexpr std::size_t kWidth = 22;
  for (const auto& [what, count] : counts) {
    std::cout << "  " << what << std::string(what.size() < kWidth ? kWidth - what.size() : 1, ' ') << count << "\n";
  }
}

}  // namespace notes::admin
