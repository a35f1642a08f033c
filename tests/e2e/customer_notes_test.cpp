// Customer notes (docs/api.md, "Customer notes") end to end through nginx.
#include <map>
#include <regex>
#include <set>

#include "http/json_body.hpp"
#include "sql/statements.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"

namespace notes::test {
namespace {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document document;
  auto error = parse_json_body(text, document);
  EXPECT_FALSE(error) << text;
  return document;
}

class CustomerNotes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    club = new Company(make_company("cn-club"));
    rival = new Company(make_company("cn-rival"));
    customer = notesctl_ok("customer add --company " + club->id +
                           " --first-name Ada --middle-name King --last-name Lovelace --email ada@example.org"
                           " --mobile-country-code 44 --mobile-number 7700900000 --is-member --vip --birthdate 1815-12-10");
    rival_customer = notesctl_ok("customer add --company " + rival->id + " --first-name Rival");
    second_admin = notesctl_ok("user add --company " + club->id + " --role admin --username cn-admin2");
    second_admin_key = notesctl_ok("key issue --user " + second_admin);
  }
  static void TearDownTestSuite() {
    delete club;
    delete rival;
  }

  static HttpResponse create(const std::string& body, const std::string& key = "", const std::string& who = "") {
    return http("POST", customer_notes_url(who.empty() ? customer : who), {bearer(key.empty() ? club->admin_key : key), kJson},
                body);
  }
  // Creates a note and returns its id.
  static std::string create_id(const std::string& body, const std::string& key = "") {
    auto response = create(body, key);
    EXPECT_EQ(response.status, 201) << response.body;
    return std::to_string(parse_json(response.body)["id"].GetInt64());
  }
  static HttpResponse get(const std::string& note_id, const std::string& key = "") {
    return http("GET", note_url(note_id), {bearer(key.empty() ? club->admin_key : key)});
  }

  static Company* club;
  static Company* rival;
  static std::string customer, rival_customer, second_admin, second_admin_key;
};
Company* CustomerNotes::club = nullptr;
Company* CustomerNotes::rival = nullptr;
std::string CustomerNotes::customer, CustomerNotes::rival_customer, CustomerNotes::second_admin,
    CustomerNotes::second_admin_key;

const std::regex kIsoMillisZ(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");

}  // namespace

TEST_F(CustomerNotes, CreateAnswersTheWholeNoteWithLocationAndETag) {
  auto response = create(R"({"subject":"Locker","details":"Broken lock","type":"maintenance","priority":true,)"
                         R"("tags":["locker","urgent"],"reminder":"2026-12-01T10:00:00+01:00","status":"open"})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto note = parse_json(response.body);
  std::string id = std::to_string(note["id"].GetInt64());
  EXPECT_EQ(response.header("location"), "/api/customers/notes/" + id);
  EXPECT_FALSE(response.header("etag").empty());
  // Every field of the Note, with its type.
  EXPECT_STREQ(note["reference_type"].GetString(), "customer");
  EXPECT_EQ(std::to_string(note["reference_id"].GetInt64()), customer);
  EXPECT_STREQ(note["type"].GetString(), "maintenance");
  EXPECT_STREQ(note["details"].GetString(), "Broken lock");
  EXPECT_TRUE(std::regex_match(note["created_on"].GetString(), kIsoMillisZ)) << note["created_on"].GetString();
  EXPECT_STREQ(note["status"].GetString(), "open");
  EXPECT_STREQ(note["reminder"].GetString(), "2026-12-01T09:00:00.000Z");
  EXPECT_EQ(std::to_string(note["user_id"].GetInt64()), club->admin_id);
  EXPECT_EQ(std::to_string(note["company_id"].GetInt64()), club->id);
  EXPECT_EQ(std::to_string(note["customer_id"].GetInt64()), customer);
  EXPECT_FALSE(note["confidential"].GetBool());
  EXPECT_TRUE(note["priority"].GetBool());
  ASSERT_TRUE(note["tags"].IsArray());
  EXPECT_STREQ(note["tags"][1].GetString(), "urgent");
  EXPECT_STREQ(note["subject"].GetString(), "Locker");
  const auto& c = note["customer"];
  EXPECT_EQ(std::to_string(c["id"].GetInt64()), customer);
  EXPECT_STREQ(c["full_name"].GetString(), "Ada King Lovelace");
  EXPECT_STREQ(c["mobile"]["full"].GetString(), "+447700900000");
  EXPECT_TRUE(c["phone"].IsNull());
  EXPECT_TRUE(c["is_member"].GetBool());
  EXPECT_TRUE(c["vip"].GetBool());
  EXPECT_STREQ(c["birthdate"].GetString(), "1815-12-10");
  for (const char* field : {"company_name", "company_title", "locale", "flag", "profile_photo", "home_house_id",
                            "anniversary_date", "was_member", "has_applied", "created_on", "email", "middle_name"}) {
    EXPECT_TRUE(c.HasMember(field)) << field;
  }
  const auto& u = note["user"];
  EXPECT_EQ(std::to_string(u["id"].GetInt64()), club->admin_id);
  EXPECT_STREQ(u["role"].GetString(), "admin");
  for (const char* field : {"status", "first_name", "last_name", "full_name", "email", "username", "profile_photo",
                            "employee_id", "mobile_number", "business_location_id", "enable2_fa", "modified_on",
                            "created_by"}) {
    EXPECT_TRUE(u.HasMember(field)) << field;
  }
  EXPECT_TRUE(note["assignees"].IsArray());
  EXPECT_TRUE(note["messages"].IsArray());
  EXPECT_EQ(note.MemberCount(), 19u);
}

TEST_F(CustomerNotes, GetAnswersWhatCreateDid) {
  auto created = create(R"({"subject":"Same"})");
  auto note = parse_json(created.body);
  auto read = get(std::to_string(note["id"].GetInt64()));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, created.body);
  EXPECT_EQ(read.header("etag"), created.header("etag"));
}

