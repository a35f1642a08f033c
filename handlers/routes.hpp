#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"
#include "http/router.hpp"
#include "sql/connection.hpp"

namespace notes {

// What the route table holds for each method and pattern.
struct Route {
  Handler handler;
};

// Every route of the service, in one table.
const Router<Route>& route_table();

// Answers one request: the auth sub-request, or a route from route_table()
// with the caller checked for /api/ paths. Never throws: an unexpected
// exception is logged and answered 500 in the route family's envelope.
Response dispatch(Request& request, sql::Connection& db);

}  // namespace notes
