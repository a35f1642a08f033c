#include "handlers/openapi.hpp"

#include <string>

namespace notes::openapi {

Response document(const Request&, HandlerContext&) {
  Response response = Response::json(200, std::string(document_text()));
  // It changes only with the binary; a browser may keep it a few minutes.
  response.header("Cache-Control", "public, max-age=300");
  return response;
}

}  // namespace notes::openapi
