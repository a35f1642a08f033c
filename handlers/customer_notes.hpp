#pragma once
#include <cstdint>

#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

// Customer notes (docs/api.md, "Customer notes"): a customer's notes, and one note whole.
namespace notes::customer_notes {

Response list(const Request& request, HandlerContext& context);    // GET    /api/customers/{customer_id}/notes
Response create(const Request& request, HandlerContext& context);  // POST   /api/customers/{customer_id}/notes
Response get(const Request& request, HandlerContext& context);     // GET    /api/customers/notes/{note_id}
Response update(const Request& request, HandlerContext& context);  // PATCH  /api/customers/notes/{note_id}
Response remove(const Request& request, HandlerContext& context);  // DELETE /api/customers/notes/{note_id}

// Note `id` as the caller may see it now (404 otherwise), as GET answers it,
// its read recorded: what a retry of a write that answered the Note gets.
Response note_now(int64_t id, HandlerContext& context);
// A retry of a create: the note at the first answer's Location, now.
Response replay_create(const Request& request, HandlerContext& context, Response first);

}  // namespace notes::customer_notes
