#include "tests/support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace notes::test {
namespace {

int connect_to(const std::string& url_base) {
  auto colon = url_base.rfind(':');
  int port = std::atoi(url_base.c_str() + colon + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to " + url_base);
  }
  return fd;
}

}  // namespace

void raw_trickle(const std::string& url_base, const std::string& head, std::chrono::milliseconds duration,
                 const std::atomic<bool>& keep_going) {
  int fd = connect_to(url_base);
  send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  auto end = std::chrono::steady_clock::now() + duration;
  while (keep_going && std::chrono::steady_clock::now() < end) {
    send(fd, "x", 1, MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  close(fd);
}

std::string raw_exchange(const std::string& url_base, const std::string& bytes) {
  int fd = connect_to(url_base);  // url_base is "http://127.0.0.1:PORT"
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);
  std::string answer;
  char buffer[4096];
  ssize_t got;
  while (answer.size() < 65536 && (got = recv(fd, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, got);
  close(fd);
  return answer;
}

int raw_status(const std::string& answer) {
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12) return 0;
  return std::atoi(answer.c_str() + 9);
}

}  // namespace notes::test
