#pragma once
// Helpers shared by the end-to-end tests: requests go through the stack's
// nginx over real sockets, exactly as a client's would.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "handlers/auth.hpp"
#include "http/json_body.hpp"

#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace notes::test {

// The JSON body of `response`, parsed as the service parses bodies (which
// takes at most 1,000 values: large pages need RapidJSON's own Parse).
inline rapidjson::Document json_of(const HttpResponse& response) {
  rapidjson::Document document;
  EXPECT_FALSE(parse_json_body(response.body, document)) << response.status << " " << response.body;
  return document;
}

// The JSON body of `response` whatever its size (a page of large notes).
inline rapidjson::Document any_json_of(const HttpResponse& response) {
  rapidjson::Document document;
  document.Parse(response.body.data(), response.body.size());
  EXPECT_FALSE(document.HasParseError()) << response.status << " " << response.body.substr(0, 300);
  return document;
}

inline std::string bearer(const std::string& key) { return "Authorization: Bearer " + key; }
inline std::string raw_key(const std::string& key) { return "Authorization: " + key; }
inline const std::string kJson = "Content-Type: application/json";

inline std::string account_note_url(const std::string& account_id) {
  return base_url() + "/api/v2/account/" + account_id + "/note";
}
// A customer's notes, and one note.
inline std::string customer_notes_url(const std::string& customer_id) {
  return base_url() + "/api/customers/" + customer_id + "/notes";
}
inline std::string note_url(const std::string& note_id) { return base_url() + "/api/customers/notes/" + note_id; }

// A new note of `customer_id` with `body`, sent with `headers` (a
// credential among them); its id.
inline std::string new_note(const std::string& customer_id, const std::string& body,
                            std::vector<std::string> headers) {
  headers.push_back(kJson);
  auto created = http("POST", customer_notes_url(customer_id), headers, body);
  EXPECT_EQ(created.status, 201) << created.body;
  return created.status == 201 ? std::to_string(json_of(created)["id"].GetInt64()) : std::string();
}

// Sends `request` and checks that it was refused with `status`, answered in
// JSON, and that the database did not change.
#define EXPECT_REFUSED_UNCHANGED(status_code, request_expression)                                 \
  do {                                                                                             \
    std::string before_ = ::notes::test::database_fingerprint();                                   \
    ::notes::test::HttpResponse refused_ = (request_expression);                                   \
    EXPECT_EQ(refused_.status, status_code) << refused_.body;                                      \
    EXPECT_EQ(refused_.header("content-type"), "application/json") << refused_.body;               \
    EXPECT_EQ(::notes::test::database_fingerprint(), before_) << "a refused request changed data"; \
  } while (0)

// Sleeps to the start of the next wall-clock second: nginx's auth cache
// counts whole seconds, so an answer cached then is the worst case for a
// revocation bound.
inline void sleep_to_the_start_of_a_second() {
  auto wall = std::chrono::system_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(1) - (wall.time_since_epoch() % std::chrono::seconds(1)));
}

// Sends `request` (returning the status) every 20 ms until it is refused,
// and checks the bound the docs state for a revoked credential: it is
// refused with 401, no request sent kCacheSeconds or more after `revoked_at`
// was accepted, and it stays refused.
template <class Request>
void expect_refused_within_the_cache_bound(Request request, std::chrono::steady_clock::time_point revoked_at) {
  using Clock = std::chrono::steady_clock;
  auto last_accepted = revoked_at;
  long status = 200;
  while (Clock::now() - revoked_at < std::chrono::seconds(8)) {
    auto sent = Clock::now();
    status = request();
    if (status / 100 != 2) break;
    last_accepted = sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 401);
  EXPECT_LT(last_accepted - revoked_at, std::chrono::seconds(auth::kCacheSeconds))
      << "accepted " << std::chrono::duration_cast<std::chrono::milliseconds>(last_accepted - revoked_at).count()
      << " ms after the revocation";
  EXPECT_EQ(request(), 401);
}

}  // namespace notes::test
