#pragma once
#include <sys/types.h>

#include <chrono>

namespace notes::test {

// Holds a running process still at one exact point: just after it returns
// from a given system call. A fault test uses it to freeze a worker between
// writing its answer and closing the connection, a moment SIGSTOP hits only
// by chance. Built on ptrace: the constructor throws std::runtime_error when
// the kernel refuses to let us trace the process. The destructor lets it run.
class SyscallFreezer {
 public:
  explicit SyscallFreezer(pid_t pid);
  ~SyscallFreezer();
  SyscallFreezer(const SyscallFreezer&) = delete;
  SyscallFreezer& operator=(const SyscallFreezer&) = delete;

  // Lets the process run until it returns from `syscall_number` (SYS_write,
  // ...), and keeps it stopped there. False when that did not happen within
  // `limit`, or the process ended.
  bool freeze_after(long syscall_number, std::chrono::milliseconds limit);

 private:
  bool wait_for_stop(int& status, std::chrono::steady_clock::time_point deadline);
  pid_t pid_;
  bool stopped_ = false;  // in a ptrace stop, so it can be detached at once
};

}  // namespace notes::test
