#pragma once
#include <atomic>

namespace notes {

// One queue of idle FastCGI connections shared by every worker: a unix
// SOCK_SEQPACKET socket pair made by the supervisor before it forks, over
// which a worker passes a connection (the descriptor itself, SCM_RIGHTS) to
// whichever worker takes it next.
//
// Why: with `keepalive` in nginx's upstream, nginx sends a request on any of
// its idle kept connections, and it cannot know that the worker holding one
// is busy. A worker whose request runs long gives its other connections
// away (fcgi/connection_set.hpp), so a request nginx sends on them is read by
// a worker that is free (docs/architecture.md, "Kept connections"). Nothing is closed under nginx:
// bytes nginx already wrote stay in the connection and travel with it.
class ConnectionHandoff {
 public:
  ConnectionHandoff();  // throws std::runtime_error when the pair cannot be made
  ~ConnectionHandoff();
  ConnectionHandoff(const ConnectionHandoff&) = delete;
  ConnectionHandoff& operator=(const ConnectionHandoff&) = delete;

  // Queues `fd` without waiting; false (and `fd` untouched) when the queue
  // is full. The caller closes its own copy after a success.
  bool give(int fd) const;
  // A connection from the queue, or -1 when it is empty. Never waits.
  int take() const;
  // Readable while the queue holds a connection: for the workers' epoll sets.
  int readable_fd() const { return take_end_; }

  // How many workers wait for work right now (in shared memory). Giving a
  // connection away costs a handful of system calls on each side; when no
  // worker waits, a busy worker keeps its connections, as whichever worker
  // frees up first would find it no sooner.
  void waiting(bool starts) const;
  bool anyone_waiting() const;

 private:
  int give_end_ = -1;
  int take_end_ = -1;
  std::atomic<int>* waiting_workers_ = nullptr;
};

}  // namespace notes
