#pragma once
#include <string>

#include "metrics/service_metrics.hpp"

namespace notes::metrics {

// `snapshot` in the Prometheus text exposition format, version 0.0.4: every
// metric named notes_*, listed in docs/reliability.md ("Metrics").
std::string render_prometheus(const Snapshot& snapshot);
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace notes::metrics
