// Routing, methods and health checks end to end.
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/metrics_text.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stack_env.hpp"

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

// nginx answers TRACE itself (405), before any route: RFC 9110 wants
// Allow on every 405, naming the target's methods, so nginx's answer must
// name what the worker's 405 names for that path. Every path of the
// served OpenAPI document is asked both ways.
TEST_F(Routing, NginxsOwn405ForTraceNamesTheSameAllowAsTheWorkers) {
  auto document = any_json_of(http("GET", base_url() + "/api/openapi.json"));
  ASSERT_TRUE(document.HasMember("paths"));
  int checked = 0;
  for (const auto& entry : document["paths"].GetObject()) {
    std::string path = entry.name.GetString();
    for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "1");
    }
    SCOPED_TRACE(path);
    auto worker = http("PUT", base_url() + path, {bearer(acme->owner_key)});
    ASSERT_EQ(worker.status, 405) << worker.body;
    ASSERT_FALSE(worker.header("allow").empty());
    std::string answer = raw_exchange(base_url(), "TRACE " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw_status(answer), 405) << answer.substr(0, 300);
    std::string head = answer.substr(0, answer.find("\r\n\r\n") + 2);
    auto at = head.find("\r\nAllow: ");
    ASSERT_NE(at, std::string::npos) << head;
    at += 9;
    EXPECT_EQ(head.substr(at, head.find("\r\n", at) - at), worker.header("allow"));
    ++checked;
  }
  EXPECT_GE(checked, 20);
  // A path no route has: there is no resource, so no methods to name.
  std::string unknown = raw_exchange(base_url(), "TRACE /api/customers/x/y/z HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(raw_status(unknown), 404) << unknown.substr(0, 300);
  EXPECT_NE(unknown.find("\"not_found\""), std::string::npos) << unknown.substr(0, 300);
}

TEST_F(Routing, HealthChecksNeedNoCredentialOnLoopback) {
  auto live = http("GET", base_url() + "/healthz");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, R"({"status":"ok"})");
  auto ready = http("GET", base_url() + "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
}

TEST_F(Routing, MetricsAnswerOnLoopbackAndCountWhatTheWorkersAnswered) {
  const std::string objspec_ok = R"(notes_requests_total{route="GET /api/v2/objspec/account_note",status="200"})";
  const std::string auth_ok = R"(notes_requests_total{route="auth",status="200"})";
  auto before = http("GET", base_url() + "/metrics");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  double objspec_before = std::max(0.0, sample_value(before.body, objspec_ok));
  double auth_before = std::max(0.0, sample_value(before.body, auth_ok));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(acme->owner_key)}).status, 200);
  }
  auto after = http("GET", base_url() + "/metrics");
  EXPECT_EQ(sample_value(after.body, objspec_ok), objspec_before + 5) << after.body;
  // Each call's credential was checked by the auth sub-request, unless
  // nginx's cache of those answers had it (docs/security.md): at most 5.
  EXPECT_LE(sample_value(after.body, auth_ok), auth_before + 5);
}

TEST_F(Routing, ContentLengthMismatchesNeverReachAWorkerBroken) {
  // nginx frames bodies itself; a short body is a client error, not a crash.
  auto response = http("POST", account_note_url(acme->account_id),
                       {raw_key(acme->owner_key), kJson, "Content-Length: 5"}, R"({"note":"x"})");
  EXPECT_LT(response.status, 500);
  EXPECT_EQ(http("GET", base_url() + "/healthz").status, 200);
}

TEST_F(Routing, EveryAnswerNamesItsRequestAndTheAccessLogHasIt) {
  auto is_request_id = [](const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  auto worker = http("GET", base_url() + "/api/v2/objspec/account_note", {raw_key(acme->owner_key)});
  ASSERT_EQ(worker.status, 200);
  auto no_key = http("GET", account_note_url(acme->account_id));  // 401 answered by nginx
  auto unknown = http("GET", base_url() + "/nothing");            // 404 answered by nginx
  auto too_big = http("POST", account_note_url(acme->account_id), {raw_key(acme->owner_key), kJson},
                      std::string(2u << 20, 'x'), true);         // 413 answered by nginx
  std::set<std::string> ids;
  for (const auto* answer : {&worker, &no_key, &unknown, &too_big}) {
    std::string id = answer->header("x-request-id");
    EXPECT_TRUE(is_request_id(id)) << answer->status << " came with X-Request-Id '" << id << "'";
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 4u) << "each request has its own id";
  EXPECT_EQ(no_key.status, 401);
  EXPECT_EQ(too_big.status, 413);

  // nginx writes the line once the answer is out; give it a moment.
  std::string id = worker.header("x-request-id");
  std::string line;
  for (int attempt = 0; attempt < 100 && line.empty(); ++attempt) {
    std::ifstream log(stack_value("NOTES_STACK_DIR") + "/log/nginx-access.log");
    for (std::string candidate; std::getline(log, candidate);) {
      if (candidate.find("id=" + id) != std::string::npos) line = candidate;
    }
    if (line.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(line.find("\" 200 "), std::string::npos) << line;
  EXPECT_NE(line.find("upstream_status=200 upstream_time="), std::string::npos) << line;
}

}  // namespace notes::test
