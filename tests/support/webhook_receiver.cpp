#include "tests/support/webhook_receiver.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace notes::test {

WebhookReceiver::WebhookReceiver(std::function<int(int, const ReceivedRequest&)> answer) : answer_(std::move(answer)) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("the webhook receiver could not listen");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    while (!stopping_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection >= 0) serve(connection);
    }
  });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  thread_.join();
  close(listener_);
  for (int connection : held_) close(connection);
}

void WebhookReceiver::serve(int connection) {
  // One request per connection: the header, then Content-Length bytes.
  std::string data;
  char buffer[65536];
  std::size_t header_end = std::string::npos, length = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd ready{connection, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) continue;
    ssize_t got = read(connection, buffer, sizeof buffer);
    if (got <= 0) break;
    data.append(buffer, static_cast<std::size_t>(got));
    if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string lower = data.substr(0, header_end);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      auto at = lower.find("content-length:");
      if (at != std::string::npos) length = std::stoul(lower.substr(at + 15));
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
  }
  ReceivedRequest request;
  request.at = std::chrono::steady_clock::now();
  if (header_end != std::string::npos) {
    std::size_t line = data.find("\r\n");
    while (line < header_end) {
      std::size_t next = data.find("\r\n", line + 2);
      std::string header = data.substr(line + 2, next - line - 2);
      auto colon = header.find(':');
      if (colon != std::string::npos) {
        std::string name = header.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::size_t value = header.find_first_not_of(' ', colon + 1);
        request.headers[name] = value == std::string::npos ? "" : header.substr(value);
      }
      line = next;
    }
    request.body = data.substr(header_end + 4, length);
  }
  int n;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    n = static_cast<int>(requests_.size());
  }
  request.answered = answer_(n, request);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
  }
  if (request.answered == 0) {
    held_.push_back(connection);
    return;
  }
  std::string answer = "HTTP/1.1 " + std::to_string(request.answered) +
                       " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  [[maybe_unused]] auto written = write(connection, answer.data(), answer.size());
  close(connection);
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

bool WebhookReceiver::wait_for(const std::function<bool(const std::vector<ReceivedRequest>&)>& condition,
                               std::chrono::milliseconds limit) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition(requests())) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace notes::test
