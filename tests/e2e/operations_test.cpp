// What an operator sees of notesd under systemd: --check-config, readiness
// and STATUS= on the notify socket, journald priorities, one line per
// request, and a database that lacks this binary's migrations
// and GET /metrics (docs/reliability.md, "Operating it" and "Metrics").
#include <signal.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "tests/e2e/e2e.hpp"
#include "tests/support/database.hpp"
#include "tests/support/metrics_text.hpp"
#include "tests/support/notesd_process.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  // The next message, or nothing within `limit`.
  std::optional<std::string> next(std::chrono::milliseconds limit) {
    timeval timeout{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(got));
  }
  // The first message that says `state`, within `limit`.
  std::optional<std::string> until(const std::string& state, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto message = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (message && message->find(state) != std::string::npos) return message;
    }
    return std::nullopt;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

int notesd_connections() {
  return std::stoi(query_value("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'notesd'"));
}

}  // namespace

TEST(Operations, CheckConfigSaysValidOrNamesTheFaultWithExit78) {
  std::string secret = " --nginx-secret-file " + stack_value("NOTES_NGINX_SECRET_FILE");
  CommandExit valid =
      run_command(NOTES_BUILD_DIR "/notesd --config /dev/null --database-url postgresql:///x --check-config" + secret);
  EXPECT_EQ(valid.status, 0) << valid.output;
  EXPECT_NE(valid.output.find("is valid"), std::string::npos) << valid.output;
  // Without the secret nginx sends, the workers would answer anyone.
  CommandExit no_secret = run_command(NOTES_BUILD_DIR
                                      "/notesd --config /dev/null --nginx-secret-file /nonexistent --check-config");
  EXPECT_EQ(no_secret.status, 78) << no_secret.output;
  EXPECT_NE(no_secret.output.find("nginx-secret-file"), std::string::npos) << no_secret.output;
  CommandExit invalid = run_command(NOTES_BUILD_DIR "/notesd --config /dev/null --workers 0x --check-config");
  EXPECT_EQ(invalid.status, 78) << invalid.output;
  EXPECT_NE(invalid.output.find("workers"), std::string::npos) << invalid.output;
  CommandExit bad_level = run_command(NOTES_BUILD_DIR "/notesd --config /dev/null --log-level loud --check-config");
  EXPECT_EQ(bad_level.status, 78) << bad_level.output;
  EXPECT_NE(bad_level.output.find("log-level"), std::string::npos) << bad_level.output;
}

