#pragma once
// Settings for a connection of a pg test's own to the stack's database, as
// the service's role (not the superuser): what notesd's workers connect as.
#include <string>

#include "sql/settings.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

inline sql::ConnectionSettings service_connection_settings(const std::string& application_name = "notesd-pg-test") {
  sql::ConnectionSettings settings;
  settings.url = stack_value("NOTES_DATABASE_URL");
  settings.application_name = application_name;
  return settings;
}

}  // namespace notes::test
