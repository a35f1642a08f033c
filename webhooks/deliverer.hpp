#pragma once
// The delivery process (docs/webhooks.md): a child of notesd's supervisor,
// beside the workers, with its own database connection. It dispatches the
// change feeds into deliveries, sends those due (signed, several at once),
// records every attempt, and retries failures with growing delays until
// the delivery is given up and its endpoint disabled. The API never waits
// on it.
#include "sql/connection.hpp"
#include "sql/settings.hpp"
#include "webhooks/delivery_config.hpp"

namespace notes::webhooks {

// The process's name (ps, /proc/PID/comm).
inline constexpr const char* kProcessName = "notes-webhooks";

// How often the feeds are looked at for new changes.
inline constexpr std::chrono::milliseconds kDispatchEvery{300};

// How often finished deliveries older than webhook-keep-days are looked
// for, and how many go at most each time (docs/webhooks.md, "What is
// kept"): 1,000 every ten seconds outpaces any rate of deliveries this
// service makes, and one statement never holds many rows.
inline constexpr std::chrono::seconds kForgetEvery{10};
inline constexpr int kForgetAtOnce = 1000;

// The headers a delivery carries (docs/webhooks.md, "Verifying a
// delivery"): id, event, timestamp and signature.
std::vector<std::string> delivery_headers(int64_t delivery_id, std::string_view event, std::string_view secret,
                                          int64_t unix_seconds, std::string_view body);

// Leases up to `room` due deliveries for `lease_ms`, at most `per_endpoint`
// held at once per endpoint by all delivery processes together, on every
// host: one process's claim at a time counts every other's leases. Rows as
// sql::query::webhook_claim's.
sql::Result claim_due_deliveries(sql::Connection& db, int room, int per_endpoint, int lease_ms);

// Runs until SIGTERM (or the retire signal): then it takes nothing new,
// lets what it is sending finish (within the request timeout) and exits.
[[noreturn]] void run_deliverer(const DeliveryConfig& config, const sql::ConnectionSettings& database);

}  // namespace notes::webhooks
