// The shared counters behind GET /metrics and their Prometheus text.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "metrics/prometheus_text.hpp"
#include "metrics/service_metrics.hpp"
#include "tests/support/metrics_text.hpp"

namespace notes::metrics {
namespace {

using namespace std::chrono_literals;
using test::sample_value;

TEST(ServiceMetrics, WhatAForkedWorkerCountsTheParentSeesAfterItDied) {
  ServiceMetrics metrics({"GET /a", "POST /b"});
  pid_t child = fork();
  if (child == 0) {
    metrics.record_request(0, 200, 300us);
    metrics.record_request(0, 200, 2ms);
    metrics.record_request(1, 409, 20ms);
    metrics.add_database({1, 2, 3, 4, 5});
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  metrics.count_worker_restart();
  metrics.set_workers(4);

  Snapshot seen = metrics.snapshot();
  ASSERT_EQ(seen.routes.size(), 2u);
  EXPECT_EQ(seen.routes[0].route, "GET /a");
  EXPECT_EQ(seen.routes[0].requests, 2u);
  ASSERT_EQ(seen.routes[0].statuses.size(), 1u);
  EXPECT_EQ(seen.routes[0].statuses[0], (std::pair<int, std::uint64_t>{200, 2}));
  EXPECT_EQ(seen.routes[0].microseconds, 2300u);
  EXPECT_EQ(seen.routes[1].statuses[0], (std::pair<int, std::uint64_t>{409, 1}));
  EXPECT_EQ(seen.database.reconnects, 1u);
  EXPECT_EQ(seen.database.other, 5u);
  EXPECT_EQ(seen.worker_restarts, 1u);
  EXPECT_EQ(seen.workers, 4u);
}

TEST(ServiceMetrics, BucketBoundsAreInclusiveAndUnknownRoutesIgnored) {
  ServiceMetrics metrics({"GET /a"});
  metrics.record_request(0, 200, 1ms);             // le="0.001"
  metrics.record_request(0, 200, 1001us);          // le="0.0025"
  metrics.record_request(0, 200, 60s);             // +Inf only
  metrics.record_request(metrics.routes().size(), 200, 1ms);  // no such route
  metrics.record_request(0, 42, 1ms);              // no such status: timed, not counted by status
  Snapshot seen = metrics.snapshot();
  ASSERT_EQ(seen.routes.size(), 1u);
  EXPECT_EQ(seen.routes[0].buckets[1], 2u);  // 0.001: 1 ms twice
  EXPECT_EQ(seen.routes[0].buckets[2], 1u);  // 0.0025
  EXPECT_EQ(seen.routes[0].buckets[kLatencyBucketCount - 1], 1u);
  EXPECT_EQ(seen.routes[0].requests, 4u);
  EXPECT_EQ(seen.routes[0].statuses, (std::vector<std::pair<int, std::uint64_t>>{{200, 3}}));
}

TEST(PrometheusText, HistogramsAreCumulativeAndCountEqualsInf) {
  ServiceMetrics metrics({"GET /a"});
  metrics.record_request(0, 200, 400us);
  metrics.record_request(0, 404, 3ms);
  metrics.record_request(0, 200, 30s);
  std::string text = render_prometheus(metrics.snapshot());
  EXPECT_EQ(sample_value(text, R"(notes_requests_total{route="GET /a",status="200"})"), 2);
  EXPECT_EQ(sample_value(text, R"(notes_requests_total{route="GET /a",status="404"})"), 1);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_bucket{route="GET /a",le="0.0005"})"), 1);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_bucket{route="GET /a",le="0.0025"})"), 1);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_bucket{route="GET /a",le="0.005"})"), 2);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_bucket{route="GET /a",le="10"})"), 2);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_bucket{route="GET /a",le="+Inf"})"), 3);
  EXPECT_EQ(sample_value(text, R"(notes_request_duration_seconds_count{route="GET /a"})"), 3);
  EXPECT_DOUBLE_EQ(sample_value(text, R"(notes_request_duration_seconds_sum{route="GET /a"})"), 30.0034);
  EXPECT_NE(text.find("# TYPE notes_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE notes_requests_total counter\n"), std::string::npos);
  EXPECT_EQ(sample_value(text, "notes_worker_restarts_total"), 0);
  EXPECT_EQ(sample_value(text, R"(notes_database_errors_total{kind="unavailable"})"), 0);
  EXPECT_EQ(sample_value(text, R"(notes_build_info{version=")" NOTES_VERSION R"("})"), 1);
}

TEST(PrometheusText, LabelValuesAreEscapedAndSilentRoutesLeftOut) {
  ServiceMetrics metrics({"GET /\"quoted\"\\", "GET /never"});
  metrics.record_request(0, 200, 1ms);
  std::string text = render_prometheus(metrics.snapshot());
  EXPECT_EQ(sample_value(text, R"(notes_requests_total{route="GET /\"quoted\"\\",status="200"})"), 1);
  EXPECT_EQ(text.find("GET /never"), std::string::npos);
}

}  // namespace
}  // namespace notes::metrics
