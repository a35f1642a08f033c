// History (docs/api.md, "History") end to end through nginx: every change
// recorded with who made it and the request that asked, restores, who may
// read it, and that nothing can change it afterwards.
#include <libpq-fe.h>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

// A JSON value as compact text, to compare whole objects.
std::string text_of(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

class History : public ClubSuite {
 protected:

  // A new note of the suite's customer written by `key`; its id.
  static std::string new_note(const std::string& body, const std::string& key) {
    return test::new_note(customer, body, {bearer(key)});
  }
  static HttpResponse history(const std::string& id, const std::string& key, const std::string& query = "") {
    return http("GET", note_url(id) + "/history" + query, {bearer(key)});
  }
  static HttpResponse restore(const std::string& id, const std::string& revision, const std::string& key,
                              const std::string& if_match = "") {
    std::vector<std::string> headers{bearer(key)};
    if (!if_match.empty()) headers.push_back("If-Match: " + if_match);
    return http("POST", note_url(id) + "/history/" + revision + "/restore", headers);
  }
  static std::string key_id_of(const std::string& user) {
    return query_value("SELECT id FROM api_keys WHERE user_id = " + user + " ORDER BY id DESC LIMIT 1");
  }
};

TEST_F(History, EveryChangeIsRecordedWithWhoMadeItAndTheRequest) {
  std::string id = new_note(R"({"subject":"first","details":"d","tags":["a"]})", club->admin_key);
  auto patched = http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"subject":"second"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(http("POST", note_url(id) + "/assignees", {bearer(club->owner_key), kJson},
                 R"({"assignees":[)" + club->staff_id + "]}")
                .status,
            200);
  ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"hello"})")
                .status,
            201);
  ASSERT_EQ(http("DELETE", note_url(id) + "/assignees/" + club->staff_id, {bearer(club->admin_key)}).status, 200);

  auto page = history(id, club->admin_key);
  ASSERT_EQ(page.status, 200) << page.body;
  // Compact, as every body is.
  EXPECT_NE(page.body.find(R"("before":{"subject":"first"})"), std::string::npos) << page.body;
  EXPECT_NE(page.header("pagination").find("\"total_count\":5"), std::string::npos) << page.header("pagination");
  auto entries = json_of(page);
  ASSERT_TRUE(entries.IsArray());
  ASSERT_EQ(entries.Size(), 5u) << page.body;
  // Newest first, each under the revision it left.
  const char* changes[] = {"assignee_removed", "message_posted", "assignee_added", "updated", "created"};
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    EXPECT_STREQ(entries[i]["change"].GetString(), changes[i]);
    EXPECT_EQ(entries[i]["revision"].GetInt64(), 5 - static_cast<int64_t>(i)) << changes[i];
  }
  const auto& update = entries[3];
  EXPECT_EQ(text_of(update["before"]), R"({"subject":"first"})");
  EXPECT_EQ(text_of(update["after"]), R"({"subject":"second"})");
  EXPECT_EQ(std::to_string(update["changed_by"]["user_id"].GetInt64()), club->admin_id);
  EXPECT_EQ(update["changed_by"]["credential"].GetString(), "key:" + key_id_of(club->admin_id));
  ASSERT_EQ(patched.header("x-request-id").size(), 32u);
  EXPECT_EQ(update["request_id"].GetString(), patched.header("x-request-id"));
  // The assignee was added by the owner, with the owner's key.
  EXPECT_EQ(std::to_string(entries[2]["changed_by"]["user_id"].GetInt64()), club->owner_id);
  EXPECT_EQ(entries[2]["changed_by"]["credential"].GetString(), "key:" + key_id_of(club->owner_id));
  EXPECT_EQ(text_of(entries[2]["after"]), R"({"user_id":)" + club->staff_id + "}");
  EXPECT_STREQ(entries[1]["after"]["message"].GetString(), "hello");
  const auto& created = entries[4];
  EXPECT_TRUE(created["before"].IsNull());
  EXPECT_STREQ(created["after"]["subject"].GetString(), "first");
  EXPECT_STREQ(created["after"]["tags"][0].GetString(), "a");
  EXPECT_TRUE(created["after"]["reminder"].IsNull());

  // Paged like every list.
  auto second = history(id, club->admin_key, "?page_number=2&page_size=2");
  ASSERT_EQ(second.status, 200);
  auto middle = json_of(second);
  ASSERT_EQ(middle.Size(), 2u);
  EXPECT_STREQ(middle[0]["change"].GetString(), "assignee_added");
}

