// Delivery processes on several hosts take deliveries together
// (docs/scaling.md, "Several app hosts"): the per-endpoint bound holds for
// all of them, also while another process's claim has not committed yet.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <string>

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
      std::string name;
      std::ifstream(("/proc/" + std::to_string(child) + "/comm").c_str()) >> name;
      if (name == webhooks::kProcessName) pid_ = child;
    }
    if (pid_ > 0) kill(pid_, SIGSTOP);
  }
  ~StackDelivererStopped() {
    if (pid_ > 0) kill(pid_, SIGCONT);
  }

 private:
  pid_t pid_ = 0;
};

TEST(WebhookClaim, TheBoundPerEndpointHoldsWhileAnotherProcessesClaimIsUncommitted) {
  StackDelivererStopped quiet;
  Company c = make_company("pg-claim");
  std::string endpoint = query_value(
      "INSERT INTO webhook_endpoints (company_id, url, events, secret_salt, notes_after_xact, notes_after_id,"
      " accounts_after_xact, accounts_after_id) VALUES (" + c.id + ", 'http://192.0.2.1/', '{note.created}',"
      " '\\x00', '0', 0, '0', 0) RETURNING id");
  run_sql("INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body)"
          " SELECT " + c.id + ", " + endpoint + ", 'note.created', 'note:' || n, '{}' FROM generate_series(1, 8) n");
  auto ours = [&](const std::string& where) {
    return query_value("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = " + endpoint + where);
  };

  // Another host's delivery process, in the middle of its claim: it holds
  // four of the endpoint's deliveries, not yet committed.
  SecondConnection other;
  other.run("BEGIN");
  other.value(sql::statement_text(sql::Statement::webhook_claim_turn).sql);
  std::string claim = sql::statement_text(sql::Statement::webhook_claim).sql;
  for (auto [n, value] : {std::pair{1, "32"}, std::pair{2, "4"}, std::pair{3, "30000"}}) {
    claim.replace(claim.find("$" + std::to_string(n) + "::"), 2, value);
  }
  other.run(claim);

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

}  // namespace
}  // namespace notes::test
