#pragma once
#include "fcgi/request.hpp"
#include "fcgi/response.hpp"
#include "fcgi/router.hpp"
#include "sql/connection.hpp"

namespace notes {

// Every route of the service, in one table.
const Router& route_table();

// Answers one request: the auth sub-request, or a route from route_table()
// with the caller checked for /api/ paths. Never throws: an unexpected
// exception is logged and answered 500 in the route family's envelope.
Response dispatch(Request& request, sql::Connection& db);

}  // namespace notes
