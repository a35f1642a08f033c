#pragma once
// A webhook endpoint of a test's company, added through notesctl and
// disabled when the test ends, so that later tests' changes are not sent to
// a receiver that is gone.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cli.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

struct WebhookEndpoint {
  std::string id, secret;
  WebhookEndpoint(const std::string& company, const std::string& url, const std::string& events) {
    auto added = notesctl("webhook add --company " + company + " --url " + url + " --events " + events +
                          " --key-file " + stack_value("NOTES_WEBHOOK_KEY_FILE"));
    EXPECT_EQ(added.exit_code, 0) << added.err;
    auto newline = added.out.find('\n');
    id = added.out.substr(0, newline);
    secret = added.out.substr(newline + 1, added.out.find('\n', newline + 1) - newline - 1);
  }
  ~WebhookEndpoint() { notesctl("webhook disable --endpoint " + id); }
  WebhookEndpoint(const WebhookEndpoint&) = delete;
  WebhookEndpoint& operator=(const WebhookEndpoint&) = delete;
};

}  // namespace notes::test
