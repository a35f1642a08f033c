#include "handlers/path_id.hpp"

#include <stdexcept>
#include <string>

#include "handlers/error_envelope.hpp"

namespace notes {

int64_t path_id(const Request& request, const char* name) {
  auto text = request.path_params.get(name);
  if (!text) throw std::logic_error(std::string("the route has no {") + name + "}");
  if (auto id = parse_positive_id(*text)) return *id;
  throw ApiError::invalid_field(name, std::string(name) + " must be a positive 64-bit integer.");
}

}  // namespace notes
