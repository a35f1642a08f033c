#include "fcgi/connection_set.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "log/log.hpp"

namespace notes {
namespace {

bool has_data(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return poll(&entry, 1, 0) > 0;
}

// The connections a worker will give away should its current request take
// longer than kGiveAwayAfter: written before the timer is armed, read by
// the SIGALRM handler (system calls only: sendmsg, epoll_ctl, close), and
// settled by ConnectionSet::settle_gifts once the timer is disarmed. One
// ConnectionSet per process.
struct PendingGifts {
  const ConnectionHandoff* handoff = nullptr;
  int epoll_fd = -1;
  int count = 0;
  int fds[ConnectionSet::kMaxGifts];
  volatile sig_atomic_t given[ConnectionSet::kMaxGifts];
  volatile sig_atomic_t armed = 0;
  volatile sig_atomic_t next_look_us = 0;  // when to look again for a free worker
};
PendingGifts gifts;

void set_alarm(std::chrono::microseconds after) {
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(after.count() / 1000000);
  timer.it_value.tv_usec = static_cast<suseconds_t>(after.count() % 1000000);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

void give_on_alarm(int) {
  if (!gifts.armed) return;  // settled while the signal was on its way
  int saved_errno = errno;
  bool all_given = true;
  for (int i = 0; i < gifts.count; ++i) {
    if (gifts.given[i]) continue;
    if (!gifts.handoff->anyone_waiting() || !gifts.handoff->give(gifts.fds[i])) {
      all_given = false;
      continue;
    }
    epoll_ctl(gifts.epoll_fd, EPOLL_CTL_DEL, gifts.fds[i], nullptr);
    ::close(gifts.fds[i]);
    gifts.given[i] = 1;
  }
  // No worker was free: look again soon, less often the longer the
  // request runs (a long poll may run for seconds).
  if (!all_given) {
    set_alarm(std::chrono::microseconds(gifts.next_look_us));
    gifts.next_look_us = std::min<sig_atomic_t>(2 * gifts.next_look_us,
                                                static_cast<sig_atomic_t>(ConnectionSet::kLookAgainAtMost.count()));
  }
  errno = saved_errno;
}

// What an epoll event that is not a held connection points at.
char listening_socket_tag;
char handoff_tag;

// EPOLLEXCLUSIVE: a connection wakes one waiting worker, not all of them
// (with 8 workers, plain polling cost a hundred wasted system calls per
// request). A kernel without it gets the plain wake-up.
void add_shared(int epoll_fd, int fd, void* tag) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLEXCLUSIVE;
  event.data.ptr = tag;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
    event.events = EPOLLIN;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
      throw std::runtime_error(std::string("epoll_ctl on a shared socket: ") + std::strerror(errno));
    }
  }
}

}  // namespace

ConnectionSet::ConnectionSet(int listen_fd, const ConnectionHandoff* handoff)
    : listen_fd_(listen_fd), handoff_(handoff), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  if (handoff_) {
    gifts.handoff = handoff_;
    gifts.epoll_fd = epoll_fd_;
    // SA_RESTART: the request's reads and writes go on after the handler;
    // libpq retries its polls on EINTR.
    struct sigaction action{};
    action.sa_handler = give_on_alarm;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, nullptr);
  }
  listen(true);
}

ConnectionSet::~ConnectionSet() {
  settle_gifts();
  while (!connections_.empty()) close(connections_.begin());
  ::close(epoll_fd_);
}

void ConnectionSet::listen(bool on) {
  if (on == listening_) return;
  if (on) {
    add_shared(epoll_fd_, listen_fd_, &listening_socket_tag);
    if (handoff_) add_shared(epoll_fd_, handoff_->readable_fd(), &handoff_tag);
  } else {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    if (handoff_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, handoff_->readable_fd(), nullptr);
  }
  listening_ = on;
}

FCGX_Request* ConnectionSet::next(const sigset_t& signal_mask, std::chrono::milliseconds timeout) {
  // One event at a time: epoll keeps its ready list in the order things
  // became ready and puts a level-triggered one that is still ready back at
  // the end, so neither new connections nor held ones can starve the other.
  settle_gifts();
  epoll_event event;
  if (handoff_ && listening_) handoff_->waiting(true);
  int ready = epoll_pwait(epoll_fd_, &event, 1, static_cast<int>(timeout.count()), &signal_mask);
  if (handoff_ && listening_) handoff_->waiting(false);
  if (ready != 1) return nullptr;
  if (event.data.ptr == &listening_socket_tag) return serve_if_ready(take_new_connection());
  if (event.data.ptr == &handoff_tag) return serve_if_ready(take_handed_connection());
  return begin_serving(*static_cast<Connection*>(event.data.ptr));
}

