#pragma once
// A notesd of a test's own on a private socket, spoken to in FastCGI as
// nginx would, so signals, crashes and odd databases can be tried without
// disturbing the shared stack.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/fastcgi_client.hpp"

namespace notes::test {

using Params = std::vector<std::pair<std::string, std::string>>;

enum class SocketFrom { own_bind, stdin_fd, systemd };

struct NotesdOptions {
  SocketFrom from = SocketFrom::own_bind;
  unsigned workers = 2;
  std::string database;               // "" : the test stack's
  std::vector<std::string> arguments;  // more flags
  Params environment;                 // more environment
  bool stderr_is_journal = false;     // set JOURNAL_STREAM to the log file, as systemd would
  bool wait_for_socket = true;        // return once the supervisor says it started its workers
  // Called with the socket's path once it listens (not own_bind), before
  // notesd starts: a client may connect to it and wait there.
  std::function<void(const std::string& socket_path)> before_start;
};

class Notesd {
 public:
  explicit Notesd(SocketFrom from = SocketFrom::own_bind, unsigned workers = 2, std::string database = "");
  explicit Notesd(NotesdOptions options);
  ~Notesd();
  Notesd(const Notesd&) = delete;
  Notesd& operator=(const Notesd&) = delete;

  // The supervisor's children, from /proc.
  std::set<pid_t> workers_now() const;
  FastCgiResponse request(const std::string& method, const std::string& path, Params extra = {},
                          const std::string& body = "") const;
  // Everything notesd wrote to stderr so far.
  std::string log() const;

  template <class Condition>
  static bool wait_until(Condition condition, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  pid_t pid_ = -1;
  std::string dir_, socket_, pid_file_, log_;

 private:
  int listening_socket() const;
};

// The FastCGI answer's status is `status`.
bool status_is(const FastCgiResponse& response, int status);

// The identity params nginx would set for a caller.
Params caller_params(int64_t user_id, int64_t company_id, const std::string& role);

}  // namespace notes::test
