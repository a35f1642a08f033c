// A corpus of malformed and hostile requests, end to end through nginx:
// every one answered below 500, no worker restarted, nothing changed.
#include <fstream>
#include <set>

#include "tests/e2e/e2e.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

using Strings = std::vector<std::string>;

struct Case {
  std::string name;
  std::string method;
  std::string path;  // may hold a query string
  std::vector<std::string> headers;
  std::string body;
};

std::set<pid_t> worker_pids() {
  std::ifstream pid_file(stack_value("NOTES_PID_FILE"));
  pid_t supervisor = 0;
  pid_file >> supervisor;
  return worker_processes(supervisor);
}

std::vector<std::string> hostile_bodies() {
  std::vector<std::string> bodies = {
      "", " ", "{", "}", "[", "]", "{}", "[]", "null", "true", "0", "-0", "\"\"", "{\"note\"}", "{\"note\":}",
      "{\"note\":\"x\",}", "{,}", "{\"note\":\"x\"}}", "{\"note\":'x'}", "{note:\"x\"}", "{\"note\":\"\\x41\"}",
      "{\"note\":\"\\u12\"}", "{\"note\":\"\\uD800\\u0041\"}", "{\"note\":\"\\uDFFF\"}", "{\"note\":\"\\ud83d\"}",
      std::string("{\"note\":\"\0\"}", 12), std::string("\0{}", 3), "{\"note\":\"\\u0000\"}",
      "{\"note\":\"\xc3\x28\"}", "{\"note\":\"\xe0\x80\x80\"}", "{\"note\":\"\xf8\x88\x80\x80\x80\"}",
      "\xef\xbb\xbf{\"note\":\"bom\"}", "{\"note\":\"x\"}\n{\"note\":\"y\"}", "{\"note\":\"x\"} garbage",
      "{\"note\":1e400}", "{\"note\":-1e400}", "{\"note\":NaN}", "{\"note\":Infinity}", "{\"note\":-}",
      "{\"note\":0x10}", "{\"note\":01}", "{\"note\":1.}", "{\"note\":.5}", "{\"note\":+1}",
      "{\"reference_id\":9223372036854775808,\"reference_type\":\"order\"}",
      "{\"reference_id\":-9223372036854775809,\"reference_type\":\"order\"}",
      "{\"reference_id\":123456789012345678901234567890,\"reference_type\":\"order\"}",
      "{\"reference_id\":1.0,\"reference_type\":\"order\"}", "{\"assignees\":[1e19]}", "{\"assignees\":[-1]}",
      "{\"assignees\":[0]}", "{\"assignees\":[null]}", "{\"assignees\":{}}", "{\"assignees\":\"1,2\"}",
      "{\"note\":\"a\",\"note\":\"a\"}", "{\"a\":{\"b\":1,\"b\":2}}", "{\"tags\":[[[[[]]]]]}",
      "{\"subject\":{\"$ne\":null}}", "{\"subject\":\"'; DROP TABLE notes; --\"}",
      "{\"note\":\"'); DELETE FROM account_notes; --\"}", "{\"__proto__\":{\"admin\":true}}",
      "{\"status\":[\"open\"]}", "{\"confidential\":\"false\"}", "{\"priority\":0}", "{\"reminder\":0}",
      "{\"reminder\":\"9999-99-99T99:99:99Z\"}", "{\"reminder\":\"2024-02-30T00:00:00Z\"}",
      "{\"reminder\":\"0000-01-01T00:00:00Z\"}", "{\"tags\":[\"a\",1]}", "{\"message\":null}",
      "{\"message\":\"x\",\"attachment\":\"====\"}", "{\"message\":\"x\",\"attachment\":\"YQ\"}",
      "{\"message\":\"x\",\"attachment\":123}", "{\"message\":\"x\",\"attachment\":\"Y Q==\"}",
  };
  for (int depth : {31, 32, 33, 64, 1000, 100000}) {
    bodies.push_back(std::string(depth, '[') + std::string(depth, ']'));
    bodies.push_back("{\"note\":" + std::string(depth, '[') + std::string(depth, ']') + "}");
  }
  bodies.push_back(std::string(200000, '['));
  bodies.push_back("{\"" + std::string(100000, 'k') + "\":1}");
  std::string many_keys = "{";
  for (int i = 0; i < 20000; ++i) many_keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  bodies.push_back(many_keys + "}");
  bodies.push_back("{\"note\":\"" + std::string(65537, 'x') + "\"}");
  bodies.push_back("{\"tags\":[" + std::string(1, '"') + std::string(10, 'a') + "\"" +
                   std::string(1000, ',').replace(0, 0, "") + "]}");
  return bodies;
}

