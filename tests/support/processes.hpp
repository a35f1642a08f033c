#pragma once
// The processes the tests look at: the supervisor's workers and the
// connections they hold, from /proc, and commands run to completion.
#include <sys/types.h>
#include <sys/wait.h>

#include <csignal>
#include <chrono>
#include <thread>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/stack_env.hpp"

namespace notes::test {

// The children of process `pid` (its main thread's), as /proc lists them.
inline std::set<pid_t> child_processes(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::set<pid_t> children;
  pid_t child;
  while (file >> child) children.insert(child);
  return children;
}

// Whether process `pid` is the webhook delivery process, which names
// itself (webhooks/deliverer.hpp, kProcessName).
inline bool is_delivery_process(pid_t pid) {
  std::string name;
  std::ifstream(("/proc/" + std::to_string(pid) + "/comm").c_str()) >> name;
  return name == "notes-webhooks";
}

// The workers of notesd's supervisor `pid`: its children but the webhook
// delivery process.
inline std::set<pid_t> worker_processes(pid_t pid) {
  std::set<pid_t> workers;
  for (pid_t child : child_processes(pid)) {
    if (!is_delivery_process(child)) workers.insert(child);
  }
  return workers;
}

// The test stack's notesd supervisor (its pid file).
inline pid_t stack_supervisor_pid() {
  std::ifstream file(stack_value("NOTES_PID_FILE"));
  pid_t pid = 0;
  file >> pid;
  return pid;
}

// Reloads the stack's notesd (SIGHUP: the configuration read again, every
// worker replaced) and waits up to 10 s until no old worker is left.
inline bool reload_stack_notesd() {
  pid_t supervisor = stack_supervisor_pid();
  auto before = child_processes(supervisor);
  if (supervisor <= 0 || kill(supervisor, SIGHUP) != 0) return false;
  for (int waited_ms = 0; waited_ms < 10000; waited_ms += 10) {
    auto now = child_processes(supervisor);
    bool all_new = now.size() == before.size();
    for (pid_t old : before) all_new = all_new && !now.count(old);
    if (all_new) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The connections to the unix socket at `socket_path` that process `pid`
// holds open: accepted ones carry the listening socket's path in
// /proc/net/unix (state 03, connected), and the process has their inodes
// among its descriptors.
inline int held_connections(pid_t pid, const std::string& socket_path) {
  std::set<std::string> inodes;
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, std::filesystem::directory_options::skip_permission_denied)) {
    std::error_code error;
    std::string target = std::filesystem::read_symlink(entry.path(), error).string();
    if (!error && target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
  }
  std::ifstream table("/proc/net/unix");
  std::string line;
  std::getline(table, line);  // header
  int held = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string num, refs, protocol, flags, type, state, inode, path;
    fields >> num >> refs >> protocol >> flags >> type >> state >> inode >> path;
    if (state == "03" && path == socket_path && inodes.count(inode)) ++held;
  }
  return held;
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
