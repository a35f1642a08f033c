#pragma once
// Helpers shared by the end-to-end tests: requests go through the stack's
// nginx over real sockets, exactly as a client's would.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace notes::test {

inline std::string bearer(const std::string& key) { return "Authorization: Bearer " + key; }
inline std::string raw_key(const std::string& key) { return "Authorization: " + key; }
inline const std::string kJson = "Content-Type: application/json";

inline std::string account_note_url(const std::string& account_id) {
  return base_url() + "/api/v2/account/" + account_id + "/note";
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

}  // namespace notes::test
