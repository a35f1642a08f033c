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

}  // namespace notes::admin