TEST_F(History, AChangeMadeWithAnAccessTokenNamesItsLogin) {
  std::string user = notesctl_ok("user add --company " + club->id + " --role admin --username history-token");
  notesctl_ok("user passwd --user " + user + " <<'PASSWORD'\na long enough secret\nPASSWORD");
  auto login = http_from("127.0.0.3", "POST", base_url() + "/api/token", {kJson},
                         R"({"grant_type":"password","username":"history-token","password":"a long enough secret",)"
                         R"("company_id":)" + club->id + "}");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string access = json_of(login)["access_token"].GetString();
  std::string id = new_note(R"({"subject":"by token"})", access);
  auto entries = json_of(history(id, club->admin_key));
  ASSERT_EQ(entries.Size(), 1u);
  std::string family = query_value("SELECT id FROM token_families WHERE user_id = " + user);
  EXPECT_EQ(entries[0]["changed_by"]["credential"].GetString(), "token:" + family);
  EXPECT_EQ(std::to_string(entries[0]["changed_by"]["user_id"].GetInt64()), user);
}

TEST_F(History, AChangeMadeOutsideTheServiceIsRecordedWithoutAnActor) {
  std::string id = new_note(R"({"subject":"before psql"})", club->admin_key);
  run_sql("UPDATE notes SET subject = 'by psql', revision = revision + 1 WHERE id = " + id);
  auto entries = json_of(history(id, club->admin_key));
  ASSERT_EQ(entries.Size(), 2u);
  EXPECT_STREQ(entries[0]["change"].GetString(), "updated");
  EXPECT_TRUE(entries[0]["changed_by"]["user_id"].IsNull());
  EXPECT_TRUE(entries[0]["changed_by"]["credential"].IsNull());
  EXPECT_TRUE(entries[0]["request_id"].IsNull());
}

TEST_F(History, RestoreBringsBackTheFieldsOfARevision) {
  std::string id = new_note(
      R"({"subject":"one","details":"first details","tags":["x","y"],"reminder":"2030-01-02T03:04:05.678Z",)"
      R"("priority":true})",
      club->admin_key);
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson},
                 R"({"subject":"two","tags":null,"reminder":null})")
                .status,
            200);
  ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"m"})").status,
            201);
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"details":"second details"})").status,
            200);
  auto original = json_of(http("GET", note_url(id), {bearer(club->admin_key)}));

  auto restored = restore(id, "1", club->admin_key, "\"4\"");
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.header("etag"), "\"5\"");
  auto note = json_of(restored);
  EXPECT_STREQ(note["subject"].GetString(), "one");
  EXPECT_STREQ(note["details"].GetString(), "first details");
  EXPECT_EQ(text_of(note["tags"]), R"(["x","y"])");
  EXPECT_STREQ(note["reminder"].GetString(), "2030-01-02T03:04:05.678Z");
  EXPECT_TRUE(note["priority"].GetBool());
  // Messages are a thread: a restore keeps them.
  EXPECT_EQ(note["messages"].Size(), original["messages"].Size());

  auto entries = json_of(history(id, club->admin_key));
  EXPECT_STREQ(entries[0]["change"].GetString(), "restored");
  EXPECT_EQ(entries[0]["restored_from"].GetInt64(), 1);
  EXPECT_EQ(entries[0]["revision"].GetInt64(), 5);
  EXPECT_EQ(text_of(entries[0]["before"]),
            R"({"tags":null,"details":"second details","subject":"two","reminder":null})");

  // The fields of revision 3 (after the message) are those revision 2 left.
  auto back = restore(id, "3", club->admin_key);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_STREQ(json_of(back)["subject"].GetString(), "two");
  EXPECT_STREQ(json_of(back)["details"].GetString(), "first details");

  // Restoring what the note already is changes nothing, not even its ETag.
  std::string etag = back.header("etag");
  std::string count = query_value("SELECT count(*) FROM note_history WHERE note_id = " + id);
  auto again = restore(id, "3", club->admin_key);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(query_value("SELECT count(*) FROM note_history WHERE note_id = " + id), count);
}

