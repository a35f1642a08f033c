#include "fcgi/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include <systemd/sd-daemon.h>

#include "fcgi/worker.hpp"
#include "sql/connection_capacity.hpp"
#include "webhooks/deliverer.hpp"
#include "log/log.hpp"

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
    log::line(log::Level::warning, "worker %d exited with status %d", pid, WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    log::line(log::Level::err, "worker %d killed by signal %d (%s)", pid, WTERMSIG(status),
              strsignal(WTERMSIG(status)));
  }
}

// Waits for each worker's first report (fcgi/worker.hpp: kReport*),
// `limit` in all; a worker silent until then counts as without a connection.
std::vector<char> collect_reports(const std::vector<int>& fds, std::chrono::milliseconds limit) {
  std::vector<char> reports(fds.size(), kReportNoDatabase);
  std::vector<pollfd> waiting;
  for (int fd : fds) waiting.push_back({fd, POLLIN, 0});
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::size_t open = fds.size();
  while (open > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || poll(waiting.data(), waiting.size(), static_cast<int>(left.count())) <= 0) break;
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (waiting[i].fd < 0 || waiting[i].revents == 0) continue;
      char report = kReportNoDatabase;
      if (read(waiting[i].fd, &report, 1) == 1) reports[i] = report;
      waiting[i].fd = -1;
      --open;
    }
  }
  for (int fd : fds) close(fd);
  return reports;
}

// systemd's one-line status of the unit (systemctl status: "Status:").
std::string status_line(const std::vector<char>& reports) {
  auto count = [&](char report) { return std::count(reports.begin(), reports.end(), report); };
  std::string workers = std::to_string(reports.size()) + " worker" + (reports.size() == 1 ? "" : "s");
  if (count(kReportSchemaBehind) > 0) {
    return "not serving: " + workers + "; the database needs `notesctl migrate` (requests answered 503)";
  }
  if (auto without = count(kReportNoDatabase); without > 0) {
    return "degraded: " + std::to_string(without) + " of " + workers +
           " without a database connection (their requests answered 503 until it is back)";
  }
  return "serving: " + workers + ", each with a database connection";
}

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

Supervisor::Supervisor(ServiceConfig config, ListenSocket socket,
                       std::function<std::optional<ServiceConfig>()> reload_config, metrics::ServiceMetrics& metrics)
    : config_(std::move(config)),
      socket_(std::move(socket)),
      change_listeners_(std::max(1u, config_.workers / 2)),
      search_places_(config_.workers),
      reload_config_(std::move(reload_config)),
      metrics_(metrics) {}

pid_t Supervisor::fork_worker(int* ready_fd) {
  int pipe_fds[2] = {-1, -1};
  if (ready_fd && pipe2(pipe_fds, O_CLOEXEC) != 0) ready_fd = nullptr;
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (ready_fd) close(pipe_fds[0]);
    run_worker(config_, socket_.fd, {handoff_, change_listeners_, failed_key_lookups_, search_places_}, ready_fd ? pipe_fds[1] : -1,
               metrics_);
  }
  if (ready_fd) {
    close(pipe_fds[1]);
    if (pid > 0) {
      *ready_fd = pipe_fds[0];
    } else {
      close(pipe_fds[0]);
    }
  }
  if (pid < 0) log::line(log::Level::err, "fork failed: %s", std::strerror(errno));
  return pid;
}

void Supervisor::start(Slot& slot, int* ready_fd) {
  slot.pid = fork_worker(ready_fd);
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
    change_listeners_.forget(pid);  // a worker that died while its feed reader waited
    search_places_.forget(pid);     // or while it searched
    if (retiring_.erase(pid) > 0) continue;  // a replaced worker finished
    log_exit(pid, status);
    if (deliverer_.pid == pid) {
      deliverer_.pid = 0;
      if (!stopping_) schedule_respawn(deliverer_);
      continue;
    }
    for (Slot& slot : slots_) {
      if (slot.pid != pid) continue;
      slot.pid = 0;
      if (stopping_) break;
      metrics_.count_worker_restart();
      schedule_respawn(slot);
    }
  }
}

void Supervisor::schedule_respawn(Slot& slot) {
  bool quick = Clock::now() - slot.started < kHealthyAfter;
  slot.quick_deaths = quick ? slot.quick_deaths + 1 : 0;
  auto delay = std::chrono::milliseconds(0);
  if (slot.quick_deaths > 1) {
    delay = std::min(kMaxBackoff, kFirstBackoff * (1 << std::min(slot.quick_deaths - 2, 10u)));
    log::line(log::Level::err, "%s keeps dying; next start in %lld ms",
              &slot == &deliverer_ ? "the webhook delivery process" : "worker", static_cast<long long>(delay.count()));
  }
  slot.respawn_at = Clock::now() + delay;
}

void Supervisor::respawn_due() {
  for (Slot& slot : slots_) {
    if (slot.pid == 0 && Clock::now() >= slot.respawn_at) start(slot);
  }
  if (wants_deliverer() && deliverer_.pid == 0 && Clock::now() >= deliverer_.respawn_at) start_deliverer();
}

void Supervisor::start_deliverer() {
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    webhooks::run_deliverer(config_.webhooks, config_.database);
  }
  deliverer_.started = Clock::now();
  deliverer_.pid = pid > 0 ? pid : 0;
  if (pid < 0) {
    log::line(log::Level::err, "fork of the webhook delivery process failed: %s", std::strerror(errno));
    deliverer_.respawn_at = Clock::now() + kMaxBackoff;
  }
}

