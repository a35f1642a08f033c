#pragma once
#include "fcgi/config.hpp"

namespace notes {

// Runs one worker process until SIGTERM: opens its own PostgreSQL connection
// (after the fork), writes one byte to `ready_fd` once it can serve, then
// answers FastCGI requests from `listen_fd` one at a time. A request already
// begun is always finished before the worker exits. Never returns.
[[noreturn]] void run_worker(const ServiceConfig& config, int listen_fd, int ready_fd);

}  // namespace notes
