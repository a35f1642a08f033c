#pragma once
#include <cstddef>

#include "credentials/access_token.hpp"
#include "credentials/failed_key_lookups.hpp"
#include "credentials/nginx_secret.hpp"
#include "handlers/search_places.hpp"
#include "handlers/token_revocations.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "metrics/service_metrics.hpp"
#include "sql/change_listeners.hpp"
#include "sql/connection.hpp"

namespace notes {

// What a worker keeps for every request besides its database connection.
// Each may be null where nothing keeps it (a test of one handler).
struct WorkerServices {
  // The service's counters (GET /metrics).
  const metrics::ServiceMetrics* metrics = nullptr;
  // The keys access tokens are signed with; null or empty: token login is off.
  const SigningKeys* token_keys = nullptr;
  TokenRevocations* token_revocations = nullptr;
  // The places where feed readers wait (handlers/change_feed.hpp); null:
  // readers never wait.
  const sql::ChangeListeners* change_listeners = nullptr;
  // Whether the worker has been asked to stop: a waiting reader is answered.
  bool (*stop_pending)() = nullptr;
  // What nginx sends with every request; null: not asked (tests of handlers).
  const NginxSecret* nginx_secret = nullptr;
  // Failed API key look-ups per client address; null: not limited.
  const FailedKeyLookups* failed_key_lookups = nullptr;
  // The workers each company's searches hold; null: not limited.
  const SearchPlaces* search_places = nullptr;
};

// What a handler gets besides the request.
struct HandlerContext {
  sql::Connection& db;
  // Set for routes that need a caller; the dispatcher answers 401 without one.
  Identity caller;
  const WorkerServices& services;

  // The caller as the statements of sql/queries.hpp take it.
  sql::Caller sql_caller() const { return {caller.company_id, caller.user_id, caller.role}; }
};

using Handler = Response (*)(const Request&, HandlerContext&);

}  // namespace notes
