// Confidential notes under concurrency: an admin removed from a confidential
// note while their write waits on the note's lock must get 404, with nothing
// changed. A second connection holds the lock and removes the assignment,
// exactly as another writer of the note would.
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/second_connection.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;

class VisibilityRace : public ClubSuite {
 protected:

  // A confidential note by the owner, assigned to the admin and the staff
  // user: the admin sees it only as an assignee.
  void SetUp() override {
    auto created = http("POST", base_url() + "/api/customers/" + customer + "/notes",
                        {bearer(club->owner_key), kJson}, R"({"subject":"secret","confidential":true})");
    ASSERT_EQ(created.status, 201) << created.body;
    rapidjson::Document note;
    ASSERT_FALSE(parse_json_body(created.body, note));
    note_id = std::to_string(note["id"].GetInt64());
    auto assigned = http("POST", note_url() + "/assignees", {bearer(club->owner_key), kJson},
                         "{\"assignees\":[" + club->admin_id + "," + club->staff_id + "]}");
    ASSERT_EQ(assigned.status, 200) << assigned.body;
    ASSERT_EQ(http("GET", note_url(), {bearer(club->admin_key)}).status, 200);
  }

  std::string note_url() const { return base_url() + "/api/customers/notes/" + note_id; }

  // Sends `write` as the admin while another transaction holds the note's
  // lock and removes the admin from the note; answers the write's answer.
  // The database must afterwards be what the removal alone left.
  HttpResponse write_while_unassigned(const std::function<HttpResponse()>& write) {
    SecondConnection blocker;
    blocker.run("BEGIN");
    blocker.run("SELECT 1 FROM notes WHERE id = " + note_id + " FOR UPDATE");
    blocker.run("DELETE FROM note_assignees WHERE note_id = " + note_id + " AND user_id = " + club->admin_id);
    auto answer = std::async(std::launch::async, write);
    EXPECT_TRUE(someone_waits_for_a_lock()) << "the write never waited for the note's lock";
    // What the removal alone leaves, seen from inside its transaction while
    // the write still waits.
    std::string after_removal = blocker.value(database_fingerprint_query());
    blocker.run("COMMIT");
    HttpResponse response = answer.get();
    EXPECT_EQ(database_fingerprint(), after_removal) << "the refused write changed data";
    return response;
  }

  void expect_not_found(const HttpResponse& response) {
    EXPECT_EQ(response.status, 404) << response.body;
    EXPECT_EQ(response.header("content-type"), "application/json");
    // The admin no longer sees the note at all.
    EXPECT_EQ(http("GET", note_url(), {bearer(club->admin_key)}).status, 404);
  }

  std::string note_id;
};

}  // namespace

TEST_F(VisibilityRace, PatchOfANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned(
      [&] { return http("PATCH", note_url(), {bearer(club->admin_key), kJson}, R"({"subject":"leaked"})"); }));
  EXPECT_EQ(query_value("SELECT subject FROM notes WHERE id = " + note_id), "secret");
}

TEST_F(VisibilityRace, RestoreOfANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned(
      [&] { return http("POST", note_url() + "/history/1/restore", {bearer(club->admin_key)}); }));
}

TEST_F(VisibilityRace, DeleteOfANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned([&] { return http("DELETE", note_url(), {bearer(club->admin_key)}); }));
  EXPECT_EQ(query_value("SELECT count(*) FROM notes WHERE id = " + note_id), "1");
}

TEST_F(VisibilityRace, MessageOnANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned([&] {
    return http("POST", note_url() + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"leaked"})");
  }));
  EXPECT_EQ(query_value("SELECT count(*) FROM note_messages WHERE note_id = " + note_id), "0");
}

TEST_F(VisibilityRace, AddingAssigneesToANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned([&] {
    return http("POST", note_url() + "/assignees", {bearer(club->admin_key), kJson},
                "{\"assignees\":[" + club->admin_id + "]}");
  }));
  EXPECT_EQ(query_value("SELECT string_agg(user_id::text, ',') FROM note_assignees WHERE note_id = " + note_id),
            club->staff_id);
}

TEST_F(VisibilityRace, RemovingAnAssigneeOfANoteNoLongerVisibleIs404) {
  expect_not_found(write_while_unassigned([&] {
    return http("DELETE", note_url() + "/assignees/" + club->staff_id, {bearer(club->admin_key)});
  }));
  EXPECT_EQ(query_value("SELECT string_agg(user_id::text, ',') FROM note_assignees WHERE note_id = " + note_id),
            club->staff_id);
}

}  // namespace notes::test
