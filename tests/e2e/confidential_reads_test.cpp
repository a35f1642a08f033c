// Reads of confidential notes (docs/api.md, "Who read a confidential note")
// end to end through nginx: every answer that carries one to someone other
// than its author is recorded before it leaves, owners list them, and an
// answer whose read cannot be recorded is not given.
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/second_connection.hpp"

namespace notes::test {
namespace {

class ConfidentialReads : public ClubSuite {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    reader = notesctl_ok("user add --company " + club->id + " --role admin --username reads-" + test->name());
    reader_key = notesctl_ok("key issue --user " + reader);
    // A confidential note of the admin, assigned to the reader, with a word
    // no other note has, and a message with an attachment.
    word = std::string("zyxqv") + test->name();
    auto created = http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->admin_key), kJson},
                        R"({"subject":")" + word + R"(","confidential":true})");
    ASSERT_EQ(created.status, 201) << created.body;
    note = std::to_string(json_of(created)["id"].GetInt64());
    ASSERT_EQ(http("POST", note_url() + "/assignees", {bearer(club->admin_key), kJson},
                   R"({"assignees":[)" + reader + "]}")
                  .status,
              200);
    auto posted = http("POST", note_url() + "/messages", {bearer(club->admin_key), kJson},
                       R"({"message":"m","attachment":"aGVsbG8="})");
    ASSERT_EQ(posted.status, 201) << posted.body;
    message = std::to_string(json_of(posted)["id"].GetInt64());
  }

  std::string note_url() const { return base_url() + "/api/customers/notes/" + note; }
  std::string reads_count() const { return query_value("SELECT count(*) FROM note_reads WHERE note_id = " + note); }
  HttpResponse reads(const std::string& key) const { return http("GET", note_url() + "/reads", {bearer(key)}); }

  std::string reader, reader_key, word, note, message;
};

TEST_F(ConfidentialReads, EveryAnswerCarryingItToAnotherUserIsRecorded) {
  // The author reads it every way: nothing is recorded.
  ASSERT_EQ(http("GET", note_url(), {bearer(club->admin_key)}).status, 200);
  ASSERT_EQ(http("GET", base_url() + "/api/customers/notes?q=" + word, {bearer(club->admin_key)}).status, 200);
  EXPECT_EQ(reads_count(), "0");

  // The assigned reader, through every route that carries its content.
  std::vector<std::pair<std::string, HttpResponse>> sent;
  auto get = [&](const std::string& via, const std::string& url) {
    sent.emplace_back(via, http("GET", url, {bearer(reader_key)}));
    EXPECT_EQ(sent.back().second.status, 200) << via << ": " << sent.back().second.body;
  };
  get("note", note_url());
  get("list", base_url() + "/api/customers/" + customer + "/notes?page_size=100");
  get("queue", base_url() + "/api/customers/notes?assignee=me");
  get("search", base_url() + "/api/customers/notes?q=" + word);
  get("messages", note_url() + "/messages");
  get("attachment", note_url() + "/messages/" + message + "/attachment");
  get("history", note_url() + "/history");
  sent.emplace_back("write", http("PATCH", note_url(), {bearer(reader_key), kJson}, "{}"));
  ASSERT_EQ(sent.back().second.status, 200);

  auto page = reads(club->owner_key);
  ASSERT_EQ(page.status, 200) << page.body;
  auto entries = json_of(page);
  ASSERT_EQ(entries.Size(), sent.size()) << page.body;
  // Newest first, each with the request that carried it.
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    const auto& [via, response] = sent[sent.size() - 1 - i];
    EXPECT_EQ(entries[i]["via"].GetString(), via);
    EXPECT_EQ(entries[i]["request_id"].GetString(), response.header("x-request-id")) << via;
    EXPECT_EQ(std::to_string(entries[i]["read_by"]["user_id"].GetInt64()), reader) << via;
    EXPECT_EQ(std::string(entries[i]["read_by"]["credential"].GetString()).rfind("key:", 0), 0u) << via;
  }
  EXPECT_NE(page.header("pagination").find("\"total_count\":8"), std::string::npos) << page.header("pagination");

  // A note that is not confidential is not recorded.
  auto open = http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->admin_key), kJson},
                   R"({"subject":"open"})");
  ASSERT_EQ(open.status, 201);
  std::string open_id = std::to_string(json_of(open)["id"].GetInt64());
  ASSERT_EQ(http("GET", base_url() + "/api/customers/notes/" + open_id, {bearer(reader_key)}).status, 200);
  EXPECT_EQ(query_value("SELECT count(*) FROM note_reads WHERE note_id = " + open_id), "0");
}

