// Authentication and identity end to end: nginx's auth_request, the worker's
// auth answer, and the NOTES_* params nobody else can set.
#include <chrono>
#include <thread>

#include "fcgi/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"

namespace notes::test {
namespace {

class Auth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { acme = new Company(make_company("auth-acme")); }
  static void TearDownTestSuite() { delete acme; }
  static std::string note_url() { return account_note_url(acme->account_id); }
  static Company* acme;
};
Company* Auth::acme = nullptr;

void expect_unauthorized(const HttpResponse& response, bool accounts_family) {
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_FALSE(response.header("www-authenticate").empty());
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(response.body, body)) << response.body;
  if (accounts_family) {
    EXPECT_STREQ(body["result"].GetString(), "error");
  } else {
    EXPECT_STREQ(body["error"].GetString(), "unauthorized");
    EXPECT_TRUE(body["error_description"].IsString());
    EXPECT_TRUE(body["error_details"].IsObject());
  }
}

}  // namespace

TEST_F(Auth, BothCredentialFormsWork) {
  EXPECT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(acme->owner_key)}).status, 200);
  EXPECT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note", {bearer(acme->owner_key)}).status, 200);
  EXPECT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note",
                 {"Authorization: bearer " + acme->owner_key}).status, 200);
}

TEST_F(Auth, MissingOrBadCredentialsAre401InTheFamilysEnvelope) {
  expect_unauthorized(http("GET", note_url()), true);
  expect_unauthorized(http("GET", note_url(), {"Authorization: nk_not_a_real_key"}), true);
  expect_unauthorized(http("GET", note_url(), {"Authorization: Bearer"}), true);
  expect_unauthorized(http("GET", note_url(), {"Authorization: Basic dXNlcjpwYXNz"}), true);
  expect_unauthorized(http("GET", note_url(), {"Authorization: " + acme->owner_key + "x"}), true);
  expect_unauthorized(http("GET", base_url() + "/api/customers/1/notes"), false);
  expect_unauthorized(http("GET", base_url() + "/api/customers/notes/1", {"Authorization: Bearer nope"}), false);
}

TEST_F(Auth, RejectedWritesChangeNothing) {
  EXPECT_REFUSED_UNCHANGED(401, http("POST", note_url(), {kJson}, R"({"note":"x"})"));
  EXPECT_REFUSED_UNCHANGED(401, http("POST", note_url(), {kJson, "Authorization: nk_forged"}, R"({"note":"x"})"));
}

TEST_F(Auth, ExpiredKeysFail) {
  std::string expired = notesctl_ok("key issue --user " + acme->owner_id + " --expires 2020-01-01T00:00:00Z");
  expect_unauthorized(http("GET", note_url(), {raw_key(expired)}), true);
  // A key that expires in 2 s works now and fails once it has expired, even
  // though nginx caches auth answers: the worker caps the cache at the expiry.
  std::string brief = notesctl_ok("key issue --user " + acme->owner_id + " --expires \"$(date -u -d '+2 seconds' +%FT%TZ)\"");
  EXPECT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(brief)}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  expect_unauthorized(http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(brief)}), true);
}

TEST_F(Auth, RevokedKeysFailWithinTheCacheBound) {
  std::string key = notesctl_ok("key issue --user " + acme->owner_id);
  ASSERT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(key)}).status, 200);
  notesctl_ok("key revoke --key " + key);
  auto revoked_at = std::chrono::steady_clock::now();
  long status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(8)) {
    status = http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(key)}).status;
    if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 401);
  // The documented bound is 5 s (nginx/notes-site.conf); allow for a slow machine.
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(6500));
}

TEST_F(Auth, KeyOfAnInactiveUserFails) {
  std::string user = notesctl_ok("user add --company " + acme->id + " --role owner --username auth-gone --status inactive");
  std::string key = notesctl_ok("key issue --user " + user);
  expect_unauthorized(http("GET", note_url(), {raw_key(key)}), true);
}

TEST_F(Auth, SpoofedIdentityHeadersAreIgnored) {
  // Without a key, no header makes a caller.
  for (const std::string& spoof :
       std::vector<std::string>{"X-User-Id: " + acme->owner_id, "X-Notes-User-Id: " + acme->owner_id, "X-Notes-Role: owner",
        "X-Company-Id: " + acme->id, "Notes-User-Id: " + acme->owner_id, "X-Remote-User: owner"}) {
    expect_unauthorized(http("GET", note_url(), {spoof, "X-Notes-Company-Id: " + acme->id}), true);
  }
  // With the staff key (no grant on this account), claiming to be the owner
  // changes nothing: the worker sees the staff user.
  std::string account = notesctl_ok("account add --company " + acme->id);
  auto response = http("GET", account_note_url(account),
                       {raw_key(acme->staff_key), "X-Notes-User-Id: " + acme->owner_id, "X-Notes-Role: owner",
                        "X-User-Id: " + acme->owner_id, "X-Notes-Company-Id: " + acme->id});
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_REFUSED_UNCHANGED(403, http("POST", account_note_url(account),
                                     {raw_key(acme->staff_key), kJson, "X-Notes-Role: owner",
                                      "X-Notes-User-Id: " + acme->owner_id},
                                     R"({"note":"spoofed"})"));
}

TEST_F(Auth, TheAuthLocationIsNotReachableFromOutside) {
  auto response = http("GET", base_url() + "/_notes_auth", {raw_key(acme->owner_key)});
  EXPECT_EQ(response.status, 404);
  EXPECT_TRUE(response.header("x-notes-user-id").empty());
}

}  // namespace notes::test