TEST_F(CustomerNotes, ReferenceDefaultsAndRules) {
  auto note = parse_json(create(R"({"reference_type":"order","reference_id":77})").body);
  EXPECT_EQ(note["reference_id"].GetInt64(), 77);
  EXPECT_REFUSED_UNCHANGED(400, create(R"({"reference_type":"order"})"));
  EXPECT_REFUSED_UNCHANGED(400, create(R"({"reference_type":"planet","reference_id":1})"));
}

TEST_F(CustomerNotes, BadFieldsAre400NamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"status":"pending"})", "status"},       {R"({"status":null})", "status"},
      {R"({"priority":"yes"})", "priority"},       {R"({"confidential":1})", "confidential"},
      {R"({"tags":"a"})", "tags"},                  {R"({"tags":[1]})", "tags"},
      {R"({"tags":[""]})", "tags"},                 {R"({"reminder":"tomorrow"})", "reminder"},
      {R"({"reminder":"2026-13-01T00:00:00Z"})", "reminder"},
      {R"({"subject":5})", "subject"},              {R"({"id":5})", "id"},
      {R"({"created_on":"2020-01-01T00:00:00Z"})", "created_on"},
      {R"({"user_id":1})", "user_id"},              {R"({"company_id":1})", "company_id"},
      {R"({"customer_id":1})", "customer_id"},      {R"({"assignees":[]})", "assignees"},
      {R"({"colour":"red"})", "colour"},            {R"({"reference_id":-1,"reference_type":"order"})", "reference_id"},
      {R"({"reference_id":1.5,"reference_type":"order"})", "reference_id"},
      {"{\"subject\":\"" + std::string(256, 's') + "\"}", "subject"},
      {R"({"tags":[")" + std::string(65, 't') + "\"]}", "tags"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body);
    EXPECT_REFUSED_UNCHANGED(400, create(body));
    auto error = parse_json(create(body).body);
    EXPECT_STREQ(error["error_details"]["field"].GetString(), field.c_str());
  }
  std::string fifty_one = "[";
  for (int i = 0; i < 51; ++i) fifty_one += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  EXPECT_REFUSED_UNCHANGED(400, create(R"({"tags":)" + fifty_one + "]}"));
  // Limits at their edge are fine.
  EXPECT_EQ(create("{\"subject\":\"" + std::string(255, 's') + "\"}").status, 201);
  EXPECT_EQ(create(R"({"subject":")" + std::string(255, 'x') + "\",\"details\":\"" + std::string(64 * 1024, 'd') +
                   "\"}").status, 201);
  EXPECT_REFUSED_UNCHANGED(413, create("{\"details\":\"" + std::string(64 * 1024 + 1, 'd') + "\"}"));
  // A date-time that is well-formed but does not exist.
  EXPECT_REFUSED_UNCHANGED(400, create(R"({"reminder":"2026-02-30T10:00:00Z"})"));
}

TEST_F(CustomerNotes, MalformedBodiesAndIds) {
  EXPECT_REFUSED_UNCHANGED(400, create("[]"));
  EXPECT_REFUSED_UNCHANGED(400, create(R"({"subject":"a","subject":"b"})"));
  EXPECT_REFUSED_UNCHANGED(415, http("POST", customer_notes_url(customer), {bearer(club->admin_key)}, "{}"));
  EXPECT_REFUSED_UNCHANGED(400, http("GET", note_url("abc"), {bearer(club->admin_key)}));
  EXPECT_REFUSED_UNCHANGED(400, http("GET", customer_notes_url("99999999999999999999"), {bearer(club->admin_key)}));
}

TEST_F(CustomerNotes, OtherMethodsAre405WithAllow) {
  std::string id = create_id(R"({"subject":"methods"})");
  auto put = http("PUT", note_url(id), {bearer(club->admin_key), kJson}, "{}");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.header("allow"), "GET, PATCH, DELETE");
  EXPECT_NE(put.body.find("\"error\":\"method_not_allowed\""), std::string::npos) << put.body;
  EXPECT_EQ(http("DELETE", customer_notes_url(customer), {bearer(club->admin_key)}).header("allow"), "GET, POST");
  EXPECT_EQ(http("GET", note_url(id) + "/assignees", {bearer(club->admin_key)}).header("allow"), "POST");
}

