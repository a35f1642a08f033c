#include "fcgi/listen_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "log/log.hpp"

namespace notes {
namespace {

constexpr int kBacklog = 1024;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// The socket systemd passed (notes.socket), or -1 when it passed none.
int socket_from_systemd() {
  // 1: unset LISTEN_* so that our children do not think the sockets are theirs.
  int count = sd_listen_fds(1);
  if (count < 0) {
    errno = -count;
    fail("sd_listen_fds");
  }
  if (count == 0) return -1;
  if (count > 1) log::line(log::Level::warning, "systemd passed %d sockets; serving the first only", count);
  if (sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
    throw std::runtime_error("the socket systemd passed is not a listening stream socket");
  }
  return SD_LISTEN_FDS_START;
}

int bind_unix(const ServiceConfig& config) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (config.listen.size() >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    fail("socket path " + config.listen);
  }
  std::memcpy(address.sun_path, config.listen.c_str(), config.listen.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket");
  // A socket file left by a previous run that nobody listens on is stale.
  struct stat existing{};
  if (lstat(config.listen.c_str(), &existing) == 0 && S_ISSOCK(existing.st_mode)) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      close(fd);
      throw std::runtime_error("another process already listens on " + config.listen);
    }
    unlink(config.listen.c_str());
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
  }
  // Create it with the final mode at once: no window where others may connect.
  mode_t old_mask = umask(static_cast<mode_t>(~config.socket_mode & 0777));
  int bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  umask(old_mask);
  if (bound != 0) fail("bind " + config.listen);
  if (!config.socket_group.empty()) {
    group* entry = getgrnam(config.socket_group.c_str());
    if (!entry) {
      unlink(config.listen.c_str());
      throw std::runtime_error("socket-group: no group named " + config.socket_group);
    }
    if (chown(config.listen.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0) fail("chown " + config.listen);
  }
  if (chmod(config.listen.c_str(), config.socket_mode) != 0) fail("chmod " + config.listen);
  if (listen(fd, kBacklog) != 0) fail("listen " + config.listen);
  return fd;
}

int bind_tcp(const std::string& listen_address) {
  auto colon = listen_address.rfind(':');
  std::string host = listen_address.substr(0, colon);
  std::string port = listen_address.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error("listen " + listen_address + ": " + gai_strerror(rc));
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    fail("socket");
  }
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  int bound = bind(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (bound != 0) fail("bind " + listen_address);
  if (listen(fd, kBacklog) != 0) fail("listen " + listen_address);
  return fd;
}

void make_non_blocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail("fcntl O_NONBLOCK");
}

}  // namespace

ListenSocket open_listen_socket(const ServiceConfig& config) {
  ListenSocket socket;
  if (int passed = socket_from_systemd(); passed >= 0) {
    socket.fd = passed;
    socket.origin = "systemd";
  } else if (sd_is_socket(STDIN_FILENO, AF_UNSPEC, SOCK_STREAM, 1) > 0) {  // spawn-fcgi's way
    socket.fd = STDIN_FILENO;
    socket.origin = "stdin";
  } else if (config.listen.front() == '/') {
    socket.fd = bind_unix(config);
    socket.origin = "bound " + config.listen;
    socket.bound_path = config.listen;
  } else if (config.listen.find(':') != std::string::npos) {
    socket.fd = bind_tcp(config.listen);
    socket.origin = "bound " + config.listen;
  } else {
    throw std::runtime_error("listen: '" + config.listen + "' is neither an absolute path nor host:port");
  }
  make_non_blocking(socket.fd);
  return socket;
}

}  // namespace notes