TEST_F(History, RestoreRefusalsChangeNothing) {
  std::string id = new_note(R"({"subject":"one"})", club->admin_key);
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"subject":"two"})").status, 200);
  // If-Match naming a revision the note no longer has.
  EXPECT_REFUSED_UNCHANGED(412, restore(id, "1", club->admin_key, "\"1\""));
  EXPECT_REFUSED_UNCHANGED(404, restore(id, "9", club->admin_key));
  EXPECT_REFUSED_UNCHANGED(400, restore(id, "0", club->admin_key));
  EXPECT_REFUSED_UNCHANGED(400, restore(id, "first", club->admin_key));
  Company rival = make_company("history-rival");
  EXPECT_REFUSED_UNCHANGED(404, restore(id, "1", rival.owner_key));
  EXPECT_REFUSED_UNCHANGED(403, restore(id, "1", club->staff_key));
  EXPECT_EQ(query_value("SELECT subject FROM notes WHERE id = " + id), "two");
}

TEST_F(History, ReadableByWhoeverMayReadTheNoteAndOfADeletedNoteByOwners) {
  // A confidential note of the owner: the admin may not see it, nor its history.
  std::string secret = new_note(R"({"subject":"secret","confidential":true})", club->owner_key);
  EXPECT_EQ(history(secret, club->owner_key).status, 200);
  EXPECT_EQ(history(secret, club->admin_key).status, 404);
  EXPECT_EQ(restore(secret, "1", club->admin_key).status, 404);
  Company rival = make_company("history-reader");
  EXPECT_EQ(history(secret, rival.owner_key).status, 404);

  std::string gone = new_note(R"({"subject":"to delete"})", club->admin_key);
  ASSERT_EQ(http("DELETE", note_url(gone), {bearer(club->admin_key)}).status, 204);
  EXPECT_EQ(history(gone, club->admin_key).status, 404);
  EXPECT_EQ(history(gone, rival.owner_key).status, 404);
  auto page = history(gone, club->owner_key);
  ASSERT_EQ(page.status, 200) << page.body;
  auto entries = json_of(page);
  ASSERT_EQ(entries.Size(), 2u);
  EXPECT_STREQ(entries[0]["change"].GetString(), "deleted");
  EXPECT_STREQ(entries[0]["before"]["subject"].GetString(), "to delete");
  EXPECT_TRUE(entries[0]["after"].IsNull());
  // A deleted note cannot be restored here (docs/api.md, "History").
  EXPECT_EQ(restore(gone, "1", club->owner_key).status, 404);
  EXPECT_EQ(history("999999999", club->owner_key).status, 404);
}