TEST_F(CustomerNotes, StaffAreForbiddenEverywhere) {
  std::string id = create_id(R"({"subject":"staff cannot"})");
  EXPECT_REFUSED_UNCHANGED(403, create(R"({"subject":"x"})", club->staff_key));
  EXPECT_REFUSED_UNCHANGED(403, http("GET", customer_notes_url(customer), {bearer(club->staff_key)}));
  EXPECT_REFUSED_UNCHANGED(403, get(id, club->staff_key));
  EXPECT_REFUSED_UNCHANGED(403, http("PATCH", note_url(id), {bearer(club->staff_key), kJson}, "{}"));
  EXPECT_REFUSED_UNCHANGED(403, http("DELETE", note_url(id), {bearer(club->staff_key)}));
  EXPECT_REFUSED_UNCHANGED(403, http("GET", note_url(id) + "/messages", {bearer(club->staff_key)}));
  EXPECT_REFUSED_UNCHANGED(403, http("POST", note_url(id) + "/messages", {bearer(club->staff_key), kJson},
                                     R"({"message":"x"})"));
  EXPECT_REFUSED_UNCHANGED(403, http("POST", note_url(id) + "/assignees", {bearer(club->staff_key), kJson},
                                     R"({"assignees":[]})"));
  EXPECT_REFUSED_UNCHANGED(403, http("DELETE", note_url(id) + "/assignees/" + club->admin_id,
                                     {bearer(club->staff_key)}));
}

TEST_F(CustomerNotes, AnotherCompanysCustomerAndNotesAreNotFound) {
  auto made = http("POST", customer_notes_url(rival_customer), {bearer(rival->admin_key), kJson}, R"({"subject":"rival secret"})");
  ASSERT_EQ(made.status, 201);
  std::string theirs = std::to_string(parse_json(made.body)["id"].GetInt64());
  auto message = http("POST", note_url(theirs) + "/messages", {bearer(rival->admin_key), kJson},
                      R"({"message":"theirs","attachment":"c2VjcmV0"})");
  ASSERT_EQ(message.status, 201);
  std::string their_message = std::to_string(parse_json(message.body)["id"].GetInt64());
  for (const std::string& key : {club->admin_key, club->owner_key}) {
    EXPECT_REFUSED_UNCHANGED(404, http("GET", customer_notes_url(rival_customer), {bearer(key)}));
    EXPECT_REFUSED_UNCHANGED(404, http("POST", customer_notes_url(rival_customer), {bearer(key), kJson}, R"({"subject":"x"})"));
    EXPECT_REFUSED_UNCHANGED(404, get(theirs, key));
    EXPECT_REFUSED_UNCHANGED(404, http("PATCH", note_url(theirs), {bearer(key), kJson}, R"({"subject":"x"})"));
    EXPECT_REFUSED_UNCHANGED(404, http("DELETE", note_url(theirs), {bearer(key)}));
    EXPECT_REFUSED_UNCHANGED(404, http("GET", note_url(theirs) + "/messages", {bearer(key)}));
    EXPECT_REFUSED_UNCHANGED(404, http("POST", note_url(theirs) + "/messages", {bearer(key), kJson},
                                       R"({"message":"x"})"));
    EXPECT_REFUSED_UNCHANGED(404, http("POST", note_url(theirs) + "/assignees", {bearer(key), kJson},
                                       "{\"assignees\":[" + club->admin_id + "]}"));
    EXPECT_REFUSED_UNCHANGED(404, http("DELETE", note_url(theirs) + "/assignees/" + rival->admin_id, {bearer(key)}));
    EXPECT_REFUSED_UNCHANGED(404, http("GET", note_url(theirs) + "/messages/" + their_message + "/attachment",
                                       {bearer(key)}));
  }
  // Their note is as absent as one that never existed.
  EXPECT_EQ(get(theirs).body, get("999999999").body);
}

TEST_F(CustomerNotes, ConfidentialNotesShowOnlyToAuthorAssigneesAndOwners) {
  std::string id = create_id(R"({"subject":"confidential","confidential":true})");
  EXPECT_EQ(get(id).status, 200);                          // the author
  EXPECT_EQ(get(id, club->owner_key).status, 200);         // an owner
  EXPECT_REFUSED_UNCHANGED(404, get(id, second_admin_key));  // another admin
  EXPECT_REFUSED_UNCHANGED(404, http("PATCH", note_url(id), {bearer(second_admin_key), kJson}, R"({"subject":"x"})"));
  EXPECT_REFUSED_UNCHANGED(404, http("POST", note_url(id) + "/messages", {bearer(second_admin_key), kJson},
                                     R"({"message":"x"})"));
  auto listed = [&](const std::string& key) {
    auto list = http("GET", customer_notes_url(customer) + "?page_size=100", {bearer(key)});
    if (list.status == 204) return false;
    auto page = parse_json(list.body);
    for (const auto& note : page.GetArray()) {
      if (std::to_string(note["id"].GetInt64()) == id) return true;
    }
    return false;
  };
  EXPECT_FALSE(listed(second_admin_key));
  EXPECT_TRUE(listed(club->owner_key));
  // Assigned, the other admin sees it.
  ASSERT_EQ(http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                 "{\"assignees\":[" + second_admin + "]}").status, 200);
  EXPECT_EQ(get(id, second_admin_key).status, 200);
  EXPECT_TRUE(listed(second_admin_key));
}

