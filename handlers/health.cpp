#include "handlers/health.hpp"

#include "handlers/error_envelope.hpp"
#include "metrics/prometheus_text.hpp"

namespace notes::health {

Response live(const Request&, HandlerContext&) { return Response::json(200, "{\"status\":\"ok\"}"); }

Response ready(const Request&, HandlerContext& context) {
  if (context.db.execute(sql::query::ready_check()).ok()) {
    return Response::json(200, "{\"status\":\"ready\"}");
  }
  // The database answered but lacks this binary's migrations: say so, it
  // needs an operator, not patience.
  if (!context.db.schema_problem().empty()) {
    return Response::json(503, "{\"status\":\"unavailable\",\"reason\":\"migrations pending: run notesctl migrate\"}");
  }
  return Response::json(503, "{\"status\":\"unavailable\",\"reason\":\"database not reachable\"}")
      .header("Retry-After", "1");
}

Response metrics(const Request&, HandlerContext& context) {
  if (!context.services.metrics) throw ApiError::not_found("There is no such route.");
  Response response;
  response.body = metrics::render_prometheus(context.services.metrics->snapshot());
  response.header("Content-Type", metrics::kPrometheusContentType);
  return response;
}

}  // namespace notes::health
