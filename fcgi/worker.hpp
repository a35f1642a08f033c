#pragma once
#include "fcgi/config.hpp"
#include "metrics/service_metrics.hpp"

namespace notes {

// What a new worker reports on its ready pipe, once, after trying its
// database connection.
inline constexpr char kReportServing = 'R';        // connected, schema current
inline constexpr char kReportNoDatabase = 'N';     // no connection (requests: 503)
inline constexpr char kReportSchemaBehind = 'M';   // migrations pending (requests: 503)

// Runs one worker process until SIGTERM: opens its own PostgreSQL connection
// (after the fork), writes its report to `ready_fd` (-1: none wanted), then
// answers FastCGI requests from `listen_fd` one at a time, counting each in
// `metrics` (shared with every other worker). A request already begun is
// always finished before the worker exits. Never returns.
[[noreturn]] void run_worker(const ServiceConfig& config, int listen_fd, int ready_fd,
                             metrics::ServiceMetrics& metrics);

}  // namespace notes
