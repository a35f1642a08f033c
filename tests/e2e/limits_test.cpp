// The limits nginx enforces before a worker does anything (docs/reliability.md,
// "Limits"), asserted at the values the site ships with: body size per route,
// requests per second and requests in flight per key, and JSON error bodies
// for everything nginx answers itself. The shared test stack relaxes the
// per-key limits for the load tests, so these run against a second nginx
// (`script/lib/stack nginx-up`) with the site exactly as shipped, in front of
// the same workers.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include <curl/curl.h>

#include "credentials/failed_key_lookups.hpp"
#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/metrics_text.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The shipped site's values (nginx/notes-site.conf, nginx/snippets/notes-api.conf).
constexpr int kRatePerSecond = 100;
constexpr int kBurst = 200;
constexpr int kInFlight = 16;
constexpr std::size_t kMiB = 1024 * 1024;

std::string stack_tool(const std::string& arguments) {
  return std::string(NOTES_SOURCE_DIR "/script/lib/stack ") + arguments;
}

// `body` padded with spaces to exactly `size` bytes: still the same JSON.
std::string padded(std::string body, std::size_t size) {
  body.resize(size, ' ');
  return body;
}

void expect_envelope(const HttpResponse& response, bool accounts) {
  EXPECT_EQ(response.header("content-type"), "application/json");
  rapidjson::Document body;
  ASSERT_FALSE(parse_json_body(response.body, body)) << response.body;
  if (accounts) {
    EXPECT_STREQ(body["result"].GetString(), "error") << response.body;
  } else {
    EXPECT_TRUE(body["error"].IsString()) << response.body;
    EXPECT_TRUE(body["error_description"].IsString()) << response.body;
    EXPECT_TRUE(body["error_details"].IsObject()) << response.body;
  }
}

class ShippedLimits : public ClubSuite {
 protected:
  static void SetUpTestSuite() {
    std::string dir = stack_value("NOTES_STACK_DIR");
    ASSERT_EQ(std::system(stack_tool("nginx-up " + dir + " shipped").c_str()), 0);
    std::ifstream env(dir + "/shipped.env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("NOTES_URL=", 0) == 0) url = new std::string(line.substr(10));
      if (line.rfind("NOTES_HTTPS_URL=", 0) == 0) https_url = new std::string(line.substr(16));
    }
    ASSERT_NE(url, nullptr);
    ClubSuite::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    std::system(stack_tool("nginx-down " + stack_value("NOTES_STACK_DIR") + " shipped").c_str());
    delete url;
    delete https_url;
    ClubSuite::TearDownTestSuite();
  }

  static std::string new_note() {
    auto created = http("POST", *url + "/api/customers/" + customer + "/notes", {bearer(club->owner_key), kJson},
                        R"({"subject":"limits"})");
    EXPECT_EQ(created.status, 201) << created.body;
    rapidjson::Document note;
    EXPECT_FALSE(parse_json_body(created.body, note));
    return std::to_string(note["id"].GetInt64());
  }

  static std::string* url;
  static std::string* https_url;
};
std::string* ShippedLimits::url = nullptr;
std::string* ShippedLimits::https_url = nullptr;

// The Authorization header of `key` in the `n`th of many spellings the
// worker accepts: "Bearer" in three cases with 1 to 40 spaces, or bare.
std::string spelled(const std::string& key, int n) {
  static const char* const kSchemes[] = {"Bearer", "bearer", "BEARER"};
  if (n % 4 == 3) return "Authorization: " + key;
  return "Authorization: " + std::string(kSchemes[n % 4]) + std::string(1 + n % 40, ' ') + key;
}

// A TLS 1.2 handshake with the shipped site offering only `cipher` (OpenSSL's
// name): whether it was accepted.
bool tls12_accepts(const std::string& https_url, const std::string& cipher) {
  CURL* curl = curl_easy_init();
  std::string url = https_url + "/healthz";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl, CURLOPT_CAINFO, stack_value("NOTES_CA_CERT").c_str());
  long at_least = CURL_SSLVERSION_TLSv1_2, at_most = CURL_SSLVERSION_MAX_TLSv1_2;
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, at_least | at_most);
  curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, cipher.c_str());
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK;
}

}  // namespace

TEST_F(ShippedLimits, ANoteBodyMayBeOneMiBAndNotAByteMore) {
  std::string notes = *url + "/api/customers/" + customer + "/notes";
  auto at_limit = http("POST", notes, {bearer(club->owner_key), kJson}, padded(R"({"subject":"big"})", kMiB));
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
  EXPECT_REFUSED_UNCHANGED(
      413, http("POST", notes, {bearer(club->owner_key), kJson}, padded(R"({"subject":"big"})", kMiB + 1)));
  auto over = http("POST", notes, {bearer(club->owner_key), kJson}, padded(R"({"subject":"big"})", kMiB + 1));
  expect_envelope(over, false);
  EXPECT_NE(over.body.find("larger than 1 MiB"), std::string::npos) << over.body;
  // Account notes: the same bound, in the gateway's envelope.
  auto account = http("POST", *url + "/api/v2/account/" + club->account_id + "/note", {raw_key(club->owner_key), kJson},
                      padded(R"({"note":"big"})", kMiB + 1));
  EXPECT_EQ(account.status, 413);
  expect_envelope(account, true);
}