TEST_F(ConfidentialReads, OnlyOwnersListThemAndTheyOutliveTheNote) {
  ASSERT_EQ(http("GET", note_url(), {bearer(reader_key)}).status, 200);
  EXPECT_REFUSED_UNCHANGED(403, reads(club->admin_key));
  EXPECT_REFUSED_UNCHANGED(403, reads(reader_key));
  Company rival = make_company("reads-rival");
  EXPECT_REFUSED_UNCHANGED(404, reads(rival.owner_key));
  EXPECT_REFUSED_UNCHANGED(404, http("GET", base_url() + "/api/customers/notes/999999999/reads",
                                     {bearer(club->owner_key)}));

  ASSERT_EQ(http("DELETE", note_url(), {bearer(club->admin_key)}).status, 204);
  auto page = reads(club->owner_key);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(json_of(page).Size(), 1u);
  // The owner reads the deleted note's history: a read of its content too.
  ASSERT_EQ(http("GET", note_url() + "/history", {bearer(club->owner_key)}).status, 200);
  EXPECT_EQ(reads_count(), "2");
}

// The record is written before the answer leaves: a read that cannot be
// recorded (here: the table locked past the lock timeout) is a 503 that
// carries nothing of the note.
TEST_F(ConfidentialReads, AReadThatCannotBeRecordedIsNotAnswered) {
  SecondConnection holder;
  holder.run("BEGIN");
  holder.run("LOCK TABLE note_reads IN EXCLUSIVE MODE");
  for (const std::string& url : {note_url(), note_url() + "/messages/" + message + "/attachment",
                                 base_url() + "/api/customers/notes?q=" + word}) {
    auto answer = http("GET", url, {bearer(reader_key)});
    EXPECT_EQ(answer.status, 503) << url << ": " << answer.body;
    EXPECT_EQ(answer.body.find(word), std::string::npos) << url;
    EXPECT_EQ(answer.body.find("hello"), std::string::npos) << url;
  }
  holder.run("ROLLBACK");
  EXPECT_EQ(reads_count(), "0");
  EXPECT_EQ(http("GET", note_url(), {bearer(reader_key)}).status, 200);
  EXPECT_EQ(reads_count(), "1");
}

// The OpenAPI document names every way a read is recorded (a generated
// client refuses a value its enum lacks): each value the database accepts
// in note_reads.via, read from its CHECK constraint, is in NoteRead.via.
TEST(ConfidentialReadsDocument, NamesEveryWayTheDatabaseRecordsARead) {
  auto document = http("GET", base_url() + "/api/openapi.json", {});
  ASSERT_EQ(document.status, 200);
  auto json = any_json_of(document);
  std::set<std::string> documented;
  for (const auto& value : json["components"]["schemas"]["NoteRead"]["properties"]["via"]["enum"].GetArray()) {
    documented.insert(value.GetString());
  }
  std::string check = query_value(
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'note_reads'::regclass"
      " AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%via%'");
  std::vector<std::string> recorded;
  for (std::size_t open = check.find('\''); open != std::string::npos; open = check.find('\'', open + 1)) {
    std::size_t close = check.find('\'', open + 1);
    ASSERT_NE(close, std::string::npos) << check;
    recorded.push_back(check.substr(open + 1, close - open - 1));
    open = close;
  }
  ASSERT_GE(recorded.size(), 9u) << check;
  for (const auto& via : recorded) EXPECT_EQ(documented.count(via), 1u) << via << " is missing from NoteRead.via";
}

}  // namespace
}  // namespace notes::test
