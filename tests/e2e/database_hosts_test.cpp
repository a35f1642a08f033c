// A worker on a database that moves (docs/scaling.md, "notesd follows the
// primary"): a host that vanishes mid-request is given up within the bound
// database-dead-after-ms promises, the write of unknown outcome answers 503
// and its retry applies once; and with several app hosts, a write on one
// wakes a feed reader waiting on another. Each notesd here is a test's own,
// spoken to in FastCGI: an app host of its own, with its own shared memory.
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "handlers/change_feed.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/network_namespace.hpp"
#include "tests/support/notesd_process.hpp"
#include "tests/support/second_connection.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class DatabaseHosts : public ClubSuite {
 protected:
  static Params as_admin() { return caller_params(std::stoll(club->admin_id), std::stoll(club->id), "admin"); }

  static Params with(Params params, std::initializer_list<std::pair<std::string, std::string>> more) {
    params.insert(params.end(), more.begin(), more.end());
    return params;
  }

  static FastCgiResponse create_note(const Notesd& host, const std::string& subject, const std::string& key = "") {
    Params params = with(as_admin(), {{"CONTENT_TYPE", "application/json"}});
    if (!key.empty()) params.emplace_back("HTTP_IDEMPOTENCY_KEY", key);
    return host.request("POST", "/api/customers/" + customer + "/notes", params,
                        R"({"subject":")" + subject + R"("})");
  }

  static int64_t milliseconds(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }
};

TEST_F(DatabaseHosts, AWriteWaitingOnAVanishedDatabaseAnswers503WithinTheBoundAndItsRetryAppliesOnce) {
  if (geteuid() != 0) GTEST_SKIP() << "a host of its own (a network namespace) needs root";
  NetworkNamespace database_host;
  RelayToUnixSocket database(database_host, 5432, stack_database_socket());
  constexpr int kDeadAfterMs = 2000;
  NotesdOptions options;
  options.workers = 1;
  options.database = "postgresql://notes@" + database_host.address() + ":5432/notes";
  options.arguments = {"--database-dead-after-ms=" + std::to_string(kDeadAfterMs)};
  Notesd app(options);
  ASSERT_TRUE(status_is(create_note(app, "before the loss"), 201)) << app.log();

  // The write is in the database, waiting on a lock, when its host vanishes;
  // the lock is let go then, so the write commits, but its answer never
  // comes back.
  SecondConnection holder;
  holder.run("BEGIN");
  holder.run("SELECT 1 FROM customers WHERE id = " + customer + " FOR UPDATE");
  auto writing = std::async(std::launch::async, [&] { return create_note(app, "in flight", "vanished-1"); });
  ASSERT_TRUE(someone_waits_for_a_lock());
  database_host.cut();
  auto cut = Clock::now();
  holder.run("COMMIT");
  FastCgiResponse answer = writing.get();
  auto answered = Clock::now();
  EXPECT_TRUE(status_is(answer, 503)) << answer.output;
  EXPECT_NE(answer.output.find("Retry-After:"), std::string::npos) << answer.output;
  // The bound docs/scaling.md states: database-dead-after-ms and a second.
  EXPECT_LE(milliseconds(answered - cut), kDeadAfterMs + 1000) << "the worker waited on a vanished host";

  // The host is back: the same request with its key applies once.
  database_host.restore();
  FastCgiResponse retried = create_note(app, "in flight", "vanished-1");
  EXPECT_TRUE(status_is(retried, 201)) << retried.output;
  EXPECT_EQ(query_value("SELECT count(*) FROM notes WHERE customer_id = " + customer + " AND subject = 'in flight'"),
            "1");
}

TEST_F(DatabaseHosts, AWriteOnOneAppHostWakesAFeedReaderWaitingOnAnother) {
  NotesdOptions options;
  options.workers = 2;
  options.arguments = {"--app-hosts=2"};
  Notesd writer_host(options), reader_host(options);
  auto end = reader_host.request("GET", "/api/customers/notes/changes?limit=1000", as_admin());
  ASSERT_TRUE(status_is(end, 200)) << end.output;
  HttpResponse parsed;
  parsed.body = end.output.substr(end.output.find("\r\n\r\n") + 4);
  std::string next = any_json_of(parsed)["next"].GetString();

  auto waiting = std::async(std::launch::async, [&] {
    return reader_host.request("GET", "/api/customers/notes/changes?wait=10&since=" + next, as_admin());
  });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(waiting.wait_for(0s), std::future_status::timeout) << "the long poll did not wait";
  ASSERT_TRUE(status_is(create_note(writer_host, "seen from the other host"), 201));
  auto written = Clock::now();
  FastCgiResponse page = waiting.get();
  auto answered = Clock::now();
  EXPECT_NE(page.output.find("seen from the other host"), std::string::npos) << page.output;
  // Unannounced, the reader would find it at its next look, kLookAgainEvery
  // after it began to wait: some 700 ms after this write.
  EXPECT_LT(answered - written, change_feed::kLookAgainEvery / 2) << milliseconds(answered - written) << " ms";
}

TEST_F(DatabaseHosts, TheStartSaysWhenTheDatabaseCannotConnectEveryHostsWorkers) {
  auto started_with = [](const std::string& hosts) {
    NotesdOptions options;
    options.workers = 4;
    options.arguments = {"--app-hosts=" + hosts};
    Notesd app(options);
    return app.log();
  };
  // The stack's PostgreSQL allows 200 connections, 3 of them for superusers.
  EXPECT_EQ(started_with("49").find("database connections"), std::string::npos);
  std::string log = started_with("50");
  EXPECT_NE(log.find("50 app hosts x 4 processes need 200 database connections, but the database allows 197"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace notes::test