TEST_F(ShippedLimits, AMessageBodyMayBeEightMiBAndNotAByteMore) {
  std::string messages = *url + "/api/customers/notes/" + new_note() + "/messages";
  auto at_limit = http("POST", messages, {bearer(club->owner_key), kJson}, padded(R"({"message":"big"})", 8 * kMiB));
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
  auto over = http("POST", messages, {bearer(club->owner_key), kJson}, padded(R"({"message":"big"})", 8 * kMiB + 1));
  EXPECT_EQ(over.status, 413);
  expect_envelope(over, false);
  EXPECT_NE(over.body.find("larger than 8 MiB"), std::string::npos) << over.body;
}

TEST_F(ShippedLimits, ATooLargeBodyIsRefusedBeforeAnyOfItIsSent) {
  // Only the head: nginx answers from Content-Length alone, so no worker
  // (and not even nginx) reads a byte of the body.
  std::string answer = raw_exchange(*url, "POST /api/customers/" + customer + "/notes HTTP/1.1\r\nHost: x\r\n" +
                                              "Authorization: " + club->owner_key +
                                              "\r\nContent-Type: application/json\r\nContent-Length: " +
                                              std::to_string(kMiB + 1) + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw_status(answer), 413) << answer;
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos) << answer;
}

TEST_F(ShippedLimits, AMillionTinyValuesCostAWorkerNothing) {
  // Within the 8 MiB of a message route: refused while being parsed.
  std::string body = "{\"message\":\"x\",\"padding\":[0";
  while (body.size() < 8 * kMiB - 16) body += ",0";
  body += "]}";
  std::string messages = *url + "/api/customers/notes/" + new_note() + "/messages";
  auto started = Clock::now();
  auto refused = http("POST", messages, {bearer(club->owner_key), kJson}, body);
  EXPECT_EQ(refused.status, 400) << refused.body;
  expect_envelope(refused, false);
  EXPECT_NE(refused.body.find("more than 1000 values"), std::string::npos) << refused.body;
  std::printf("LIMITS a %zu-byte body of tiny values refused in %lld ms\n", body.size(),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
}

TEST_F(ShippedLimits, OneKeysFloodIs429AndLeavesAnotherKeysAnswersAlone) {
  std::string flood_key = notesctl_ok("key issue --user " + club->admin_id);
  std::string spec = *url + "/api/v2/objspec/account_note";
  std::atomic<bool> flooding{true};
  std::atomic<int> other_requests{0}, other_failures{0};
  std::thread other([&] {
    while (flooding) {
      auto answer = http("GET", spec, {raw_key(club->owner_key)});
      ++other_requests;
      if (answer.status != 200) ++other_failures;
      std::this_thread::sleep_for(20ms);
    }
  });
  // The burst first, one request at a time: every one of them is served.
  auto first_sent = Clock::now();
  int accepted = 0;
  for (int i = 0; i <= kBurst; ++i) {
    auto answer = http("GET", spec, {raw_key(flood_key)});
    if (answer.status == 200) ++accepted;
  }
  EXPECT_EQ(accepted, kBurst + 1) << "the burst of " << kBurst << " was not honoured";
  // Then four threads as fast as they can, for a second and a half.
  std::mutex mutex;
  int limited = 0;
  std::vector<std::thread> flood;
  auto flood_until = Clock::now() + 1500ms;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&] {
      while (Clock::now() < flood_until) {
        auto answer = http("GET", spec, {raw_key(flood_key)});
        std::lock_guard<std::mutex> lock(mutex);
        if (answer.status == 200) {
          ++accepted;
        } else {
          EXPECT_EQ(answer.status, 429) << answer.body;
          EXPECT_EQ(answer.header("retry-after"), "1");
          expect_envelope(answer, true);
          ++limited;
        }
      }
    });
  }
  for (auto& thread : flood) thread.join();
  double seconds = std::chrono::duration<double>(Clock::now() - first_sent).count();
  flooding = false;
  other.join();
  EXPECT_GT(limited, 0);
  // No more than the burst, the first request and the rate over the time.
  EXPECT_LE(accepted, kBurst + 1 + static_cast<int>(kRatePerSecond * seconds) + 1)
      << accepted << " accepted in " << seconds << " s";
  EXPECT_EQ(other_failures, 0) << "of " << other_requests << " requests with another key";
  // The customer family answers 429 in its own envelope.
  auto customers = http("GET", *url + "/api/customers/" + customer + "/notes", {bearer(flood_key)});
  if (customers.status == 429) expect_envelope(customers, false);
  std::printf("LIMITS flood: %d accepted, %d answered 429 in %.2f s; another key: %d requests, %d failed\n", accepted,
              limited, seconds, other_requests.load(), other_failures.load());
}

