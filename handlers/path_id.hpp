#pragma once
// A route's path ids ({note_id}, {customer_id}, ...).
#include <cstdint>

#include "http/request.hpp"

namespace notes {

// The route's {name} as a positive 64-bit id; refuses with a 400 naming it.
int64_t path_id(const Request& request, const char* name);

}  // namespace notes
