#pragma once
// The processes the tests look at: the supervisor's workers, from /proc.
#include <sys/types.h>

#include <fstream>
#include <set>
#include <string>

namespace notes::test {

// The children of process `pid` (its main thread's), as /proc lists them.
inline std::set<pid_t> child_processes(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::set<pid_t> children;
  pid_t child;
  while (file >> child) children.insert(child);
  return children;
}

}  // namespace notes::test
