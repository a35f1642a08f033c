#pragma once
#include "handlers/handler_context.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

// The company-wide work queue (docs/api.md, "The work queue"): every note of
// the caller's company it may see, filtered, searched, sorted, paged by
// number or by cursor.
namespace notes::work_queue {

Response list(const Request& request, HandlerContext& context);  // GET /api/customers/notes

}  // namespace notes::work_queue