std::vector<Case> corpus(const Company& c, const std::string& customer, const std::string& note) {
  std::vector<Case> cases;
  const std::string account = "/api/v2/account/" + c.account_id + "/note";
  const std::string notes = "/api/customers/" + customer + "/notes";
  const std::string one = "/api/customers/notes/" + note;
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"POST", account}, {"PATCH", account}, {"POST", notes}, {"PATCH", one},
      {"POST", one + "/messages"}, {"POST", one + "/assignees"}};
  // Every hostile body to a rotating write route.
  auto bodies = hostile_bodies();
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const auto& [method, path] = writes[i % writes.size()];
    cases.push_back({"body " + std::to_string(i), method, path, {bearer(c.owner_key), kJson}, bodies[i]});
  }
  // Content types and lengths.
  for (const std::string& type : Strings{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                  "application/json-patch+json", "",
                                  "application/jsonp", "json"}) {
    cases.push_back({"type " + type, "POST", notes, {bearer(c.owner_key), "Content-Type: " + type}, "{}"});
  }
  // Paths: traversal, encodings, overlong ids, odd segments.
  for (const std::string& path :
       Strings{"/api/customers/notes/" + note + "/../../../etc/passwd", "/api/customers/notes/%2e%2e/%2e%2e",
        "/api/customers/notes/1%00", "/api/customers/notes/%00", "/api/customers/notes/-1",
        "/api/customers/notes/0", "/api/customers/notes/00000000000000000000001", "/api/customers/notes/1e3",
        "/api/customers/notes/" + std::string(5000, '9'), "/api/customers/notes/%ff%fe",
        "/api/customers/notes/\xc3\xa9", "/api/customers/notes//", "/api/customers//notes",
        "/api/customers/notes/1;drop", "/api/customers/notes/1'", "/api/customers/notes/1%27%20OR%201=1",
        "/api/v2/account/%20/note", "/api/v2/account/9223372036854775808/note", "/api/v2/account/0x10/note",
        "/api/v2/account/" + c.account_id + "/note/../note", "/api/v2/account/" + c.account_id + "/NOTE",
        "/API/V2/ACCOUNT/" + c.account_id + "/NOTE", "/api/v2/objspec/account_note/..",
        "/api/customers/notes/" + note + "/messages/abc/attachment", "/api/customers/notes/" + note + "/assignees/x",
        "/api/", "/api", "/api/v2", "/api/v2/", "/_notes_auth", "/readyz/..", "/healthz%00",
        "/api/customers/notes/" + note + "%0d%0aX-Injected:%201"}) {
    cases.push_back({"path " + path, "GET", path, {bearer(c.owner_key)}, ""});
  }
  // History: odd revisions to restore, paging of both histories.
  for (const std::string& revision : Strings{"0", "-1", "1e3", "%2e%2e", "9223372036854775808", "1;drop", "1%27%20OR%201=1"}) {
    cases.push_back({"restore " + revision, "POST", one + "/history/" + revision + "/restore", {bearer(c.owner_key)}, ""});
  }
  for (const std::string& query : Strings{"?page=0", "?page_size=101", "?page_number=1&page=2", "?since=1", "?%00"}) {
    cases.push_back({"history " + query, "GET", one + "/history" + query, {bearer(c.owner_key)}, ""});
    cases.push_back({"account history " + query, "GET", account + "/history" + query, {raw_key(c.owner_key)}, ""});
    cases.push_back({"reads " + query, "GET", one + "/reads" + query, {bearer(c.owner_key)}, ""});
  }
  // Query strings on the list route.
  for (const std::string& query :
       Strings{"?page=99999999999999999999", "?page=1.5", "?page=%31", "?page_size=-5", "?page_size=1e2", "?page=",
        "?status=open&status=closed", "?status=OPEN", "?tag=%00", "?tag=%zz", "?tag=" + std::string(10000, 't'),
        "?assignee=me&assignee=1", "?assignee=0", "?reference_id=9223372036854775808", "?priority=TRUE",
        "?created_from=2024-02-30", "?created_from=2024-01-01T00:00:00", "?created_to=now()",
        "?" + std::string(3000, '&'), "?a=b", "?page=1&&&&page_size=2", "?=1", "?%3D=%3D", "?status=open;drop",
        "?tag='%20OR%201=1--", "?page[$gt]=1"}) {
    cases.push_back({"query " + query, "GET", notes + query, {bearer(c.owner_key)}, ""});
    cases.push_back({"queue query " + query, "GET", "/api/customers/notes" + query, {bearer(c.owner_key)}, ""});
  }
  // What only the work queue takes: search words, sorts and cursors.
  for (const std::string& query :
       Strings{"?q=%27%29%20OR%201%3D1--", "?q=" + std::string(300, 'q'), "?q=%00", "?q=a%20%26%20b%20%7C%20!c",
        "?q=%22%22%22", "?q=-", "?q=or", "?q=%3A*", "?sort=relevance", "?sort=-", "?sort=id", "?sort=created_on;drop",
        "?cursor=", "?cursor=%00", "?cursor=cTF8LWNyZWF0ZWRfb258bm93KCl8MXwx", "?cursor=" + std::string(5000, 'A'),
        "?cursor=cTF8LWNyZWF0ZWRfb258MjAyNi0xMS0yNCAxOTo0ODowMS44NzU4NjIrMDB8Mnwy&page_number=2",
        "?reminder_before=2024-02-30", "?reminder_after=infinity", "?customer_id=-1"}) {
    cases.push_back({"queue query " + query, "GET", "/api/customers/notes" + query, {bearer(c.owner_key)}, ""});
  }
  // Methods, known and not.
  for (const std::string& method : Strings{"PUT", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO", "HEAD", "PATCH"}) {
    cases.push_back({"method " + method, method, notes, {bearer(c.owner_key)}, ""});
    cases.push_back({"method " + method + " account", method, "/api/v2/objspec/account_note", {raw_key(c.owner_key)}, ""});
  }
  // Headers: identity spoofing, odd credentials, If-Match and page_size abuse.
  for (const std::string& header :
       Strings{"X-User-Id: 1", "X-Notes-Role: owner", "NOTES_USER_ID: 1", "Notes-Company-Id: 1",
        "If-Match: " + std::string(5000, '"'), "If-Match: \"-1\"", "If-Match: \"99999999999999999999\"", "If-Match: ,,,",
        "page_size: 0", "page_size: 99999999999", "page_size: -1", "page_size: abc",
        "Idempotency-Key: " + std::string(300, 'k'), "Idempotency-Key: \x01", "Content-Length: 0",
        "Transfer-Encoding: chunked", "Accept: */*; q=" + std::string(100, '9'), "X-Forwarded-For: 1.2.3.4"}) {
    cases.push_back({"header " + header.substr(0, 40), "PATCH", one, {bearer(c.owner_key), kJson, header}, "{\"nonsense\":1}"});
  }
  // Credentials that are not keys.
  for (const std::string& auth :
       Strings{"Authorization: Bearer " + std::string(5000, 'a'), "Authorization: Bearer nk_\x7f", "Authorization: Bearer  ",
        "Authorization: bearer bearer bearer", "Authorization: " + c.owner_key + " " + c.owner_key,
        "Authorization: Basic Zm9vOmJhcg==", "Authorization: Bearer ' OR '1'='1", "Authorization: %00"}) {
    cases.push_back({"auth " + auth.substr(0, 40), "POST", notes, {auth, kJson}, "{\"subject\":\"x\"}"});
  }
  return cases;
}

