#pragma once
#include <signal.h>

#include "fcgi/config.hpp"
#include "fcgi/connection_handoff.hpp"
#include "credentials/failed_key_lookups.hpp"
#include "handlers/search_places.hpp"
#include "sql/change_listeners.hpp"
#include "metrics/service_metrics.hpp"

namespace notes {

// What the supervisor maps before its first fork and every worker shares.
struct SharedByWorkers {
  const ConnectionHandoff& handoff;            // idle connections passed on
  const sql::ChangeListeners& change_listeners;  // feed readers waiting
  const FailedKeyLookups& failed_key_lookups;  // per client address
  const SearchPlaces& search_places;           // each company's searches
};

// What a new worker reports on its ready pipe, once, after trying its
// database connection.
inline constexpr char kReportServing = 'R';        // connected, schema current
inline constexpr char kReportNoDatabase = 'N';     // no connection (requests: 503)
inline constexpr char kReportSchemaBehind = 'M';   // migrations pending (requests: 503)

// Asks a worker to stop and hand the connections nginx keeps open to it to
// the workers that stay (a reload); SIGTERM stops it and closes them.
inline constexpr int kRetireSignal = SIGUSR2;

// Runs one worker process until SIGTERM or kRetireSignal: opens its own
// PostgreSQL connection (after the fork), writes its report to `ready_fd`
// (-1: none wanted), then
// answers FastCGI requests one at a time from connections it takes from
// `listen_fd` or from `shared.handoff` (`shared` and `metrics`, where each
// request is counted, are every worker's). A request already begun is
// always finished before the worker exits. Never returns.
[[noreturn]] void run_worker(const ServiceConfig& config, int listen_fd, const SharedByWorkers& shared, int ready_fd,
                             metrics::ServiceMetrics& metrics);

}  // namespace notes
