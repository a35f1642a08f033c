// Erasure on request (docs/erasure.md): `notesctl customer erase` removes
// everything the service holds about one customer, on every path that
// shows content (notes, lists, search, history, reads, feed, webhooks,
// idempotent replays), leaves one content-free 'deleted' entry per note,
// and touches nothing of another customer.
#include <future>
#include <string>
#include <vector>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;

class Erasure : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    club = make_company(std::string("erasure-") + test->name());
    // A word of this test's alone, in everything held about the customer.
    word = std::string("qzwerase") + test->name();
    erased = notesctl_ok("customer add --company " + club.id + " --first-name " + word + " --email " + word +
                         "@example.org");
    kept = notesctl_ok("customer add --company " + club.id + " --first-name Kept");
  }

  std::string new_note(const std::string& customer, const std::string& body,
                       std::vector<std::string> headers = {}) {
    headers.insert(headers.begin(), bearer(club.admin_key));
    return test::new_note(customer, body, headers);
  }
  // Rows of the whole database, every table, whose text holds `text`.
  static std::string rows_with(const std::string& text) {
    return query_value(
        "SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format("
        "  'SELECT count(*) AS c FROM %I t WHERE t::text ILIKE %L', table_name, '%" + text +
        "%'), false, true, '')))[1]::text::bigint), 0)"
        " FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  }
  std::string rows_with_word() const { return rows_with(word); }
  std::string erase(const std::string& extra = "") const {
    auto done = notesctl_as_superuser("customer erase --company " + club.id + " --customer " + erased + extra);
    EXPECT_EQ(done.exit_code, 0) << done.err;
    return done.out;
  }

  Company club;
  std::string word, erased, kept;
};

TEST_F(Erasure, RemovesEverythingHeldAboutTheCustomerOnEveryPathAndNothingElse) {
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return 200; });
  auto endpoint = notesctl("webhook add --company " + club.id + " --url " + receiver.url() +
                           " --events note.* --key-file " + stack_value("NOTES_WEBHOOK_KEY_FILE"));
  ASSERT_EQ(endpoint.exit_code, 0) << endpoint.err;
  std::string endpoint_id = endpoint.out.substr(0, endpoint.out.find('\n'));

  // A confidential note, assigned to staff, with a message and
  // an attachment, read by the owner; a second one made with an
  // Idempotency-Key and deleted.
  std::string secret = new_note(erased, R"({"subject":")" + word + R"(","confidential":true})");
  ASSERT_EQ(http("POST", note_url(secret) + "/assignees", {bearer(club.admin_key), kJson},
                 R"({"assignees":[)" + club.staff_id + "]}").status, 200);
  std::string message_body = R"({"message":"about )" + word + R"(","attachment":"aGVsbG8="})";
  auto posted = http("POST", note_url(secret) + "/messages",
                     {bearer(club.admin_key), kJson, "Idempotency-Key: erase-message"}, message_body);
  ASSERT_EQ(posted.status, 201) << posted.body;
  ASSERT_EQ(http("PATCH", note_url(secret), {bearer(club.admin_key), kJson},
                 R"({"details":"more on )" + word + R"("})").status, 200);
  ASSERT_EQ(http("GET", note_url(secret), {bearer(club.owner_key)}).status, 200);
  std::string note_body = R"({"subject":"gone )" + word + R"("})";
  std::string deleted = new_note(erased, note_body, {"Idempotency-Key: erase-note"});
  ASSERT_EQ(http("DELETE", note_url(deleted), {bearer(club.admin_key)}).status / 100, 2);

  std::string other = new_note(kept, R"({"subject":"the kept customer's"})");
  auto kept_list = http("GET", customer_notes_url(kept), {bearer(club.owner_key)});
  auto kept_history = http("GET", note_url(other) + "/history", {bearer(club.owner_key)});
  ASSERT_EQ(kept_list.status, 200);

  // The changes reach the endpoint, and their deliveries are kept. Once
  // erased, the notes' only deliveries are the content-free deletions the
  // erasure itself causes.
  auto deliveries = [&] {
    return query_value("SELECT count(*) FROM webhook_deliveries WHERE subject IN ('note:" + secret + "', 'note:" +
                       deleted + "') AND NOT body::jsonb @> "
                       "'{\"change\": \"deleted\", \"before\": null, \"after\": null, \"note\": null}'");
  };
  ASSERT_TRUE(receiver.wait_for([&](const auto& got) { return got.size() >= 7; }, 10s));
  ASSERT_NE(deliveries(), "0");
  ASSERT_NE(query_value("SELECT count(*) FROM note_reads WHERE note_id = " + secret), "0");
  ASSERT_NE(rows_with_word(), "0");

  // The service's own role may not erase, and a dry run removes nothing.
  std::string before = rows_with_word();
  auto refused = notesctl("customer erase --company " + club.id + " --customer " + erased);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("notes_owner"), std::string::npos) << refused.err;
  std::string dry = erase(" --dry-run");
  EXPECT_NE(dry.find("would remove"), std::string::npos) << dry;
  EXPECT_NE(dry.find("notes                 1\n"), std::string::npos) << dry;
  EXPECT_EQ(rows_with_word(), before);

  auto erased_at = std::chrono::steady_clock::now();
  std::string said = erase();
  EXPECT_NE(said.find("notes                 1\n"), std::string::npos) << said;
  EXPECT_NE(said.find("messages              1 (1 with attachments)"), std::string::npos) << said;
  EXPECT_NE(said.find("(2 notes keep one content-free 'deleted' entry)"), std::string::npos) << said;
  EXPECT_NE(said.find("stored answers        2\n"), std::string::npos) << said;
  EXPECT_EQ(said.find("read records          0\n"), std::string::npos) << said;
  EXPECT_EQ(said.find("search postings       0\n"), std::string::npos) << said;

  // Nowhere in the database, on no route.
  EXPECT_EQ(rows_with_word(), "0");
  EXPECT_EQ(deliveries(), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM customers WHERE id = " + erased), "0");
  EXPECT_EQ(http("GET", note_url(secret), {bearer(club.owner_key)}).status, 404);
  EXPECT_EQ(http("GET", customer_notes_url(erased), {bearer(club.owner_key)}).status, 404);
  auto found = http("GET", base_url() + "/api/customers/notes?q=" + word, {bearer(club.owner_key)});
  EXPECT_EQ(found.status, 204) << found.body;  // an empty page, as the original answers it
  EXPECT_EQ(http("GET", note_url(secret) + "/reads", {bearer(club.owner_key)}).status, 204);
  for (const std::string& note : {secret, deleted}) {
    auto history = http("GET", note_url(note) + "/history", {bearer(club.owner_key)});
    ASSERT_EQ(history.status, 200) << history.body;
    auto entries = json_of(history);
    ASSERT_EQ(entries.Size(), 1u) << history.body;
    EXPECT_STREQ(entries[0]["change"].GetString(), "deleted");
    EXPECT_TRUE(entries[0]["before"].IsNull());
    EXPECT_TRUE(entries[0]["after"].IsNull());
  }
  auto feed = http("GET", base_url() + "/api/customers/notes/changes", {bearer(club.owner_key)});
  EXPECT_EQ(feed.status, 200);
  EXPECT_EQ(feed.body.find(word), std::string::npos) << feed.body;
  // A retry of a stored request is no replay of what was erased.
  for (auto [url, key, body] : {std::tuple{customer_notes_url(erased), "erase-note", note_body},
                                std::tuple{note_url(secret) + "/messages", "erase-message", message_body}}) {
    auto retried = http("POST", url, {bearer(club.admin_key), kJson, std::string("Idempotency-Key: ") + key}, body);
    EXPECT_EQ(retried.status, 404) << retried.body;
    EXPECT_EQ(retried.body.find(word), std::string::npos) << retried.body;
  }
  // Endpoints learn that the notes are gone, and nothing more.
  auto since_erasure = [&](const std::vector<ReceivedRequest>& got) {
    std::vector<ReceivedRequest> after;
    for (const auto& request : got) {
      if (request.at > erased_at) after.push_back(request);
    }
    return after;
  };
  ASSERT_TRUE(receiver.wait_for([&](const auto& got) { return since_erasure(got).size() >= 2; }, 10s));
  for (const auto& request : since_erasure(receiver.requests())) {
    EXPECT_NE(request.body.find("\"change\":\"deleted\""), std::string::npos) << request.body;
    EXPECT_EQ(request.body.find(word), std::string::npos) << request.body;
  }
  notesctl("webhook disable --endpoint " + endpoint_id);

  // The other customer's notes are as they were.
  EXPECT_EQ(http("GET", customer_notes_url(kept), {bearer(club.owner_key)}).body, kept_list.body);
  EXPECT_EQ(http("GET", note_url(other) + "/history", {bearer(club.owner_key)}).body, kept_history.body);
}

// A note being added for the customer while the erasure starts holds the
// customer: the erasure waits for it and erases it too.
TEST_F(Erasure, ANoteCommittedWhileItWaitsIsErasedToo) {
  new_note(erased, R"({"subject":"first"})");
  SecondConnection writer;
  writer.run("BEGIN");
  writer.run("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject) VALUES (" + club.id +
             ", " + erased + ", " + club.admin_id + ", 'customer', '" + word + "')");
  auto erasing = std::async(std::launch::async, [&] { return erase(); });
  ASSERT_TRUE(someone_waits_for_a_lock("notesctl"));
  writer.run("COMMIT");
  std::string said = erasing.get();
  EXPECT_NE(said.find("notes                 2\n"), std::string::npos) << said;
  EXPECT_EQ(query_value("SELECT count(*) FROM notes WHERE customer_id = " + erased), "0");
  EXPECT_EQ(rows_with_word(), "0");
}

// History stays append-only to everyone else: erasing is the schema
// owner's, in a transaction that says so, and only by DELETE.
TEST_F(Erasure, HistoryStaysAppendOnlyOutsideAnErasure) {
  new_note(erased, R"({"subject":"kept in history"})");
  std::string url = stack_value("NOTES_ADMIN_DATABASE_URL");
  auto as = [&](const std::string& statements) {
    return run_command("psql '" + url + "' -v ON_ERROR_STOP=1 -Atqc \"" + statements + "\"");
  };
  std::string count = "SELECT count(*) FROM note_history WHERE customer_id = " + erased;
  std::string history = query_value(count);
  ASSERT_NE(history, "0");
  for (const std::string& refused : std::vector<std::string>{
           "SET ROLE notes_owner; DELETE FROM note_history WHERE customer_id = " + erased,
           "SET ROLE notes; SET notes.erasing = 'on'; DELETE FROM note_history WHERE customer_id = " + erased,
           "SET ROLE notes_owner; SET notes.erasing = 'on'; UPDATE note_history SET before = NULL WHERE customer_id = " +
               erased,
           "SET ROLE notes_owner; SET notes.erasing = 'on'; TRUNCATE note_history CASCADE",
       }) {
    CommandExit done = as(refused);
    EXPECT_NE(done.status, 0) << refused;
  }
  EXPECT_EQ(query_value(count), history);
}

// Rows of every table with a company_id that belong to `company`.
std::string rows_of_company(const std::string& company) {
  return query_value(
      "SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format("
      "  'SELECT count(*) AS c FROM %I WHERE company_id = " + company + "', table_name), false, true, '')))"
      "  [1]::text::bigint), 0)"
      " FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'company_id'");
}

// `notesctl company delete` (docs/erasure.md, "A company or an account"):
// not one row of the company is left, its keys stop working, and another
// company's answers do not change.
TEST_F(Erasure, ADeletedCompanyLeavesNoRowAndNoOtherCompanyChanges) {
  Company other = make_company("erasure-other");
  std::string theirs = notesctl_ok("customer add --company " + other.id);
  ASSERT_EQ(http("POST", customer_notes_url(theirs), {bearer(other.admin_key), kJson}, R"({"subject":"theirs"})").status, 201);
  auto their_list = http("GET", customer_notes_url(theirs), {bearer(other.owner_key)});

  std::string note = new_note(erased, R"({"subject":")" + word + R"(","confidential":true})");
  ASSERT_EQ(http("POST", note_url(note) + "/messages", {bearer(club.admin_key), kJson},
                 R"({"message":"m","attachment":"aGVsbG8="})").status, 201);
  ASSERT_EQ(http("GET", note_url(note), {bearer(club.owner_key)}).status, 200);
  notesctl_ok("grant --user " + club.admin_id + " --account " + club.account_id + " --right modify");
  ASSERT_EQ(http("POST", account_note_url(club.account_id), {raw_key(club.admin_key), kJson},
                 R"({"note":")" + word + R"("})").status, 200);
  ASSERT_EQ(notesctl("webhook add --company " + club.id + " --url https://hooks.example.org/n --events note.* "
                     "--key-file " + stack_value("NOTES_WEBHOOK_KEY_FILE")).exit_code, 0);
  std::string held = rows_of_company(club.id);
  ASSERT_NE(held, "0");

  EXPECT_NE(notesctl("company delete --company " + club.id).exit_code, 0);
  auto dry = notesctl_as_superuser("company delete --dry-run --company " + club.id);
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would remove"), std::string::npos) << dry.out;
  EXPECT_EQ(rows_of_company(club.id), held);
  auto done = notesctl_as_superuser("company delete --company " + club.id);
  auto deleted_at = std::chrono::steady_clock::now();
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("  users                 3\n"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("  company               1\n"), std::string::npos) << done.out;

  EXPECT_EQ(rows_of_company(club.id), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM companies WHERE id = " + club.id), "0");
  EXPECT_EQ(rows_with_word(), "0");
  EXPECT_NE(http("GET", note_url(note), {bearer(club.owner_key)}).status, 200);
  // Its keys stop working within the bound a revoked key does (nginx's cache).
  expect_refused_within_the_cache_bound(
      [&] { return http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(club.owner_key)}).status; },
      deleted_at);
  EXPECT_EQ(http("GET", customer_notes_url(theirs), {bearer(other.owner_key)}).body, their_list.body);
  EXPECT_EQ(notesctl_as_superuser("company delete --company " + club.id).exit_code, 1);
}

