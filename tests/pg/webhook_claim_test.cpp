// Delivery processes on several hosts take deliveries together
// (docs/scaling.md, "Several app hosts"): the per-endpoint bound holds for
// all of them, also while another process's claim has not committed yet.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <future>
#include <string>

#include "http/json_body.hpp"
#include "sql/connection.hpp"
#include "sql/statements.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"
#include "webhooks/deliverer.hpp"

namespace notes::test {
namespace {

constexpr int kPerEndpoint = 4;

// The stack's own delivery process, stopped while it lives, so that only
// the test's claims take the test's deliveries.
class StackDelivererStopped {
 public:
  StackDelivererStopped() {
    for (pid_t child : child_processes(stack_supervisor_pid())) {
      if (is_delivery_process(child)) pid_ = child;
    }
    if (pid_ > 0) kill(pid_, SIGSTOP);
  }
  ~StackDelivererStopped() {
    if (pid_ > 0) kill(pid_, SIGCONT);
  }

 private:
  pid_t pid_ = 0;
};

// An endpoint of a new company with `count` deliveries due, each about
// another note; its id.
std::string endpoint_with_deliveries(const std::string& tag, int count) {
  Company c = make_company(tag);
  std::string endpoint = query_value(
      "INSERT INTO webhook_endpoints (company_id, url, events, secret_salt, notes_after_xact, notes_after_id,"
      " accounts_after_xact, accounts_after_id) VALUES (" + c.id + ", 'http://192.0.2.1/', '{note.created}',"
      " '\\x00', '0', 0, '0', 0) RETURNING id");
  run_sql("INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body)"
          " SELECT " + c.id + ", " + endpoint + ", 'note.created', 'note:' || n, '{}'"
          " FROM generate_series(1, " + std::to_string(count) + ") n");
  return endpoint;
}

// webhook_claim's text with its parameters written in.
std::string claim_sql(int limit, int per_endpoint, int lease_ms) {
  std::string claim = sql::statement_text(sql::Statement::webhook_claim).sql;
  for (auto [n, value] : {std::pair{1, limit}, std::pair{2, per_endpoint}, std::pair{3, lease_ms}}) {
    claim.replace(claim.find("$" + std::to_string(n) + "::"), 2, std::to_string(value));
  }
  return claim;
}

TEST(WebhookClaim, TheBoundPerEndpointHoldsWhileAnotherProcessesClaimIsUncommitted) {
  StackDelivererStopped quiet;
  std::string endpoint = endpoint_with_deliveries("pg-claim", 8);
  auto ours = [&](const std::string& where) {
    return query_value("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = " + endpoint + where);
  };

  // Another host's delivery process, in the middle of its claim: it holds
  // four of the endpoint's deliveries, not yet committed.
  SecondConnection other;
  other.run("BEGIN");
  other.value(sql::statement_text(sql::Statement::webhook_claim_turn).sql);
  other.run(claim_sql(32, kPerEndpoint, 30000));

  sql::ConnectionSettings settings;
  settings.url = stack_value("NOTES_DATABASE_URL");
  settings.application_name = "notesd-pg-claim";
  sql::Connection db(settings);
  ASSERT_TRUE(db.ensure_ready());
  auto claiming = std::async(std::launch::async, [&] {
    sql::Result claimed = webhooks::claim_due_deliveries(db, 32, kPerEndpoint, 30000);
    EXPECT_TRUE(claimed.ok()) << claimed.error_message();
  });
  // It waits for the other claim to end, rather than count without it.
  EXPECT_TRUE(someone_waits_for_a_lock("notesd-pg-claim"));
  other.run("COMMIT");
  claiming.get();
  EXPECT_EQ(ours(" AND leased_until > now()"), std::to_string(kPerEndpoint))
      << "the two processes hold more than the bound between them";
}

// The rows a plan's nodes looked at, from EXPLAIN ANALYZE: each node's
// rows out and rows its filter removed, times its loops.
long long rows_examined(const rapidjson::Value& node) {
  auto number = [&](const char* name) {
    return node.HasMember(name) ? static_cast<long long>(node[name].GetDouble()) : 0LL;
  };
  long long rows = (number("Actual Rows") + number("Rows Removed by Filter")) * std::max(1LL, number("Actual Loops"));
  if (node.HasMember("Plans")) {
    for (const auto& child : node["Plans"].GetArray()) rows += rows_examined(child);
  }
  return rows;
}

// A backlog of N deliveries to one endpoint (a receiver down for a while, or
// a burst of changes) costs a claim reading about N rows, not N per
// delivery: counted per delivery, claims of a 17,000-delivery backlog took
// seconds each, and deliveries fell ever further behind.
TEST(WebhookClaim, AClaimReadsABacklogAboutOnceNotOncePerDelivery) {
  StackDelivererStopped quiet;
  constexpr int kBacklog = 3000;
  endpoint_with_deliveries("pg-backlog", kBacklog);
  SecondConnection claimer;
  claimer.run("BEGIN");
  std::string plan = claimer.value("EXPLAIN (ANALYZE, FORMAT JSON) " + claim_sql(32, kPerEndpoint, 30000));
  claimer.run("ROLLBACK");
  rapidjson::Document parsed;
  parsed.Parse(plan.c_str());
  ASSERT_TRUE(parsed.IsArray()) << plan;
  long long examined = rows_examined(parsed[0]["Plan"]);
  EXPECT_LE(examined, 10LL * kBacklog) << examined << " rows examined for a backlog of " << kBacklog;
}

}  // namespace
}  // namespace notes::test
