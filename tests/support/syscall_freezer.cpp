#include "tests/support/syscall_freezer.hpp"

#include <linux/ptrace.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

// <sys/ptrace.h> and <linux/ptrace.h> clash; the raw call needs only these.
extern "C" long ptrace(int request, pid_t pid, void* addr, void* data);

namespace notes::test {
namespace {

// ptrace for requests whose `data` is a number (options, a signal) or unused.
long trace(int request, pid_t pid, unsigned long data = 0) {
  return ptrace(request, pid, nullptr, reinterpret_cast<void*>(data));
}

}  // namespace

SyscallFreezer::SyscallFreezer(pid_t pid) : pid_(pid) {
  if (trace(PTRACE_SEIZE, pid_, PTRACE_O_TRACESYSGOOD) != 0) {
    throw std::runtime_error("ptrace(PTRACE_SEIZE) refused: " + std::string(std::strerror(errno)));
  }
  trace(PTRACE_INTERRUPT, pid_);
  int status = 0;
  stopped_ = wait_for_stop(status, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  if (!stopped_) throw std::runtime_error("the traced process did not stop");
}

SyscallFreezer::~SyscallFreezer() {
  if (!stopped_) {
    // Running under PTRACE_SYSCALL: bring it to a stop first, or it cannot be detached.
    int status = 0;
    trace(PTRACE_INTERRUPT, pid_);
    wait_for_stop(status, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
  trace(PTRACE_DETACH, pid_);
}

bool SyscallFreezer::wait_for_stop(int& status, std::chrono::steady_clock::time_point deadline) {
  // Polled, so a process that never gets there cannot hang the test.
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t got = waitpid(pid_, &status, WNOHANG | __WALL);
    if (got == pid_) return WIFSTOPPED(status);
    if (got < 0) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

bool SyscallFreezer::freeze_after(long syscall_number, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  long entered = -1;  // the system call the process is inside, once seen entering
  unsigned long pass_signal = 0;
  while (true) {
    if (trace(PTRACE_SYSCALL, pid_, pass_signal) != 0) return false;
    stopped_ = false;
    pass_signal = 0;
    int status = 0;
    if (!wait_for_stop(status, deadline)) return false;
    stopped_ = true;
    int stop_signal = WSTOPSIG(status);
    if (stop_signal != (SIGTRAP | 0x80)) {
      // A signal on its way to the process, or an event stop: let it through.
      if (status >> 16 == 0) pass_signal = static_cast<unsigned long>(stop_signal);
      continue;
    }
    ptrace_syscall_info info{};
    if (ptrace(PTRACE_GET_SYSCALL_INFO, pid_, reinterpret_cast<void*>(sizeof info), &info) <= 0) return false;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
      entered = static_cast<long>(info.entry.nr);
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
      if (entered == syscall_number) return true;
      entered = -1;
    }
  }
}

}  // namespace notes::test
