// The worker pool itself (fcgi/supervisor, fcgi/worker): a notesd of the
// test's own on a private socket, spoken to in FastCGI as nginx would, so
// signals and crashes can be sent without disturbing the shared stack.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <memory>
#include <vector>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "handlers/change_feed.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/fastcgi_client.hpp"
#include "tests/support/notesd_process.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

using namespace std::chrono_literals;

TEST(WorkerPool, AnswersAndFailsClosedWithoutNginxIdentity) {
  Notesd notesd;
  EXPECT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  // No NOTES_* params (nginx misconfigured, or someone reaching the socket):
  // 401, whatever client headers say.
  auto anonymous = notesd.request("GET", "/api/v2/objspec/account_note", {{"HTTP_X_USER_ID", "1"}});
  EXPECT_TRUE(status_is(anonymous, 401)) << anonymous.output;
  auto known = notesd.request("GET", "/api/v2/objspec/account_note",
                              {{"NOTES_USER_ID", "1"}, {"NOTES_COMPANY_ID", "1"}, {"NOTES_ROLE", "staff"}});
  EXPECT_TRUE(status_is(known, 200)) << known.output;
}

TEST(WorkerPool, UnreachableDatabaseIs503WithRetryAfterAndNoHang) {
  Notesd notesd(SocketFrom::own_bind, 2, "postgresql://notes@/notes?host=/nonexistent");
  EXPECT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  auto started = std::chrono::steady_clock::now();
  auto ready = notesd.request("GET", "/readyz");
  EXPECT_TRUE(status_is(ready, 503)) << ready.output;
  auto note = notesd.request("GET", "/api/v2/account/1/note",
                             {{"NOTES_USER_ID", "1"}, {"NOTES_COMPANY_ID", "1"}, {"NOTES_ROLE", "owner"}});
  EXPECT_TRUE(status_is(note, 503)) << note.output;
  EXPECT_NE(note.output.find("Retry-After: 1\r\n"), std::string::npos) << note.output;
  EXPECT_NE(note.output.find(R"({"result":"error")"), std::string::npos) << note.output;
  auto customer_note = notesd.request("GET", "/api/customers/notes/1",
                                      {{"NOTES_USER_ID", "1"}, {"NOTES_COMPANY_ID", "1"}, {"NOTES_ROLE", "admin"}});
  EXPECT_TRUE(status_is(customer_note, 503)) << customer_note.output;
  EXPECT_NE(customer_note.output.find(R"({"error":"unavailable")"), std::string::npos) << customer_note.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(notesd.workers_now().size(), 2u) << "a dead database must not kill workers";
}

TEST(WorkerPool, ContentLengthIsParsedStrictlyAndCapped) {
  Notesd notesd;
  auto bad = fastcgi_request(notesd.socket_, {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", "/healthz"},
                                              {"CONTENT_LENGTH", "12abc"}});
  EXPECT_TRUE(status_is(bad, 400)) << bad.output;
  auto huge = fastcgi_request(notesd.socket_, {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", "/api/v2/account/1/note"},
                                               {"CONTENT_LENGTH", "999999999999"}});
  EXPECT_TRUE(status_is(huge, 413)) << huge.output;
  auto short_body = fastcgi_request(notesd.socket_, {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", "/healthz"},
                                                     {"CONTENT_LENGTH", "100"}}, "{}");
  EXPECT_TRUE(status_is(short_body, 400)) << short_body.output;
  EXPECT_EQ(notesd.workers_now().size(), 2u);
}

TEST(WorkerPool, UnixSocketIsGroupOnly) {
  Notesd notesd;
  struct stat info{};
  ASSERT_EQ(stat(notesd.socket_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  std::ifstream pid_file(notesd.pid_file_);
  pid_t written = 0;
  pid_file >> written;
  EXPECT_EQ(written, notesd.pid_);
}

TEST(WorkerPool, OtherLocalUsersCannotReachTheSocket) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  Notesd notesd;
  // Open the directory to everyone, so only the socket's own mode (0660)
  // stands between another user and the workers.
  ASSERT_EQ(chmod(notesd.dir_.c_str(), 0755), 0);
  pid_t child = fork();
  if (child == 0) {
    // Become nobody, as any other local account would be.
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, notesd.socket_.c_str(), sizeof address.sun_path - 1);
    bool refused = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno == EACCES;
    _exit(refused ? 0 : 1);
  }
  int status = -1;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "another user connected to the FastCGI socket";
}

