#include "fcgi/worker.hpp"

#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>

#include "fcgi/request_log.hpp"
#include "http/request.hpp"
#include "log/log.hpp"
#include "handlers/routes.hpp"
#include "sql/connection.hpp"

namespace notes {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_stop_signal(int) {
  stop_requested = 1;
  FCGX_ShutdownPending();
}

// SIGTERM stays blocked while a request runs, so it can never cut one short;
// it is delivered only inside ppoll, where the worker waits for the next one.
sigset_t install_signal_handlers() {
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  std::signal(SIGHUP, SIG_IGN);   // reloads are the supervisor's business
  std::signal(SIGPIPE, SIG_IGN);  // nginx may hang up; the write just fails
  std::signal(SIGCHLD, SIG_DFL);

  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_SETMASK, &blocked, &waiting);
  sigdelset(&waiting, SIGTERM);
  sigdelset(&waiting, SIGINT);
  return waiting;
}

// After a wait: true when the worker should go on to accept. A wait delivers
// a pending signal only when nothing is ready yet; under load a connection
// always is, so a SIGTERM would wait forever: look.
bool ready_unless_stopping(int rc) {
  sigset_t pending;
  sigpending(&pending);
  if (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT)) stop_requested = 1;
  return rc > 0 && !stop_requested;
}

// Waits until `fd` is readable or a stop signal arrives.
bool wait_readable(int fd, const sigset_t& waiting_mask) {
  pollfd entry{fd, POLLIN, 0};
  return ready_unless_stopping(ppoll(&entry, 1, nullptr, &waiting_mask));
}

// Waits on the listening socket that every worker shares. With plain poll a
// connection woke every idle worker and all but one found nothing to accept:
// with 8 workers, a hundred wasted system calls per request. EPOLLEXCLUSIVE
// wakes one. Where the kernel refuses it, the worker falls back to ppoll.
class ListenWait {
 public:
  explicit ListenWait(int listen_fd) : listen_fd_(listen_fd), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.fd = listen_fd;
    if (epoll_fd_ >= 0 && epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd, &event) != 0) {
      close(epoll_fd_);
      epoll_fd_ = -1;
    }
  }
  ~ListenWait() {
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }
  ListenWait(const ListenWait&) = delete;
  ListenWait& operator=(const ListenWait&) = delete;

  bool wait(const sigset_t& waiting_mask) {
    if (epoll_fd_ < 0) return wait_readable(listen_fd_, waiting_mask);
    epoll_event event{};
    int rc = epoll_pwait(epoll_fd_, &event, 1, -1, &waiting_mask);
    ready_unless_stopping(rc);  // notes a stop signal that is pending
    // Woken, this worker alone was told of the connection: it takes it even
    // when stopping (the loop ends after that request), or the connection
    // would wait until the next one woke another worker.
    return rc > 0;
  }

 private:
  int listen_fd_;
  int epoll_fd_;
};

// What the worker's connection has counted so far, in the metrics' terms.
metrics::DatabaseCounts database_counts(const sql::Connection& db) {
  using sql::Failure;
  return {db.connects() > 1 ? db.connects() - 1u : 0u, db.failures(Failure::unavailable), db.failures(Failure::timeout),
          db.failures(Failure::retryable), db.failures(Failure::other)};
}

}  // namespace

void run_worker(const ServiceConfig& config, int listen_fd, int ready_fd, metrics::ServiceMetrics& metrics) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the supervisor
  sigset_t waiting_mask = install_signal_handlers();

  FCGX_Init();
  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);

  ListenWait listen_wait(listen_fd);
  sql::Connection db(config.database);
  // Connect now. If the database is down, requests get a quick 503 until it
  // is back. The supervisor, which waits for this worker at start and on a
  // reload, hears what it found (the reports of fcgi/worker.hpp).
  bool connected = db.ensure_ready();
  metrics::DatabaseCounts database_counted = database_counts(db);
  if (ready_fd >= 0) {
    char report = connected ? kReportServing
                  : db.schema_problem().empty() ? kReportNoDatabase
                                                : kReportSchemaBehind;
    [[maybe_unused]] auto written = write(ready_fd, &report, 1);
    close(ready_fd);
  }

  while (!stop_requested) {
    // The database is up but has no connection to spare for this worker:
    // leave the requests to the workers that have one rather than answer
    // each of them 503, and ask again in a while.
    if (fcgi.ipcFd < 0 && !db.connected() && db.refused_for_capacity()) {
      timespec pause{0, static_cast<long>(sql::Connection::kReconnectInterval.count()) * 1000000L};
      ready_unless_stopping(ppoll(nullptr, 0, &pause, &waiting_mask));
      if (!stop_requested) db.ensure_ready();
      continue;
    }
    // nginx asks us to keep each connection (fastcgi_keep_conn): it closes it
    // once it has our answer, or, with upstream keepalive configured, sends
    // the next request on it. Otherwise the next request arrives as a new
    // connection on the listening socket.
    bool ready = fcgi.ipcFd >= 0 ? wait_readable(fcgi.ipcFd, waiting_mask) : listen_wait.wait(waiting_mask);
    if (!ready) continue;
    if (FCGX_Accept_r(&fcgi) < 0) {
      // EAGAIN: another worker took the connection first. Anything else is
      // logged; the loop goes on.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && !stop_requested) {
        log::line(log::Level::err, "accept failed: %s", std::strerror(errno));
        usleep(10000);
      }
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    Request request(fcgi.envp);
    auto read_body = [&fcgi](char* into, std::size_t length) {
      int got = FCGX_GetStr(into, static_cast<int>(length), fcgi.in);
      return got >= 0 && static_cast<std::size_t>(got) == length;
    };
    auto [response, route] = dispatch(request, db, &metrics, read_body, config.max_body_bytes);
    std::string out = response.serialize();
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
    FCGX_Finish_r(&fcgi);
    auto took = std::chrono::steady_clock::now() - started;
    log_request(request, route, response.status, took, config.request_log_level);
    metrics.record_request(metrics.index_of(route), response.status, took);
    auto database_now = database_counts(db);
    metrics.add_database(database_now - database_counted);
    database_counted = database_now;
  }
  FCGX_Finish_r(&fcgi);
  _exit(0);
}

}  // namespace notes
