#include "fcgi/worker.hpp"

#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>

#include "fcgi/answer_writer.hpp"
#include "fcgi/connection_set.hpp"
#include "fcgi/request_log.hpp"
#include "http/request.hpp"
#include "log/log.hpp"
#include "handlers/routes.hpp"
#include "sql/connection.hpp"

namespace notes {
namespace {

// Heap a worker keeps between requests rather than give back (mallopt).
constexpr int kHeapKept = 8 << 20;

// How the worker was asked to stop: the connections nginx keeps open to it go
// to the workers that stay (retire), or are closed, as nothing stays (stop).
enum StopRequest : std::sig_atomic_t { kRunning = 0, kRetire = 1, kStop = 2 };
volatile std::sig_atomic_t stop_requested = kRunning;

void on_stop_signal(int signal) {
  if (signal != kRetireSignal) {
    stop_requested = kStop;
  } else if (stop_requested == kRunning) {
    stop_requested = kRetire;
  }
}

// The stop signals stay blocked while a request runs, so they can never cut
// one short; they are delivered only while the worker waits for the next one.
constexpr int kStopSignals[] = {SIGTERM, SIGINT, kRetireSignal};

sigset_t install_signal_handlers() {
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  for (int signal : kStopSignals) {
    sigaction(signal, &action, nullptr);
    sigaddset(&blocked, signal);
  }
  std::signal(SIGHUP, SIG_IGN);   // reloads are the supervisor's business
  std::signal(SIGPIPE, SIG_IGN);  // nginx may hang up; the write just fails
  std::signal(SIGCHLD, SIG_DFL);

  sigprocmask(SIG_SETMASK, &blocked, &waiting);
  for (int signal : kStopSignals) sigdelset(&waiting, signal);
  return waiting;
}

// Notes a stop signal that is pending (blocked while a request runs), as
// its handler would.
void notice_pending_stop() {
  sigset_t pending;
  sigpending(&pending);
  for (int signal : kStopSignals) {
    if (sigismember(&pending, signal)) on_stop_signal(signal);
  }
}

// Whether a stop signal waits (blocked while a request runs): a feed
// reader's long wait ends early for it.
bool stop_is_pending() {
  sigset_t pending;
  sigpending(&pending);
  for (int signal : kStopSignals) {
    if (sigismember(&pending, signal)) return true;
  }
  return stop_requested != kRunning;
}

// What the worker's connection has counted so far, in the metrics' terms.
metrics::DatabaseCounts database_counts(const sql::Connection& db) {
  using sql::Failure;
  return {db.connects() > 1 ? db.connects() - 1u : 0u, db.failures(Failure::unavailable), db.failures(Failure::timeout),
          db.failures(Failure::retryable), db.failures(Failure::other)};
}

}  // namespace

void run_worker(const ServiceConfig& config, int listen_fd, const SharedByWorkers& shared, int ready_fd,
                metrics::ServiceMetrics& metrics) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the supervisor
  // A page of notes allocates and frees its results and its JSON; with
  // glibc's default the heap's top was given back and taken again with
  // brk(2) about three times a page, each page of memory faulted in anew
  // (docs/performance-log.md, "The workers' share of a list and a POST, cut").
  mallopt(M_TRIM_THRESHOLD, kHeapKept);
  mallopt(M_TOP_PAD, kHeapKept / 4);
  sigset_t waiting_mask = install_signal_handlers();
  FCGX_Init();

  sql::Connection db(config.database);
  db.announce_changes_while_listened(&shared.change_listeners);
  db.announce_every_write(config.app_hosts > 1);
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

  TokenRevocations token_revocations;
  const WorkerServices services{&metrics,
                                &config.token_keys,
                                &token_revocations,
                                &shared.change_listeners,
                                stop_is_pending,
                                config.nginx_secret ? &*config.nginx_secret : nullptr,
                                &shared.failed_key_lookups,
                                &shared.search_places};
  ConnectionSet connections(listen_fd, &shared.handoff);
  // Reads the request waiting on `fcgi`'s connection, answers it, counts it;
  // forgets the connection once closed (by nginx, or after its answer).
  auto serve = [&](FCGX_Request& fcgi) {
    if (FCGX_Accept_r(&fcgi) < 0) {  // nginx closed the connection
      connections.forget_if_closed(&fcgi);
      return;
    }
    auto started = std::chrono::steady_clock::now();
    Request request(fcgi.envp);
    auto read_body = [&fcgi](char* into, std::size_t length) {
      int got = FCGX_GetStr(into, static_cast<int>(length), fcgi.in);
      return got >= 0 && static_cast<std::size_t>(got) == length;
    };
    auto [response, route, route_index] = dispatch(request, db, services, read_body, config.max_body_bytes);
    std::string out = response.serialize();
    // Counted before the answer goes out, so that whoever has the answer
    // finds it in GET /metrics.
    auto took = std::chrono::steady_clock::now() - started;
    metrics.record_request(route_index, response.status, took);
    auto database_now = database_counts(db);
    metrics.add_database(database_now - database_counted);
    database_counted = database_now;
    write_answer(fcgi, out);
    FCGX_Finish_r(&fcgi);
    connections.forget_if_closed(&fcgi);
    log_request(request, route, response.status, took, config.request_log_level,
                std::chrono::milliseconds(config.slow_request_ms));
  };

  while (!stop_requested) {
    // The database is up but has no connection to spare for this worker:
    // leave new connections to the workers that have one rather than answer
    // each request 503, serve those it holds, and ask again in a while.
    bool starved = !db.connected() && db.refused_for_capacity();
    connections.listen(!starved);
    FCGX_Request* ready =
        connections.next(waiting_mask, starved ? sql::Connection::kReconnectInterval : std::chrono::milliseconds(-1));
    if (ready) {
      serve(*ready);
    } else if (starved && !stop_requested) {
      db.ensure_ready();
    }
    notice_pending_stop();
  }
  // Stopping: no new connections; what nginx already sent on the kept ones
  // is answered; the others go to the workers that stay on a retire, and are
  // closed on a stop, so that nginx drops them at once (docs/reliability.md,
  // "Guarantees").
  connections.listen(false);
  while (!connections.release_idle(stop_requested == kRetire)) {
    if (FCGX_Request* ready = connections.next(waiting_mask, std::chrono::milliseconds(10))) serve(*ready);
    notice_pending_stop();
  }
  _exit(0);
}

}  // namespace notes
