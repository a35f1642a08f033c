#pragma once
#include <cstddef>

#include "http/request.hpp"
#include "http/response.hpp"
#include "sql/connection.hpp"

namespace notes {

// What a handler gets besides the request.
struct HandlerContext {
  sql::Connection& db;
  // Set for routes that need a caller; the dispatcher answers 401 without one.
  Identity caller;
};

using Handler = Response (*)(const Request&, HandlerContext&);

// $1..$4 of every statement that acts for a caller (sql/statements.cpp):
// what it acts on, then the caller's company, user id and role.
inline sql::Params acting_for(int64_t target_id, const Identity& caller) {
  sql::Params params;
  params.add(target_id).add(caller.company_id).add(caller.user_id).add(std::string_view(caller.role));
  return params;
}

}  // namespace notes