std::chrono::milliseconds Supervisor::time_to_next_respawn() const {
  auto next = std::chrono::milliseconds(1000);
  std::vector<const Slot*> all;
  for (const Slot& slot : slots_) all.push_back(&slot);
  if (wants_deliverer()) all.push_back(&deliverer_);
  for (const Slot* each : all) {
    const Slot& slot = *each;
    if (slot.pid != 0) continue;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(slot.respawn_at - Clock::now());
    next = std::min(next, std::max(wait, std::chrono::milliseconds(0)));
  }
  return next;
}

void Supervisor::reload() {
  auto fresh = reload_config_();
  if (!fresh) {
    log::line(log::Level::err, "SIGHUP: the new configuration is invalid; keeping the running one");
    return;
  }
  notify("RELOADING=1\nSTATUS=reloading");
  if (fresh->listen != config_.listen) {
    log::line(log::Level::warning, "SIGHUP: 'listen' changes only on restart");
  }
  config_ = std::move(*fresh);
  log::set_threshold(config_.log_level);
  std::vector<char> reports;
  slots_.resize(std::max<std::size_t>(slots_.size(), config_.workers));
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    pid_t old = slot.pid;
    if (i >= config_.workers) {  // fewer workers than before
      if (old > 0) {
        retiring_.insert(old);
        kill(old, kRetireSignal);
      }
      continue;
    }
    int ready_fd = -1;
    pid_t fresh_pid = fork_worker(&ready_fd);
    if (fresh_pid < 0) continue;  // keep the old worker
    if (ready_fd >= 0) {
      // Wait until the successor has tried its database connection. One
      // without a connection does not replace a worker that may well have one.
      char ready = collect_reports({ready_fd}, report_time_limit()).front();
      if (ready != kReportServing && old > 0) {
        log::line(log::Level::warning, "SIGHUP: a new worker got no usable database connection; keeping worker %d",
                  old);
        kill(fresh_pid, SIGKILL);
        retiring_.insert(fresh_pid);
        reports.push_back(kReportServing);  // the old one stays, as it was
        continue;
      }
      reports.push_back(ready);
    }
    slot.pid = fresh_pid;
    slot.started = Clock::now();
    slot.quick_deaths = 0;
    if (old > 0) {
      retiring_.insert(old);
      kill(old, kRetireSignal);
    }
  }
  slots_.resize(config_.workers);
  metrics_.set_workers(config_.workers);
  // The delivery process takes the new settings by starting again; the
  // old one finishes what it is sending (webhooks/deliverer.hpp).
  if (deliverer_.pid > 0) {
    retiring_.insert(deliverer_.pid);
    kill(deliverer_.pid, kRetireSignal);
    deliverer_.pid = 0;
  }
  if (wants_deliverer()) start_deliverer();
  check_connection_capacity(reports);
  log::line(log::Level::notice, "reloaded; %u workers", config_.workers);
  notify("READY=1\nSTATUS=" + status_line(reports));
}

void Supervisor::check_connection_capacity(const std::vector<char>& reports) const {
  if (std::find(reports.begin(), reports.end(), kReportServing) == reports.end()) return;
  auto capacity = sql::connection_capacity(config_.database);
  if (!capacity) return;
  // The delivery process keeps a connection too, as a child or as
  // notes-webhooks.service.
  unsigned per_host = config_.workers + (config_.webhooks.key.empty() ? 0 : 1);
  std::string shortfall = sql::connection_shortfall(*capacity, config_.app_hosts, per_host);
  if (!shortfall.empty()) log::line(log::Level::warning, "%s", shortfall.c_str());
}

std::chrono::milliseconds Supervisor::report_time_limit() const {
  return std::chrono::milliseconds(config_.database.connect_timeout_s * 1000 + 2000);
}

void Supervisor::start_all() {
  std::vector<int> ready_fds;
  for (Slot& slot : slots_) {
    int ready_fd = -1;
    start(slot, &ready_fd);
    if (ready_fd >= 0) ready_fds.push_back(ready_fd);
  }
  // Ready once every worker has tried its connection: a client that comes
  // after READY=1 finds workers that hold one, or the status says why not.
  metrics_.set_workers(config_.workers);
  if (wants_deliverer()) start_deliverer();
  auto reports = collect_reports(ready_fds, report_time_limit());
  reports.resize(slots_.size(), kReportNoDatabase);
  std::string status = status_line(reports);
  check_connection_capacity(reports);
  log::line(log::Level::notice, "%u workers on %s; %s", config_.workers, socket_.origin.c_str(), status.c_str());
  notify("READY=1\nSTATUS=" + status);
}

void Supervisor::drain() {
  stopping_ = true;
  notify("STOPPING=1\nSTATUS=stopping: workers finish their requests");
  for (const Slot& slot : slots_) {
    if (slot.pid > 0) kill(slot.pid, SIGTERM);
  }
  if (deliverer_.pid > 0) kill(deliverer_.pid, SIGTERM);
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
      if (deliverer_.pid == pid) deliverer_.pid = 0;
      continue;
    }
    if (Clock::now() > deadline) {
      log::line(log::Level::warning, "workers did not finish within %u s; killing them", config_.drain_timeout_s);
      for (const Slot& slot : slots_) {
        if (slot.pid > 0) kill(slot.pid, SIGKILL);
      }
      if (deliverer_.pid > 0) kill(deliverer_.pid, SIGKILL);
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
  start_all();

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
  log::line(log::Level::notice, "stopped");
  return 0;
}

}  // namespace notes