TEST_F(ShippedLimits, AKeysLimitsHoldWhateverTheSpellingOfItsHeader) {
  // Each spelling once was a credential of its own to nginx's limits, while
  // the worker took them all for the same key (issue 29, 1).
  std::string key = notesctl_ok("key issue --user " + club->admin_id);
  std::string spec = *url + "/api/v2/objspec/account_note";
  std::mutex mutex;
  int accepted = 0, limited = 0, other = 0;
  std::atomic<int> sent{0};
  auto first_sent = Clock::now();
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&] {
      while (Clock::now() - first_sent < 2s) {
        auto answer = http("GET", spec, {spelled(key, sent++)});
        std::lock_guard<std::mutex> lock(mutex);
        if (answer.status == 200) {
          ++accepted;
        } else if (answer.status == 429) {
          ++limited;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : flood) thread.join();
  double seconds = std::chrono::duration<double>(Clock::now() - first_sent).count();
  EXPECT_EQ(other, 0);
  EXPECT_GT(limited, 0);
  EXPECT_LE(accepted, kBurst + 1 + static_cast<int>(kRatePerSecond * seconds) + 1)
      << accepted << " accepted in " << seconds << " s";
  std::printf("LIMITS one key in %d spellings: %d accepted, %d answered 429 in %.2f s\n", std::min(sent.load(), 160),
              accepted, limited, seconds);
}

TEST_F(ShippedLimits, MadeUpKeysFromOneAddressCostAtMostTheFailedLookUpBound) {
  // A new made-up key with every request is a new credential each time, so
  // nginx's per-key limits never see a second request of it (issue 29, 1).
  const std::string address = "127.0.0.61";
  std::string spec = *url + "/api/v2/objspec/account_note";
  // A real key from the same address, in nginx's auth cache before the flood.
  std::string good = notesctl_ok("key issue --user " + club->admin_id);
  ASSERT_EQ(http_from(address, "GET", spec, {raw_key(good)}).status, 200);
  auto looked_up = [] {
    auto metrics = http("GET", base_url() + "/metrics");
    // No such sample (-1) until the first 401.
    return std::max(0.0, sample_value(metrics.body, R"(notes_requests_total{route="auth",status="401"})"));
  };
  // The flood takes about a second: begun early in a window, it stays in it.
  constexpr int64_t window = FailedKeyLookups::kWindowSeconds;
  auto into_window = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() % (window * 1000);
  };
  if (into_window() > (window - 4) * 1000) std::this_thread::sleep_for(std::chrono::milliseconds(window * 1000 - into_window() + 50));
  double before = looked_up();
  int refused = 0, limited = 0;
  for (int i = 0; i < FailedKeyLookups::kLimit + 50; ++i) {
    auto answer = http_from(address, "GET", spec, {raw_key("nk_madeup" + std::to_string(i) + "x" + good.substr(3, 20))});
    if (answer.status == 401) ++refused;
    if (answer.status == 429) {
      ++limited;
      EXPECT_EQ(answer.header("retry-after"), "1");
      expect_envelope(answer, true);
    }
  }
  double looked = looked_up() - before;
  EXPECT_EQ(looked, FailedKeyLookups::kLimit) << "unknown keys looked up in the database";
  EXPECT_EQ(refused, FailedKeyLookups::kLimit);
  EXPECT_EQ(limited, 50);
  // The real key is still served from nginx's cache; another address's
  // unknown key is still looked up (401, not 429).
  EXPECT_EQ(http_from(address, "GET", spec, {raw_key(good)}).status, 200);
  EXPECT_EQ(http_from("127.0.0.62", "GET", spec, {raw_key("nk_madeup" + good.substr(3, 20))}).status, 401);
  std::printf("LIMITS %d made-up keys from one address: %d answered 401, %d answered 429, %.0f looked up\n",
              refused + limited, refused, limited, looked);
}

