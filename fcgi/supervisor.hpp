#pragma once
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "fcgi/config.hpp"
#include "fcgi/connection_handoff.hpp"
#include "credentials/failed_key_lookups.hpp"
#include "handlers/search_places.hpp"
#include "sql/change_listeners.hpp"
#include "fcgi/listen_socket.hpp"
#include "metrics/service_metrics.hpp"

namespace notes {

// The parent of the worker processes. It forks `workers` workers on one
// listening socket and then only watches them:
//  - at start it tells systemd READY=1 once every worker has tried its
//    database connection, and STATUS= what they found;
//  - a worker that dies is replaced; one that keeps dying soon after start is
//    replaced after a growing delay (up to kMaxBackoff), so a crash loop
//    cannot spin;
//  - SIGTERM or SIGINT: every worker finishes the request it has and exits
//    (killed after drain_timeout_s), then the supervisor exits;
//  - SIGHUP: the configuration is read again and the workers are replaced one
//    at a time, each old one stopped only once its successor is ready.
class Supervisor {
 public:
  // `reload_config` re-reads the configuration for SIGHUP; nothing means it
  // is invalid and the running configuration stays.
  // `metrics` is mapped shared before any fork: the workers add to it, the
  // supervisor counts restarts in it.
  Supervisor(ServiceConfig config, ListenSocket socket,
             std::function<std::optional<ServiceConfig>()> reload_config, metrics::ServiceMetrics& metrics);
  int run();

  static constexpr std::chrono::milliseconds kFirstBackoff{100};
  static constexpr std::chrono::milliseconds kMaxBackoff{10000};
  static constexpr std::chrono::seconds kHealthyAfter{5};

 private:
  using Clock = std::chrono::steady_clock;
  struct Slot {
    pid_t pid = 0;
    Clock::time_point started{};
    unsigned quick_deaths = 0;
    Clock::time_point respawn_at{};
  };

  pid_t fork_worker(int* ready_fd);
  // The webhook delivery process (webhooks/deliverer.hpp), when the
  // configuration has a webhook key.
  bool wants_deliverer() const { return config_.webhook_child && !config_.webhooks.key.empty(); }
  void start_deliverer();
  // When a slot whose process just died is started again: at once, or
  // after a growing delay when it keeps dying soon after its start.
  void schedule_respawn(Slot& slot);
  // Forks the slot's worker; with `ready_fd`, the end of its report pipe.
  void start(Slot& slot, int* ready_fd = nullptr);
  void start_all();
  // Warns when the database has fewer connections than every host's
  // workers and delivery process need; asked only once a worker reached it.
  void check_connection_capacity(const std::vector<char>& reports) const;
  std::chrono::milliseconds report_time_limit() const;
  void reap();
  void respawn_due();
  void reload();
  void drain();
  std::chrono::milliseconds time_to_next_respawn() const;

  ServiceConfig config_;
  ListenSocket socket_;
  ConnectionHandoff handoff_;  // made before the first fork, shared by every worker
  // Made before the first fork, shared by every worker: half of the
  // workers at most may wait for a feed reader (docs/api.md, "Change
  // feed"), so that the others answer everyone else.
  sql::ChangeListeners change_listeners_;
  SearchPlaces search_places_;
  FailedKeyLookups failed_key_lookups_;  // made before the first fork, shared by every worker
  std::function<std::optional<ServiceConfig>()> reload_config_;
  metrics::ServiceMetrics& metrics_;
  std::vector<Slot> slots_;
  Slot deliverer_;
  std::set<pid_t> retiring_;  // replaced workers still finishing a request
  bool stopping_ = false;
};

}  // namespace notes
