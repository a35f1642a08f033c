// Account notes (docs/api.md, "Account notes") end to end through nginx.
#include <regex>

#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"

namespace notes::test {
namespace {

class AccountNotes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    acme = new Company(make_company("acct-acme"));
    other = new Company(make_company("acct-other"));
    // admin may read; staff may modify.
    notesctl_ok("grant --user " + acme->admin_id + " --account " + acme->account_id + " --right read");
    notesctl_ok("grant --user " + acme->staff_id + " --account " + acme->account_id + " --right modify");
  }
  static void TearDownTestSuite() {
    delete acme;
    delete other;
  }
  void SetUp() override {
    // Each test starts with no live note on the shared account.
    http("DELETE", account_note_url(acme->account_id), {raw_key(acme->owner_key)});
  }

  static HttpResponse post(const std::string& key, const std::string& body, const std::string& account = "") {
    return http("POST", account_note_url(account.empty() ? acme->account_id : account), {raw_key(key), kJson}, body);
  }
  static HttpResponse patch(const std::string& key, const std::string& body, const std::string& account = "") {
    return http("PATCH", account_note_url(account.empty() ? acme->account_id : account), {raw_key(key), kJson}, body);
  }
  static HttpResponse get(const std::string& key, const std::string& account = "") {
    return http("GET", account_note_url(account.empty() ? acme->account_id : account), {raw_key(key)});
  }
  static HttpResponse remove(const std::string& key, const std::string& account = "") {
    return http("DELETE", account_note_url(account.empty() ? acme->account_id : account), {raw_key(key)});
  }

  static Company* acme;
  static Company* other;
};
Company* AccountNotes::acme = nullptr;
Company* AccountNotes::other = nullptr;

void expect_error_envelope(const HttpResponse& response) {
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(response.body, body)) << response.body;
  EXPECT_STREQ(body["result"].GetString(), "error");
  EXPECT_TRUE(body["error"].IsString());
  EXPECT_EQ(body.MemberCount(), 2u) << response.body;
}

}  // namespace

TEST_F(AccountNotes, LifecycleAsTheSeedShowsIt) {
  auto created = post(acme->owner_key, R"({"note":"Note content."})");
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(created.body, R"({"result":"success"})");
  auto read = get(acme->owner_key);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, R"({"note":"Note content.","result":"success"})");
  auto changed = patch(acme->owner_key, R"({"note":"Note modified content."})");
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, R"({"result":"success"})");
  EXPECT_EQ(get(acme->owner_key).body, R"({"note":"Note modified content.","result":"success"})");
  auto removed = remove(acme->owner_key);
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(removed.body, R"({"result":"success"})");
  auto gone = get(acme->owner_key);
  EXPECT_EQ(gone.status, 404);
  expect_error_envelope(gone);
  // Removed, not deleted: kept for audit with its timestamps.
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE removed AND note = 'Note modified content.'"
                        " AND modified_at >= created_at AND account_id = " + acme->account_id),
            "1");
}

TEST_F(AccountNotes, UnicodeAndEscapesSurviveTheRoundTrip) {
  ASSERT_EQ(post(acme->owner_key, R"({"note":"Grüße \"quoted\" \\ ✓ \ud83d\ude00 \n line"})").status, 200);
  rapidjson::Document body;
  auto read = get(acme->owner_key);
  ASSERT_FALSE(parse_json_body(read.body, body)) << read.body;
  EXPECT_STREQ(body["note"].GetString(), "Grüße \"quoted\" \\ ✓ \xf0\x9f\x98\x80 \n line");
}

TEST_F(AccountNotes, SecondPostIsConflict) {
  ASSERT_EQ(post(acme->owner_key, R"({"note":"first"})").status, 200);
  EXPECT_REFUSED_UNCHANGED(409, post(acme->owner_key, R"({"note":"second"})"));
  EXPECT_EQ(get(acme->owner_key).body, R"({"note":"first","result":"success"})");
}

TEST_F(AccountNotes, NoLiveNoteIsNotFound) {
  EXPECT_REFUSED_UNCHANGED(404, get(acme->owner_key));
  EXPECT_REFUSED_UNCHANGED(404, patch(acme->owner_key, R"({"note":"x"})"));
  EXPECT_REFUSED_UNCHANGED(404, remove(acme->owner_key));
}

TEST_F(AccountNotes, PostAfterDeleteStartsANewNote) {
  ASSERT_EQ(post(acme->owner_key, R"({"note":"one"})").status, 200);
  ASSERT_EQ(remove(acme->owner_key).status, 200);
  ASSERT_EQ(post(acme->owner_key, R"({"note":"two"})").status, 200);
  EXPECT_EQ(get(acme->owner_key).body, R"({"note":"two","result":"success"})");
}

TEST_F(AccountNotes, ReadGrantReadsButCannotWrite) {
  ASSERT_EQ(post(acme->owner_key, R"({"note":"visible"})").status, 200);
  EXPECT_EQ(get(acme->admin_key).status, 200);
  EXPECT_REFUSED_UNCHANGED(403, patch(acme->admin_key, R"({"note":"mine now"})"));
  EXPECT_REFUSED_UNCHANGED(403, remove(acme->admin_key));
  ASSERT_EQ(remove(acme->owner_key).status, 200);
  EXPECT_REFUSED_UNCHANGED(403, post(acme->admin_key, R"({"note":"x"})"));
}

TEST_F(AccountNotes, ModifyGrantDoesEverything) {
  EXPECT_EQ(post(acme->staff_key, R"({"note":"by staff"})").status, 200);
  EXPECT_EQ(get(acme->staff_key).status, 200);  // modify implies read
  EXPECT_EQ(patch(acme->staff_key, R"({"note":"by staff, changed"})").status, 200);
  EXPECT_EQ(remove(acme->staff_key).status, 200);
}