TEST_F(ShippedLimits, EveryAnswerIsNeitherCachedNorSniffedAndOverTlsCarriesHsts) {
  std::string note = new_note();
  struct Case {
    const char* what;
    HttpResponse answer;
    const char* cache_control;
  };
  std::vector<Case> cases = {
      {"a note", http("GET", *https_url + "/api/customers/notes/" + note, {bearer(club->owner_key)}), "no-store"},
      {"the worker's 404", http("GET", *https_url + "/api/customers/notes/999999999", {bearer(club->owner_key)}),
       "no-store"},
      {"nginx's 401", http("GET", *https_url + "/api/customers/notes/" + note), "no-store"},
      {"nginx's 404", http("GET", *https_url + "/nowhere"), "no-store"},
      {"nginx's 413", http("POST", *https_url + "/api/customers/" + customer + "/notes", {bearer(club->owner_key), kJson},
                           padded("{}", kMiB + 1)), "no-store"},
      {"the docs page", http("GET", *https_url + "/docs/"), "no-cache"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_NE(c.answer.status, 0);
    EXPECT_EQ(c.answer.header("cache-control"), c.cache_control);
    EXPECT_EQ(c.answer.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(c.answer.header("strict-transport-security"), "max-age=31536000");
    EXPECT_FALSE(c.answer.header("x-request-id").empty());
  }
  auto docs = cases.back().answer;
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos)
      << docs.header("content-security-policy");
  // Over plain http no HSTS (a browser ignores it there anyway).
  EXPECT_EQ(http("GET", *url + "/api/customers/notes/" + note, {bearer(club->owner_key)}).header("strict-transport-security"),
            "");
}

TEST_F(ShippedLimits, TlsTwelveOffersOnlyForwardSecretAuthenticatedSuites) {
  EXPECT_TRUE(tls12_accepts(*https_url, "ECDHE-RSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(tls12_accepts(*https_url, "ECDHE-RSA-CHACHA20-POLY1305"));
  for (const char* weak : {"AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES128-SHA", "ECDHE-RSA-AES128-SHA",
                           "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"}) {
    EXPECT_FALSE(tls12_accepts(*https_url, weak)) << weak;
  }
}

TEST_F(ShippedLimits, AKeyHasAtMostSixteenRequestsInFlight) {
  std::string key = notesctl_ok("key issue --user " + club->admin_id);
  std::string messages = "/api/customers/notes/" + new_note() + "/messages";
  std::string head = "POST " + messages + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + key +
                     "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
  // Sixteen requests whose bodies trickle in: each stays in flight.
  std::atomic<bool> keep_going{true};
  std::vector<std::thread> slow;
  for (int i = 0; i < kInFlight; ++i) slow.emplace_back([&] { raw_trickle(*url, head, 5s, keep_going); });
  std::this_thread::sleep_for(500ms);
  auto refused = http("GET", *url + "/api/v2/objspec/account_note", {raw_key(key)});
  auto other = http("GET", *url + "/api/v2/objspec/account_note", {raw_key(club->owner_key)});
  keep_going = false;
  for (auto& thread : slow) thread.join();
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  expect_envelope(refused, true);
  EXPECT_EQ(other.status, 200) << "another key was limited too";
  // Once they are gone, the key works again.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(http("GET", *url + "/api/v2/objspec/account_note", {raw_key(key)}).status, 200);
}

// Requests nginx answers before it has a route: each in JSON, in the family
// of the path where nginx read one.
TEST_F(ShippedLimits, EveryErrorNginxAnswersItselfIsJson) {
  struct Case {
    const char* what;
    std::string request;
    int status;
    bool accounts;
  };
  std::string long_path(9000, 'a');
  std::string big_header(9000, 'b');
  std::vector<Case> cases = {
      {"TRACE", "TRACE /api/v2/objspec/account_note HTTP/1.1\r\nHost: x\r\n\r\n", 405, true},
      {"TRACE, customers", "TRACE /api/customers/1/notes HTTP/1.1\r\nHost: x\r\n\r\n", 405, false},
      {"CONNECT", "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n", 400, false},
      {"duplicate Authorization",
       "GET /api/v2/objspec/account_note HTTP/1.1\r\nHost: x\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n", 400,
       true},
      {"headers too large", "GET /api/v2/objspec/account_note HTTP/1.1\r\nHost: x\r\nX-Big: " + big_header + "\r\n\r\n",
       431, true},
      {"request line too long", "GET /api/v2/" + long_path + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, false},
      {"no request line", "GARBAGE\r\n\r\n", 400, false},
      {"bad Content-Length", "POST /api/customers/1/notes HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400,
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::string answer = raw_exchange(*url, c.request);
    EXPECT_EQ(raw_status(answer), c.status) << answer.substr(0, 300);
    auto head_end = answer.find("\r\n\r\n");
    ASSERT_NE(head_end, std::string::npos) << answer.substr(0, 300);
    EXPECT_NE(answer.substr(0, head_end).find("Content-Type: application/json"), std::string::npos)
        << answer.substr(0, 300);
    HttpResponse response;
    response.headers["content-type"] = "application/json";
    response.body = answer.substr(head_end + 4);
    expect_envelope(response, c.accounts);
  }
}

}  // namespace notes::test