TEST(WorkerPool, KilledWorkerIsReplacedWithinOneSecond) {
  Notesd notesd;
  auto before = notesd.workers_now();
  ASSERT_EQ(before.size(), 2u);
  pid_t victim = *before.begin();
  auto killed_at = std::chrono::steady_clock::now();
  kill(victim, SIGKILL);
  bool replaced = Notesd::wait_until(
      [&] {
        auto now = notesd.workers_now();
        return now.size() == 2 && !now.count(victim);
      },
      1000ms);
  EXPECT_TRUE(replaced) << "replaced after "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count()
                        << " ms";
  EXPECT_TRUE(status_is(notesd.request("GET", "/readyz"), 200));
  EXPECT_NE(notesd.log().find("killed by signal 9"), std::string::npos) << notesd.log();
}

TEST(WorkerPool, AWorkerThatKeepsDyingIsRestartedWithGrowingDelays) {
  Notesd notesd;
  auto current = notesd.workers_now();
  pid_t victim = *current.begin();
  std::chrono::milliseconds last_delay{0};
  for (int death = 1; death <= 4; ++death) {
    auto before_kill = notesd.workers_now();
    kill(victim, SIGKILL);
    auto killed_at = std::chrono::steady_clock::now();
    pid_t successor = 0;
    ASSERT_TRUE(Notesd::wait_until(
        [&] {
          for (pid_t pid : notesd.workers_now()) {
            if (!before_kill.count(pid)) successor = pid;
          }
          return successor != 0;
        },
        5s));
    last_delay = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
    victim = successor;
  }
  // Deaths 2, 3 and 4 within seconds of a start wait 100, 200, 400 ms.
  EXPECT_GE(last_delay.count(), 350) << notesd.log();
  EXPECT_NE(notesd.log().find("keeps dying"), std::string::npos);
}

TEST(WorkerPool, SighupReplacesEveryWorkerWithoutFailingRequests) {
  Notesd notesd;
  auto before = notesd.workers_now();
  std::atomic<bool> running{true};
  std::atomic<int> ok{0}, failed{0};
  std::thread load([&] {
    while (running) {
      status_is(notesd.request("GET", "/readyz"), 200) ? ++ok : ++failed;
    }
  });
  std::this_thread::sleep_for(100ms);
  kill(notesd.pid_, SIGHUP);
  bool rolled = Notesd::wait_until(
      [&] {
        auto now = notesd.workers_now();
        if (now.size() != 2) return false;
        for (pid_t old : before) {
          if (now.count(old)) return false;
        }
        return true;
      },
      10s);
  std::this_thread::sleep_for(100ms);
  running = false;
  load.join();
  EXPECT_TRUE(rolled) << notesd.log();
  EXPECT_GT(ok, 0);
  EXPECT_EQ(failed, 0);
  EXPECT_NE(notesd.log().find("reloaded"), std::string::npos);
}

TEST(WorkerPool, SigtermStopsEverythingAndCleansUp) {
  Notesd notesd;
  auto workers = notesd.workers_now();
  ASSERT_EQ(kill(notesd.pid_, SIGTERM), 0);
  int status = -1;
  bool exited = Notesd::wait_until([&] { return waitpid(notesd.pid_, &status, WNOHANG) == notesd.pid_; }, 5s);
  ASSERT_TRUE(exited);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  notesd.pid_ = -1;
  for (pid_t worker : workers) EXPECT_NE(kill(worker, 0), 0) << "worker " << worker << " outlived the supervisor";
  EXPECT_FALSE(std::filesystem::exists(notesd.socket_));
  EXPECT_FALSE(std::filesystem::exists(notesd.pid_file_));
}

