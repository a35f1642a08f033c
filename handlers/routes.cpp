#include "handlers/routes.hpp"

#include <cstdio>
#include <exception>

#include <unistd.h>

#include "handlers/account_notes.hpp"
#include "handlers/auth.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"
#include "handlers/customer_access.hpp"
#include "handlers/customer_notes.hpp"
#include "handlers/health.hpp"
#include "handlers/idempotency.hpp"
#include "handlers/note_assignees.hpp"
#include "handlers/note_messages.hpp"

namespace notes {
namespace {

Router<Route> build_route_table() {
  Router<Route> router;
  router.add("GET", "/healthz", {health::live});
  router.add("GET", "/readyz", {health::ready});

  router.add("GET", "/api/v2/objspec/account_note", {account_notes::spec});
  router.add("GET", "/api/v2/account/{account_id}/note", {account_notes::get});
  router.add("POST", "/api/v2/account/{account_id}/note", {account_notes::create});
  router.add("PATCH", "/api/v2/account/{account_id}/note", {account_notes::update});
  router.add("DELETE", "/api/v2/account/{account_id}/note", {account_notes::remove});

  // One note first: "/api/customers/notes/7" must not read as customer "notes".
  router.add("GET", "/api/customers/notes/{note_id}", {customer_notes::get});
  router.add("PATCH", "/api/customers/notes/{note_id}", {customer_notes::update});
  router.add("DELETE", "/api/customers/notes/{note_id}", {customer_notes::remove});
  router.add("GET", "/api/customers/notes/{note_id}/messages", {note_messages::list});
  router.add("POST", "/api/customers/notes/{note_id}/messages", {note_messages::create});
  router.add("GET", "/api/customers/notes/{note_id}/messages/{message_id}/attachment", {note_messages::attachment});
  router.add("POST", "/api/customers/notes/{note_id}/assignees", {note_assignees::add});
  router.add("DELETE", "/api/customers/notes/{note_id}/assignees/{user_id}", {note_assignees::remove});
  router.add("GET", "/api/customers/{customer_id}/notes", {customer_notes::list});
  router.add("POST", "/api/customers/{customer_id}/notes", {customer_notes::create});
  return router;
}

// Paths under /api/ act for a caller; nginx names it, or the request fails.
bool needs_caller(std::string_view path) { return path.starts_with("/api/"); }

}  // namespace

const Router<Route>& route_table() {
  static const Router<Route> router = build_route_table();
  return router;
}

Response dispatch(Request& request, sql::Connection& db) {
  std::string_view path = request.path();
  ApiFamily family = family_of(path);
  try {
    // Only nginx's auth location sets this param; no client header can.
    if (request.param_or_empty("NOTES_AUTH_REQUEST") == "1") {
      HandlerContext context{db, {}};
      return auth::check(request, context);
    }
    std::optional<Identity> caller;
    if (needs_caller(path)) {
      caller = request.identity();
      if (!caller) return render_error(family, ApiError::unauthorized());
    }
    request.path_params.clear();
    auto match = route_table().match(request.method(), path, request.path_params);
    switch (match.kind) {
      case PathMatcher::Match::Kind::not_found:
        return render_error(family, ApiError::not_found("There is no such route."));
      case PathMatcher::Match::Kind::method_not_allowed:
        return render_error(family, ApiError{405, "method_not_allowed",
                                             "This route does not answer " + std::string(request.method()) + "."})
            .header("Allow", match.allow);
      case PathMatcher::Match::Kind::found:
        break;
    }
    // Every customer-note route needs admin privileges (docs/api.md, "Who may").
    if (caller && family == ApiFamily::customers) {
      if (auto error = customer_access::require_admin(*caller)) return render_error(family, *error);
    }
    HandlerContext context{db, caller.value_or(Identity{})};
    if (caller && request.method() == "POST") return idempotency::run(request, context, match.route->handler, family);
    return match.route->handler(request, context);
  } catch (const std::exception& e) {
    // A transaction a handler left open must not carry into the next request.
    if (db.in_transaction()) db.rollback();
    std::fprintf(stderr, "notesd[%d]: %.*s %.*s failed: %s\n", getpid(), static_cast<int>(request.method().size()),
                 request.method().data(), static_cast<int>(path.size()), path.data(), e.what());
    return render_error(family, ApiError::internal());
  }
}

}  // namespace notes
