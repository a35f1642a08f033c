#pragma once
#include <string>

namespace notes::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to `err`
  std::string err;
};

// Runs `$NOTES_CTL <arguments>` against the test stack's database.
CliResult notesctl(const std::string& arguments);

// The same, failing the test unless it exits 0; returns stdout without the
// trailing newline (the new id or key).
std::string notesctl_ok(const std::string& arguments);

}  // namespace notes::test
