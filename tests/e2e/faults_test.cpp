// Faults under load, through the real stack: a worker killed, stopped or
// frozen mid-answer, the database restarted, the supervisor signalled,
// clients that trickle. Each test prints the figures docs/reliability.md
// quotes.
#include <signal.h>
#include <sys/syscall.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/database.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stack_env.hpp"
#include "tests/support/syscall_freezer.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

pid_t supervisor_pid() { return stack_supervisor_pid(); }

// Waits until `pid` shows as stopped ('T') in /proc, i.e. a SIGSTOP took hold.
bool wait_until_stopped(pid_t pid) {
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(1ms)) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto after_name = stat.rfind(')');  // the name in parentheses may hold spaces
    if (after_name != std::string::npos && stat.compare(after_name, 3, ") T") == 0) return true;
  }
  return false;
}

std::set<pid_t> workers() {
  return worker_processes(supervisor_pid());
}

// Has nginx start new worker processes (SIGHUP) and waits until the old ones
// are gone, and with them the connections they kept to the notes workers.
bool restart_nginx_workers() {
  pid_t master = 0;
  std::ifstream(stack_value("NOTES_RUNTIME_DIR") + "/nginx/nginx.pid") >> master;
  auto old_workers = child_processes(master);
  if (master <= 0 || kill(master, SIGHUP) != 0) return false;
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
    auto now = child_processes(master);
    bool replaced = !now.empty();
    for (pid_t old : old_workers) replaced = replaced && !now.count(old) && kill(old, 0) != 0;
    if (replaced) return true;
  }
  return false;
}

// Requests from several threads until stopped; every answer is recorded.
class Load {
 public:
  struct Answer {
    Clock::time_point sent, answered;
    long status;
    std::string retry_after;
    std::string tag;    // what the request wrote, for writers
    std::string error;  // why there was no HTTP answer (status 0)
  };
  using Request = std::function<HttpResponse(int thread, int n, std::string& tag)>;

  Load(int threads, Request request) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, t, request] {
        for (int n = 0; running_; ++n) {
          std::string tag;
          Answer answer;
          answer.sent = Clock::now();
          try {
            auto response = request(t, n, tag);
            answer.status = response.status;
            answer.retry_after = response.header("retry-after");
          } catch (const std::exception& e) {
            answer.status = 0;  // no HTTP answer at all
            answer.error = e.what();
          }
          answer.answered = Clock::now();
          answer.tag = tag;
          std::lock_guard lock(mutex_);
          answers_.push_back(answer);
        }
      });
    }
  }
  std::vector<Answer> stop() {
    running_ = false;
    for (auto& t : threads_) t.join();
    return answers_;
  }
  ~Load() {
    if (running_) stop();
  }

 private:
  std::atomic<bool> running_{true};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<Answer> answers_;
};

std::map<long, int> count_statuses(const std::vector<Load::Answer>& answers) {
  std::map<long, int> counts;
  for (const auto& a : answers) ++counts[a.status];
  return counts;
}

// "200x41779 504x1", then the transport error behind each request that got no
// HTTP answer (status 0): what a failure message and a FAULT line show.
std::string describe(const std::vector<Load::Answer>& answers) {
  std::string text;
  for (const auto& [status, n] : count_statuses(answers)) {
    text += std::to_string(status) + "x" + std::to_string(n) + " ";
  }
  for (const auto& a : answers)
    if (a.status == 0) text += "[" + a.error + "] ";
  return text;
}

long long ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

class Faults : public ClubSuite {
 protected:
  static void SetUpTestSuite() {
    ClubSuite::SetUpTestSuite();
    // A worker may still hold a connection an earlier test had the database
    // terminate: its first write answers 503 (writes are never replayed).
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto created =
          http("POST", account_note_url(club->account_id), {raw_key(club->owner_key), kJson}, R"({"note":"read me"})");
      if (created.status != 503) break;
    }
  }
  static HttpResponse read(int, int, std::string&) {
    return http("GET", account_note_url(club->account_id), {raw_key(club->owner_key)});
  }
};

}  // namespace