TEST_F(CustomerNotes, PatchChangesOnlyTheFieldsGivenAndNullClears) {
  auto created = create(R"({"subject":"Before","details":"Keep me","tags":["a"],"type":"t"})");
  std::string id = std::to_string(parse_json(created.body)["id"].GetInt64());
  auto patched = http("PATCH", note_url(id), {bearer(club->admin_key), kJson},
                      R"({"subject":"After","tags":null,"status":"closed"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto note = parse_json(patched.body);
  EXPECT_STREQ(note["subject"].GetString(), "After");
  EXPECT_TRUE(note["tags"].IsNull());
  EXPECT_STREQ(note["status"].GetString(), "closed");
  EXPECT_STREQ(note["details"].GetString(), "Keep me");
  EXPECT_STREQ(note["type"].GetString(), "t");
  EXPECT_NE(patched.header("etag"), created.header("etag"));
  EXPECT_EQ(get(id).body, patched.body);
  // An empty PATCH changes nothing, the ETag included.
  std::string before_empty_patch = database_fingerprint();
  EXPECT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, "{}").status, 200);
  EXPECT_EQ(database_fingerprint(), before_empty_patch);
  EXPECT_EQ(get(id).header("etag"), patched.header("etag"));
  EXPECT_REFUSED_UNCHANGED(400, http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"priority":null})"));
  EXPECT_REFUSED_UNCHANGED(400, http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"reference_id":null})"));
  EXPECT_REFUSED_UNCHANGED(404, http("PATCH", note_url("999999999"), {bearer(club->admin_key), kJson}, "{}"));
}

TEST_F(CustomerNotes, IfMatchGuardsPatchAndDelete) {
  auto created = create(R"({"subject":"guarded"})");
  std::string id = std::to_string(parse_json(created.body)["id"].GetInt64());
  std::string etag = created.header("etag");
  auto first = http("PATCH", note_url(id), {bearer(club->admin_key), kJson, "If-Match: " + etag}, R"({"subject":"v2"})");
  ASSERT_EQ(first.status, 200) << first.body;
  // The old tag is stale now: 412, nothing changes.
  EXPECT_REFUSED_UNCHANGED(412, http("PATCH", note_url(id), {bearer(club->admin_key), kJson, "If-Match: " + etag},
                                     R"({"subject":"lost update"})"));
  EXPECT_REFUSED_UNCHANGED(412, http("DELETE", note_url(id), {bearer(club->admin_key), "If-Match: " + etag}));
  EXPECT_REFUSED_UNCHANGED(412, http("DELETE", note_url(id), {bearer(club->admin_key), "If-Match: W/" + first.header("etag")}));
  EXPECT_EQ(parse_json(get(id).body)["subject"].GetString(), std::string("v2"));
  // Messages and assignees change the tag too.
  ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"hi"})").status, 201);
  EXPECT_NE(get(id).header("etag"), first.header("etag"));
  EXPECT_REFUSED_UNCHANGED(412, http("DELETE", note_url(id), {bearer(club->admin_key), "If-Match: " + first.header("etag")}));
  std::string current = get(id).header("etag");
  auto deleted = http("DELETE", note_url(id), {bearer(club->admin_key), "If-Match: \"0\", " + current});
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(get(id).status, 404);
}

TEST_F(CustomerNotes, DeleteTakesMessagesAndAssigneesWithIt) {
  std::string id = create_id(R"({"subject":"to delete"})");
  http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"m","attachment":"AAEC"})");
  http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson}, "{\"assignees\":[" + club->staff_id + "]}");
  EXPECT_EQ(http("DELETE", note_url(id), {bearer(club->admin_key)}).status, 204);
  EXPECT_EQ(query_value("SELECT count(*) FROM note_messages WHERE note_id = " + id), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM note_assignees WHERE note_id = " + id), "0");
  EXPECT_REFUSED_UNCHANGED(404, http("DELETE", note_url(id), {bearer(club->admin_key)}));
}

