// Every id the account family answers survives a JavaScript client
// (docs/api.md, "Ids"): JSON.parse reads numbers as doubles, so an account
// id above 2^53 sent as a number arrives rounded and names another account.
// Each answer below is read as JSON.parse reads it.
#include <chrono>
#include <random>
#include <thread>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/database.hpp"
#include "tests/support/javascript_json.hpp"
#include "tests/support/webhook_endpoint.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

TEST(JavaScriptJson, FindsTheNumbersJsonParseWouldRound) {
  EXPECT_EQ(numbers_javascript_rounds(R"({"a":5137419700472558593,"b":[1,9007199254740993],"c":{"d":-9007199254740993}})"),
            (Strings{"a", "b[1]", "c.d"}));
  EXPECT_EQ(numbers_javascript_rounds(R"({"a":"5137419700472558593","b":9007199254740992,"c":0.1})"), Strings{});
  EXPECT_EQ(javascript_string_at(R"({"h":[{"id":"7"},{"id":8}]})", "h[0].id"), "7");
  EXPECT_EQ(javascript_string_at(R"({"h":[{"id":"7"},{"id":8}]})", "h[1].id"), "");
}

class JavaScriptIds : public ClubSuite {
 protected:
  // An odd id above 2^62: no double holds it, so JSON.parse would round it.
  static std::string account_javascript_cannot_hold() {
    std::mt19937_64 random(std::random_device{}());
    uint64_t id = (uint64_t{1} << 62) + ((random() % (uint64_t{1} << 40)) << 1) + 1;
    return std::to_string(id);
  }

  // Every number of the answer survives JSON.parse.
  static void expect_javascript_reads(const HttpResponse& answer, const std::string& what) {
    EXPECT_EQ(numbers_javascript_rounds(answer.body), Strings{}) << what << ": " << answer.body;
  }
};

TEST_F(JavaScriptIds, EveryAccountFamilyAnswerHoldsItsIdsIntactForJsonParse) {
  std::string account = account_javascript_cannot_hold();
  ASSERT_EQ(notesctl_ok("account add --company " + club->id + " --id " + account), account);
  notesctl_ok("grant --user " + club->staff_id + " --account " + account + " --right modify");
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return 200; });
  WebhookEndpoint endpoint(club->id, receiver.url(), "account_note.*");

  // Where the feed stands before this test's changes.
  auto feed = [&](const std::string& since) {
    return http("GET", base_url() + "/api/v2/account_notes/changes?limit=1000" + (since.empty() ? "" : "&since=" + since),
                {raw_key(club->owner_key)});
  };
  std::string cursor;
  for (;;) {
    auto page = feed(cursor);
    ASSERT_EQ(page.status, 200) << page.body;
    std::string next = javascript_string_at(page.body, "next");
    if (next == cursor || javascript_string_at(page.body, "changes[0].change").empty()) break;
    cursor = next;
  }

  std::string url = account_note_url(account);
  auto as_staff = [&](const char* method, const std::string& body, std::vector<std::string> headers = {}) {
    headers.push_back(raw_key(club->staff_key));
    if (!body.empty()) headers.push_back(kJson);
    return http(method, url, headers, body);
  };
  std::vector<std::pair<std::string, HttpResponse>> answers;
  auto keep = [&](const std::string& what, HttpResponse answer, long status) {
    EXPECT_EQ(answer.status, status) << what << ": " << answer.body;
    answers.emplace_back(what, std::move(answer));
  };
  keep("create", as_staff("POST", R"({"note":"first"})", {"Idempotency-Key: js-ids-" + account}), 200);
  keep("create replayed", as_staff("POST", R"({"note":"first"})", {"Idempotency-Key: js-ids-" + account}), 200);
  keep("create again", as_staff("POST", R"({"note":"again"})"), 409);
  // The body's account_id is a string, the path's, and is accepted so.
  keep("modify", as_staff("PATCH", R"({"note":"second","account_id":")" + account + "\"}"), 200);
  keep("modify another account", as_staff("PATCH", R"({"note":"x","account_id":"1"})"), 400);
  keep("read", as_staff("GET", ""), 200);
  keep("spec", http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(club->staff_key)}), 200);
  keep("another company", http("GET", url, {raw_key(make_company("js-ids-rival").owner_key)}), 404);
  keep("remove", as_staff("DELETE", ""), 200);

  auto history = http("GET", url + "/history", {raw_key(club->staff_key)});
  keep("history", history, 200);
  std::string note_id = query_value("SELECT id FROM account_notes WHERE account_id = " + account);
  for (int i = 0; i < 3; ++i) {
    std::string entry = "history[" + std::to_string(i) + "]";
    EXPECT_NE(javascript_string_at(history.body, entry + ".id"), "") << entry << " of " << history.body;
    EXPECT_EQ(javascript_string_at(history.body, entry + ".account_note_id"), note_id) << entry;
    EXPECT_EQ(javascript_string_at(history.body, entry + ".changed_by.user_id"), club->staff_id) << entry;
  }

  // The feed names the account of each of the three changes (each a
  // tombstone now: the feed shows the account's live note, and it is removed).
  Strings changes;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       changes.size() < 3 && std::chrono::steady_clock::now() < deadline;) {
    auto page = feed(cursor);
    keep("feed", page, 200);
    for (int i = 0;; ++i) {
      std::string item = "changes[" + std::to_string(i) + "]";
      std::string change = javascript_string_at(page.body, item + ".change");
      if (change.empty()) break;
      if (javascript_string_at(page.body, item + ".account_id") == account) changes.push_back(change);
    }
    cursor = javascript_string_at(page.body, "next");
    if (changes.size() < 3) std::this_thread::sleep_for(50ms);  // the feed shows a change once older ones commit
  }
  EXPECT_EQ(changes, (Strings{"removed", "removed", "removed"}));

  // So do the webhook deliveries.
  ASSERT_TRUE(receiver.wait_for([](const std::vector<ReceivedRequest>& got) { return got.size() >= 3; }, 10s));
  for (const auto& delivery : receiver.requests()) {
    EXPECT_EQ(numbers_javascript_rounds(delivery.body), Strings{}) << delivery.body;
    EXPECT_EQ(javascript_string_at(delivery.body, "account_id"), account) << delivery.body;
  }

  for (const auto& [what, answer] : answers) expect_javascript_reads(answer, what);
}

}  // namespace
}  // namespace notes::test