TEST_F(Faults, KilledWorkerFailsOnlyItsOwnRequestAndIsReplacedWithinOneSecond) {
  auto before = workers();
  ASSERT_GE(before.size(), 2u);
  Load load(4, read);
  std::this_thread::sleep_for(1s);
  pid_t victim = *before.begin();
  auto killed_at = Clock::now();
  kill(victim, SIGKILL);
  Clock::duration replaced_after{};
  while (Clock::now() - killed_at < 5s) {
    auto now = workers();
    if (now.size() == before.size() && !now.count(victim)) {
      replaced_after = Clock::now() - killed_at;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(1s);
  auto answers = load.stop();
  auto counts = count_statuses(answers);
  std::printf("FAULT kill-9 worker: %zu requests, %s; replaced after %lld ms\n", answers.size(),
              describe(answers).c_str(), ms(replaced_after));
  EXPECT_GT(replaced_after.count(), 0) << "not replaced within 5 s";
  EXPECT_LT(ms(replaced_after), 1000);
  // A worker serves one request at a time: at most the one it held fails, as 502.
  EXPECT_LE(static_cast<int>(answers.size()) - counts[200], 1) << describe(answers);
  EXPECT_EQ(counts[200] + counts[502], static_cast<int>(answers.size())) << describe(answers);
}

TEST_F(Faults, DatabaseRestartIs503MeanwhileAndLosesNoAcknowledgedWrite) {
  std::atomic<int> sequence{0};
  // Tags unique to this run, so a repeated run (--gtest_repeat) counts only its own notes.
  std::string run = std::to_string(Clock::now().time_since_epoch().count());
  Load load(4, [&](int thread, int, std::string& tag) {
    if (thread % 2 == 1) return read(thread, 0, tag);
    tag = "restart-" + run + "-" + std::to_string(sequence++);
    return http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->admin_key), kJson},
                "{\"subject\":\"" + tag + "\"}");
  });
  std::this_thread::sleep_for(1s);
  std::string stack_dir = stack_value("NOTES_STACK_DIR");
  auto stopping = Clock::now();
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-stop " + stack_dir).c_str()), 0);
  auto stopped = Clock::now();
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-start " + stack_dir).c_str()), 0);
  auto back = Clock::now();
  std::this_thread::sleep_for(3s);
  auto answers = load.stop();

  auto counts = count_statuses(answers);
  Clock::duration slowest{}, recovered_after = 1h;
  int unavailable_without_retry_after = 0;
  for (const auto& a : answers) {
    slowest = std::max(slowest, a.answered - a.sent);
    if (a.status == 503 && a.retry_after.empty()) ++unavailable_without_retry_after;
    if (a.status / 100 == 2 && a.sent >= back) recovered_after = std::min(recovered_after, a.answered - back);
  }
  std::printf("FAULT database restart (down %lld ms): %zu requests, %s; slowest answer %lld ms; "
              "first success %lld ms after it was back\n",
              ms(back - stopping), answers.size(), describe(answers).c_str(), ms(slowest), ms(recovered_after));
  EXPECT_GT(ms(stopped - stopping), 0);
  for (const auto& [status, n] : counts) EXPECT_TRUE(status / 100 == 2 || status == 503) << status << " x" << n;
  EXPECT_GT(counts[503], 0) << "the outage was not seen";
  EXPECT_EQ(unavailable_without_retry_after, 0);
  EXPECT_LT(ms(slowest), 3000) << "a request hung while the database was down";
  EXPECT_LT(ms(recovered_after), 2000);
  // Every acknowledged write is there once; nothing is there twice.
  for (const auto& a : answers) {
    if (a.tag.empty()) continue;
    std::string copies = query_value("SELECT count(*) FROM notes WHERE subject = '" + a.tag + "'");
    if (a.status == 201) {
      EXPECT_EQ(copies, "1") << a.tag;
    } else {
      EXPECT_TRUE(copies == "0" || copies == "1") << a.tag << " x" << copies;
    }
  }
}

// A pipeline's statements answer before its transaction commits, at the
// pipeline's end. A commit that failed there (the session ended by a fast
// shutdown, a check deferred to commit) showed only in place of the end
// marker, and the write was answered as done: a database restart once left
// a 201 whose note was not stored. A constraint trigger that fails at
// commit makes that moment certain here.
TEST_F(Faults, AWriteWhoseCommitFailsIsNotAnsweredAsDone) {
  std::string marker = "fails-at-commit-" + std::to_string(Clock::now().time_since_epoch().count());
  run_sql("CREATE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS"
          " $$ BEGIN RAISE EXCEPTION 'failed at commit'; END $$");
  run_sql("CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON notes DEFERRABLE INITIALLY DEFERRED"
          " FOR EACH ROW WHEN (NEW.subject = '" + marker + "') EXECUTE FUNCTION test_fail_at_commit()");
  auto post = [&](const std::string& subject) {
    return http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->admin_key), kJson},
                "{\"subject\":\"" + subject + "\"}");
  };
  auto failed = post(marker);
  auto next = post(marker + "-then");
  run_sql("DROP TRIGGER test_fail_at_commit ON notes");
  run_sql("DROP FUNCTION test_fail_at_commit()");

  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_NE(failed.body.find("\"error\""), std::string::npos) << failed.body;
  EXPECT_EQ(query_value("SELECT count(*) FROM notes WHERE subject = '" + marker + "'"), "0");
  EXPECT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(query_value("SELECT count(*) FROM notes WHERE subject = '" + marker + "-then'"), "1");
}

