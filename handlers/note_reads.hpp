#pragma once
// Who read a confidential note (docs/api.md, "Who read a confidential note").
#include "handlers/handler_context.hpp"

namespace notes::note_reads {

// GET /api/customers/notes/{note_id}/reads, for owners.
Response list(const Request& request, HandlerContext& context);

}  // namespace notes::note_reads
