#include "fcgi/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "fcgi/systemd_notify.hpp"
#include "fcgi/worker.hpp"

namespace notes {
namespace {

sigset_t supervised_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, signal);
  return set;
}

void log_exit(pid_t pid, int status) {
  if (WIFEXITED(status)) {
    std::fprintf(stderr, "notesd: worker %d exited with status %d\n", pid, WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    std::fprintf(stderr, "notesd: worker %d killed by signal %d (%s)\n", pid, WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
  }
}

}  // namespace

Supervisor::Supervisor(ServiceConfig config, ListenSocket socket,
                       std::function<std::optional<ServiceConfig>()> reload_config)
    : config_(std::move(config)), socket_(std::move(socket)), reload_config_(std::move(reload_config)) {}

pid_t Supervisor::fork_worker(int* ready_fd) {
  int pipe_fds[2] = {-1, -1};
  if (ready_fd && pipe2(pipe_fds, O_CLOEXEC) != 0) ready_fd = nullptr;
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (ready_fd) close(pipe_fds[0]);
    run_worker(config_, socket_.fd, ready_fd ? pipe_fds[1] : -1);
  }
  if (ready_fd) {
    close(pipe_fds[1]);
    if (pid > 0) {
      *ready_fd = pipe_fds[0];
    } else {
      close(pipe_fds[0]);
    }
  }
  if (pid < 0) std::fprintf(stderr, "notesd: fork failed: %s\n", std::strerror(errno));
  return pid;
}

void Supervisor::start(Slot& slot) {
  slot.pid = fork_worker(nullptr);
  slot.started = Clock::now();
  if (slot.pid < 0) {
    slot.pid = 0;
    slot.respawn_at = Clock::now() + kMaxBackoff;
  }
}

void Supervisor::reap() {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (retiring_.erase(pid) > 0) continue;  // a replaced worker finished
    log_exit(pid, status);
    for (Slot& slot : slots_) {
      if (slot.pid != pid) continue;
      slot.pid = 0;
      if (stopping_) break;
      bool quick = Clock::now() - slot.started < kHealthyAfter;
      slot.quick_deaths = quick ? slot.quick_deaths + 1 : 0;
      auto delay = std::chrono::milliseconds(0);
      if (slot.quick_deaths > 1) {
        delay = std::min(kMaxBackoff, kFirstBackoff * (1 << std::min(slot.quick_deaths - 2, 10u)));
        std::fprintf(stderr, "notesd: worker keeps dying; next start in %lld ms\n",
                     static_cast<long long>(delay.count()));
      }
      slot.respawn_at = Clock::now() + delay;
    }
  }
}

void Supervisor::respawn_due() {
  for (Slot& slot : slots_) {
    if (slot.pid == 0 && Clock::now() >= slot.respawn_at) start(slot);
  }
}

std::chrono::milliseconds Supervisor::time_to_next_respawn() const {
  auto next = std::chrono::milliseconds(1000);
  for (const Slot& slot : slots_) {
    if (slot.pid != 0) continue;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(slot.respawn_at - Clock::now());
    next = std::min(next, std::max(wait, std::chrono::milliseconds(0)));
  }
  return next;
}

void Supervisor::reload() {
  auto fresh = reload_config_();
  if (!fresh) {
    std::fprintf(stderr, "notesd: SIGHUP: the new configuration is invalid; keeping the running one\n");
    return;
  }
  systemd_notify("RELOADING=1");
  if (fresh->listen != config_.listen) {
    std::fprintf(stderr, "notesd: SIGHUP: 'listen' changes only on restart\n");
  }
  config_ = std::move(*fresh);
  slots_.resize(std::max<std::size_t>(slots_.size(), config_.workers));
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    pid_t old = slot.pid;
    if (i >= config_.workers) {  // fewer workers than before
      if (old > 0) {
        retiring_.insert(old);
        kill(old, SIGTERM);
      }
      continue;
    }
    int ready_fd = -1;
    pid_t fresh_pid = fork_worker(&ready_fd);
    if (fresh_pid < 0) continue;  // keep the old worker
    if (ready_fd >= 0) {
      // Wait until the successor has tried its database connection. One
      // without a connection does not replace a worker that may well have one.
      pollfd entry{ready_fd, POLLIN, 0};
      char ready = 0;
      if (poll(&entry, 1, static_cast<int>(config_.database.connect_timeout_s * 1000 + 2000)) == 1) {
        [[maybe_unused]] auto got = read(ready_fd, &ready, 1);
      }
      close(ready_fd);
      if (ready != 'R' && old > 0) {
        std::fprintf(stderr,
                     "notesd: SIGHUP: a new worker got no database connection; keeping worker %d\n",
                     old);
        kill(fresh_pid, SIGKILL);
        retiring_.insert(fresh_pid);
        continue;
      }
    }
    slot.pid = fresh_pid;
    slot.started = Clock::now();
    slot.quick_deaths = 0;
    if (old > 0) {
      retiring_.insert(old);
      kill(old, SIGTERM);
    }
  }
  slots_.resize(config_.workers);
  std::fprintf(stderr, "notesd: reloaded; %u workers\n", config_.workers);
  systemd_notify("READY=1");
}

void Supervisor::drain() {
  stopping_ = true;
  systemd_notify("STOPPING=1");
  for (const Slot& slot : slots_) {
    if (slot.pid > 0) kill(slot.pid, SIGTERM);
  }
  for (pid_t pid : retiring_) kill(pid, SIGTERM);
  auto deadline = Clock::now() + std::chrono::seconds(config_.drain_timeout_s);
  while (true) {
    pid_t pid = waitpid(-1, nullptr, WNOHANG);
    if (pid < 0 && errno == ECHILD) break;  // all gone
    if (pid > 0) {
      retiring_.erase(pid);
      for (Slot& slot : slots_) {
        if (slot.pid == pid) slot.pid = 0;
      }
      continue;
    }
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "notesd: workers did not finish within %u s; killing them\n", config_.drain_timeout_s);
      for (const Slot& slot : slots_) {
        if (slot.pid > 0) kill(slot.pid, SIGKILL);
      }
      for (pid_t retired : retiring_) kill(retired, SIGKILL);
      deadline = Clock::now() + std::chrono::hours(1);  // SIGKILL is not ignored; just wait
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int Supervisor::run() {
  sigset_t signals = supervised_signals();
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  slots_.resize(config_.workers);
  for (Slot& slot : slots_) start(slot);
  std::fprintf(stderr, "notesd: %u workers on %s\n", config_.workers, socket_.origin.c_str());
  systemd_notify("READY=1");

  while (!stopping_) {
    auto wait = time_to_next_respawn();
    timespec timeout{static_cast<time_t>(wait.count() / 1000), static_cast<long>((wait.count() % 1000) * 1000000)};
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    switch (signal) {
      case SIGCHLD:
        reap();
        break;
      case SIGHUP:
        reload();
        reap();
        break;
      case SIGTERM:
      case SIGINT:
        drain();
        break;
      default:
        break;  // timeout: time to respawn someone
    }
    if (!stopping_) respawn_due();
  }
  if (!socket_.bound_path.empty()) unlink(socket_.bound_path.c_str());
  std::fprintf(stderr, "notesd: stopped\n");
  return 0;
}

}  // namespace notes
