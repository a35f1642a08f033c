#pragma once
// The processes the tests look at: the supervisor's workers, from /proc,
// and commands run to completion.
#include <sys/types.h>
#include <sys/wait.h>

#include <cstdio>
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

struct CommandExit {
  int status = -1;     // the exit status; -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

// Runs a shell command to completion.
inline CommandExit run_command(const std::string& command) {
  CommandExit result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace notes::test
