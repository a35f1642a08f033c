#pragma once
#include <functional>
#include <string>
#include <vector>

#include "admin/admin_db.hpp"

namespace notes::admin {

// Opens the database only when a command needs it, so --help works without one.
using DbOpener = std::function<AdminDb&()>;

struct Command {
  std::string name;     // "company add"
  std::string summary;  // one line for the command list
  // Runs with the words after the name; prints what it creates on stdout.
  std::function<void(const std::vector<std::string>& args, const DbOpener& db)> run;
};

const std::vector<Command>& commands();

// `customer import`: admin/customer_import.cpp.
void import_customers(const std::vector<std::string>& args, const DbOpener& db);

// `company delete`, `account delete`: admin/company_delete.cpp.
void company_delete(const std::vector<std::string>& args, const DbOpener& db);
void account_delete(const std::vector<std::string>& args, const DbOpener& db);

// `export` and `import`: admin/export.cpp, admin/import.cpp.
void export_company(const std::vector<std::string>& args, const DbOpener& db);
void import_export(const std::vector<std::string>& args, const DbOpener& db);

// `customer erase`: admin/customer_erase.cpp.
void customer_erase(const std::vector<std::string>& args, const DbOpener& db);

// The operator's view (admin/inspect.cpp): list and show, user set.
void company_list(const std::vector<std::string>& args, const DbOpener& db);
void company_show(const std::vector<std::string>& args, const DbOpener& db);
void user_list(const std::vector<std::string>& args, const DbOpener& db);
void user_show(const std::vector<std::string>& args, const DbOpener& db);
void user_set(const std::vector<std::string>& args, const DbOpener& db);
void key_list(const std::vector<std::string>& args, const DbOpener& db);
void customer_list(const std::vector<std::string>& args, const DbOpener& db);
void account_list(const std::vector<std::string>& args, const DbOpener& db);
void grant_list(const std::vector<std::string>& args, const DbOpener& db);

// Webhooks: admin/webhooks.cpp (add, delete, disable, enable), admin/inspect.cpp
// (list, deliveries).
void webhook_add(const std::vector<std::string>& args, const DbOpener& db);
void webhook_delete(const std::vector<std::string>& args, const DbOpener& db);
void webhook_disable(const std::vector<std::string>& args, const DbOpener& db);
void webhook_enable(const std::vector<std::string>& args, const DbOpener& db);
void webhook_list(const std::vector<std::string>& args, const DbOpener& db);
void webhook_deliveries(const std::vector<std::string>& args, const DbOpener& db);

// `archive status`: admin/archive_status.cpp.
void archive_status(const std::vector<std::string>& args, const DbOpener& db);

// `user passwd`: admin/user_password.cpp.
void user_passwd(const std::vector<std::string>& args, const DbOpener& db);

}  // namespace notes::admin