FCGX_Request* ConnectionSet::serve_if_ready(Connection* connection) {
  // A connection just taken may not have its request yet (nginx writes
  // right after connecting); it is then in the epoll set like the others.
  if (connection == nullptr || !has_data(connection->request.ipcFd)) return nullptr;
  return begin_serving(*connection);
}

FCGX_Request* ConnectionSet::begin_serving(Connection& connection) {
  connection.carried_a_request = true;
  if (handoff_ && connections_.size() > 1) {
    // Most requests end long before anyone would send one on the other
    // connections; giving them all away each time doubled what the bare
    // hop cost. A request that takes longer hands them to a free worker.
    gifts.count = 0;
    for (auto& other : connections_) {
      if (&other == &connection || gifts.count == kMaxGifts) continue;
      gifts.fds[gifts.count] = other.request.ipcFd;
      gifts.given[gifts.count] = 0;
      gift_owners_[gifts.count++] = &other;
    }
    gifts.next_look_us = static_cast<sig_atomic_t>(kLookAgainFirst.count());
    gifts.armed = 1;
    // Under load no worker waits, and a timer that fires then wakes this
    // worker for nothing (most requests that pass 2 ms wait on PostgreSQL,
    // in poll).
    set_alarm(handoff_->anyone_waiting() ? kGiveAwayAfter : kGiveAwayWhenAllBusy);
  }
  return &connection.request;
}

void ConnectionSet::settle_gifts() {
  if (!gifts.armed) return;
  gifts.armed = 0;  // first: a handler that runs after it arms nothing
  set_alarm(std::chrono::microseconds(0));
  for (int i = 0; i < gifts.count; ++i) {
    if (!gifts.given[i]) continue;
    // The handler has given the connection away and closed its descriptor:
    // only the worker's own record of it is left to drop.
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
      if (&*it != gift_owners_[i]) continue;
      it->request.ipcFd = -1;
      close(it);
      break;
    }
  }
  gifts.count = 0;
}

ConnectionSet::Connection* ConnectionSet::take_new_connection() {
  // Blocking, as libfcgi reads and writes it; the listening socket is
  // non-blocking, so another worker having taken it is EAGAIN.
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
      log::line(log::Level::err, "accept failed: %s", std::strerror(errno));
    }
    return nullptr;
  }
  // Over TCP, an answer must not wait for Nagle's algorithm (no effect
  // on a unix socket).
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return hold(fd);
}

ConnectionSet::Connection* ConnectionSet::take_handed_connection() {
  int fd = handoff_ ? handoff_->take() : -1;  // -1: another worker took it first
  return fd < 0 ? nullptr : hold(fd);
}

ConnectionSet::Connection* ConnectionSet::hold(int fd) {
  Connection& connection = connections_.emplace_back();
  connection.accepted = std::chrono::steady_clock::now();
  FCGX_Request& request = connection.request;
  // No listening socket of its own: should libfcgi find the connection
  // closed, FCGX_Accept_r fails instead of accepting another one.
  FCGX_InitRequest(&request, -1, 0);
  request.ipcFd = fd;
  // libfcgi closes a connection that was not asked to be kept; until
  // nginx's next request says whether it is, it is.
  request.keepConnection = 1;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &connection;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    log::line(log::Level::err, "epoll_ctl on a connection: %s", std::strerror(errno));
    close(std::prev(connections_.end()));
    return nullptr;
  }
  return &connection;
}

bool ConnectionSet::give_away(std::list<Connection>::iterator connection) {
  if (handoff_ == nullptr || !handoff_->give(connection->request.ipcFd)) return false;  // full: keep it
  close(connection);  // this worker's descriptor only: the handoff holds the connection now
  return true;
}

void ConnectionSet::forget_if_closed(FCGX_Request* request) {
  if (request->ipcFd >= 0) return;
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (&it->request == request) {
      connections_.erase(it);  // libfcgi closed the fd, which left the epoll set with it
      return;
    }
  }
}

bool ConnectionSet::release_idle(bool hand_over) {
  settle_gifts();
  auto now = std::chrono::steady_clock::now();
  for (auto it = connections_.begin(); it != connections_.end();) {
    auto current = it++;
    if (has_data(current->request.ipcFd) || (hand_over && give_away(current))) continue;
    bool awaited = !current->carried_a_request && now - current->accepted < kFirstRequestWait;
    if (!awaited) close(current);
  }
  return connections_.empty();
}

void ConnectionSet::close(std::list<Connection>::iterator connection) {
  FCGX_Request& request = connection->request;
  if (request.ipcFd >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, request.ipcFd, nullptr);
    ::close(request.ipcFd);
    request.ipcFd = -1;
  }
  FCGX_Free(&request, 0);
  connections_.erase(connection);
}

}  // namespace notes
