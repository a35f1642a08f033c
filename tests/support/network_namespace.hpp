#pragma once
// A host of a test's own: a network namespace joined to this one by a veth
// pair, whose link the test can cut as a dead host or a partition would
// (packets vanish; nothing answers, not even a reset). Needs root.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace notes::test {

class NetworkNamespace {
 public:
  NetworkNamespace();  // throws std::runtime_error when it cannot be made
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  // Its address, reachable from this namespace while the link is up.
  const std::string& address() const { return inside_; }
  // Takes its link down, and up again.
  void cut() const;
  void restore() const;
  // A descriptor of the namespace, for setns(2).
  int descriptor() const { return fd_; }

 private:
  std::string name_, inside_;
  int fd_ = -1;
};

// Forwards each TCP connection made to `port` at `host`'s address to the
// unix socket `to`: a database server inside that host, for a PostgreSQL
// that listens on a unix socket only.
class RelayToUnixSocket {
 public:
  RelayToUnixSocket(const NetworkNamespace& host, int port, std::string to);
  ~RelayToUnixSocket();
  RelayToUnixSocket(const RelayToUnixSocket&) = delete;
  RelayToUnixSocket& operator=(const RelayToUnixSocket&) = delete;

 private:
  void accept_loop(int listening);
  void pump(int client);
  std::string to_;
  int stop_[2] = {-1, -1};  // a pipe: readable once the relay stops
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// The unix socket of the test stack's PostgreSQL.
std::string stack_database_socket();

}  // namespace notes::test
