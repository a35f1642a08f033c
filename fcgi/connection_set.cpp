#include "fcgi/connection_set.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

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

}  // namespace

ConnectionSet::ConnectionSet(int listen_fd) : listen_fd_(listen_fd), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  listen(true);
}

ConnectionSet::~ConnectionSet() {
  while (!connections_.empty()) close(connections_.begin());
  ::close(epoll_fd_);
}

void ConnectionSet::listen(bool on) {
  if (on == listening_) return;
  if (!on) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    listening_ = false;
    return;
  }
  // EPOLLEXCLUSIVE: a new connection wakes one waiting worker, not all of
  // them (with 8 workers, plain polling cost a hundred wasted system calls
  // per request). A kernel without it gets the plain wake-up.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLEXCLUSIVE;
  event.data.ptr = nullptr;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event) != 0) {
    event.events = EPOLLIN;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event) != 0) {
      throw std::runtime_error(std::string("epoll_ctl on the listening socket: ") + std::strerror(errno));
    }
  }
  listening_ = true;
}

FCGX_Request* ConnectionSet::next(const sigset_t& signal_mask, std::chrono::milliseconds timeout) {
  epoll_event events[8];
  int ready = epoll_pwait(epoll_fd_, events, 8, static_cast<int>(timeout.count()), &signal_mask);
  bool new_connection = false;
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.ptr == nullptr) {
      new_connection = true;
      continue;
    }
    // A request on a connection this worker holds comes first; a new
    // connection waits in the socket's queue meanwhile (level-triggered: it
    // is reported again), so a worker never holds connections it is not
    // about to serve, and a worker that freezes costs only its request.
    auto* connection = static_cast<Connection*>(events[i].data.ptr);
    connection->carried_a_request = true;
    return &connection->request;
  }
  // Woken for a new connection, this worker alone may have been told of it
  // (EPOLLEXCLUSIVE): take it now, and its request when it is there.
  if (new_connection) {
    if (Connection* connection = take_new_connection(); connection && has_data(connection->request.ipcFd)) {
      connection->carried_a_request = true;
      return &connection->request;
    }
  }
  return nullptr;
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

  Connection& connection = connections_.emplace_back();
  connection.accepted = std::chrono::steady_clock::now();
  FCGX_Request& request = connection.request;
  // No listening socket of its own: should libfcgi find the connection
  // closed, FCGX_Accept_r fails instead of accepting another one.
  FCGX_InitRequest(&request, -1, 0);
  request.ipcFd = fd;
  // libfcgi closes a connection that was not asked to be kept; until
  // nginx's first request says whether it is, it is.
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

void ConnectionSet::forget_if_closed(FCGX_Request* request) {
  if (request->ipcFd >= 0) return;
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (&it->request == request) {
      connections_.erase(it);  // libfcgi closed the fd, which left the epoll set with it
      return;
    }
  }
}

bool ConnectionSet::close_idle() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = connections_.begin(); it != connections_.end();) {
    auto current = it++;
    bool awaited = !current->carried_a_request && now - current->accepted < kFirstRequestWait;
    if (!awaited && !has_data(current->request.ipcFd)) close(current);
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
