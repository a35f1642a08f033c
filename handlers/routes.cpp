#include "handlers/routes.hpp"

#include <algorithm>
#include <exception>

#include "handlers/account_notes.hpp"
#include "handlers/auth.hpp"
#include "handlers/change_feed.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"
#include "handlers/customer_notes.hpp"
#include "handlers/health.hpp"
#include "handlers/idempotency.hpp"
#include "handlers/note_assignees.hpp"
#include "handlers/note_history.hpp"
#include "handlers/note_reads.hpp"
#include "handlers/note_messages.hpp"
#include "handlers/openapi.hpp"
#include "handlers/tokens.hpp"
#include "handlers/work_queue.hpp"
#include "http/content_length.hpp"
#include "log/log.hpp"

namespace notes {
namespace {

// Routes by family, with what each needs.
Route route_of(Handler handler, ApiFamily family, Caller caller) {
  Route route;
  route.handler = handler;
  route.family = family;
  route.caller = caller;
  return route;
}
// Routes anyone may call: the health checks (nginx serves them on loopback
// only), the OpenAPI document and the token routes.
Route public_route(Handler handler) { return route_of(handler, ApiFamily::customers, Caller::anyone); }
Route account_notes_route(Handler handler) { return route_of(handler, ApiFamily::accounts, Caller::authenticated); }
Route customer_notes_route(Handler handler) { return route_of(handler, ApiFamily::customers, Caller::admin); }
Route idempotent(Route route, idempotency::Replay replay = {}) {
  route.idempotent = true;
  route.replay = replay;
  return route;
}
Route body_up_to(std::size_t bytes, Route route) {
  route.max_body = bytes;
  return route;
}

// The table, where each route learns its own name for the logs.
class RouteTable {
 public:
  void add(std::string method, std::string_view pattern, Route route) {
    route.name = method + " " + std::string(pattern);
    router_.add(std::move(method), pattern, std::move(route));
  }
  Router<Route> done() { return std::move(router_); }

 private:
  Router<Route> router_;
};

Router<Route> build_route_table() {
  RouteTable router;
  router.add("GET", "/healthz", public_route(health::live));
  router.add("GET", "/readyz", public_route(health::ready));
  router.add("GET", "/metrics", public_route(health::metrics));

  router.add("GET", "/api/openapi.json", public_route(openapi::document));
  // The credential is in the body, which is small (nginx has the same
  // limit, snippets/notes-token.conf).
  router.add("POST", "/api/token", body_up_to(16u << 10, public_route(tokens::issue)));
  router.add("POST", "/api/token/refresh", body_up_to(16u << 10, public_route(tokens::refresh)));

  router.add("GET", "/api/v2/objspec/account_note", account_notes_route(account_notes::spec));
  router.add("GET", "/api/v2/account/{account_id}/note", account_notes_route(account_notes::get));
  router.add("POST", "/api/v2/account/{account_id}/note", idempotent(account_notes_route(account_notes::create)));
  router.add("PATCH", "/api/v2/account/{account_id}/note", account_notes_route(account_notes::update));
  router.add("DELETE", "/api/v2/account/{account_id}/note", account_notes_route(account_notes::remove));
  router.add("GET", "/api/v2/account/{account_id}/note/history", account_notes_route(account_notes::history));
  router.add("GET", "/api/v2/account_notes/changes", account_notes_route(change_feed::account_note_changes));

  // The company's queue and one note first: "/api/customers/notes/7" must
  // not read as customer "notes".
  router.add("GET", "/api/customers/notes", customer_notes_route(work_queue::list));
  router.add("GET", "/api/customers/notes/changes", customer_notes_route(change_feed::note_changes));
  router.add("GET", "/api/customers/notes/{note_id}", customer_notes_route(customer_notes::get));
  router.add("PATCH", "/api/customers/notes/{note_id}", customer_notes_route(customer_notes::update));
  router.add("DELETE", "/api/customers/notes/{note_id}", customer_notes_route(customer_notes::remove));
  router.add("GET", "/api/customers/notes/{note_id}/messages", customer_notes_route(note_messages::list));
  // A message carries its attachment: 5 MiB once decoded, base64 in JSON.
  router.add("POST", "/api/customers/notes/{note_id}/messages",
             body_up_to(8u << 20, idempotent(customer_notes_route(note_messages::create), {note_messages::replay_create})));
  router.add("GET", "/api/customers/notes/{note_id}/messages/{message_id}/attachment",
             customer_notes_route(note_messages::attachment));
  router.add("GET", "/api/customers/notes/{note_id}/history", customer_notes_route(note_history::list));
  router.add("GET", "/api/customers/notes/{note_id}/reads", customer_notes_route(note_reads::list));
  router.add("POST", "/api/customers/notes/{note_id}/history/{revision}/restore",
             customer_notes_route(note_history::restore));
  router.add("POST", "/api/customers/notes/{note_id}/assignees",
             idempotent(customer_notes_route(note_assignees::add), {note_assignees::replay_add, false}));
  router.add("DELETE", "/api/customers/notes/{note_id}/assignees/{user_id}",
             customer_notes_route(note_assignees::remove));
  router.add("GET", "/api/customers/{customer_id}/notes", customer_notes_route(customer_notes::list));
  router.add("POST", "/api/customers/{customer_id}/notes",
             idempotent(customer_notes_route(customer_notes::create), {customer_notes::replay_create, false}));
  return router.done();
}

// The caller the route asks for, or the refusal.
Identity caller_for(const Route& route, const Request& request) {
  if (route.caller == Caller::anyone) return {};
  auto caller = request.identity();
  if (!caller) throw ApiError::unauthorized();
  if (route.caller == Caller::admin && caller->role != "owner" && caller->role != "admin") {
    throw ApiError::forbidden("Customer notes require admin privileges.");
  }
  return *caller;
}

// Tells the connection whom the request's writes act for, and forgets it
// when the request is answered, however it ends.
class ActingFor {
 public:
  ActingFor(sql::Connection& db, const Identity& caller, const Request& request) : db_(db) {
    if (caller.user_id != 0) {
      db.act_for(sql::Actor{caller.user_id, caller.credential, std::string(request.request_id()), caller.company_id});
    }
  }
  ~ActingFor() { db_.act_for(std::nullopt); }
  ActingFor(const ActingFor&) = delete;
  ActingFor& operator=(const ActingFor&) = delete;