// `notesctl account delete`: the account, its notes, their history and its
// grants go; the account notes feed is told its live note was removed.
TEST_F(Erasure, ADeletedAccountLeavesOnlyAContentFreeRemoval) {
  std::string text = "qzwaccount" + word;  // in the account's notes alone
  notesctl_ok("grant --user " + club.admin_id + " --account " + club.account_id + " --right modify");
  std::string url = account_note_url(club.account_id);
  ASSERT_EQ(http("POST", url, {raw_key(club.admin_key), kJson}, R"({"note":"first )" + text + R"("})").status, 200);
  ASSERT_EQ(http("PATCH", url, {raw_key(club.admin_key), kJson}, R"({"note":"then )" + text + R"("})").status, 200);
  auto feed_before = http("GET", base_url() + "/api/v2/account_notes/changes", {raw_key(club.owner_key)});
  ASSERT_EQ(feed_before.status, 200);
  std::string cursor = json_of(feed_before)["next"].GetString();
  ASSERT_NE(rows_with(text), "0");

  auto done = notesctl_as_superuser("account delete --account " + club.account_id);
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("(1 live note keeps one content-free 'removed' entry)"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("  grants                1\n"), std::string::npos) << done.out;
  EXPECT_EQ(rows_with(text), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM accounts WHERE id = " + club.account_id), "0");
  EXPECT_EQ(http("GET", url, {raw_key(club.admin_key)}).status, 404);
  auto feed = http("GET", base_url() + "/api/v2/account_notes/changes?since=" + cursor, {raw_key(club.owner_key)});
  ASSERT_EQ(feed.status, 200) << feed.body;
  auto page = json_of(feed);
  const auto& changes = page["changes"];
  ASSERT_EQ(changes.Size(), 1u) << feed.body;
  EXPECT_STREQ(changes[0]["change"].GetString(), "removed");
  EXPECT_TRUE(changes[0]["note"].IsNull());
  EXPECT_EQ(notesctl_as_superuser("account delete --account " + club.account_id).exit_code, 1);
}

}  // namespace
}  // namespace notes::test
