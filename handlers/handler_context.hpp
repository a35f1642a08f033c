#pragma once
#include <cstddef>

#include "http/request.hpp"
#include "http/response.hpp"
#include "metrics/service_metrics.hpp"
#include "sql/connection.hpp"

namespace notes {

// What a handler gets besides the request.
struct HandlerContext {
  sql::Connection& db;
  // Set for routes that need a caller; the dispatcher answers 401 without one.
  Identity caller;
  // The service's counters (GET /metrics); null where nothing keeps them.
  const metrics::ServiceMetrics* metrics = nullptr;

  // The caller as the statements of sql/queries.hpp take it.
  sql::Caller sql_caller() const { return {caller.company_id, caller.user_id, caller.role}; }
};

using Handler = Response (*)(const Request&, HandlerContext&);

}  // namespace notes