// What the service's own database role can do to history: append only.
TEST_F(History, WhatWasWrittenWhileTheNoteWasConfidentialStaysWithThoseWhoMaySeeIt) {
  // Issue 29, 2: made public with its secret overwritten, the note's past
  // must not show the secret to an admin who could never see it.
  std::string id = new_note(R"({"subject":"Payment plan","details":"SECRET","confidential":true})", club->admin_key);
  auto patched = http("PATCH", note_url(id), {bearer(club->admin_key), kJson},
                      R"({"details":"redacted","confidential":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"status":"closed"})").status, 200);
  std::string outsider = notesctl_ok("user add --company " + club->id + " --role admin --username outsider" + id);
  std::string outsider_key = notesctl_ok("key issue --user " + outsider);
  auto reads = [&] {
    return query_value("SELECT count(*) FROM note_reads WHERE note_id = " + id + " AND via = 'history'");
  };

  auto seen = history(id, outsider_key);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.body.find("SECRET"), std::string::npos) << seen.body;
  auto entries = json_of(seen);
  ASSERT_EQ(entries.Size(), 3u) << seen.body;
  // Newest first: the status change, made in public, shows; the other two
  // were written while the note was confidential: their fields are withheld.
  EXPECT_FALSE(entries[0]["redacted"].GetBool());
  EXPECT_EQ(text_of(entries[0]["after"]), R"({"status":"closed"})");
  for (int i : {1, 2}) {
    EXPECT_TRUE(entries[i]["redacted"].GetBool()) << i;
    EXPECT_TRUE(entries[i]["before"].IsNull()) << i;
    EXPECT_TRUE(entries[i]["after"].IsNull()) << i;
    EXPECT_FALSE(entries[i]["change"].IsNull()) << i;
  }
  EXPECT_EQ(reads(), "0") << "nothing confidential was shown";
  // Nor can it bring the confidential revision back (nor learn it exists):
  // as if there were no such revision. A revision that was public it may.
  EXPECT_REFUSED_UNCHANGED(404, restore(id, "1", outsider_key));
  auto public_revision = restore(id, "2", outsider_key);
  EXPECT_EQ(public_revision.status, 200) << public_revision.body;
  EXPECT_EQ(public_revision.body.find("SECRET"), std::string::npos) << public_revision.body;
  EXPECT_EQ(std::string(json_of(public_revision)["status"].GetString()), "open");

  // The owner sees everything; the read of the confidential past is recorded.
  auto owner = history(id, club->owner_key);
  ASSERT_EQ(owner.status, 200);
  EXPECT_NE(owner.body.find("SECRET"), std::string::npos) << owner.body;
  EXPECT_FALSE(json_of(owner)[3]["redacted"].GetBool());
  EXPECT_EQ(reads(), "1");
  // The author too, unrecorded (an author reading their own note).
  auto author = history(id, club->admin_key);
  EXPECT_NE(author.body.find("SECRET"), std::string::npos) << author.body;
  EXPECT_EQ(reads(), "1");
  // An admin assigned later may see a confidential note: the past too.
  ASSERT_EQ(http("POST", note_url(id) + "/assignees", {bearer(club->owner_key), kJson},
                 R"({"assignees":[)" + outsider + "]}")
                .status,
            200);
  auto assigned = history(id, outsider_key);
  EXPECT_NE(assigned.body.find("SECRET"), std::string::npos) << assigned.body;
  EXPECT_EQ(reads(), "2");
  auto restored = restore(id, "1", outsider_key);
  EXPECT_EQ(restored.status, 200) << restored.body;
}