// Requests no HTTP library would send: straight onto the socket.
std::vector<std::string> raw_requests(const Company& c, const std::string& note) {
  std::string auth = "Authorization: Bearer " + c.owner_key + "\r\n";
  std::string path = "/api/customers/notes/" + note;
  return {
      "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: -1\r\n\r\n",
      "PATCH " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{}",
      "PATCH " + path + " HTTP/1.1\r\nHost: x\r\n" + auth +
          "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      "PATCH " + path + " HTTP/1.1\r\nHost: x\r\n" + auth +
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      "PATCH " + path + " HTTP/1.1\r\nHost: x\r\n" + auth +
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
      "PATCH " + path + " HTTP/1.1\r\nHost: x\r\n" + auth +
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
      "GET " + path + " HTTP/1.9\r\nHost: x\r\n" + auth + "\r\n",
      "GET " + path + "\r\n\r\n",
      "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
      "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
      "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "X: " + std::string(20000, 'h') + "\r\n\r\n",
      "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + std::string(100, ' ') + "\r\n\r\n",
      "GET /api/customers/notes/%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET /api/customers/notes/\x01\x02 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
      "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "Bad Header Line\r\n\r\n",
      "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "X-Nul: a\0b\r\n\r\n",
      "POST /api/customers/notes/" + note + "/messages HTTP/1.1\r\nHost: x\r\n" + auth +
          "Content-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"message\":\"short",
  };
}

}  // namespace

