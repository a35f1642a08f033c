#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace notes::test {

struct StackFiles {
  std::size_t read = 0;               // regular files read
  std::vector<std::string> holding;   // paths of those that hold a secret
};

// Every regular file of the test stack (nginx's cache, temporary files and
// logs, PostgreSQL's data after a CHECKPOINT and its logs, notesd's log)
// that holds any of `secrets` byte for byte.
StackFiles stack_files_holding(const std::vector<std::string>& secrets);

}  // namespace notes::test