TEST_F(History, NoRoleOfTheServiceCanChangeOrRemoveIt) {
  std::string id = new_note(R"({"subject":"kept"})", club->admin_key);
  // The role notesd, notesctl and the delivery process log in as.
  PGconn* conn = PQconnectdb(stack_value("NOTES_DATABASE_URL").c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK);
  ASSERT_EQ(std::string(PQuser(conn)), "notes");
  for (const std::string& sql :
       {"UPDATE note_history SET after = '{}' WHERE note_id = " + id, "DELETE FROM note_history WHERE note_id = " + id,
        std::string("TRUNCATE note_history"), std::string("UPDATE account_note_history SET note_after = ''"),
        std::string("DELETE FROM account_note_history"), std::string("TRUNCATE account_note_history"),
        std::string("UPDATE note_reads SET via = 'note'"), std::string("DELETE FROM note_reads"),
        std::string("TRUNCATE note_reads"),
        // What an owner could do first (the review deleted rows so).
        "ALTER TABLE note_history DISABLE TRIGGER note_history_append_only;"
        " DELETE FROM note_history WHERE note_id = " + id,
        std::string("ALTER TABLE note_reads DISABLE TRIGGER ALL"),
        std::string("DROP TRIGGER account_note_history_append_only ON account_note_history"),
        std::string("ALTER TABLE note_history RENAME TO note_history_gone"),
        std::string("DROP TABLE note_reads"), std::string("ALTER TABLE note_history OWNER TO notes"),
        std::string("CREATE TABLE note_history_copy (id bigint)"),
        std::string("CREATE OR REPLACE FUNCTION notes_search_language() RETURNS regconfig"
                    " LANGUAGE sql AS $$ SELECT 'simple'::regconfig $$"),
        std::string("SET ROLE notes_owner")}) {
    PGresult* result = PQexec(conn, sql.c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_FATAL_ERROR) << sql;
    std::string error = PQresultErrorMessage(result);
    EXPECT_TRUE(error.find("permission denied") != std::string::npos ||
                error.find("must be owner") != std::string::npos)
        << sql << ": " << error;
    PQclear(result);
  }
  PQfinish(conn);
  EXPECT_EQ(query_value("SELECT after ->> 'subject' FROM note_history WHERE note_id = " + id), "kept");
  EXPECT_EQ(query_value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%append_only' AND tgenabled = 'O'"), "3");
}

class AccountNoteHistory : public ClubSuite {
 protected:
  static HttpResponse write(const std::string& method, const std::string& key, const std::string& body = "") {
    return http(method, account_note_url(club->account_id), {bearer(key), kJson}, body, !body.empty());
  }
  static HttpResponse history(const std::string& key, const std::string& query = "") {
    return http("GET", account_note_url(club->account_id) + "/history" + query, {bearer(key)});
  }
};

TEST_F(AccountNoteHistory, CreateModifyAndRemoveAreRecordedAndRemovedNotesStay) {
  notesctl_ok("grant --user " + club->staff_id + " --account " + club->account_id + " --right modify");
  std::string reader = notesctl_ok("user add --company " + club->id + " --role staff --username acct-reader");
  std::string reader_key = notesctl_ok("key issue --user " + reader);
  notesctl_ok("grant --user " + reader + " --account " + club->account_id + " --right read");

  ASSERT_EQ(write("POST", club->staff_key, R"({"note":"first"})").status, 200);
  auto modified = write("PATCH", club->staff_key, R"({"note":"second"})");
  ASSERT_EQ(modified.status, 200);
  ASSERT_EQ(write("DELETE", club->staff_key).status, 200);
  ASSERT_EQ(write("POST", club->owner_key, R"({"note":"third"})").status, 200);

  auto page = history(reader_key);
  ASSERT_EQ(page.status, 200) << page.body;
  auto answer = json_of(page);
  EXPECT_STREQ(answer["result"].GetString(), "success");
  const auto& entries = answer["history"];
  ASSERT_EQ(entries.Size(), 4u) << page.body;
  const char* changes[] = {"created", "removed", "modified", "created"};
  for (rapidjson::SizeType i = 0; i < 4; ++i) EXPECT_STREQ(entries[i]["change"].GetString(), changes[i]);
  EXPECT_STREQ(entries[0]["note_after"].GetString(), "third");
  EXPECT_STREQ(entries[1]["note_before"].GetString(), "second");
  EXPECT_TRUE(entries[1]["note_after"].IsNull());
  EXPECT_STREQ(entries[2]["note_before"].GetString(), "first");
  EXPECT_STREQ(entries[2]["note_after"].GetString(), "second");
  EXPECT_EQ(entries[2]["request_id"].GetString(), modified.header("x-request-id"));
  EXPECT_STREQ(entries[2]["changed_by"]["user_id"].GetString(), club->staff_id.c_str());
  EXPECT_STRNE(entries[0]["account_note_id"].GetString(), entries[3]["account_note_id"].GetString());
  EXPECT_STREQ(entries[1]["account_note_id"].GetString(), entries[3]["account_note_id"].GetString());
  EXPECT_NE(page.header("pagination").find("\"total_count\":4"), std::string::npos);

  // The read right is needed; another company's account is not there.
  std::string stranger = notesctl_ok("user add --company " + club->id + " --role staff --username acct-stranger");
  std::string stranger_key = notesctl_ok("key issue --user " + stranger);
  EXPECT_REFUSED_UNCHANGED(403, history(stranger_key));
  Company rival = make_company("account-history-rival");
  EXPECT_REFUSED_UNCHANGED(404, history(rival.owner_key));
  EXPECT_REFUSED_UNCHANGED(400, history(club->owner_key, "?page_number=0"));
}

}  // namespace
}  // namespace notes::test