// A feed reader waits in a request (docs/api.md, "Change feed"): a stop
// must not wait for it, nor cut it off unanswered.
TEST(WorkerPool, AStopAnswersAWaitingFeedReaderWithinASecond) {
  Notesd notesd;
  using Clock = std::chrono::steady_clock;
  auto reader = std::async(std::launch::async, [&] {
    return notesd.request("GET", "/api/customers/notes/changes?wait=15", caller_params(1, 999999, "owner"));
  });
  ASSERT_EQ(reader.wait_for(500ms), std::future_status::timeout) << "the reader did not wait";
  auto stopped = Clock::now();
  ASSERT_EQ(kill(notesd.pid_, SIGTERM), 0);
  FastCgiResponse answer = reader.get();
  auto took = Clock::now() - stopped;
  EXPECT_TRUE(status_is(answer, 200)) << answer.output;
  EXPECT_NE(answer.output.find("\"changes\":[]"), std::string::npos) << answer.output;
  EXPECT_LT(took, change_feed::kLookAgainEvery + 200ms)
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  int status = -1;
  EXPECT_TRUE(Notesd::wait_until([&] { return waitpid(notesd.pid_, &status, WNOHANG) == notesd.pid_; }, 5s));
  notesd.pid_ = -1;
}

TEST(WorkerPool, SigtermUnderLoadCutsNoRequestItAccepted) {
  Notesd notesd;
  std::atomic<bool> running{true};
  std::atomic<int> completed{0}, never_accepted{0}, cut{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      while (running) {
        try {
          auto response = notesd.request("GET", "/readyz");
          if (response.completed) {
            ++completed;
          } else if (response.output.empty()) {
            ++never_accepted;  // refused or reset before any worker took it
          } else {
            ++cut;  // a worker began answering and did not finish
          }
        } catch (const std::exception&) {
          ++never_accepted;  // the socket is gone: connect failed
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  kill(notesd.pid_, SIGTERM);
  int status = -1;
  Notesd::wait_until([&] { return waitpid(notesd.pid_, &status, WNOHANG) == notesd.pid_; }, 10s);
  notesd.pid_ = -1;
  std::this_thread::sleep_for(100ms);
  running = false;
  for (auto& t : load) t.join();
  std::printf("FAULT SIGTERM under load: %d completed, %d never accepted, %d cut\n", completed.load(),
              never_accepted.load(), cut.load());
  EXPECT_GT(completed, 0);
  EXPECT_EQ(cut, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << notesd.log();
}

TEST(WorkerPool, TakesTheSocketFromStdinLikeSpawnFcgi) {
  Notesd notesd(SocketFrom::stdin_fd);
  EXPECT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  EXPECT_NE(notesd.log().find("workers on stdin"), std::string::npos) << notesd.log();
}

TEST(WorkerPool, TakesTheSocketFromSystemdActivation) {
  Notesd notesd(SocketFrom::systemd);
  EXPECT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  EXPECT_NE(notesd.log().find("workers on systemd"), std::string::npos) << notesd.log();
}

TEST(WorkerPool, BadConfigurationIsRefusedNamingTheOption) {
  CommandExit refused = run_command(NOTES_BUILD_DIR "/notesd --config /dev/null --workers 999");
  EXPECT_EQ(refused.status, 78);
  EXPECT_NE(refused.output.find("workers"), std::string::npos) << refused.output;
}

}  // namespace notes::test

namespace notes::test {

// nginx with `keepalive` in its upstream keeps connections open between
// requests, and may keep more of them than there are workers
// (docs/performance-log.md, "Kept connections").
TEST(WorkerPool, IdleKeptConnectionsNeverHoldBackANewRequest) {
  Notesd notesd(SocketFrom::own_bind, 2);
  const FastCgiParams healthz = {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"CONTENT_LENGTH", "0"}};
  // Three kept connections per worker, each idle after one request.
  std::vector<std::unique_ptr<FastCgiConnection>> kept;
  for (int i = 0; i < 6; ++i) {
    kept.push_back(std::make_unique<FastCgiConnection>(notesd.socket_));
    auto first = kept.back()->request(healthz, "", /*keep=*/true, 2s);
    ASSERT_TRUE(first.completed && status_is(first, 200)) << "kept connection " << i << ": " << first.output;
  }
  // With all of them idle and open, new connections are answered at once.
  for (int i = 0; i < 10; ++i) {
    auto fresh = FastCgiConnection(notesd.socket_).request(healthz, "", /*keep=*/false, 2s);
    EXPECT_TRUE(fresh.completed && status_is(fresh, 200)) << "new connection " << i << ": " << fresh.output;
  }
  // And each kept connection carries its next request, in any order.
  for (int i = 5; i >= 0; --i) {
    auto again = kept[static_cast<std::size_t>(i)]->request(healthz, "", /*keep=*/true, 2s);
    EXPECT_TRUE(again.completed && status_is(again, 200)) << "kept connection " << i << " again: " << again.output;
  }
}

TEST(WorkerPool, ConnectionsNginxClosesAreForgottenWithoutALeak) {
  Notesd notesd(SocketFrom::own_bind, 1);
  const FastCgiParams healthz = {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"CONTENT_LENGTH", "0"}};
  auto open_fds = [&] {
    pid_t worker = *notesd.workers_now().begin();
    std::size_t count = 0;
    for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(worker) + "/fd")) {
      ++count;
    }
    return count;
  };
  ASSERT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  std::size_t before = open_fds();
  for (int i = 0; i < 200; ++i) {
    FastCgiConnection kept(notesd.socket_);
    ASSERT_TRUE(status_is(kept.request(healthz, "", /*keep=*/true, 2s), 200));
  }  // closed by the client, as nginx closes an idle one
  ASSERT_TRUE(status_is(notesd.request("GET", "/healthz"), 200));
  // The worker closes its end once it has read ours (libfcgi waits for it),
  // so either count may still hold the last one-shot connection; 200 kept
  // ones leaked would be 200 more.
  EXPECT_TRUE(Notesd::wait_until([&] { return open_fds() <= before; }, 2s)) << open_fds() << " fds, " << before << " before";
}

