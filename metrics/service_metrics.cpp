#include "metrics/service_metrics.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <system_error>

namespace notes::metrics {
namespace {

constexpr int kFirstStatus = 100;
constexpr int kStatusCount = 500;  // 100..599

std::uint64_t load(const std::uint64_t& counter) {
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(counter)).load(std::memory_order_relaxed);
}
void add(std::uint64_t& counter, std::uint64_t amount) {
  if (amount != 0) std::atomic_ref<std::uint64_t>(counter).fetch_add(amount, std::memory_order_relaxed);
}

}  // namespace

// The shared memory's layout: one Block, then one RouteBlock per route.
// Plain integers, each only ever touched through std::atomic_ref.
struct ServiceMetrics::RouteBlock {
  std::uint64_t statuses[kStatusCount];
  std::uint64_t buckets[kLatencyBucketCount];
  std::uint64_t microseconds;
};
struct ServiceMetrics::Block {
  std::uint64_t workers;
  std::uint64_t worker_restarts;
  DatabaseCounts database;
};

DatabaseCounts DatabaseCounts::operator-(const DatabaseCounts& earlier) const {
  return {reconnects - earlier.reconnects, unavailable - earlier.unavailable, timeouts - earlier.timeouts,
          retryable - earlier.retryable, other - earlier.other};
}

ServiceMetrics::ServiceMetrics(std::vector<std::string> routes) : routes_(std::move(routes)) {
  mapped_bytes_ = sizeof(Block) + routes_.size() * sizeof(RouteBlock);
  // Anonymous and shared: zero-filled, and the same pages in every worker
  // forked after this.
  void* memory = mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "metrics: mmap");
  block_ = static_cast<Block*>(memory);
}

ServiceMetrics::~ServiceMetrics() {
  if (block_) munmap(block_, mapped_bytes_);
}

ServiceMetrics::RouteBlock* ServiceMetrics::route_block(std::size_t route) const {
  return reinterpret_cast<RouteBlock*>(reinterpret_cast<char*>(block_) + sizeof(Block)) + route;
}

void ServiceMetrics::record_request(std::size_t route, int status, std::chrono::steady_clock::duration took) {
  if (route >= routes_.size()) return;
  RouteBlock& counts = *route_block(route);
  if (status >= kFirstStatus && status < kFirstStatus + kStatusCount) add(counts.statuses[status - kFirstStatus], 1);
  double seconds = std::chrono::duration<double>(took).count();
  std::size_t bucket = 0;
  while (bucket < std::size(kLatencyBuckets) && seconds > kLatencyBuckets[bucket]) ++bucket;
  add(counts.buckets[bucket], 1);
  add(counts.microseconds,
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
}

void ServiceMetrics::add_database(const DatabaseCounts& delta) {
  DatabaseCounts& shared = block_->database;
  add(shared.reconnects, delta.reconnects);
  add(shared.unavailable, delta.unavailable);
  add(shared.timeouts, delta.timeouts);
  add(shared.retryable, delta.retryable);
  add(shared.other, delta.other);
}

void ServiceMetrics::count_worker_restart() { add(block_->worker_restarts, 1); }

void ServiceMetrics::set_workers(unsigned workers) {
  std::atomic_ref<std::uint64_t>(block_->workers).store(workers, std::memory_order_relaxed);
}

Snapshot ServiceMetrics::snapshot() const {
  Snapshot copy;
  const DatabaseCounts& database = block_->database;
  copy.database = {load(database.reconnects), load(database.unavailable), load(database.timeouts),
                   load(database.retryable), load(database.other)};
  copy.worker_restarts = load(block_->worker_restarts);
  copy.workers = load(block_->workers);
  for (std::size_t route = 0; route < routes_.size(); ++route) {
    const RouteBlock& counts = *route_block(route);
    Snapshot::RouteCounts entry;
    // The count is the buckets' sum, so that it always equals the +Inf
    // bucket, as Prometheus requires, even read mid-update.
    for (std::size_t bucket = 0; bucket < kLatencyBucketCount; ++bucket) {
      entry.buckets[bucket] = load(counts.buckets[bucket]);
      entry.requests += entry.buckets[bucket];
    }
    if (entry.requests == 0) continue;
    entry.route = routes_[route];
    for (int status = 0; status < kStatusCount; ++status) {
      if (auto seen = load(counts.statuses[status])) entry.statuses.emplace_back(kFirstStatus + status, seen);
    }
    entry.microseconds = load(counts.microseconds);
    copy.routes.push_back(std::move(entry));
  }
  return copy;
}

}  // namespace notes::metrics
