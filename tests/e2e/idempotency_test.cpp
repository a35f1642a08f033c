// Idempotency-Key on POST routes: a retried request gets the first answer.
#include <atomic>
#include <thread>

#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"

namespace notes::test {
namespace {

class Idempotency : public ClubSuite {
 protected:
  static HttpResponse post_note(const std::string& key, const std::string& body, const std::string& api_key = "") {
    return http("POST", base_url() + "/api/customers/" + customer + "/notes",
                {bearer(api_key.empty() ? club->admin_key : api_key), kJson, "Idempotency-Key: " + key}, body);
  }
  static std::string note_count() {
    return query_value("SELECT count(*) FROM notes WHERE customer_id = " + customer);
  }
};

}  // namespace

TEST_F(Idempotency, RetryGetsTheFirstAnswerAndCreatesNothing) {
  std::string before = note_count();
  auto first = post_note("retry-1", R"({"subject":"once"})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post_note("retry-1", R"({"subject":"once"})");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("etag"), first.header("etag"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(std::stoll(note_count()), std::stoll(before) + 1);
}

TEST_F(Idempotency, SameKeyWithAnotherBodyIs422) {
  ASSERT_EQ(post_note("retry-2", R"({"subject":"first"})").status, 201);
  EXPECT_REFUSED_UNCHANGED(422, post_note("retry-2", R"({"subject":"second"})"));
}

TEST_F(Idempotency, KeysBelongToTheCaller) {
  ASSERT_EQ(post_note("shared-key", R"({"subject":"admin's"})").status, 201);
  auto owner = post_note("shared-key", R"({"subject":"admin's"})", club->owner_key);
  EXPECT_EQ(owner.status, 201);
  EXPECT_TRUE(owner.header("idempotent-replayed").empty());
}

TEST_F(Idempotency, FailedRequestsAreNotRemembered) {
  EXPECT_REFUSED_UNCHANGED(400, post_note("retry-3", R"({"status":"bogus"})"));
  auto fixed = post_note("retry-3", R"({"status":"open"})");
  EXPECT_EQ(fixed.status, 201) << fixed.body;
}

TEST_F(Idempotency, AccountNotesToo) {
  std::string account = notesctl_ok("account add --company " + club->id);
  auto url = account_note_url(account);
  auto first = http("POST", url, {raw_key(club->owner_key), kJson, "Idempotency-Key: acct-1"}, R"({"note":"x"})");
  EXPECT_EQ(first.status, 200);
  // Without the key a second POST would be 409; with it, the first answer.
  auto again = http("POST", url, {raw_key(club->owner_key), kJson, "Idempotency-Key: acct-1"}, R"({"note":"x"})");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, R"({"result":"success"})");
  EXPECT_EQ(http("POST", url, {raw_key(club->owner_key), kJson}, R"({"note":"x"})").status, 409);
}

TEST_F(Idempotency, MalformedKeysAre400) {
  EXPECT_REFUSED_UNCHANGED(400, post_note(std::string(256, 'k'), R"({"subject":"x"})"));
  EXPECT_REFUSED_UNCHANGED(400, post_note("has space", R"({"subject":"x"})"));
}

TEST_F(Idempotency, ConcurrentRetriesCreateOneNote) {
  std::string before = note_count();
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto response = post_note("race-key", R"({"subject":"raced"})");
      if (response.status == 201) ++created;
      bodies[i] = response.body;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 6);  // every retry answered like the first
  for (const auto& body : bodies) EXPECT_EQ(body, bodies[0]);
  EXPECT_EQ(std::stoll(note_count()), std::stoll(before) + 1);
}

}  // namespace notes::test

namespace notes::test {

// Answers are kept 24 hours (docs/api.md); expired ones are purged as new
// keys come, ten per new key, so the table never outgrows a day of keys.
TEST_F(Idempotency, ExpiredAnswersArePurgedAsNewKeysArrive) {
  std::string user = club->admin_id, company = club->id;
  query_value("INSERT INTO idempotency_keys (user_id, company_id, key, request_hash, created_at)"
              " SELECT " + user + ", " + company + ", 'stale-' || i, '\\x00', now() - interval '25 hours'"
              " FROM generate_series(1, 25) i RETURNING 1");
  query_value("INSERT INTO idempotency_keys (user_id, company_id, key, request_hash, created_at)"
              " VALUES (" + user + ", " + company + ", 'young', '\\x00', now() - interval '23 hours') RETURNING 1");
  auto stale = [&] {
    return query_value("SELECT count(*) FROM idempotency_keys WHERE key LIKE 'stale-%' AND user_id = " + user);
  };
  ASSERT_EQ(stale(), "25");
  ASSERT_EQ(post_note("purge-1", R"({"subject":"purge"})").status, 201);
  EXPECT_EQ(stale(), "15");  // at most ten per request: bounded work
  ASSERT_EQ(post_note("purge-2", R"({"subject":"purge"})").status, 201);
  ASSERT_EQ(post_note("purge-3", R"({"subject":"purge"})").status, 201);
  EXPECT_EQ(stale(), "0");
  // What is younger than 24 hours stays.
  EXPECT_EQ(query_value("SELECT count(*) FROM idempotency_keys WHERE key = 'young' AND user_id = " + user), "1");
}

}  // namespace notes::test

namespace notes::test {

// Issue 29, 6: a replay answers what the caller may see now, and is
// recorded as a read like any other answer carrying a confidential note.
TEST_F(Idempotency, ARetryAnswersWhatTheCallerMaySeeNowAndIsRecordedAsARead) {
  std::string helper = notesctl_ok("user add --company " + club->id + " --role admin --username helper" +
                                   std::to_string(std::rand()));
  std::string helper_key = notesctl_ok("key issue --user " + helper);
  auto created = post_note("secret-note", R"({"subject":"Debt","details":"SECRET","confidential":true})",
                           club->owner_key);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string note = std::to_string(json_of(created)["id"].GetInt64());
  std::string note_url = base_url() + "/api/customers/notes/" + note;
  ASSERT_EQ(http("POST", note_url + "/assignees", {bearer(club->owner_key), kJson},
                 R"({"assignees":[)" + helper + "]}")
                .status,
            200);
  auto assign_nobody = [&] {
    return http("POST", note_url + "/assignees", {bearer(helper_key), kJson, "Idempotency-Key: helper-assign"},
                R"({"assignees":[]})");
  };
  auto post_message = [&] {
    return http("POST", note_url + "/messages", {bearer(helper_key), kJson, "Idempotency-Key: helper-message"},
                R"({"message":"SECRET reply"})");
  };
  ASSERT_EQ(assign_nobody().status, 200);
  ASSERT_EQ(post_message().status, 201);
  auto reads = [&] {
    return std::stoi(query_value("SELECT count(*) FROM note_reads WHERE note_id = " + note + " AND user_id = " + helper));
  };
  int before = reads();
  // While assigned, the replays answer and are recorded.
  auto replayed = assign_nobody();
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(replayed.header("idempotent-replayed"), "true");
  EXPECT_EQ(post_message().status, 201);
  EXPECT_EQ(reads(), before + 2);
  // Taken off the note, the same retries are 404, as the note is to them.
  ASSERT_EQ(http("DELETE", note_url + "/assignees/" + helper, {bearer(club->owner_key)}).status, 200);
  for (auto answer : {assign_nobody(), post_message()}) {
    EXPECT_EQ(answer.status, 404) << answer.body;
    EXPECT_EQ(answer.body.find("SECRET"), std::string::npos) << answer.body;
  }
  EXPECT_EQ(reads(), before + 2);
}

// Issue 29, 5: a tiny request whose answer is a large Note does not keep
// that Note for a day with each new key.
TEST_F(Idempotency, WhatAKeyKeepsDoesNotGrowWithTheNote) {
  auto created = post_note("big-note", R"({"subject":"big"})");
  ASSERT_EQ(created.status, 201);
  std::string note_url = base_url() + "/api/customers/notes/" + std::to_string(json_of(created)["id"].GetInt64());
  std::string large(60000, 'm');
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(http("POST", note_url + "/messages", {bearer(club->admin_key), kJson}, R"({"message":")" + large + "\"}")
                  .status,
              201);
  }
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) {
    auto answer = http("POST", note_url + "/assignees",
                       {bearer(club->admin_key), kJson, "Idempotency-Key: tiny-" + std::to_string(i)},
                       R"({"assignees":[]})");
    ASSERT_EQ(answer.status, 200);
    ASSERT_GT(answer.body.size(), 4 * large.size()) << "the answer is the whole Note";
  }
  auto kept = std::stoll(query_value("SELECT sum(length(headers) + length(body)) FROM idempotency_keys"
                                     " WHERE key LIKE 'tiny-%' AND user_id = " + club->admin_id));
  EXPECT_LE(kept, kRequests * 512) << "bytes kept for " << kRequests << " requests of 16 bytes";
  // A retry still answers the Note, as it is now.
  auto again = http("POST", note_url + "/assignees", {bearer(club->admin_key), kJson, "Idempotency-Key: tiny-0"},
                    R"({"assignees":[]})");
  EXPECT_EQ(again.status, 200);
  EXPECT_GT(again.body.size(), 4 * large.size());
}

}  // namespace notes::test