 private:
  sql::Connection& db_;
};

// Reads the body, within `limit` bytes.
void read_body_within(Request& request, const BodyReader& read_body, std::size_t limit) {
  auto length = parse_content_length(request.param("CONTENT_LENGTH"));
  if (!length) throw ApiError::bad_request("Content-Length is not a valid length.");
  if (*length > limit) throw ApiError::payload_too_large(limit);
  request.body.resize(*length);
  if (*length > 0 && !read_body(request.body.data(), *length)) {
    throw ApiError::bad_request("The body is shorter than its Content-Length.");
  }
}

// The route's answer, or its refusal in the route family's envelope.
Response answer(Request& request, sql::Connection& db, const WorkerServices& services,
                const BodyReader& read_body, std::size_t max_body_bytes, const Router<Route>::Match& match) {
  std::string_view path = request.path();
  // A path no route has answers like the family its prefix names.
  ApiFamily family = match.route ? match.route->family : family_of(path);
  try {
    read_body_within(request, read_body, match.route ? std::min(match.route->max_body, max_body_bytes) : max_body_bytes);
    switch (match.kind) {
      case PathMatcher::Match::Kind::not_found:
        throw ApiError::not_found("There is no such route.");
      case PathMatcher::Match::Kind::method_not_allowed:
        return render_error(family, ApiError{405, "method_not_allowed",
                                             "This route does not answer " + std::string(request.method()) + "."})
            .header("Allow", match.allow);
      case PathMatcher::Match::Kind::found:
        break;
    }
    const Route& route = *match.route;
    HandlerContext context{db, caller_for(route, request), services};
    ActingFor acting(db, context.caller, request);
    if (route.idempotent) return idempotency::run(request, context, route.handler, route.replay);
    return route.handler(request, context);
  } catch (const ApiError& refusal) {
    // A transaction the handler had open must not carry into the next request.
    if (db.in_transaction()) db.rollback();
    return render_error(family, refusal);
  } catch (const std::exception& e) {
    if (db.in_transaction()) db.rollback();
    log::line(log::Level::err, "%.*s %.*s failed: %s", static_cast<int>(request.method().size()),
              request.method().data(), static_cast<int>(path.size()), path.data(), e.what());
    return render_error(family, ApiError::internal());
  }
}

// The auth sub-request's answer (handlers/auth.hpp).
Response answer_auth(Request& request, sql::Connection& db, const WorkerServices& services) {
  try {
    HandlerContext context{db, {}, services};
    return auth::check(request, context);
  } catch (const ApiError& refusal) {
    return render_error(ApiFamily::customers, refusal);
  } catch (const std::exception& e) {
    log::line(log::Level::err, "auth check failed: %s", e.what());
    return render_error(ApiFamily::customers, ApiError::internal());
  }
}

}  // namespace

const Router<Route>& route_table() {
  static const Router<Route> router = build_route_table();
  return router;
}

std::vector<std::string> route_names() {
  std::vector<std::string> names;
  for (const Route& route : route_table().routes()) names.push_back(route.name);
  names.emplace_back(kAuthRouteName);
  names.emplace_back(kUnmatchedRouteName);
  return names;
}

Dispatched dispatch(Request& request, sql::Connection& db, const WorkerServices& services,
                    const BodyReader& read_body, std::size_t max_body_bytes) {
  const std::vector<Route>& routes = route_table().routes();
  // Nothing of a request is read before it is known to come from nginx.
  if (services.nginx_secret && !services.nginx_secret->presented_in(request.param_or_empty("NOTES_NGINX_SECRET"))) {
    log::line(log::Level::warning, "refused a request without nginx's secret: another program spoke to the socket");
    return {render_error(family_of(request.path()),
                         ApiError{403, "forbidden", "This socket answers the service's nginx only."}),
            kUnmatchedRouteName, routes.size() + 1};
  }
  // Only nginx's auth location sets this param; no client header can.
  if (request.param_or_empty("NOTES_AUTH_REQUEST") == "1") {
    return {answer_auth(request, db, services), kAuthRouteName, routes.size()};
  }
  std::string_view path = request.path();
  request.path_params.clear();
  auto match = route_table().match(request.method(), path, request.path_params);
  Response response = answer(request, db, services, read_body, max_body_bytes, match);
  if (!match.route) return {std::move(response), kUnmatchedRouteName, routes.size() + 1};
  return {std::move(response), match.route->name, static_cast<std::size_t>(match.route - routes.data())};
}

}  // namespace notes
