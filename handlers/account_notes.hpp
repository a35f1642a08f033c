#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

// Account notes (docs/api.md, "Account notes"): one live note per account, guarded by grants.
namespace notes::account_notes {

Response spec(const Request& request, HandlerContext& context);    // GET /api/v2/objspec/account_note
Response get(const Request& request, HandlerContext& context);     // GET    /api/v2/account/{id}/note
Response create(const Request& request, HandlerContext& context);  // POST   /api/v2/account/{id}/note
Response update(const Request& request, HandlerContext& context);  // PATCH  /api/v2/account/{id}/note
Response remove(const Request& request, HandlerContext& context);  // DELETE /api/v2/account/{id}/note
// GET /api/v2/account/{id}/note/history (docs/api.md, "History")
Response history(const Request& request, HandlerContext& context);

}  // namespace notes::account_notes