TEST(HostileInput, NoFiveHundredsNoRestartsNothingChanged) {
  Company c = make_company("hostile");
  std::string customer = notesctl_ok("customer add --company " + c.id + " --first-name Target");
  auto created = http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(c.owner_key), kJson},
                      R"({"subject":"target","confidential":true})");
  ASSERT_EQ(created.status, 201);
  std::string note = created.header("location").substr(std::string("/api/customers/notes/").size());
  ASSERT_EQ(http("POST", account_note_url(c.account_id), {raw_key(c.owner_key), kJson}, R"({"note":"target"})").status, 200);

  auto workers = worker_pids();
  ASSERT_FALSE(workers.empty());
  std::string before = database_fingerprint();
  auto cases = corpus(c, customer, note);
  auto raw = raw_requests(c, note);
  ASSERT_GE(cases.size() + raw.size(), 200u);

  for (const Case& request : cases) {
    HttpResponse response;
    try {
      response = http(request.method, base_url() + request.path, request.headers, request.body, !request.body.empty());
    } catch (const std::exception& e) {
      ADD_FAILURE() << request.name << ": " << e.what();
      continue;
    }
    EXPECT_GE(response.status, 200) << request.name;
    EXPECT_LT(response.status, 500) << request.name << " -> " << response.body.substr(0, 300);
    EXPECT_EQ(database_fingerprint(), before) << "changed by: " << request.name;
    // Nothing internal leaks into an answer.
    for (const char* leak : {"SQLSTATE", "ERROR:", "postgres", "syntax error", "libpq", "terminate", "std::"}) {
      EXPECT_EQ(response.body.find(leak), std::string::npos) << request.name << ": " << response.body.substr(0, 300);
    }
  }
  for (const std::string& bytes : raw) {
    std::string answer = raw_exchange(base_url(), bytes);
    int status = raw_status(answer);
    EXPECT_LT(status, 500) << bytes.substr(0, 80) << " -> " << answer.substr(0, 200);
    EXPECT_EQ(database_fingerprint(), before) << "changed by: " << bytes.substr(0, 120);
  }
  EXPECT_EQ(database_fingerprint(), before) << "a hostile request changed data";
  EXPECT_EQ(worker_pids(), workers) << "a worker died or was replaced";
  EXPECT_EQ(http("GET", base_url() + "/readyz").status, 200);
  std::printf("hostile corpus: %zu requests through curl, %zu raw\n", cases.size(), raw.size());
}

}  // namespace notes::test
