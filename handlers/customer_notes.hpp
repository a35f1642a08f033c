#pragma once
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

}  // namespace notes::customer_notes
