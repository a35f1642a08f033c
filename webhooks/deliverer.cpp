#include "webhooks/deliverer.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <random>
#include <set>

#include "credentials/api_key.hpp"
#include "credentials/webhook_secret.hpp"
#include "log/log.hpp"
#include "sql/connection.hpp"
#include "webhooks/dispatcher.hpp"
#include "webhooks/retry_schedule.hpp"
#include "webhooks/sender.hpp"

namespace notes::webhooks {
namespace {

volatile std::sig_atomic_t stop_requested = 0;
void on_stop(int) { stop_requested = 1; }

struct Sending {
  int attempts_before = 0;
  std::string event;
};

}  // namespace

std::vector<std::string> delivery_headers(int64_t delivery_id, std::string_view event, std::string_view secret,
                                          int64_t unix_seconds, std::string_view body) {
  std::string timestamp = std::to_string(unix_seconds);
  return {"Content-Type: application/json",
          "Notes-Webhook-Id: " + std::to_string(delivery_id),
          "Notes-Webhook-Event: " + std::string(event),
          "Notes-Webhook-Timestamp: " + timestamp,
          "Notes-Webhook-Signature: v1=" + webhook_signature(secret, timestamp, body)};
}

sql::Result claim_due_deliveries(sql::Connection& db, int room, int per_endpoint, int lease_ms) {
  // In one transaction: the turn first, so that the claim's snapshot,
  // taken after it, holds every lease another process committed.
  auto results =
      db.execute_pipeline({sql::query::webhook_claim_turn(), sql::query::webhook_claim(room, per_endpoint, lease_ms)});
  return std::move(results[1]);
}

void run_deliverer(const DeliveryConfig& config, const sql::ConnectionSettings& database) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  // Told apart from the workers in ps, top and /proc.
  prctl(PR_SET_NAME, kProcessName);
  struct sigaction action{};
  action.sa_handler = on_stop;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGTERM, SIGINT, SIGUSR2}) sigaction(signal, &action, nullptr);
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);

  sql::Connection db(database);
  Dispatcher dispatcher(db);
  Sender sender(config.addresses, config.timeout);
  std::map<int64_t, Sending> sending;
  std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // A delivery stays held while it is sent, and a while more: a process
  // that died holding it lets go when the lease passes.
  const int lease_ms = static_cast<int>(config.timeout.count() * 2 + 5000);
  using Clock = std::chrono::steady_clock;
  auto next_dispatch = Clock::now();
  auto next_forget = Clock::now();
  const int64_t keep_s = std::chrono::duration_cast<std::chrono::seconds>(config.keep_finished).count();
  auto stop_by = Clock::time_point::max();
  // Deliveries fall due when a dispatch round queues them (here or in
  // another process), when a retry falls due, and when the lease of a
  // process that died passes. So the deliverer asks for them after each
  // dispatch round, after a send ended, and when a retry it scheduled is
  // due; others' retries and leases are found by the next round's ask.
  // (Asking on every turn of the loop made an idle service ask ten times a
  // second.)
  bool ask = true;
  std::multiset<Clock::time_point> retries_due;

  while (!stop_requested || !sending.empty()) {
    if (stop_requested && stop_by == Clock::time_point::max()) stop_by = Clock::now() + config.timeout;
    if (Clock::now() > stop_by) break;
    if (!stop_requested && Clock::now() >= next_dispatch) {
      dispatcher.dispatch();
      next_dispatch = Clock::now() + kDispatchEvery;
      ask = true;
    }
    while (!retries_due.empty() && *retries_due.begin() <= Clock::now()) {
      retries_due.erase(retries_due.begin());
      ask = true;
    }
    if (!stop_requested && Clock::now() >= next_forget) {
      db.execute(sql::query::webhook_forget_finished(keep_s, kForgetAtOnce));
      next_forget = Clock::now() + kForgetEvery;
    }
    int room = config.max_in_flight - static_cast<int>(sending.size());
    if (!stop_requested && room > 0 && ask) {
      ask = false;
      sql::Result claimed = claim_due_deliveries(db, room, config.per_endpoint, lease_ms);
      enum : int { kId, kEvent, kBody, kAttempts, kUrl, kSalt };
      for (int row = 0; claimed.ok() && row < claimed.rows(); ++row) {
        int64_t id = claimed.int64(row, kId);
        std::string secret = webhook_secret(config.key, from_hex(claimed.text(row, kSalt)).value());
        std::string body(claimed.text(row, kBody));
        int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
        sending[id] = {static_cast<int>(claimed.int64(row, kAttempts)), std::string(claimed.text(row, kEvent))};
        sender.start(id, std::string(claimed.text(row, kUrl)), body,
                     delivery_headers(id, sending[id].event, secret, now, body));
      }
    }
    auto until = retries_due.empty() ? next_dispatch : std::min(next_dispatch, *retries_due.begin());
    // Stopping: look at the deadline and the sends often.
    if (stop_requested) until = std::min(until, Clock::now() + std::chrono::milliseconds(100));
    auto wait = std::max<Clock::duration>(until - Clock::now(), {});
    for (const Outcome& outcome : sender.poll(std::chrono::ceil<std::chrono::milliseconds>(wait))) {
      ask = true;  // a place to send from is free again
      Sending& sent = sending[outcome.delivery_id];
      sql::query::DeliveryAttempt attempt;
      attempt.delivery_id = outcome.delivery_id;
      attempt.status = outcome.status;
      attempt.error = outcome.error;
      attempt.duration_ms = outcome.took.count();
      attempt.delivered = outcome.status && *outcome.status >= 200 && *outcome.status < 300;
      attempt.retry_in_ms = retry_delay(sent.attempts_before + 1, config.retry_base, unit(random)).count();
      attempt.give_up_after_s = config.retry_for.count();
      sql::Result recorded = db.execute(sql::query::webhook_record_attempt(attempt));
      bool given_up = recorded.ok() && recorded.boolean(0, 0);
      if (!attempt.delivered && !given_up) {
        retries_due.insert(Clock::now() + std::chrono::milliseconds(attempt.retry_in_ms));
      }
      if (given_up) {
        log::line(log::Level::warning, "webhook delivery %lld given up after %d attempts%s",
                  static_cast<long long>(outcome.delivery_id), sent.attempts_before + 1,
                  recorded.int64(0, 1) > 0 ? "; its endpoint is disabled" : "");
      }
      sending.erase(outcome.delivery_id);
    }
    if (sending.empty() && stop_requested) break;
  }
  _exit(0);
}

}  // namespace notes::webhooks
