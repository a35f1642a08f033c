#pragma once
#include <string>

namespace notes::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to `err`
  std::string err;
};

// Runs `$NOTES_CTL <arguments>` against the test stack's database, as the
// service's role notes (as the package's operator does).
CliResult notesctl(const std::string& arguments);
// The same as the cluster's superuser ($NOTES_ADMIN_CTL), for the commands
// that change the schema and so act as its owner (docs/reliability.md,
// "Roles").
CliResult notesctl_as_superuser(const std::string& arguments);

// The same, failing the test unless it exits 0; returns stdout without the
// trailing newline (the new id or key).
std::string notesctl_ok(const std::string& arguments);

}  // namespace notes::test
