#include "tests/support/fastcgi_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

enum RecordType : unsigned char { kBeginRequest = 1, kEndRequest = 3, kParams = 4, kStdin = 5, kStdout = 6 };
constexpr int kRequestId = 1;

void append_record(std::string& out, RecordType type, const std::string& content) {
  out += static_cast<char>(1);  // version
  out += static_cast<char>(type);
  out += static_cast<char>(kRequestId >> 8);
  out += static_cast<char>(kRequestId & 0xff);
  out += static_cast<char>(content.size() >> 8);
  out += static_cast<char>(content.size() & 0xff);
  out += '\0';  // padding
  out += '\0';  // reserved
  out += content;
}

void append_length(std::string& out, std::size_t length) {
  if (length < 128) {
    out += static_cast<char>(length);
  } else {
    out += static_cast<char>(((length >> 24) & 0x7f) | 0x80);
    out += static_cast<char>((length >> 16) & 0xff);
    out += static_cast<char>((length >> 8) & 0xff);
    out += static_cast<char>(length & 0xff);
  }
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("FastCGI send failed");
    sent += static_cast<std::size_t>(n);
  }
}

bool receive_exactly(int fd, char* buffer, std::size_t length) {
  std::size_t got = 0;
  while (got < length) {
    ssize_t n = recv(fd, buffer + got, length - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

void append_body(std::string& out, const std::string& body) {
  for (std::size_t offset = 0; offset < body.size(); offset += 32768) {
    append_record(out, kStdin, body.substr(offset, 32768));
  }
}

}  // namespace

FastCgiConnection::FastCgiConnection(const std::string& socket_path) {
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    throw std::runtime_error("cannot connect to " + socket_path);
  }
}

FastCgiConnection::~FastCgiConnection() { close(fd_); }

FastCgiResponse FastCgiConnection::request(const FastCgiParams& params, const std::string& body, bool keep,
                                           std::chrono::milliseconds timeout) {
  // All of it in one write, as nginx writes a request: a worker may answer
  // a bodiless request before it reads the end of the body, and the end
  // arriving later would sit on the kept connection.
  send_ignoring_failure(encode_start(params, body, keep) + end_of_body(""));
  return read_answer(timeout);
}

void FastCgiConnection::begin(const FastCgiParams& params, const std::string& body_start, bool keep) {
  send_ignoring_failure(encode_start(params, body_start, keep));
}

FastCgiResponse FastCgiConnection::finish(const std::string& body_rest, std::chrono::milliseconds timeout) {
  send_ignoring_failure(end_of_body(body_rest));
  return read_answer(timeout);
}

std::string FastCgiConnection::encode_start(const FastCgiParams& params, const std::string& body_start, bool keep) {
  std::string out;
  // Role responder; flags: FCGI_KEEP_CONN or none (close after).
  append_record(out, kBeginRequest, std::string("\0\1", 2) + (keep ? '\1' : '\0') + std::string(5, '\0'));
  std::string encoded;
  // As nginx does, every request carries the stack's secret, unless the test
  // sends one of its own (credentials/nginx_secret.hpp).
  FastCgiParams with_secret = params;
  bool has_secret = std::any_of(params.begin(), params.end(), [](const auto& p) { return p.first == kNginxSecretParam; });
  if (!has_secret) with_secret.emplace_back(kNginxSecretParam, stack_nginx_secret());
  for (const auto& [name, value] : with_secret) {
    append_length(encoded, name.size());
    append_length(encoded, value.size());
    encoded += name;
    encoded += value;
  }
  if (!encoded.empty()) append_record(out, kParams, encoded);
  append_record(out, kParams, "");
  append_body(out, body_start);
  return out;
}

std::string FastCgiConnection::end_of_body(const std::string& body_rest) {
  std::string out;
  append_body(out, body_rest);
  append_record(out, kStdin, "");
  return out;
}

FastCgiResponse FastCgiConnection::read_answer(std::chrono::milliseconds timeout) {
  timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  FastCgiResponse response;
  unsigned char header[8];
  while (receive_exactly(fd_, reinterpret_cast<char*>(header), sizeof header)) {
    std::size_t length = (header[4] << 8) | header[5];
    std::string content(length + header[6], '\0');
    if (!receive_exactly(fd_, content.data(), content.size())) break;
    if (header[1] == kStdout && length > 0) {
      response.output += content.substr(0, length);
      ++response.stdout_records;
    }
    if (header[1] == kEndRequest) {
      response.completed = true;
      break;
    }
  }
  return response;
}

void FastCgiConnection::send_ignoring_failure(const std::string& data) {
  try {
    send_all(fd_, data);
  } catch (...) {
    // The worker may answer (413) before reading everything: read what it said.
  }
}

bool FastCgiConnection::closed_by_worker(std::chrono::milliseconds limit) {
  pollfd entry{fd_, POLLIN, 0};
  if (poll(&entry, 1, static_cast<int>(limit.count())) <= 0) return false;
  char byte;
  return recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

std::string stack_nginx_secret() {
  std::ifstream file(stack_value("NOTES_NGINX_SECRET_FILE"));
  std::string secret;
  std::getline(file, secret);
  return secret;
}

FastCgiResponse fastcgi_request(const std::string& socket_path, const FastCgiParams& params,
                                const std::string& body) {
  return FastCgiConnection(socket_path).request(params, body, /*keep=*/false);
}

}  // namespace notes::test