const FastCgiParams kHealthz = {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"CONTENT_LENGTH", "0"}};
// A request whose body has not all come keeps its worker busy reading it.
const FastCgiParams kSlowHealthz = {{"REQUEST_METHOD", "POST"}, {"DOCUMENT_URI", "/healthz"}, {"CONTENT_LENGTH", "4"}};

// Of two workers, A is made busy with `busy_a`, so that `count` new
// connections, each kept after one request, are all held by B.
std::vector<std::unique_ptr<FastCgiConnection>> kept_by_the_other_worker(const Notesd& notesd,
                                                                         FastCgiConnection& busy_a, int count) {
  busy_a.begin(kSlowHealthz, "{}");
  std::this_thread::sleep_for(200ms);
  std::vector<std::unique_ptr<FastCgiConnection>> kept;
  for (int i = 0; i < count; ++i) {
    kept.push_back(std::make_unique<FastCgiConnection>(notesd.socket_));
    auto first = kept.back()->request(kHealthz, "", /*keep=*/true, 2s);
    EXPECT_TRUE(first.completed && status_is(first, 200)) << "kept connection " << i << ": " << first.output;
  }
  return kept;
}

// nginx sends a request on whichever idle kept connection it picks; it cannot
// know that the worker holding it is busy (fcgi/connection_handoff.hpp).
TEST(WorkerPool, AKeptConnectionOfABusyWorkerIsServedByAFreeOne) {
  Notesd notesd(SocketFrom::own_bind, 2);
  FastCgiConnection busy_a(notesd.socket_);
  auto kept = kept_by_the_other_worker(notesd, busy_a, 4);
  ASSERT_TRUE(busy_a.finish("{}", 2s).completed);
  std::this_thread::sleep_for(200ms);  // A is back waiting for work
  // Now B gets busy with a request on the first of them...
  kept[0]->begin(kSlowHealthz, "{}");
  // ...and nginx sends the next requests on the other three, all idle on B:
  // A answers them at once.
  for (std::size_t i = 1; i < kept.size(); ++i) {
    auto next = kept[i]->request(kHealthz, "", /*keep=*/true, 2s);
    EXPECT_TRUE(next.completed && status_is(next, 200)) << "kept connection " << i << " while B is busy: " << next.output;
  }
  auto slow_answer = kept[0]->finish("{}", 2s);
  EXPECT_TRUE(slow_answer.completed) << slow_answer.output;
  EXPECT_EQ(notesd.workers_now().size(), 2u);
}

