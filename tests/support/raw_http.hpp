#pragma once
#include <atomic>
#include <chrono>
#include <string>

namespace notes::test {

// Sends bytes as they are to host:port over TCP and returns what came back
// (up to 64 KiB, or until the server closes or 5 s pass): for requests no
// well-behaved client library would send.
std::string raw_exchange(const std::string& url_base, const std::string& bytes);

// Connects to host:port, sends `head`, then one byte every 100 ms until
// `duration` passes or `keep_going` turns false: a client trickling its body.
void raw_trickle(const std::string& url_base, const std::string& head, std::chrono::milliseconds duration,
                 const std::atomic<bool>& keep_going);

// The status code of an HTTP answer ("HTTP/1.1 400 Bad Request..." -> 400),
// 0 when there was none.
int raw_status(const std::string& answer);

}  // namespace notes::test
