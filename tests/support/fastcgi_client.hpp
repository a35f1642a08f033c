#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace notes::test {

// The CGI response a FastCGI responder wrote: "Status: ...", headers, body.
struct FastCgiResponse {
  std::string output;
  bool completed = false;  // an END_REQUEST record arrived
  int stdout_records = 0;  // how many STDOUT records carried output
};

using FastCgiParams = std::vector<std::pair<std::string, std::string>>;

// The param nginx's secret travels in, and the test stack's secret, which
// every request sent here carries unless its params name the param
// themselves (an empty value: no secret).
inline constexpr const char* kNginxSecretParam = "NOTES_NGINX_SECRET";
std::string stack_nginx_secret();

// Sends one request straight to a notesd socket, speaking FastCGI the way
// nginx does, so tests can reach the worker without nginx in front.
FastCgiResponse fastcgi_request(const std::string& socket_path, const FastCgiParams& params,
                                const std::string& body = "");

// A connection that carries one request after another, as nginx's kept
// upstream connections do (FCGI_KEEP_CONN on each request).
class FastCgiConnection {
 public:
  explicit FastCgiConnection(const std::string& socket_path);  // throws when it cannot connect
  ~FastCgiConnection();
  FastCgiConnection(const FastCgiConnection&) = delete;
  FastCgiConnection& operator=(const FastCgiConnection&) = delete;

  // Waits at most `timeout` for the answer (not completed when it did not
  // come). `keep`: ask the worker to keep the connection afterwards.
  FastCgiResponse request(const FastCgiParams& params, const std::string& body = "", bool keep = true,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // A request in two halves: `begin` sends the parameters and the start of
  // the body, so the worker that reads it waits, busy, for the rest;
  // `finish` sends the rest and the end of the body and reads the answer.
  void begin(const FastCgiParams& params, const std::string& body_start, bool keep = true);
  FastCgiResponse finish(const std::string& body_rest = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Whether the worker has closed its end, waiting at most `limit`.
  bool closed_by_worker(std::chrono::milliseconds limit);

 private:
  static std::string encode_start(const FastCgiParams& params, const std::string& body_start, bool keep);
  static std::string end_of_body(const std::string& body_rest);
  FastCgiResponse read_answer(std::chrono::milliseconds timeout);
  void send_ignoring_failure(const std::string& data);
  int fd_ = -1;
};

}  // namespace notes::test
