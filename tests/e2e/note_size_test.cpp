// How big a Note answer gets (docs/api.md, "How big a Note gets"): it
// carries its newest 20 messages within 256 KiB of their JSON, and at most
// 100 assignees, so every Note answer stays under 1 MiB whatever the note
// holds; the whole thread is paged by GET .../messages.
#include <cstdio>

#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"

namespace notes::test {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// `count` control characters, as a JSON string's content: the worst case,
// 6 bytes of JSON for each byte stored.
std::string control_characters(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += "\\u0001";
  return text;
}

class NoteSize : public ClubSuite {
 protected:

  std::string create(const std::string& body) {
    auto created = http("POST", base_url() + "/api/customers/" + customer + "/notes",
                        {bearer(club->admin_key), kJson}, body);
    EXPECT_EQ(created.status, 201) << created.body.substr(0, 300);
    rapidjson::Document note;
    note.Parse(created.body.data(), created.body.size());
    return note.HasParseError() ? "0" : std::to_string(note["id"].GetInt64());
  }
  void post_message(const std::string& id, const std::string& text) {
    ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson},
                   "{\"message\":\"" + text + "\"}").status,
              201);
  }
  // GETs the Note, checks its size, and parses it (with RapidJSON's own
  // parser: a Note holds more values than a request body may).
  std::size_t get(const std::string& id, rapidjson::Document& parsed) {
    auto note = http("GET", note_url(id), {bearer(club->admin_key)});
    EXPECT_EQ(note.status, 200);
    EXPECT_LE(note.body.size(), kMiB);
    EXPECT_FALSE(parsed.Parse(note.body.data(), note.body.size()).HasParseError());
    return note.body.size();
  }

};

}  // namespace

TEST_F(NoteSize, ANoteCarriesItsNewestTwentyMessagesOldestFirst) {
  std::string id = create(R"({"subject":"chatty"})");
  for (int i = 1; i <= 25; ++i) post_message(id, "m" + std::to_string(i));
  rapidjson::Document note;
  get(id, note);
  auto messages = note["messages"].GetArray();
  ASSERT_EQ(messages.Size(), 20u);
  EXPECT_STREQ(messages[0]["message"].GetString(), "m6");
  EXPECT_STREQ(messages[19]["message"].GetString(), "m25");
  auto all = http("GET", note_url(id) + "/messages?page_size=100", {bearer(club->admin_key)});
  EXPECT_NE(all.header("x-pagination").find("\"total_count\":25"), std::string::npos) << all.header("x-pagination");
}

TEST_F(NoteSize, ANoteAnswerStaysUnderOneMiBWhateverTheNoteHolds) {
  // Every field at its limit, in characters JSON spells in 6 bytes.
  std::string tags = "[";
  for (int i = 0; i < 50; ++i) tags += (i ? ",\"" : "\"") + control_characters(63) + std::to_string(i % 10) + "\"";
  tags += "]";
  std::string id = create("{\"subject\":\"" + control_characters(255) + "\",\"type\":\"" + control_characters(255) +
                          "\",\"details\":\"" + control_characters(64 * 1024) + "\",\"tags\":" + tags + "}");
  // 101 users with long names, straight into the table (notesctl would take a while).
  std::string long_name(255, 'n');
  std::string ids = query_value(
      "WITH made AS (INSERT INTO users (company_id, role, username, first_name, last_name, email)"
      " SELECT " + club->id + ", 'staff', 'note-size-' || i || '-' || md5(random()::text), '" + long_name + "', '" +
      long_name + "', '" + long_name + "' FROM generate_series(1, 101) i RETURNING id)"
      " SELECT string_agg(id::text, ',' ORDER BY id) FROM made");
  std::string hundred = ids.substr(0, ids.rfind(','));
  std::string one_more = ids.substr(ids.rfind(',') + 1);
  auto assigned = http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                       "{\"assignees\":[" + hundred + "]}");
  ASSERT_EQ(assigned.status, 200) << assigned.body.substr(0, 300);
  EXPECT_LE(assigned.body.size(), kMiB);
  // The 101st assignee is refused, and nothing changes.
  EXPECT_REFUSED_UNCHANGED(422, http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                                     "{\"assignees\":[" + one_more + "]}"));

  // 22 messages of 40 KiB: the newest that fit in 256 KiB come with the Note.
  for (int i = 0; i < 22; ++i) post_message(id, std::string(40 * 1024, 'm') + std::to_string(i % 10));
  rapidjson::Document note;
  std::size_t size = get(id, note);
  auto messages = note["messages"].GetArray();
  ASSERT_GE(messages.Size(), 1u);
  EXPECT_LT(messages.Size(), 20u);
  EXPECT_EQ(messages[messages.Size() - 1]["message"].GetString()[40 * 1024], '1');  // the 22nd: newest, last
  std::printf("NOTE SIZE every field at its limit, 100 assignees, 22 messages of 40 KiB: %zu bytes, %u inline\n",
              size, messages.Size());
  // Three more at the worst: 64 KiB of control characters, 384 KiB of JSON each.
  for (int i = 0; i < 3; ++i) post_message(id, control_characters(64 * 1024));
  rapidjson::Document worst;
  std::printf("NOTE SIZE and 3 messages of 384 KiB of JSON: %zu bytes\n", get(id, worst));
  auto patched = http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"status":"closed"})");
  ASSERT_EQ(patched.status, 200);
  EXPECT_LE(patched.body.size(), kMiB);
  auto listed = http("GET", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->admin_key)});
  EXPECT_LE(listed.body.size(), kMiB);
}

}  // namespace notes::test
