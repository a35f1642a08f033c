// Routing, methods and health checks end to end.
#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"

namespace notes::test {
namespace {

class Routing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { acme = new Company(make_company("routing-acme")); }
  static void TearDownTestSuite() { delete acme; }
  static Company* acme;
};
Company* Routing::acme = nullptr;

}  // namespace

TEST_F(Routing, UnknownRoutesAre404InTheFamilysEnvelope) {
  auto accounts = http("GET", base_url() + "/api/v2/nothing/here", {raw_key(acme->owner_key)});
  EXPECT_EQ(accounts.status, 404);
  EXPECT_EQ(accounts.body, R"({"result":"error","error":"There is no such route."})");
  auto customers = http("GET", base_url() + "/api/customers/x/y/z", {bearer(acme->owner_key)});
  EXPECT_EQ(customers.status, 404);
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(customers.body, body)) << customers.body;
  EXPECT_STREQ(body["error"].GetString(), "not_found");
  auto outside = http("GET", base_url() + "/etc/passwd");
  EXPECT_EQ(outside.status, 404);
  EXPECT_EQ(outside.header("content-type"), "application/json");
}

TEST_F(Routing, OtherMethodsAre405WithAllow) {
  for (const char* method : {"PUT", "HEAD", "OPTIONS"}) {
    auto response = http(method, account_note_url(acme->account_id), {raw_key(acme->owner_key)});
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(response.header("allow"), "GET, POST, PATCH, DELETE") << method;
  }
  auto spec = http("POST", base_url() + "/api/v2/objspec/account_note", {raw_key(acme->owner_key), kJson}, "{}");
  EXPECT_EQ(spec.status, 405);
  EXPECT_EQ(spec.header("allow"), "GET");
}

TEST_F(Routing, HealthChecksNeedNoCredentialOnLoopback) {
  auto live = http("GET", base_url() + "/healthz");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, R"({"status":"ok"})");
  auto ready = http("GET", base_url() + "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
}

TEST_F(Routing, ContentLengthMismatchesNeverReachAWorkerBroken) {
  // nginx frames bodies itself; a short body is a client error, not a crash.
  auto response = http("POST", account_note_url(acme->account_id),
                       {raw_key(acme->owner_key), kJson, "Content-Length: 5"}, R"({"note":"x"})");
  EXPECT_LT(response.status, 500);
  EXPECT_EQ(http("GET", base_url() + "/healthz").status, 200);
}

}  // namespace notes::test
