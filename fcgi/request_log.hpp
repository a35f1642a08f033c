#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "log/log.hpp"

namespace notes {

// The request's log line, in key=value form for grep and log tools:
//   request id=5f0c… route="GET /api/v2/account/{account_id}/note" status=200 ms=0.84 user=7 company=3
// `id` is nginx's $request_id (its access log and the client's X-Request-Id
// carry the same), "-" when the request came without one.
std::string request_line(const Request& request, std::string_view route, int status,
                         std::chrono::steady_clock::duration took);

// Writes it at `level`; a 5xx answer at err whatever `level` says, so a
// failure is in the journal with its request id; one that `took` `slow`
// or longer (a non-zero `slow`) at warning at least, so that a slow one is
// found among the problems (journalctl -p warning). Costs nothing more
// when the line is not written.
void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::steady_clock::duration took, log::Level level, std::chrono::milliseconds slow);

}  // namespace notes
