#include "metrics/prometheus_text.hpp"

#include <cinttypes>
#include <cstdio>
#include <string_view>

namespace notes::metrics {
namespace {

// A label value with \, " and newline escaped, as the format asks.
std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  char number[24];
  std::snprintf(number, sizeof number, " %" PRIu64 "\n", value);
  out.append(number);
}

std::string bound(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

}  // namespace

std::string render_prometheus(const Snapshot& snapshot) {
  std::string out;
  header(out, "notes_requests_total", "counter", "Requests answered by the workers, by route and HTTP status.");
  for (const auto& route : snapshot.routes) {
    std::string name = "route=\"" + label_value(route.route) + "\"";
    for (const auto& [status, count] : route.statuses) {
      sample(out, "notes_requests_total", name + ",status=\"" + std::to_string(status) + "\"", count);
    }
  }

  header(out, "notes_request_duration_seconds", "histogram",
         "Time from a request's arrival at a worker to its answer handed back, by route.");
  for (const auto& route : snapshot.routes) {
    std::string name = "route=\"" + label_value(route.route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t bucket = 0; bucket < kLatencyBucketCount; ++bucket) {
      cumulative += route.buckets[bucket];
      std::string le = bucket < std::size(kLatencyBuckets) ? bound(kLatencyBuckets[bucket]) : "+Inf";
      sample(out, "notes_request_duration_seconds_bucket", name + ",le=\"" + le + "\"", cumulative);
    }
    char sum[48];
    std::snprintf(sum, sizeof sum, " %.6f\n", static_cast<double>(route.microseconds) / 1e6);
    out.append("notes_request_duration_seconds_sum{").append(name).append("}").append(sum);
    sample(out, "notes_request_duration_seconds_count", name, route.requests);
  }

  header(out, "notes_database_errors_total", "counter",
         "Statements that failed for a reason other than the request's data, by kind.");
  sample(out, "notes_database_errors_total", "kind=\"unavailable\"", snapshot.database.unavailable);
  sample(out, "notes_database_errors_total", "kind=\"timeout\"", snapshot.database.timeouts);
  sample(out, "notes_database_errors_total", "kind=\"retryable\"", snapshot.database.retryable);
  sample(out, "notes_database_errors_total", "kind=\"other\"", snapshot.database.other);

  header(out, "notes_database_reconnects_total", "counter",
         "Database connections made by workers after their first (the old one broke or was refused).");
  sample(out, "notes_database_reconnects_total", "", snapshot.database.reconnects);

  header(out, "notes_worker_restarts_total", "counter", "Workers that exited unasked (each is started again).");
  sample(out, "notes_worker_restarts_total", "", snapshot.worker_restarts);

  header(out, "notes_workers", "gauge", "Workers the configuration asks for.");
  sample(out, "notes_workers", "", snapshot.workers);

  header(out, "notes_build_info", "gauge", "The running notesd's version, as a label; the value is always 1.");
  sample(out, "notes_build_info", "version=\"" + label_value(NOTES_VERSION) + "\"", 1);
  return out;
}

}  // namespace notes::metrics