// When no worker was free as the request passed kGiveAwayAfter, the
// connections are handed over once one frees up, not after the request.
TEST(WorkerPool, AKeptConnectionOfABusyWorkerIsHandedOverWhenAWorkerFreesUpLater) {
  Notesd notesd(SocketFrom::own_bind, 2);
  FastCgiConnection busy_a(notesd.socket_);
  auto kept = kept_by_the_other_worker(notesd, busy_a, 3);
  // B gets busy while A still is: no worker waits when B's request passes
  // kGiveAwayAfter.
  kept[0]->begin(kSlowHealthz, "{}");
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(busy_a.finish("{}", 2s).completed);
  // A is free now; B is still busy. The requests on B's idle connections
  // are answered by A, well before B's request ends (it never does here).
  for (std::size_t i = 1; i < kept.size(); ++i) {
    auto next = kept[i]->request(kHealthz, "", /*keep=*/true, 1s);
    EXPECT_TRUE(next.completed && status_is(next, 200)) << "kept connection " << i << " while B is busy: " << next.output;
  }
  EXPECT_TRUE(kept[0]->finish("{}", 2s).completed);
}

// libfcgi's own stream writes an answer in 8 KiB records, a system call and
// a wake-up of nginx each (fcgi/answer_writer.hpp).
TEST(WorkerPool, ALargeAnswerGoesOutInRecordsOfUpTo64KiB) {
  Notesd notesd(SocketFrom::own_bind, 1);
  // GET /metrics grows with every route counted: a request to each (401s
  // without identity) makes it several of libfcgi's records long.
  for (const char* method : {"GET", "POST", "PATCH", "DELETE"}) {
    for (const char* path : {"/api/v2/objspec/account_note", "/api/v2/account/1/note", "/api/customers/notes/1",
                             "/api/customers/notes/1/messages", "/api/customers/notes/1/messages/1/attachment",
                             "/api/customers/notes/1/assignees", "/api/customers/notes/1/assignees/2",
                             "/api/customers/1/notes", "/readyz"}) {
      notesd.request(method, path);
    }
  }
  const FastCgiParams metrics = {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/metrics"}, {"CONTENT_LENGTH", "0"}};
  auto answer = FastCgiConnection(notesd.socket_).request(metrics, "", /*keep=*/true, 2s);
  ASSERT_TRUE(answer.completed && status_is(answer, 200)) << answer.output.substr(0, 200);
  ASSERT_GT(answer.output.size(), 2u * 8192) << "too small to tell";
  EXPECT_EQ(answer.stdout_records, static_cast<int>((answer.output.size() + 65534) / 65535));
}

// A reload must not close a kept connection under nginx, which may be
// sending a request on it at that moment (a POST would be answered 502).
TEST(WorkerPool, AReloadHandsKeptConnectionsToTheNewWorkers) {
  Notesd notesd(SocketFrom::own_bind, 2);
  const FastCgiParams healthz = {{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/healthz"}, {"CONTENT_LENGTH", "0"}};
  FastCgiConnection idle(notesd.socket_);
  ASSERT_TRUE(status_is(idle.request(healthz, "", true, 2s), 200));
  auto old_workers = notesd.workers_now();
  ASSERT_EQ(kill(notesd.pid_, SIGHUP), 0);
  ASSERT_TRUE(Notesd::wait_until(
      [&] {
        auto now = notesd.workers_now();
        return now.size() == 2 && !now.count(*old_workers.begin()) && !now.count(*old_workers.rbegin());
      },
      10s));
  // Every old worker is gone, and the connection is still open: a new
  // worker holds it and answers the next request on it.
  EXPECT_FALSE(idle.closed_by_worker(100ms));
  auto after = idle.request(healthz, "", true, 2s);
  EXPECT_TRUE(after.completed && status_is(after, 200)) << after.output;
}

}  // namespace notes::test
