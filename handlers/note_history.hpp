#pragma once
// A customer note's history and its restore (docs/api.md, "History").
#include "handlers/handler_context.hpp"

namespace notes::note_history {

// GET /api/customers/notes/{note_id}/history
Response list(const Request& request, HandlerContext& context);
// POST /api/customers/notes/{note_id}/history/{revision}/restore
Response restore(const Request& request, HandlerContext& context);

}  // namespace notes::note_history
