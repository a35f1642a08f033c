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

  std::string notes_url(const std::string& customer) const {
    return base_url() + "/api/customers/" + customer + "/notes";
  }
  std::string note_url(const std::string& note) const { return base_url() + "/api/customers/notes/" + note; }
  std::string new_note(const std::string& customer, const std::string& body,
                       const std::vector<std::string>& headers = {}) {
    std::vector<std::string> all = {bearer(club.admin_key), kJson};
    all.insert(all.end(), headers.begin(), headers.end());
    auto created = http("POST", notes_url(customer), all, body);
    EXPECT_EQ(created.status, 201) << created.body;
    return std::to_string(json_of(created)["id"].GetInt64());
  }
  // Rows of the whole database, every table, whose text holds the word.
  std::string rows_with_word() const {
    return query_value(
        "SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format("
        "  'SELECT count(*) AS c FROM %I t WHERE t::text ILIKE %L', table_name, '%" + word +
        "%'), false, true, '')))[1]::text::bigint), 0)"
        " FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  }
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
  auto kept_list = http("GET", notes_url(kept), {bearer(club.owner_key)});
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
  EXPECT_NE(dry.find("notes               1\n"), std::string::npos) << dry;
  EXPECT_EQ(rows_with_word(), before);

  auto erased_at = std::chrono::steady_clock::now();
  std::string said = erase();
  EXPECT_NE(said.find("notes               1\n"), std::string::npos) << said;
  EXPECT_NE(said.find("messages            1 (1 with attachments)"), std::string::npos) << said;
  EXPECT_NE(said.find("(2 notes keep one content-free 'deleted' entry)"), std::string::npos) << said;
  EXPECT_NE(said.find("stored answers      2\n"), std::string::npos) << said;
  EXPECT_EQ(said.find("read records        0\n"), std::string::npos) << said;
  EXPECT_EQ(said.find("search postings     0\n"), std::string::npos) << said;

  // Nowhere in the database, on no route.
  EXPECT_EQ(rows_with_word(), "0");
  EXPECT_EQ(deliveries(), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM customers WHERE id = " + erased), "0");
  EXPECT_EQ(http("GET", note_url(secret), {bearer(club.owner_key)}).status, 404);
  EXPECT_EQ(http("GET", notes_url(erased), {bearer(club.owner_key)}).status, 404);
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
  for (auto [url, key, body] : {std::tuple{notes_url(erased), "erase-note", note_body},
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
  EXPECT_EQ(http("GET", notes_url(kept), {bearer(club.owner_key)}).body, kept_list.body);
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
  EXPECT_NE(said.find("notes               2\n"), std::string::npos) << said;
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

}  // namespace
}  // namespace notes::test
