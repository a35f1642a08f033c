#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

namespace notes::health {

Response live(const Request& request, HandlerContext& context);   // GET /healthz: the process answers
Response ready(const Request& request, HandlerContext& context);  // GET /readyz: and the database does
Response metrics(const Request& request, HandlerContext& context);  // GET /metrics: the counters, for Prometheus

}  // namespace notes::health
