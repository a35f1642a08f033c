#include "fcgi/request_log.hpp"

#include <cstdio>

namespace notes {
std::string request_line(const Request& request, std::string_view route, int status,
                         std::chrono::steady_clock::duration took) {
  double ms = std::chrono::duration<double, std::milli>(took).count();
  auto caller = request.identity();
  std::string id(request.request_id().empty() ? "-" : request.request_id());
  char text[512];
  std::snprintf(text, sizeof text, "request id=%s route=\"%.*s\" status=%d ms=%.2f user=%s company=%s", id.c_str(),
                static_cast<int>(route.size()), route.data(), status, ms,
                caller ? std::to_string(caller->user_id).c_str() : "-",
                caller ? std::to_string(caller->company_id).c_str() : "-");
  return text;
}

void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::steady_clock::duration took, log::Level level, std::chrono::milliseconds slow) {
  if (slow.count() > 0 && took >= slow && level > log::Level::warning) level = log::Level::warning;
  if (status >= 500) level = log::Level::err;
  if (!log::enabled(level)) return;
  log::line(level, "%s", request_line(request, route, status, took).c_str());
}

}  // namespace notes
