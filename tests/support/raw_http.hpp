#pragma once
#include <string>

namespace notes::test {

// Sends bytes as they are to host:port over TCP and returns what came back
// (up to 64 KiB, or until the server closes or 5 s pass): for requests no
// well-behaved client library would send.
std::string raw_exchange(const std::string& url_base, const std::string& bytes);

// The status code of an HTTP answer ("HTTP/1.1 400 Bad Request..." -> 400),
// 0 when there was none.
int raw_status(const std::string& answer);

}  // namespace notes::test
