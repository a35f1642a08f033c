#pragma once
#include <string_view>

#include "handlers/handler_context.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

// The OpenAPI 3.1 description of every route (docs/openapi.json, compiled
// in), served at GET /api/openapi.json without a credential.
namespace notes::openapi {

std::string_view document_text();

Response document(const Request& request, HandlerContext& context);

}  // namespace notes::openapi
