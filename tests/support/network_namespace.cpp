#include "tests/support/network_namespace.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

void run(const std::string& command) {
  if (std::system((command + " 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

void write_all(int fd, const char* data, ssize_t size) {
  while (size > 0) {
    ssize_t sent = write(fd, data, static_cast<std::size_t>(size));
    if (sent <= 0) return;
    data += sent;
    size -= sent;
  }
}

}  // namespace

NetworkNamespace::NetworkNamespace() {
  std::string id = std::to_string(getpid());
  name_ = "notes-test-" + id;
  std::string subnet = "10.211." + std::to_string(getpid() % 250 + 1) + ".";
  inside_ = subnet + "2";
  std::string outer = "nt" + id + "o", inner = "nt" + id + "i";
  run("ip netns add " + name_);
  run("ip -n " + name_ + " link set lo up");
  run("ip link add " + outer + " type veth peer name " + inner);
  run("ip link set " + inner + " netns " + name_);
  run("ip addr add " + subnet + "1/24 dev " + outer);
  run("ip link set " + outer + " up");
  run("ip -n " + name_ + " link set " + inner + " name eth0");
  run("ip -n " + name_ + " addr add " + inside_ + "/24 dev eth0");
  run("ip -n " + name_ + " link set eth0 up");
  fd_ = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot open the namespace " + name_);
}

NetworkNamespace::~NetworkNamespace() {
  if (fd_ >= 0) close(fd_);
  // Deleting the namespace deletes its end of the pair, and so the pair.
  [[maybe_unused]] int ignored = std::system(("ip netns del " + name_ + " 2>/dev/null").c_str());
}

void NetworkNamespace::cut() const { run("ip -n " + name_ + " link set eth0 down"); }
void NetworkNamespace::restore() const { run("ip -n " + name_ + " link set eth0 up"); }

RelayToUnixSocket::RelayToUnixSocket(const NetworkNamespace& host, int port, std::string to) : to_(std::move(to)) {
  if (pipe2(stop_, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  // The listening socket is made on a thread that joined the namespace:
  // a socket belongs to the namespace of the thread that made it.
  int listening = -1;
  std::string error;
  std::thread maker([&] {
    if (setns(host.descriptor(), CLONE_NEWNET) != 0) {
      error = std::string("setns: ") + std::strerror(errno);
      return;
    }
    listening = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    setsockopt(listening, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.address().c_str(), &address.sin_addr);
    if (bind(listening, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listening, 64) != 0) {
      error = std::string("bind: ") + std::strerror(errno);
    }
  });
  maker.join();
  if (!error.empty()) throw std::runtime_error(error);
  acceptor_ = std::thread([this, listening] { accept_loop(listening); });
}

RelayToUnixSocket::~RelayToUnixSocket() {
  close(stop_[1]);
  acceptor_.join();
  for (auto& thread : threads_) thread.join();
  close(stop_[0]);
}

void RelayToUnixSocket::accept_loop(int listening) {
  for (;;) {
    pollfd fds[2] = {{listening, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents) break;
    if (!(fds[0].revents & POLLIN)) continue;
    int client = accept4(listening, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0) threads_.emplace_back([this, client] { pump(client); });
  }
  close(listening);
}

void RelayToUnixSocket::pump(int client) {
  int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, to_.c_str(), sizeof address.sun_path - 1);
  if (connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    char buffer[16384];
    for (;;) {
      pollfd fds[3] = {{client, POLLIN, 0}, {server, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (poll(fds, 3, -1) < 0 && errno != EINTR) break;
      if (fds[2].revents) break;
      bool ended = false;
      for (auto [from, into] : {std::pair{0, server}, std::pair{1, client}}) {
        if (!fds[from].revents) continue;
        ssize_t got = read(fds[from].fd, buffer, sizeof buffer);
        if (got <= 0) {
          ended = true;
          break;
        }
        write_all(into, buffer, got);
      }
      if (ended) break;
    }
  }
  close(server);
  close(client);
}

std::string stack_database_socket() {
  // postgresql://notes@/notes?host=DIR: PostgreSQL's socket in DIR, on the
  // default port.
  std::string url = stack_value("NOTES_DATABASE_URL");
  auto host = url.find("host=");
  std::string dir = url.substr(host + 5);
  dir = dir.substr(0, dir.find('&'));
  return dir + "/.s.PGSQL.5432";
}

}  // namespace notes::test
