#pragma once
#include <fcgiapp.h>
#include <signal.h>

#include <chrono>
#include <list>

namespace notes {

// The FastCGI connections one worker serves, and the listening socket it
// takes new ones from, waited on together with one epoll set.
//
// With `keepalive` in nginx's upstream, nginx keeps each connection after a
// request and sends a later request on it, and it may keep several to the
// same worker. A worker that waited on one kept connection alone would
// leave requests on the others (and new connections) waiting behind an
// idle one; here any of them wakes the worker, which serves one request at
// a time. Without `keepalive`, nginx closes each connection after its
// answer and this is simply accept, serve, close.
//
// Each connection has its own libfcgi request state (FCGX_Request), so a
// request read from one never mixes with another's.
class ConnectionSet {
 public:
  explicit ConnectionSet(int listen_fd);
  ~ConnectionSet();  // closes every connection
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  // Waits up to `timeout` (negative: no limit) with `signal_mask` in force.
  // Answers a connection with a request to read (libfcgi reads it with
  // FCGX_Accept_r), or nullptr: a new connection was taken whose request is
  // not there yet, or the time passed, or a signal arrived. A request on a
  // connection already held comes before a new connection, and at most one
  // new connection is taken per call: a worker holds no connection it is
  // not about to serve beyond the idle kept ones.
  FCGX_Request* next(const sigset_t& signal_mask, std::chrono::milliseconds timeout);

  // After FCGX_Accept_r failed or FCGX_Finish_r closed the connection
  // (request->ipcFd < 0): forgets it.
  void forget_if_closed(FCGX_Request* request);

  // Whether new connections are taken from the listening socket. A worker
  // stops listening when it stops, or while it has no database connection
  // for want of capacity (the other workers take them).
  void listen(bool on);

  // Closes every connection that has no request waiting; true when none is
  // left. A stopping worker calls it until it is. A connection that has not
  // yet carried a request is given kFirstRequestWait for it: nginx writes
  // right after connecting, and would answer 502 were it closed first.
  bool close_idle();
  static constexpr std::chrono::milliseconds kFirstRequestWait{1000};

 private:
  struct Connection {
    FCGX_Request request;
    std::chrono::steady_clock::time_point accepted;
    bool carried_a_request = false;
  };
  Connection* take_new_connection();
  void close(std::list<Connection>::iterator connection);

  int listen_fd_;
  int epoll_fd_;
  bool listening_ = false;
  std::list<Connection> connections_;  // stable addresses: epoll points at them
};

}  // namespace notes