// Every worker's connection terminated by the database (a failover, an
// operator's pg_terminate_backend): the workers reconnect at once, and a read
// whose connection was found dead runs again on the new one.
TEST_F(Faults, ReadsSurviveTheLossOfEveryDatabaseConnection) {
  for (int i = 0; i < 20; ++i) http("GET", account_note_url(club->account_id), {raw_key(club->owner_key)});
  ASSERT_NE(query_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE application_name = 'notesd'"),
            "0");
  std::map<long, int> statuses;
  for (int i = 0; i < 300; ++i) {
    ++statuses[http("GET", account_note_url(club->account_id), {raw_key(club->owner_key)}).status];
  }
  EXPECT_EQ(statuses[200], 300) << "statuses: " << [&] {
    std::string out;
    for (auto [status, count] : statuses) out += std::to_string(status) + " x" + std::to_string(count) + " ";
    return out;
  }();
  // A write is never retried, but the next one finds a connection at once.
  query_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'notesd'");
  std::string notes = base_url() + "/api/customers/" + customer + "/notes";
  long first = http("POST", notes, {bearer(club->admin_key), kJson}, R"({"subject":"after loss"})").status;
  EXPECT_TRUE(first == 201 || first == 503) << first;
  for (int i = 0; i < 4; ++i) {  // each worker's first write after the loss may be the one that finds it
    http("POST", notes, {bearer(club->admin_key), kJson}, R"({"subject":"after loss"})");
  }
  EXPECT_EQ(http("POST", notes, {bearer(club->admin_key), kJson}, R"({"subject":"after loss"})").status, 201);
  // Leave every worker with a live connection for the tests after this one.
  for (int i = 0; i < 20; ++i) http("GET", account_note_url(club->account_id), {raw_key(club->owner_key)});
}

// A SIGHUP while the database is down: the new workers get no connection,
// so the running ones stay (docs/reliability.md).
TEST_F(Faults, ReloadKeepsTheWorkersWhenNewOnesGetNoDatabaseConnection) {
  auto before = workers();
  std::string stack_dir = stack_value("NOTES_STACK_DIR");
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-stop " + stack_dir).c_str()), 0);
  kill(supervisor_pid(), SIGHUP);
  // A new worker says at once that it got no connection; the supervisor
  // would wait connect_timeout (2 s) + 2 s for one that says nothing.
  std::this_thread::sleep_for(2s);
  auto after = workers();
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-start " + stack_dir).c_str()), 0);
  for (pid_t pid : before) EXPECT_TRUE(after.count(pid)) << "worker " << pid << " was replaced";
  EXPECT_EQ(after, before);
  // And they serve again once the database is back.
  HttpResponse answer;
  auto back = Clock::now();
  for (auto deadline = back + 5s; Clock::now() < deadline && answer.status != 200; std::this_thread::sleep_for(50ms)) {
    answer = http("GET", account_note_url(club->account_id), {raw_key(club->owner_key)});
  }
  EXPECT_EQ(answer.status, 200) << answer.body;
  std::printf("FAULT SIGHUP with the database down: workers kept; first success %lld ms after it was back\n",
              ms(Clock::now() - back));
}

// nginx keeps connections to the workers (`keepalive`); it cannot know that
// the worker holding one is frozen, so each request it sends on one is lost
// (504 at fastcgi_read_timeout), and then the connection with it. The
// other workers serve everything else.
TEST_F(Faults, StoppedWorkerCostsAtMostARequestPerConnectionItHolds) {
  auto before = workers();
  Load load(3, read);
  std::this_thread::sleep_for(500ms);
  pid_t victim = *before.begin();
  kill(victim, SIGSTOP);
  ASSERT_TRUE(wait_until_stopped(victim));
  int held = held_connections(victim, stack_value("NOTES_SOCKET"));
  std::this_thread::sleep_for(11s);  // beyond nginx's fastcgi_read_timeout (10 s)
  kill(victim, SIGCONT);
  std::this_thread::sleep_for(500ms);
  auto answers = load.stop();
  auto counts = count_statuses(answers);
  Clock::duration slowest{};
  for (const auto& a : answers) slowest = std::max(slowest, a.answered - a.sent);
  std::printf("FAULT SIGSTOP worker for 11 s: %zu requests, %s; slowest answer %lld ms; it held %d connections\n",
              answers.size(), describe(answers).c_str(), ms(slowest), held);
  EXPECT_LE(static_cast<int>(answers.size()) - counts[200], std::max(1, held)) << describe(answers);
  EXPECT_EQ(counts[200] + counts[504], static_cast<int>(answers.size())) << describe(answers);
  EXPECT_LT(ms(slowest), 11000);
  EXPECT_GT(counts[200], 100) << "the other workers stopped serving";
  EXPECT_EQ(workers(), before);
}