TEST_F(CustomerNotes, AssigneesAreAllOrNothing) {
  std::string id = create_id(R"({"subject":"assign"})");
  auto added = http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                    "{\"assignees\":[" + club->staff_id + "," + second_admin + "]}");
  ASSERT_EQ(added.status, 200) << added.body;
  auto note = parse_json(added.body);
  ASSERT_EQ(note["assignees"].Size(), 2u);
  EXPECT_EQ(std::to_string(note["assignees"][0]["id"].GetInt64()), club->staff_id);
  EXPECT_TRUE(std::regex_match(note["assignees"][0]["created_on"].GetString(), kIsoMillisZ));
  EXPECT_TRUE(note["assignees"][0].HasMember("username"));
  EXPECT_EQ(added.header("etag"), get(id).header("etag"));
  // Again: no error, nothing doubled.
  auto again = http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                    "{\"assignees\":[" + club->staff_id + "]}");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(parse_json(again.body)["assignees"].Size(), 2u);
  // A user of another company, or none at all: 422 with the ids, nothing added.
  std::string before = database_fingerprint();
  auto refused = http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                      "{\"assignees\":[" + club->owner_id + "," + rival->admin_id + ",999999999]}");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(database_fingerprint(), before);
  auto error = parse_json(refused.body);
  ASSERT_TRUE(error["error_details"]["user_ids"].IsArray());
  EXPECT_EQ(error["error_details"]["user_ids"].Size(), 2u);
  EXPECT_EQ(std::to_string(error["error_details"]["user_ids"][0].GetInt64()), rival->admin_id);
  EXPECT_REFUSED_UNCHANGED(400, http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                                     R"({"assignees":["1"]})"));
  EXPECT_REFUSED_UNCHANGED(400, http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                                     R"({"users":[1]})"));
  // Removing: the Note without them; not assigned is 404.
  auto removed = http("DELETE", note_url(id) + "/assignees/" + club->staff_id, {bearer(club->admin_key)});
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(parse_json(removed.body)["assignees"].Size(), 1u);
  EXPECT_REFUSED_UNCHANGED(404, http("DELETE", note_url(id) + "/assignees/" + club->staff_id, {bearer(club->admin_key)}));
}

TEST_F(CustomerNotes, MessagesThreadOldestFirstWithAttachments) {
  std::string id = create_id(R"({"subject":"thread"})");
  std::string bytes = std::string("\x00\x01\x02\xff binary", 11);
  auto first = http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson},
                    R"({"message":"first","attachment":"AAEC/yBiaW5hcnk="})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto message = parse_json(first.body);
  EXPECT_STREQ(message["message"].GetString(), "first");
  EXPECT_EQ(std::to_string(message["posted_by"]["id"].GetInt64()), club->admin_id);
  EXPECT_TRUE(std::regex_match(message["created_on"].GetString(), kIsoMillisZ));
  std::string link = message["attachment"].GetString();
  auto download = http("GET", base_url() + link, {bearer(club->admin_key)});
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, bytes);
  EXPECT_EQ(download.header("content-type"), "application/octet-stream");
  ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(second_admin_key), kJson}, R"({"message":"second"})").status,
            201);
  auto list = http("GET", note_url(id) + "/messages", {bearer(club->admin_key)});
  ASSERT_EQ(list.status, 200);
  auto messages = parse_json(list.body);
  ASSERT_EQ(messages.Size(), 2u);
  EXPECT_STREQ(messages[0]["message"].GetString(), "first");
  EXPECT_TRUE(messages[1]["attachment"].IsNull());
  EXPECT_NE(list.header("x-pagination").find("\"total_count\":2"), std::string::npos);
  // The Note carries them too.
  EXPECT_EQ(parse_json(get(id).body)["messages"].Size(), 2u);
  // Bad messages change nothing.
  for (const std::string& body : {std::string(R"({"attachment":"AAEC"})"), std::string(R"({"message":""})"),
                                  std::string(R"({"message":"x","attachment":"not base64!"})"),
                                  std::string(R"({"message":"x","attachment":"AAF"})"),
                                  std::string(R"({"message":"x","posted_by":1})")}) {
    SCOPED_TRACE(body);
    EXPECT_REFUSED_UNCHANGED(400, http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, body));
  }
  EXPECT_REFUSED_UNCHANGED(413, http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson},
                                     "{\"message\":\"" + std::string(64 * 1024 + 1, 'm') + "\"}"));
  std::string big(6990508, 'A');  // decodes to 5 MiB + 1 byte
  EXPECT_REFUSED_UNCHANGED(413, http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson},
                                     "{\"message\":\"x\",\"attachment\":\"" + big + "\"}"));
  std::string most(6990504, 'A');  // just under 5 MiB
  EXPECT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson},
                 "{\"message\":\"x\",\"attachment\":\"" + most + "\"}").status, 201);
  EXPECT_REFUSED_UNCHANGED(404, http("GET", note_url(id) + "/messages/999999999/attachment", {bearer(club->admin_key)}));
}

