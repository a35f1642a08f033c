#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace notes::metrics {

// Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
inline constexpr double kLatencyBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1,    2.5, 10};
inline constexpr std::size_t kLatencyBucketCount = std::size(kLatencyBuckets) + 1;  // +Inf

// Database trouble, as a worker counts it (sql::Connection's counters).
struct DatabaseCounts {
  std::uint64_t reconnects = 0;   // connections made after a worker's first
  std::uint64_t unavailable = 0;  // statements that found no connection, or lost it
  std::uint64_t timeouts = 0;     // statement or lock timeouts
  std::uint64_t retryable = 0;    // serialization failures and deadlocks
  std::uint64_t other = 0;        // anything else a statement failed with (a 500)

  DatabaseCounts operator-(const DatabaseCounts& earlier) const;
};

// A copy of every counter, for rendering.
struct Snapshot {
  struct RouteCounts {
    std::string route;
    std::vector<std::pair<int, std::uint64_t>> statuses;  // status, requests; only those seen
    std::uint64_t buckets[kLatencyBucketCount] = {};     // not cumulative
    std::uint64_t microseconds = 0;                      // summed latency
    std::uint64_t requests = 0;
  };
  std::vector<RouteCounts> routes;  // only routes that answered something
  DatabaseCounts database;
  std::uint64_t worker_restarts = 0;
  std::uint64_t workers = 0;
};

// The service's counters, summed over every worker: one block of shared
// memory that the supervisor maps before it forks, so each worker adds to
// the same numbers, any worker can answer GET /metrics for all of them, and
// a worker that dies takes nothing with it. Additions are relaxed atomics:
// a reader may see one request's counters half added, never torn numbers.
class ServiceMetrics {
 public:
  // `routes`: every name a request can be recorded under, fixed for the
  // life of the process (the route table's names); a request is recorded by
  // its name's index. Throws std::system_error when the memory cannot be
  // mapped.
  explicit ServiceMetrics(std::vector<std::string> routes);
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  const std::vector<std::string>& routes() const { return routes_; }

  // An index past routes() is not recorded.
  void record_request(std::size_t route, int status, std::chrono::steady_clock::duration took);
  void add_database(const DatabaseCounts& delta);
  void count_worker_restart();
  void set_workers(unsigned workers);

  Snapshot snapshot() const;

 private:
  struct RouteBlock;
  struct Block;
  std::vector<std::string> routes_;
  Block* block_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  RouteBlock* route_block(std::size_t route) const;
};

}  // namespace notes::metrics