// A refused configuration, when systemd started notesd for a request
// (docs/reliability.md, "A bad config file"): the requests waiting are
// answered 503 before notesd exits 78. Left waiting, each made systemd
// start notesd again at once, until its start limit stopped the socket.
TEST(Operations, ARefusedConfigAnswersTheRequestsWaitingBeforeItExits) {
  std::optional<FastCgiConnection> waiting;
  NotesdOptions options;
  options.from = SocketFrom::systemd;
  options.arguments = {"--log-level", "loud"};
  options.wait_for_socket = false;
  options.before_start = [&](const std::string& socket_path) {
    waiting.emplace(socket_path);
    waiting->begin({{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/api/v2/account/7/note"}, {"CONTENT_LENGTH", "0"}},
                   "", true);
  };
  Notesd notesd(options);
  ASSERT_TRUE(waiting);
  FastCgiResponse answer = waiting->finish("", std::chrono::seconds(5));
  EXPECT_TRUE(status_is(answer, 503)) << answer.output << notesd.log();
  EXPECT_NE(answer.output.find(R"({"result":"error","error":"The service's configuration is refused)"),
            std::string::npos)
      << answer.output;
  int status = 0;
  ASSERT_EQ(waitpid(notesd.pid_, &status, 0), notesd.pid_);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 78) << status;
}

TEST(Operations, ReadyOnlyOnceEveryWorkerHoldsAConnection) {
  NotifySocket notify("/tmp/notesd-notify-" + std::to_string(getpid()));
  int before = notesd_connections();
  NotesdOptions options;
  options.workers = 3;
  options.environment = {{"NOTIFY_SOCKET", notify.path()}};
  options.wait_for_socket = false;
  Notesd notesd(options);
  auto ready = notify.until("READY=1", 10s);
  ASSERT_TRUE(ready) << notesd.log();
  // At READY=1 the three workers' connections exist already.
  EXPECT_GE(notesd_connections(), before + 3);
  EXPECT_NE(ready->find("STATUS=serving: 3 workers, each with a database connection"), std::string::npos) << *ready;
}

TEST(Operations, StatusSaysWhenWorkersHaveNoDatabase) {
  NotifySocket notify("/tmp/notesd-notify-down-" + std::to_string(getpid()));
  NotesdOptions options;
  options.database = "postgresql://notes@/notes?host=/nonexistent";
  options.environment = {{"NOTIFY_SOCKET", notify.path()}};
  options.wait_for_socket = false;
  Notesd notesd(options);
  auto ready = notify.until("READY=1", 10s);
  ASSERT_TRUE(ready) << notesd.log();
  EXPECT_NE(ready->find("STATUS=degraded: 2 of 2 workers without a database connection"), std::string::npos)
      << *ready;
}

TEST(Operations, LinesCarryJournalPrioritiesWhenStderrIsTheJournal) {
  NotesdOptions options;
  options.database = "postgresql://notes@/notes?host=/nonexistent";
  options.stderr_is_journal = true;
  Notesd notesd(options);
  std::string log = notesd.log();
  // Each line starts with its priority: the failed connection an error,
  // the start a notice; no line without one.
  EXPECT_NE(log.find("<3>database connection failed"), std::string::npos) << log;
  EXPECT_NE(log.find("<5>2 workers on"), std::string::npos) << log;
  std::size_t start = 0;
  while (start < log.size()) {
    EXPECT_EQ(log[start], '<') << "a line without its priority: " << log.substr(start, log.find('\n', start) - start);
    start = log.find('\n', start);
    if (start == std::string::npos) break;
    ++start;
  }
}

// slow-request-ms (docs/reliability.md, "One line per request"): a request
// that took that long is written at warning, although request lines are
// not written otherwise; a fast one is not.
TEST(Operations, ASlowRequestIsWrittenAtWarning) {
  NotesdOptions options;
  options.arguments = {"--slow-request-ms", "200"};
  options.stderr_is_journal = true;
  Notesd notesd(options);
  auto caller = [](const std::string& request_id) {
    Params params = caller_params(7, 3, "staff");
    params.emplace_back("REQUEST_ID", request_id);
    return params;
  };
  ASSERT_TRUE(status_is(notesd.request("GET", "/api/v2/objspec/account_note", caller(std::string(32, 'f'))), 200));
  // A request that waits 300 ms for a lock a second connection holds.
  SecondConnection holder;
  holder.run("BEGIN");
  holder.run("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
  std::thread release([&] {
    std::this_thread::sleep_for(300ms);
    holder.run("COMMIT");
  });
  auto answer = notesd.request("GET", "/api/v2/account/1/note", caller(std::string(32, '5')));
  release.join();
  EXPECT_TRUE(status_is(answer, 404)) << answer.output;
  EXPECT_TRUE(Notesd::wait_until([&] { return notesd.log().find("request id=5555") != std::string::npos; }, 2s))
      << notesd.log();
  EXPECT_NE(notesd.log().find("<4>request id=" + std::string(32, '5') + " route=\"GET /api/v2/account/{account_id}/note\" status=404"),
            std::string::npos)
      << notesd.log();
  EXPECT_EQ(notesd.log().find("request id=ffff"), std::string::npos) << notesd.log();
}

TEST(Operations, OneLinePerRequestWithRouteStatusUserAndRequestId) {
  NotesdOptions options;
  options.arguments = {"--request-log-level", "info"};
  Notesd notesd(options);
  Params params = caller_params(7, 3, "staff");
  params.emplace_back("REQUEST_ID", "0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(status_is(notesd.request("GET", "/api/v2/objspec/account_note", params), 200));
  ASSERT_TRUE(Notesd::wait_until([&] { return notesd.log().find("request id=0123") != std::string::npos; }, 2s));
  std::string log = notesd.log();
  EXPECT_NE(log.find("request id=0123456789abcdef0123456789abcdef route=\"GET /api/v2/objspec/account_note\" "
                     "status=200 ms="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" user=7 company=3\n"), std::string::npos) << log;
}

TEST(Operations, RequestLinesAreOffByDefaultButA5xxIsAlwaysLogged) {
  Notesd quiet;
  ASSERT_TRUE(status_is(quiet.request("GET", "/healthz", {{"REQUEST_ID", "aaaa"}}), 200));
  Notesd down(SocketFrom::own_bind, 1, "postgresql://notes@/notes?host=/nonexistent");
  ASSERT_TRUE(status_is(down.request("GET", "/api/v2/account/1/note",
                                     [] {
                                       Params p = caller_params(1, 1, "owner");
                                       p.emplace_back("REQUEST_ID", "bbbb");
                                       return p;
                                     }()),
                        503));
  ASSERT_TRUE(Notesd::wait_until([&] { return down.log().find("request id=bbbb") != std::string::npos; }, 2s))
      << down.log();
  EXPECT_NE(down.log().find("err: request id=bbbb route=\"GET /api/v2/account/{account_id}/note\" status=503"),
            std::string::npos)
      << down.log();
  EXPECT_EQ(quiet.log().find("request id=aaaa"), std::string::npos) << quiet.log();
}

TEST(Operations, PendingMigrationsRefuseToServeUntilMigrated) {
  run_sql("DROP DATABASE IF EXISTS notes_unmigrated WITH (FORCE)");
  run_sql("CREATE DATABASE notes_unmigrated OWNER notes_owner");
  std::string url = database_url_named("notes_unmigrated");
  NotifySocket notify("/tmp/notesd-notify-schema-" + std::to_string(getpid()));
  NotesdOptions options;
  options.database = url;
  options.environment = {{"NOTIFY_SOCKET", notify.path()}};
  {
    Notesd notesd(options);
    auto ready = notify.until("READY=1", 10s);
    ASSERT_TRUE(ready) << notesd.log();
    EXPECT_NE(ready->find("STATUS=not serving: 2 workers; the database needs `notesctl migrate`"), std::string::npos)
        << *ready;
    auto readyz = notesd.request("GET", "/readyz");
    EXPECT_TRUE(status_is(readyz, 503)) << readyz.output;
    EXPECT_NE(readyz.output.find("migrations pending: run notesctl migrate"), std::string::npos) << readyz.output;
    auto note = notesd.request("GET", "/api/v2/account/1/note", caller_params(1, 1, "owner"));
    EXPECT_TRUE(status_is(note, 503)) << note.output;
    // Said once per worker at err priority, naming what is missing.
    EXPECT_NE(notesd.log().find("err: the database schema is older than this notesd: "), std::string::npos)
        << notesd.log();
    EXPECT_NE(notesd.log().find(" migrations pending (first: 001_schema.sql). Requests are refused (503) until an "
                                "operator runs `notesctl migrate`."),
              std::string::npos)
        << notesd.log();

    CommandExit migrated = run_command(NOTES_BUILD_DIR "/notesctl --database-url '" + url + "' migrate");
    ASSERT_EQ(migrated.status, 0) << migrated.output;
    // Each worker looks again at most kSchemaRecheckInterval (1 s) after its
    // last look, on the next request: serving within that second.
    auto migrated_at = std::chrono::steady_clock::now();
    EXPECT_TRUE(Notesd::wait_until([&] { return status_is(notesd.request("GET", "/readyz"), 200); }, 1250ms))
        << notesd.log();
    EXPECT_LT(std::chrono::steady_clock::now() - migrated_at, 1250ms);
  }
  run_sql("DROP DATABASE notes_unmigrated WITH (FORCE)");
}

// The search language is the database's (docs/operations.md, "Search"):
// `notesctl search-language --set` changes it and re-indexes every note at
// once, so that words are parsed as the notes were indexed. A database of
// its own: the stack's other tests search in English meanwhile.
TEST(Operations, SearchLanguageIsSetByNotesctlAndReindexesEveryNote) {
  run_sql("DROP DATABASE IF EXISTS notes_language WITH (FORCE)");
  run_sql("CREATE DATABASE notes_language OWNER notes_owner");
  std::string url = database_url_named("notes_language");
  std::string ctl = NOTES_BUILD_DIR "/notesctl --database-url '" + url + "' ";
  auto sql = [&](const std::string& statement) {
    CommandExit result = run_command("psql '" + url + "' -v ON_ERROR_STOP=1 -Atqc \"" + statement + "\"");
    EXPECT_EQ(result.status, 0) << statement << ": " << result.output;
    return result.output.substr(0, result.output.find('\n'));
  };
  ASSERT_EQ(run_command(ctl + "migrate").status, 0);
  sql("INSERT INTO companies (name) VALUES ('c'); INSERT INTO users (company_id, role, username) VALUES (1, 'owner', 'o');"
      " INSERT INTO customers (company_id) VALUES (1);"
      " INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject) VALUES (1, 1, 1, 'customer', 'Lockers');"
      " INSERT INTO note_messages (note_id, company_id, posted_by, message) VALUES (1, 1, 1, 'Running late')");
  auto matches = [&](const std::string& words) {
    return sql("SELECT count(*) FROM notes WHERE search @@ websearch_to_tsquery(notes_search_language(), '" + words + "')");
  };
  EXPECT_EQ(run_command(ctl + "search-language").output, "english\n");
  EXPECT_EQ(matches("locker"), "1");  // English stems: lockers, locker -> locker
  EXPECT_EQ(matches("run"), "1");     // running -> run, in a message

  CommandExit set = run_command(ctl + "search-language --set simple");
  EXPECT_EQ(set.status, 0) << set.output;
  EXPECT_NE(set.output.find("re-indexed 1 notes"), std::string::npos) << set.output;
  EXPECT_EQ(matches("locker"), "0");  // simple does not stem
  EXPECT_EQ(matches("lockers"), "1");
  EXPECT_EQ(matches("running"), "1");

  CommandExit unknown = run_command(ctl + "search-language --set 'klingon'');drop table notes;--'");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("no text search configuration named"), std::string::npos) << unknown.output;
  EXPECT_EQ(run_command(ctl + "search-language").output, "simple\n");
  EXPECT_EQ(matches("lockers"), "1");
  run_sql("DROP DATABASE notes_language WITH (FORCE)");
}

// `notesctl archive status` (docs/backups.md, "What to watch") tells a
// monitor by its exit code that no WAL reaches the backups. The stack's
// PostgreSQL archives nothing, which is the case it must not call good;
// script/test-backup drives the other cases against a real repository.
TEST(Operations, ArchiveStatusExitsOneAndSaysSoWhenArchivingIsOff) {
  CommandExit status =
      run_command(NOTES_BUILD_DIR "/notesctl --database-url '" + stack_value("NOTES_DATABASE_URL") + "' archive status");
  EXPECT_EQ(status.status, 1) << status.output;
  EXPECT_NE(status.output.find("archive_mode:           off"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("notesctl: archiving is off"), std::string::npos) << status.output;
}

// A running service follows a language change at once. Its sessions had
// planned the old language into their statements and triggers (a constant
// function, folded into each plan, that no plan recorded it depended on):
// they went on indexing new notes and parsing searches in it until they
// reconnected.
TEST(Operations, ARunningServiceIndexesAndSearchesInANewLanguageAtOnce) {
  run_sql("DROP DATABASE IF EXISTS notes_language_live WITH (FORCE)");
  run_sql("CREATE DATABASE notes_language_live OWNER notes_owner");
  std::string url = database_url_named("notes_language_live");
  std::string ctl = NOTES_BUILD_DIR "/notesctl --database-url '" + url + "' ";
  ASSERT_EQ(run_command(ctl + "migrate").status, 0);
  CommandExit seeded = run_command(
      "psql '" + url + "' -v ON_ERROR_STOP=1 -Atqc \"INSERT INTO companies (name) VALUES ('c');"
      " INSERT INTO users (company_id, role, username) VALUES (1, 'owner', 'o');"
      " INSERT INTO customers (company_id) VALUES (1)\"");
  ASSERT_EQ(seeded.status, 0) << seeded.output;
  {
    Notesd notesd(SocketFrom::own_bind, 1, url);  // one worker, one session
    auto post = [&](const std::string& subject) {
      Params params = caller_params(1, 1, "owner");
      params.emplace_back("CONTENT_TYPE", "application/json");
      return notesd.request("POST", "/api/customers/1/notes", params, "{\"subject\":\"" + subject + "\"}");
    };
    auto found = [&](const std::string& words) {
      auto page = notesd.request("GET", "/api/customers/notes?q=" + words, caller_params(1, 1, "owner"));
      EXPECT_TRUE(status_is(page, 200) || status_is(page, 204)) << page.output;
      return status_is(page, 200);
    };
    // The worker's session plans its statements and triggers in English.
    for (int i = 0; i < 6; ++i) {
      auto created = post("Lockers running");
      ASSERT_TRUE(status_is(created, 201)) << created.output;
    }
    EXPECT_TRUE(found("locker"));

    CommandExit set = run_command(ctl + "search-language --set simple");
    ASSERT_EQ(set.status, 0) << set.output;
    ASSERT_TRUE(status_is(post("Towels folding"), 201));
    CommandExit indexed = run_command("psql '" + url + "' -Atqc \"SELECT search FROM notes WHERE subject = 'Towels folding'\"");
    EXPECT_EQ(indexed.output, "'folding':2A 'towels':1A\n");  // simple does not stem
    EXPECT_TRUE(found("towels"));
    EXPECT_TRUE(found("lockers"));
    EXPECT_FALSE(found("locker"));
  }  // notesd stops before its database goes
  run_sql("DROP DATABASE notes_language_live WITH (FORCE)");
}

}  // namespace notes::test

namespace notes::test {

TEST(Operations, MetricsSumEveryWorkerAndOutliveTheWorkersThatCounted) {
  Notesd notesd;  // two workers
  const std::string healthz_ok = R"(notes_requests_total{route="GET /healthz",status="200"})";
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  auto first = notesd.request("GET", "/metrics");
  ASSERT_TRUE(status_is(first, 200)) << first.output;
  EXPECT_NE(first.output.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos)
      << first.output;
  EXPECT_EQ(sample_value(first.output, healthz_ok), 10) << first.output;
  EXPECT_EQ(sample_value(first.output, R"(notes_request_duration_seconds_count{route="GET /healthz"})"), 10);
  EXPECT_EQ(sample_value(first.output, "notes_workers"), 2);
  EXPECT_EQ(sample_value(first.output, "notes_worker_restarts_total"), 0);

  // Every worker that counted dies: the counts stay, and the deaths count.
  auto counted_by = notesd.workers_now();
  ASSERT_EQ(counted_by.size(), 2u);
  for (pid_t worker : counted_by) kill(worker, SIGKILL);
  ASSERT_TRUE(Notesd::wait_until(
      [&] {
        auto now = notesd.workers_now();
        return now.size() == 2 && !now.count(*counted_by.begin()) && !now.count(*counted_by.rbegin());
      },
      5s));
  auto after = notesd.request("GET", "/metrics");
  ASSERT_TRUE(status_is(after, 200)) << after.output;
  EXPECT_EQ(sample_value(after.output, healthz_ok), 10) << after.output;
  EXPECT_EQ(sample_value(after.output, R"(notes_requests_total{route="GET /metrics",status="200"})"), 1);
  EXPECT_EQ(sample_value(after.output, "notes_worker_restarts_total"), 2) << after.output;
}

TEST(Operations, MetricsCountDatabaseFailuresAndReconnects) {
  {
    Notesd down(SocketFrom::own_bind, 1, "postgresql://notes@/notes?host=/nonexistent");
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(status_is(down.request("GET", "/readyz"), 503));
    auto metrics = down.request("GET", "/metrics");
    EXPECT_EQ(sample_value(metrics.output, R"(notes_database_errors_total{kind="unavailable"})"), 3) << metrics.output;
    EXPECT_EQ(sample_value(metrics.output, R"(notes_requests_total{route="GET /readyz",status="503"})"), 3);
    EXPECT_EQ(sample_value(metrics.output, "notes_database_reconnects_total"), 0);
  }
  std::string started = query_value("SELECT now()");
  Notesd notesd(SocketFrom::own_bind, 1);
  ASSERT_TRUE(status_is(notesd.request("GET", "/readyz"), 200));
  // End this notesd's one connection, as an operator's pg_terminate_backend would.
  std::string its_backend = "FROM pg_stat_activity WHERE application_name = 'notesd' AND backend_start > '" +
                            started + "'";
  ASSERT_EQ(query_value("SELECT count(pg_terminate_backend(pid)) " + its_backend), "1");
  ASSERT_TRUE(Notesd::wait_until([&] { return query_value("SELECT count(*) " + its_backend) == "0"; }, 5s));
  ASSERT_TRUE(status_is(notesd.request("GET", "/readyz"), 200));
  auto metrics = notesd.request("GET", "/metrics");
  EXPECT_EQ(sample_value(metrics.output, "notes_database_reconnects_total"), 1) << metrics.output;
  EXPECT_EQ(sample_value(metrics.output, R"(notes_database_errors_total{kind="unavailable"})"), 0);
}

}  // namespace notes::test