TEST_F(CustomerNotes, ListsPageNewestFirstWithXPagination) {
  std::string who = notesctl_ok("customer add --company " + club->id + " --first-name Pager");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(std::to_string(parse_json(create(R"({"subject":"n)" + std::to_string(i) + "\"}", "", who).body)["id"].GetInt64()));
  }
  auto page2 = http("GET", customer_notes_url(who) + "?page=2&page_size=3", {bearer(club->admin_key)});
  ASSERT_EQ(page2.status, 200);
  auto notes = parse_json(page2.body);
  ASSERT_EQ(notes.Size(), 3u);
  EXPECT_EQ(std::to_string(notes[0]["id"].GetInt64()), ids[3]);  // newest first: 6 5 4 | 3 2 1 | 0
  EXPECT_EQ(std::to_string(notes[2]["id"].GetInt64()), ids[1]);
  EXPECT_EQ(page2.header("x-pagination"),
            R"({"page_number":2,"page_size":3,"total_pages":3,"total_count":7,"total_count_estimated":false,)"
            R"("has_previous_page":true,"has_next_page":true})");
  auto by_header = http("GET", customer_notes_url(who), {bearer(club->admin_key), "page_size: 5"});
  EXPECT_EQ(parse_json(by_header.body).Size(), 5u);
  auto last = http("GET", customer_notes_url(who) + "?page=3&page_size=3", {bearer(club->admin_key)});
  EXPECT_EQ(parse_json(last.body).Size(), 1u);
  EXPECT_NE(last.header("x-pagination").find("\"has_next_page\":false"), std::string::npos);
  auto beyond = http("GET", customer_notes_url(who) + "?page=9&page_size=3", {bearer(club->admin_key)});
  EXPECT_EQ(beyond.status, 204);
  EXPECT_EQ(beyond.body, "");
  for (const char* bad : {"?page=0", "?page=-1", "?page=x", "?page_size=0", "?page_size=101", "?page=1&page=2",
                          "?status=pending", "?priority=maybe", "?assignee=you", "?created_from=yesterday",
                          "?reference_type=planet", "?sort=asc", "?tag=", "?status=%zz"}) {
    SCOPED_TRACE(bad);
    EXPECT_REFUSED_UNCHANGED(400, http("GET", customer_notes_url(who) + bad, {bearer(club->admin_key)}));
  }
  EXPECT_REFUSED_UNCHANGED(400, http("GET", customer_notes_url(who), {bearer(club->admin_key), "page_size: 1000"}));
  EXPECT_REFUSED_UNCHANGED(404, http("GET", customer_notes_url("999999999"), {bearer(club->admin_key)}));
}

// A client written for the original pages with page_number and page_size in
// the query, sends Content-Type and its Region header on bodiless GETs, and
// reads the `pagination` header until page_number reaches total_pages.
TEST_F(CustomerNotes, ClientOfTheOriginalPagesWithPageNumberAndReadsPagination) {
  std::string who = notesctl_ok("customer add --company " + club->id + " --first-name Walker");
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.insert(std::to_string(parse_json(create(R"({"subject":"w)" + std::to_string(i) + "\"}", "", who).body)["id"].GetInt64()));
  }
  std::set<std::string> seen;
  int64_t page_number = 1;
  for (int64_t total_pages = 1; page_number <= total_pages; ++page_number) {
    auto page = http("GET", customer_notes_url(who) + "?page_number=" + std::to_string(page_number) + "&page_size=2",
                     {bearer(club->admin_key), kJson, "Region: eu"});
    ASSERT_EQ(page.status, 200) << page.body;
    ASSERT_EQ(page.header("pagination"), page.header("x-pagination"));
    auto paging = parse_json(page.header("pagination"));
    ASSERT_TRUE(paging.IsObject()) << page.header("pagination");
    EXPECT_EQ(paging["page_number"].GetInt64(), page_number);
    total_pages = paging["total_pages"].GetInt64();
    auto notes = parse_json(page.body);
    for (const auto& note : notes.GetArray()) seen.insert(std::to_string(note["id"].GetInt64()));
  }
  EXPECT_EQ(page_number, 4);  // 5 notes, 2 a page
  EXPECT_EQ(seen, created);
  // `page` stays an alias; both given must name the same page.
  auto alias = http("GET", customer_notes_url(who) + "?page=3&page_number=3&page_size=2", {bearer(club->admin_key)});
  EXPECT_EQ(parse_json(alias.header("pagination"))["page_number"].GetInt64(), 3);
  EXPECT_REFUSED_UNCHANGED(400, http("GET", customer_notes_url(who) + "?page=1&page_number=2", {bearer(club->admin_key)}));
  for (const char* bad : {"?page_number=0", "?page_number=x", "?page_number=1&page_number=1"}) {
    SCOPED_TRACE(bad);
    EXPECT_REFUSED_UNCHANGED(400, http("GET", customer_notes_url(who) + bad, {bearer(club->admin_key)}));
  }
  // The messages list pages the same way, and an empty page still says so.
  std::string note = *created.begin();
  auto empty = http("GET", note_url(note) + "/messages?page_number=1", {bearer(club->admin_key), kJson});
  EXPECT_EQ(empty.status, 204);
  EXPECT_NE(empty.header("pagination").find("\"total_count\":0"), std::string::npos);
}

