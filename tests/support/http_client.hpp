#pragma once
#include <map>
#include <string>
#include <vector>

namespace notes::test {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto found = headers.find(lower_name);
    return found == headers.end() ? "" : found->second;
  }
};

// One HTTP request over a real socket (libcurl). `url` is absolute; https
// is checked against the stack's self-signed certificate.
HttpResponse http(const std::string& method, const std::string& url,
                  const std::vector<std::string>& headers = {}, const std::string& body = "",
                  bool send_body = false);

// The same from another local address, e.g. "127.0.0.2": nginx limits some
// routes per client address, and a test that spends one address's allowance
// leaves 127.0.0.1's to the others.
HttpResponse http_from(const std::string& source_address, const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers = {}, const std::string& body = "",
                       bool send_body = false);

// The stack's http base URL, e.g. "http://127.0.0.1:41234".
std::string base_url();
std::string https_base_url();

}  // namespace notes::test
