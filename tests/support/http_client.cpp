#include "tests/support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <stdexcept>

#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

size_t collect_body(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

size_t collect_header(char* data, size_t size, size_t count, void* target) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    auto& headers = *static_cast<std::map<std::string, std::string>*>(target);
    headers[name] = headers.count(name) ? headers[name] + ", " + value : value;
  }
  return size * count;
}

}  // namespace

HttpResponse http(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                  const std::string& body, bool send_body) {
  return http_from("", method, url, headers, body, send_body);
}

HttpResponse http_from(const std::string& source_address, const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers, const std::string& body, bool send_body) {
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  HttpResponse response;
  curl_slist* header_list = nullptr;
  for (const auto& header : headers) header_list = curl_slist_append(header_list, header.c_str());
  // No "Expect: 100-continue" round trip for larger bodies.
  header_list = curl_slist_append(header_list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_CAINFO, stack_value("NOTES_CA_CERT").c_str());
  std::string interface = "host!" + source_address;
  if (!source_address.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (send_body || !body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(header_list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(rc));
  return response;
}

std::string base_url() { return stack_value("NOTES_URL"); }
std::string https_base_url() { return stack_value("NOTES_HTTPS_URL"); }

}  // namespace notes::test