TEST_F(AccountNotes, NoGrantIsForbidden) {
  std::string account = notesctl_ok("account add --company " + acme->id);
  auto response = get(acme->admin_key, account);
  EXPECT_EQ(response.status, 403);
  expect_error_envelope(response);
  EXPECT_REFUSED_UNCHANGED(403, post(acme->admin_key, R"({"note":"x"})", account));
}

TEST_F(AccountNotes, AnotherCompanysAccountIsNotFound) {
  ASSERT_EQ(post(other->owner_key, R"({"note":"theirs"})", other->account_id).status, 200);
  // Even acme's owner, who may do anything in acme, sees nothing of it.
  for (const std::string& key : {acme->owner_key, acme->admin_key, acme->staff_key}) {
    EXPECT_REFUSED_UNCHANGED(404, get(key, other->account_id));
    EXPECT_REFUSED_UNCHANGED(404, post(key, R"({"note":"x"})", other->account_id));
    EXPECT_REFUSED_UNCHANGED(404, patch(key, R"({"note":"x"})", other->account_id));
    EXPECT_REFUSED_UNCHANGED(404, remove(key, other->account_id));
  }
  auto unknown = get(acme->owner_key, "12345");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, get(acme->owner_key, other->account_id).body) << "the two must be indistinguishable";
}

TEST_F(AccountNotes, BadBodiesAreRefusedAndChangeNothing) {
  ASSERT_EQ(post(acme->owner_key, R"({"note":"original"})").status, 200);
  const std::vector<std::string> bodies = {
      R"(["note"])", R"("note")", "null", R"({"note":"x"} trailing)", R"({"note":"x","note":"y"})",
      std::string("{\"note\":\"a\0b\"}", 14), R"({"note":"\u0000"})", R"({"note":"\udc00"})",
      "{\"note\":\"\xff\"}", std::string(40, '[') + std::string(40, ']'), R"({"note":1})", R"({})",
      R"({"note":"x","id":"1"})", R"({"note":"x","created_at":"2020-01-01"})", R"({"note":"x","removed":true})",
      R"({"note":"x","modified_at":null})", R"({"note":"x","account_id":"1"})", R"({"note":"x","extra":1})",
      R"({"note":"x","n":9223372036854775808})", "", "{"};
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    EXPECT_REFUSED_UNCHANGED(400, patch(acme->owner_key, body));
    auto response = patch(acme->owner_key, body);
    expect_error_envelope(response);
  }
  EXPECT_EQ(get(acme->owner_key).body, R"({"note":"original","result":"success"})");
}

TEST_F(AccountNotes, EchoingTheSameAccountIdIsFine) {
  EXPECT_EQ(post(acme->owner_key, R"({"note":"x","account_id":")" + acme->account_id + "\"}").status, 200);
}

TEST_F(AccountNotes, WrongContentTypeIsUnsupported) {
  EXPECT_REFUSED_UNCHANGED(415, http("POST", account_note_url(acme->account_id),
                                     {raw_key(acme->owner_key), "Content-Type: text/plain"}, R"({"note":"x"})"));
  EXPECT_REFUSED_UNCHANGED(415, http("POST", account_note_url(acme->account_id), {raw_key(acme->owner_key)},
                                     R"({"note":"x"})"));
}

TEST_F(AccountNotes, SizeLimits) {
  std::string long_note = R"({"note":")" + std::string(64 * 1024 + 1, 'n') + "\"}";
  EXPECT_REFUSED_UNCHANGED(413, post(acme->owner_key, long_note));
  std::string huge = R"({"note":")" + std::string(9 * 1024 * 1024, 'n') + "\"}";
  auto response = post(acme->owner_key, huge);
  EXPECT_EQ(response.status, 413);
  expect_error_envelope(response);
}

TEST_F(AccountNotes, MalformedAccountIdsAreBadRequests) {
  for (const char* id : {"abc", "0", "-5", "9223372036854775808", "1e5"}) {
    EXPECT_REFUSED_UNCHANGED(400, get(acme->owner_key, id));
  }
}

TEST_F(AccountNotes, ObjspecDescribesTheModel) {
  auto response = http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(acme->staff_key)});
  ASSERT_EQ(response.status, 200);
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(response.body, body));
  EXPECT_STREQ(body["result"].GetString(), "success");
  const auto& spec = body["account_note"];
  for (const char* attribute : {"id", "account_id", "note", "created_at", "modified_at", "removed"}) {
    ASSERT_TRUE(spec.HasMember(attribute)) << attribute;
    EXPECT_TRUE(spec[attribute]["type"].IsString());
    EXPECT_TRUE(spec[attribute]["readonly"].IsBool());
    EXPECT_TRUE(spec[attribute]["required"].IsBool());
  }
  EXPECT_TRUE(spec["note"]["required"].GetBool());
  EXPECT_FALSE(spec["note"]["readonly"].GetBool());
  EXPECT_TRUE(spec["removed"]["readonly"].GetBool());
  EXPECT_STREQ(spec["created_at"]["type"].GetString(), "datetime");
}

TEST_F(AccountNotes, WorksOverHttps) {
  auto created = http("POST", https_base_url() + "/api/v2/account/" + acme->account_id + "/note",
                      {raw_key(acme->owner_key), kJson}, R"({"note":"over tls"})");
  EXPECT_EQ(created.status, 200);
  auto read = http("GET", https_base_url() + "/api/v2/account/" + acme->account_id + "/note",
                   {bearer(acme->owner_key)});
  EXPECT_EQ(read.body, R"({"note":"over tls","result":"success"})");
  EXPECT_EQ(read.header("server"), "nginx") << "server_tokens must be off";
}

}  // namespace notes::test
