#pragma once
#include <string>
#include <utility>
#include <vector>

namespace notes::test {

// The CGI response a FastCGI responder wrote: "Status: ...", headers, body.
struct FastCgiResponse {
  std::string output;
  bool completed = false;  // an END_REQUEST record arrived
};

// Sends one request straight to a notesd socket, speaking FastCGI the way
// nginx does, so tests can reach the worker without nginx in front.
FastCgiResponse fastcgi_request(const std::string& socket_path,
                                const std::vector<std::pair<std::string, std::string>>& params,
                                const std::string& body = "");

}  // namespace notes::test