// The one moment a frozen worker could cost more than a 504: its answer is
// written, its connection not yet closed. nginx must pass the answer on from
// the FastCGI end-of-request record, not wait for the close until
// fastcgi_read_timeout and then cut the client off after the header.
TEST_F(Faults, AnAnswerWrittenReachesTheClientThoughItsWorkerFreezesBeforeClosing) {
  auto pool = workers();
  ASSERT_GE(pool.size(), 2u);
  pid_t victim = *pool.begin();
  // A fresh key, its auth answer cached now: the request's one writev is its
  // answer, end-of-request record included (fcgi/answer_writer.hpp).
  std::string key = notesctl_ok("key issue --user " + club->owner_id);
  auto warm = http("GET", account_note_url(club->account_id), {raw_key(key)});
  ASSERT_EQ(warm.status, 200);

  // Only the victim may take the request.
  struct ResumeOthers {
    std::vector<pid_t> pids;
    ~ResumeOthers() {
      for (pid_t pid : pids) kill(pid, SIGCONT);
    }
  } others;
  for (pid_t pid : pool)
    if (pid != victim && kill(pid, SIGSTOP) == 0) others.pids.push_back(pid);
  for (pid_t pid : others.pids) ASSERT_TRUE(wait_until_stopped(pid)) << pid;
  // nginx would send the request on a connection it keeps, maybe one a
  // stopped worker holds: new nginx workers start without any.
  ASSERT_TRUE(restart_nginx_workers());

  std::unique_ptr<SyscallFreezer> freezer;
  try {
    freezer = std::make_unique<SyscallFreezer>(victim);
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  auto answer = std::async(std::launch::async,
                           [&] { return http("GET", account_note_url(club->account_id), {raw_key(key)}); });
  ASSERT_TRUE(freezer->freeze_after(SYS_writev, 5s)) << "the worker never wrote its answer";
  auto waited = Clock::now();
  ASSERT_EQ(answer.wait_for(3s), std::future_status::ready)
      << "nginx is waiting for the frozen worker to close its connection";
  auto response = answer.get();
  std::printf("FAULT worker frozen after writing its answer: %ld in %lld ms\n", response.status,
              ms(Clock::now() - waited));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, warm.body);
}

TEST_F(Faults, SighupUnderLoadFailsNothing) {
  Load load(4, read);
  std::this_thread::sleep_for(500ms);
  auto sent = Clock::now();
  EXPECT_TRUE(reload_stack_notesd()) << "old workers still there after 10 s";
  auto rolled_after = Clock::now() - sent;
  std::this_thread::sleep_for(500ms);
  auto answers = load.stop();
  auto counts = count_statuses(answers);
  std::printf("FAULT SIGHUP under load: %zu requests, %s; all workers replaced after %lld ms\n", answers.size(),
              describe(answers).c_str(), ms(rolled_after));
  EXPECT_EQ(counts[200], static_cast<int>(answers.size())) << describe(answers);
  EXPECT_LT(ms(rolled_after), 10000);
}

TEST_F(Faults, TricklingClientsDoNotHoldWorkers) {
  // More slow clients than workers, each sending its body a byte at a time.
  std::atomic<bool> trickling{true};
  std::vector<std::thread> slow;
  for (int i = 0; i < 6; ++i) {
    slow.emplace_back([&] {
      std::string body = R"({"note":"slowly"})";
      std::string head = "POST /api/v2/account/" + club->account_id + "/note HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                         club->owner_key + "\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size() + 1000) + "\r\n\r\n";
      raw_trickle(base_url(), head, 3s, trickling);
    });
  }
  std::this_thread::sleep_for(300ms);
  Clock::duration slowest{};
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    auto sent = Clock::now();
    std::string tag;
    if (read(0, i, tag).status == 200) ++ok;
    slowest = std::max(slowest, Clock::now() - sent);
  }
  trickling = false;
  for (auto& t : slow) t.join();
  std::printf("FAULT 6 trickling clients: 40 normal requests, %d ok, slowest %lld ms\n", ok, ms(slowest));
  EXPECT_EQ(ok, 40);
  EXPECT_LT(ms(slowest), 1000);
}

}  // namespace notes::test
