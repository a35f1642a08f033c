#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notes {

// One HTTP answer, built by a handler and written to nginx by the worker.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON unless a header says otherwise; empty for 204

  static Response json(int status, std::string body);
  static Response no_content();
  Response& header(std::string name, std::string value);

  // The CGI response as FastCGI carries it: Status and headers, a blank line,
  // then the body.
  std::string serialize() const;
};

std::string_view reason_phrase(int status);

}  // namespace notes