// A list counts exactly up to sql::kExactCountUpTo visible notes (notes the
// caller may not see never count) and past that gives a lower bound that
// still leads a client paging to total_pages through every note, once each.
TEST_F(CustomerNotes, ListsOfVeryLargeCustomersPageToTheEndWithAnEstimatedCount) {
  std::string who = notesctl_ok("customer add --company " + club->id + " --first-name Busy");
  auto seed = [&](int count, bool confidential, const std::string& author) {
    run_sql("INSERT INTO notes (company_id, customer_id, user_id, reference_type, reference_id, subject,"
            " confidential, created_on) SELECT " + club->id + ", " + who + ", " + author + ", 'customer', " + who +
            ", 'seeded', " + (confidential ? "true" : "false") +
            ", now() - g * interval '1 second' FROM generate_series(1, " + std::to_string(count) + ") g");
  };
  const int bound = static_cast<int>(sql::kExactCountUpTo);
  seed(bound, false, club->admin_id);
  seed(5, true, second_admin);  // confidential to another admin: never seen, never counted
  auto paging_of = [&](const std::string& query) {
    auto page = http("GET", customer_notes_url(who) + query, {bearer(club->admin_key)});
    EXPECT_EQ(page.status, 200) << page.body;
    return parse_json(page.header("pagination"));
  };
  auto exact = paging_of("?page_size=10");
  EXPECT_EQ(exact["total_count"].GetInt64(), bound);
  EXPECT_FALSE(exact["total_count_estimated"].GetBool());

  seed(1 + 2 * 100, false, club->admin_id);  // now past the bound
  auto first = paging_of("?page_size=100");
  EXPECT_TRUE(first["total_count_estimated"].GetBool());
  EXPECT_GT(first["total_count"].GetInt64(), bound);
  // The original's client: page_number up to total_pages as each page says.
  std::set<int64_t> seen;
  int64_t page_number = 1, pages = 0;
  for (int64_t total_pages = 1; page_number <= total_pages && pages < 100; ++page_number, ++pages) {
    auto page = http("GET", customer_notes_url(who) + "?page_size=100&page_number=" + std::to_string(page_number),
                     {bearer(club->admin_key)});
    ASSERT_EQ(page.status, 200) << page_number;
    // A page of 100 Notes holds more values than the service's own parser
    // takes in a request body: read it with RapidJSON's.
    rapidjson::Document notes;
    notes.Parse(page.body.c_str());
    ASSERT_TRUE(notes.IsArray());
    for (const auto& note : notes.GetArray()) {
      EXPECT_TRUE(seen.insert(note["id"].GetInt64()).second) << "note seen twice";
    }
    total_pages = parse_json(page.header("pagination"))["total_pages"].GetInt64();
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(bound + 201));
  EXPECT_EQ(pages, (bound + 201 + 99) / 100);
  // The last page knows the exact total again.
  auto last = paging_of("?page_size=100&page_number=" + std::to_string((bound + 201 + 99) / 100));
  EXPECT_EQ(last["total_count"].GetInt64(), bound + 201);
  EXPECT_FALSE(last["total_count_estimated"].GetBool());
  EXPECT_FALSE(last["has_next_page"].GetBool());
}

// Dates that no calendar has, or that an offset carries out of the UTC years
// 1 to 9999, are refused naming the field or parameter, never stored.
TEST_F(CustomerNotes, DatesOutsideTheCalendarAre400NamingTheField) {
  for (const char* reminder : {"9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-02-30T10:00:00Z",
                               "2023-02-29T10:00:00Z"}) {
    SCOPED_TRACE(reminder);
    std::string body = std::string(R"({"reminder":")") + reminder + "\"}";
    EXPECT_REFUSED_UNCHANGED(400, create(body));
    EXPECT_STREQ(parse_json(create(body).body)["error_details"]["field"].GetString(), "reminder");
  }
  std::string id = create_id(R"({"subject":"dates"})");
  EXPECT_REFUSED_UNCHANGED(400, http("PATCH", note_url(id), {bearer(club->admin_key), kJson},
                                     R"({"reminder":"9999-12-31T23:59:59-14:00"})"));
  // The bounds themselves are fine, and come back as they are in UTC.
  auto latest =
      http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"reminder":"9999-12-31T09:59:59-14:00"})");
  ASSERT_EQ(latest.status, 200) << latest.body;
  EXPECT_STREQ(parse_json(latest.body)["reminder"].GetString(), "9999-12-31T23:59:59.000Z");
  for (const char* query : {"?created_from=2024-02-31", "?created_to=2023-02-29T00:00:00Z",
                            "?created_from=9999-12-31T23:00:00-14:00"}) {
    SCOPED_TRACE(query);
    auto refused = http("GET", customer_notes_url(customer) + query, {bearer(club->admin_key)});
    EXPECT_EQ(refused.status, 400) << refused.body;
    std::string parameter = std::string(query).substr(1, std::string(query).find('=') - 1);
    EXPECT_NE(refused.body.find("\"" + parameter + "\""), std::string::npos) << refused.body;
  }
}

