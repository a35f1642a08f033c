#pragma once
#include <fcgiapp.h>
#include <signal.h>

#include <chrono>
#include <list>

#include "fcgi/connection_handoff.hpp"

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
// With a handoff (shared by all workers), a worker whose request runs longer
// than kGiveAwayAfter gives every other connection it holds to the handoff
// queue, where a free worker takes it: nginx may send a request on any idle
// kept connection, and one held by a busy worker would wait for that worker.
//
// Each connection has its own libfcgi request state (FCGX_Request), so a
// request read from one never mixes with another's.
class ConnectionSet {
 public:
  // `handoff` may be null: connections then stay with the worker that took
  // them until nginx closes them.
  ConnectionSet(int listen_fd, const ConnectionHandoff* handoff);
  ~ConnectionSet();  // closes every connection
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  // Waits up to `timeout` (negative: no limit) with `signal_mask` in force.
  // Answers a connection with a request to read (libfcgi reads it with
  // FCGX_Accept_r), or nullptr: a connection was taken whose request is not
  // there yet, or the time passed, or a signal arrived. Whatever became ready
  // first is served first (epoll's ready list is in that order), and at most
  // one connection is taken per call. Should the request on the connection
  // it answers still run after kGiveAwayAfter, every other one held is
  // given to the handoff (if a worker waits to take it).
  FCGX_Request* next(const sigset_t& signal_mask, std::chrono::milliseconds timeout);

  // After FCGX_Accept_r failed or FCGX_Finish_r closed the connection
  // (request->ipcFd < 0): forgets it.
  void forget_if_closed(FCGX_Request* request);

  // Whether connections are taken from the listening socket and the handoff.
  // A worker stops taking them when it stops, or while it has no database
  // connection for want of capacity (the other workers take them).
  void listen(bool on);

  // Lets go of every connection that has no request waiting; true when none
  // is left. A stopping worker calls it until it is. `hand_over`: to the
  // handoff, where the workers that stay take them (a reload); otherwise,
  // or when the handoff is full, closed: nginx then drops them from its
  // cache at once. Before it closes a connection that has not yet carried a
  // request it waits kFirstRequestWait for one: nginx writes right after
  // connecting, and would answer 502 were it closed first.
  bool release_idle(bool hand_over);
  static constexpr std::chrono::milliseconds kFirstRequestWait{1000};

  // A request still running after this long hands the worker's other
  // connections to the handoff (SIGALRM, set while a request runs), at most
  // kMaxGifts of them; after kGiveAwayWhenAllBusy when no worker waited
  // as it began. Those no free worker could take then are offered again
  // kLookAgainFirst later, then at doubling intervals up to
  // kLookAgainAtMost, until the request ends.
  static constexpr std::chrono::microseconds kGiveAwayAfter{2000};
  static constexpr std::chrono::microseconds kGiveAwayWhenAllBusy{20000};
  static constexpr std::chrono::microseconds kLookAgainFirst{2000};
  static constexpr std::chrono::microseconds kLookAgainAtMost{32000};
  static constexpr int kMaxGifts = 64;
 private:
  struct Connection {
    FCGX_Request request;
    std::chrono::steady_clock::time_point accepted;
    bool carried_a_request = false;
  };
  Connection* take_new_connection();
  Connection* take_handed_connection();
  Connection* hold(int fd);
  FCGX_Request* serve_if_ready(Connection* connection);
  FCGX_Request* begin_serving(Connection& connection);
  void settle_gifts();
  bool give_away(std::list<Connection>::iterator connection);
  void close(std::list<Connection>::iterator connection);

  int listen_fd_;
  const ConnectionHandoff* handoff_;
  int epoll_fd_;
  bool listening_ = false;
  std::list<Connection> connections_;  // stable addresses: epoll points at them
  Connection* gift_owners_[kMaxGifts] = {};  // which connection each pending gift is
};

}  // namespace notes
