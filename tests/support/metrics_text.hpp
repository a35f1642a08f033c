#pragma once
#include <cstdlib>
#include <string>

namespace notes::test {

// The value of one sample in Prometheus text: `series` is the name with its
// labels exactly as written (`notes_workers`, `notes_requests_total{route="GET
// /healthz",status="200"}`). -1 when the text has no such sample.
inline double sample_value(const std::string& text, const std::string& series) {
  std::string line_start = series + " ";
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, line_start.size(), line_start) == 0) {
      return std::strtod(text.substr(at + line_start.size(), end - at - line_start.size()).c_str(), nullptr);
    }
    at = end + 1;
  }
  return -1;
}

}  // namespace notes::test
