#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"
#include "handlers/idempotency.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "sql/connection.hpp"

namespace notes {

// Who may call a route.
enum class Caller {
  anyone,         // no credential (health checks; nginx serves them on loopback only)
  authenticated,  // a caller nginx named; the handler decides on grants
  admin,          // and of role owner or admin (customer notes: docs/api.md, "Who may")
};

// What a route needs, declared once in the route table; dispatch applies it.
struct Route {
  Handler handler = nullptr;
  ApiFamily family = ApiFamily::customers;  // the envelope its errors are written in
  Caller caller = Caller::anyone;
  bool idempotent = false;                  // a POST that honours Idempotency-Key
  idempotency::Replay replay;               // and how it answers a retry
  std::size_t max_body = 1u << 20;          // bytes; nginx has the same limit per route
  std::string name;                         // "GET /api/v2/account/{account_id}/note", for logs
};

// Every route of the service, in one table.
const Router<Route>& route_table();

// What a request is logged and counted under when no route of the table
// answers it: nginx's auth sub-request, and a path or method no route has.
inline constexpr const char* kAuthRouteName = "auth";
inline constexpr const char* kUnmatchedRouteName = "unmatched";
// Every name dispatch() may give, in the order of Dispatched::route_index:
// the table's, then those two.
std::vector<std::string> route_names();

// Reads the body the daemon holds: exactly `length` bytes into `into`;
// false when fewer arrived.
using BodyReader = std::function<bool(char* into, std::size_t length)>;

// An answer, and which route gave it, for the request's log line (its name)
// and the metrics (its position in route_names()).
struct Dispatched {
  Response response;
  std::string_view route;
  std::size_t route_index;
};

// Answers one request: the auth sub-request, or a route from route_table().
// Reads the body through `read_body` once its length is known to be within
// the route's limit and `max_body_bytes`. Checks the caller the route asks
// for. A handler's refusal (a thrown ApiError) is answered in the route's
// family's envelope; anything else unexpected is logged and answered 500.
// `services` is what the worker keeps besides `db`. Never throws.
Dispatched dispatch(Request& request, sql::Connection& db, const WorkerServices& services,
                    const BodyReader& read_body, std::size_t max_body_bytes);

}  // namespace notes