TEST_F(CustomerNotes, ListedNotesCarryTheirOwnAssigneesAndMessages) {
  // The page's assignees and messages are fetched for all its notes at once
  // and shared out in the worker: each note must get its own, in order.
  std::string who = notesctl_ok("customer add --company " + club->id + " --first-name Threads");
  std::string plain = std::to_string(parse_json(create(R"({"subject":"plain"})", "", who).body)["id"].GetInt64());
  std::string busy = std::to_string(parse_json(create(R"({"subject":"busy"})", "", who).body)["id"].GetInt64());
  std::string other = std::to_string(parse_json(create(R"({"subject":"other"})", "", who).body)["id"].GetInt64());
  auto post = [&](const std::string& note, const std::string& path, const std::string& body) {
    ASSERT_EQ(http("POST", note_url(note) + path, {bearer(club->admin_key), kJson}, body).status / 100, 2) << body;
  };
  post(busy, "/assignees", "{\"assignees\":[" + second_admin + "]}");
  post(busy, "/assignees", "{\"assignees\":[" + club->admin_id + "]}");
  post(other, "/assignees", "{\"assignees\":[" + club->owner_id + "]}");
  post(busy, "/messages", R"({"message":"busy 1"})");
  post(other, "/messages", R"({"message":"other 1"})");
  post(busy, "/messages", R"({"message":"busy 2","attachment":"aGk="})");

  auto list = http("GET", customer_notes_url(who), {bearer(club->admin_key)});
  ASSERT_EQ(list.status, 200);
  auto notes = parse_json(list.body);
  ASSERT_EQ(notes.Size(), 3u);
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> seen;
  for (const auto& note : notes.GetArray()) {
    auto& [assignees, messages] = seen[std::to_string(note["id"].GetInt64())];
    for (const auto& a : note["assignees"].GetArray()) assignees.push_back(std::to_string(a["id"].GetInt64()));
    for (const auto& m : note["messages"].GetArray()) messages.push_back(m["message"].GetString());
    // The list answers the same Note as a GET of it.
    EXPECT_EQ(parse_json(get(std::to_string(note["id"].GetInt64())).body), note);
  }
  using Ids = std::vector<std::string>;
  EXPECT_EQ(seen[plain].first, Ids{});
  EXPECT_EQ(seen[plain].second, Ids{});
  EXPECT_EQ(seen[busy].first, (Ids{second_admin, club->admin_id}));  // in the order they were added
  EXPECT_EQ(seen[busy].second, (Ids{"busy 1", "busy 2"}));
  EXPECT_EQ(seen[other].first, Ids{club->owner_id});
  EXPECT_EQ(seen[other].second, Ids{"other 1"});
}

TEST_F(CustomerNotes, ListFilters) {
  std::string who = notesctl_ok("customer add --company " + club->id + " --first-name Filtered");
  std::string open_tagged = std::to_string(parse_json(create(R"({"subject":"a","tags":["vip","gym"],"priority":true})", "", who).body)["id"].GetInt64());
  std::string closed = std::to_string(parse_json(create(R"({"subject":"b","status":"closed","reference_type":"order","reference_id":42})", "", who).body)["id"].GetInt64());
  std::string assigned = std::to_string(parse_json(create(R"({"subject":"c"})", "", who).body)["id"].GetInt64());
  http("POST", note_url(assigned) + "/assignees", {bearer(club->admin_key), kJson}, "{\"assignees\":[" + club->admin_id + "]}");
  auto ids_for = [&](const std::string& query) {
    auto response = http("GET", customer_notes_url(who) + query, {bearer(club->admin_key)});
    std::set<std::string> ids;
    if (response.status == 204) return ids;
    EXPECT_EQ(response.status, 200) << query << response.body;
    auto list = parse_json(response.body);
    for (const auto& note : list.GetArray()) ids.insert(std::to_string(note["id"].GetInt64()));
    return ids;
  };
  EXPECT_EQ(ids_for("?status=closed"), std::set<std::string>{closed});
  EXPECT_EQ(ids_for("?status=open").size(), 2u);
  EXPECT_EQ(ids_for("?tag=gym"), std::set<std::string>{open_tagged});
  EXPECT_EQ(ids_for("?priority=true"), std::set<std::string>{open_tagged});
  EXPECT_EQ(ids_for("?reference_type=order&reference_id=42"), std::set<std::string>{closed});
  EXPECT_EQ(ids_for("?assignee=me"), std::set<std::string>{assigned});
  EXPECT_EQ(ids_for("?assignee=" + club->admin_id), std::set<std::string>{assigned});
  EXPECT_EQ(ids_for("?created_from=2000-01-01&created_to=2999-12-31").size(), 3u);
  EXPECT_TRUE(ids_for("?created_to=2000-01-01T00:00:00Z").empty());
  auto nothing = http("GET", customer_notes_url(who) + "?tag=nope", {bearer(club->admin_key)});
  EXPECT_EQ(nothing.status, 204);
  EXPECT_NE(nothing.header("x-pagination").find("\"total_count\":0"), std::string::npos);
}

}  // namespace notes::test
