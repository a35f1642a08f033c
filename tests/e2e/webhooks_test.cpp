// Webhooks end to end (docs/webhooks.md): notesd's delivery process sends
// what changed to receivers this test runs, signed, in order per note,
// retried until they take it, never twice once taken, never to a forbidden
// address, and a receiver that hangs holds up neither the API nor other
// receivers. The test stack runs with --webhooks-to-loopback and
// --fast-webhook-retries (retries from 100 ms, given up after 8 s).
#include <openssl/hmac.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "credentials/api_key.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/stack_env.hpp"
#include "tests/support/webhook_endpoint.hpp"
#include "tests/support/webhook_receiver.hpp"
#include "webhooks/deliverer.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Requests = std::vector<ReceivedRequest>;

using Endpoint = WebhookEndpoint;

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char mac[32];
  unsigned length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &length);
  return to_hex(std::string(reinterpret_cast<char*>(mac), length));
}

// What a receiver checks (docs/webhooks.md, "Verifying a delivery").
bool signed_by(const ReceivedRequest& request, const std::string& secret) {
  auto timestamp = request.headers.find("notes-webhook-timestamp");
  auto signature = request.headers.find("notes-webhook-signature");
  if (timestamp == request.headers.end() || signature == request.headers.end()) return false;
  long long sent = std::stoll(timestamp->second);
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  return std::llabs(now - sent) <= 300 && signature->second == "v1=" + hmac_hex(secret, timestamp->second + "." +
                                                                                           request.body);
}

std::string header(const ReceivedRequest& request, const std::string& name) {
  auto found = request.headers.find(name);
  return found == request.headers.end() ? "" : found->second;
}

// The deliveries a receiver took (answered 2xx), by id, in the order taken.
std::vector<std::string> taken(const Requests& requests) {
  std::vector<std::string> ids;
  for (const auto& request : requests) {
    if (request.answered / 100 == 2) ids.push_back(header(request, "notes-webhook-id"));
  }
  return ids;
}

class Webhooks : public ClubSuite {
 protected:
  static std::string notes_url() { return customer_notes_url(customer); }
  static std::string new_note(const std::string& body) { return test::new_note(customer, body, {bearer(club->admin_key)}); }
};

TEST_F(Webhooks, DeliveriesAreSignedRetriedUntilTakenInOrderPerNoteAndNeverTwice) {
  // The first three requests fail, whatever they carry; then every one is taken.
  WebhookReceiver receiver([](int n, const ReceivedRequest&) { return n < 3 ? 500 : 200; });
  Endpoint endpoint(club->id, receiver.url(), "note.*");
  std::string id = new_note(R"({"subject":"hooked"})");
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"subject":"hooked, 2"})").status, 200);
  ASSERT_EQ(http("POST", note_url(id) + "/assignees", {bearer(club->admin_key), kJson},
                 "{\"assignees\":[" + club->staff_id + "]}")
                .status,
            200);
  ASSERT_EQ(http("POST", note_url(id) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"m"})").status,
            201);
  ASSERT_EQ(http("DELETE", note_url(id), {bearer(club->admin_key)}).status, 204);

  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return taken(got).size() >= 5; }, 20s))
      << receiver.requests().size() << " requests, " << taken(receiver.requests()).size() << " taken";
  std::this_thread::sleep_for(1s);  // anything sent twice would come by now
  Requests got = receiver.requests();

  std::vector<std::string> events;
  std::set<std::string> ids_taken;
  std::map<std::string, std::string> body_of;
  for (const auto& request : got) {
    EXPECT_TRUE(signed_by(request, endpoint.secret)) << header(request, "notes-webhook-signature");
    std::string delivery = header(request, "notes-webhook-id");
    // A retry carries the very same body.
    if (body_of.count(delivery)) {
      EXPECT_EQ(body_of[delivery], request.body);
    }
    body_of[delivery] = request.body;
    if (request.answered != 200) continue;
    EXPECT_TRUE(ids_taken.insert(delivery).second) << "delivery " << delivery << " taken twice";
    auto body = json_of(HttpResponse{200, {}, request.body});
    EXPECT_EQ(std::to_string(body["note_id"].GetInt64()), id);
    EXPECT_EQ(header(request, "notes-webhook-event"), body["event"].GetString());
    events.push_back(body["event"].GetString());
  }
  EXPECT_EQ(events, (std::vector<std::string>{"note.created", "note.updated", "note.assigned",
                                              "note.message_posted", "note.deleted"}));
  // One note's deliveries go one at a time: none is sent before the one
  // ahead of it is taken.
  std::set<std::string> done;
  std::vector<std::string> order = taken(got);
  for (const auto& request : got) {
    std::string delivery = header(request, "notes-webhook-id");
    for (const auto& earlier : order) {
      if (earlier == delivery) break;
      EXPECT_TRUE(done.count(earlier)) << "delivery " << delivery << " sent before " << earlier << " was taken";
    }
    if (request.answered == 200) done.insert(delivery);
  }
  EXPECT_EQ(got.size(), 5u + 3u) << "three failures retried, nothing else sent";
  auto listed = notesctl_ok("webhook deliveries --endpoint " + endpoint.id + " --json");
  EXPECT_NE(listed.find("\"state\":\"delivered\""), std::string::npos) << listed;
  EXPECT_EQ(listed.find("\"state\":\"pending\""), std::string::npos) << listed;
}

TEST_F(Webhooks, AHangingReceiverHoldsUpNeitherTheApiNorOtherReceivers) {
  WebhookReceiver hanging([](int, const ReceivedRequest&) { return 0; });
  WebhookReceiver healthy([](int, const ReceivedRequest&) { return 204; });
  Endpoint stuck(club->id, hanging.url(), "note.created");
  Endpoint fine(club->id, healthy.url(), "note.created");
  Clock::duration slowest{};
  for (int i = 0; i < 10; ++i) {
    auto sent = Clock::now();
    new_note(R"({"subject":"while one receiver hangs"})");
    slowest = std::max(slowest, Clock::now() - sent);
  }
  // The API answers as it always does: it never waits on a delivery.
  EXPECT_LT(slowest, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms";
  // The healthy receiver gets all ten while the hanging one holds its
  // requests (each until the 2 s timeout).
  EXPECT_TRUE(healthy.wait_for([](const Requests& got) { return got.size() >= 10; }, 5s))
      << healthy.requests().size() << " of 10";
  EXPECT_GE(hanging.requests().size(), 1u);
  EXPECT_LE(hanging.requests().size(), 4u) << "more requests at once to one endpoint than its limit";
}

TEST_F(Webhooks, AForbiddenAddressIsNeverConnectedTo) {
  // The metadata service of every cloud: link-local, never allowed.
  Endpoint endpoint(club->id, "http://169.254.169.254/latest/meta-data", "note.created");
  new_note(R"({"subject":"to nowhere"})");
  std::string listed;
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    listed = notesctl_ok("webhook deliveries --endpoint " + endpoint.id + " --json");
    if (listed.find("address not allowed") != std::string::npos) break;
  }
  EXPECT_NE(listed.find("address not allowed: 169.254.169.254"), std::string::npos) << listed;
}

TEST_F(Webhooks, ADeliveryFailingForTheRetryPeriodIsGivenUpAndItsEndpointDisabled) {
  WebhookReceiver failing([](int, const ReceivedRequest&) { return 503; });
  Endpoint endpoint(club->id, failing.url(), "note.created");
  new_note(R"({"subject":"never taken"})");
  std::string listed;
  for (auto deadline = Clock::now() + 20s; Clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    listed = notesctl_ok("webhook list --company " + club->id + " --json");
    if (listed.find("a delivery failed for 8 s") != std::string::npos) break;
  }
  EXPECT_NE(listed.find("a delivery failed for 8 s"), std::string::npos) << listed;
  EXPECT_NE(notesctl_ok("webhook deliveries --endpoint " + endpoint.id + " --json").find("\"state\":\"given up\""),
            std::string::npos);
  // Retried with growing delays, not hammered.
  auto got = failing.requests();
  EXPECT_GE(got.size(), 3u);
  EXPECT_LE(got.size(), 12u);
  // Disabled, it is sent nothing more.
  auto before = got.size();
  new_note(R"({"subject":"after"})");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(failing.requests().size(), before);
}

TEST_F(Webhooks, PendingDeliveriesSurviveADatabaseRestart) {
  std::atomic<bool> accepting{false};
  WebhookReceiver receiver([&](int, const ReceivedRequest&) { return accepting ? 200 : 500; });
  Endpoint endpoint(club->id, receiver.url(), "note.created");
  std::set<std::string> notes;
  for (int i = 0; i < 5; ++i) notes.insert(new_note(R"({"subject":"before the restart"})"));
  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return got.size() >= 1; }, 5s));
  std::string stack_dir = stack_value("NOTES_STACK_DIR");
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-stop " + stack_dir).c_str()), 0);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(std::system((NOTES_SOURCE_DIR "/script/lib/stack pg-start " + stack_dir).c_str()), 0);
  accepting = true;
  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return taken(got).size() >= 5; }, 20s))
      << taken(receiver.requests()).size() << " of 5 taken";
  std::this_thread::sleep_for(1s);
  std::set<std::string> delivered;
  for (const auto& request : receiver.requests()) {
    if (request.answered != 200) continue;
    delivered.insert(std::to_string(json_of(HttpResponse{200, {}, request.body})["note_id"].GetInt64()));
  }
  EXPECT_EQ(delivered, notes);
  EXPECT_EQ(taken(receiver.requests()).size(), 5u) << "a delivery was taken twice";
}

TEST_F(Webhooks, AReminderFiresOnceWhenItFallsDue) {
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return 200; });
  Endpoint endpoint(club->id, receiver.url(), "note.reminder_due");
  std::string due = query_value("SELECT to_char((now() + interval '2 seconds') AT TIME ZONE 'UTC',"
                                " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
  std::string id = new_note(R"({"subject":"call back","reminder":")" + due + "\"}");
  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return !got.empty(); }, 8s));
  std::this_thread::sleep_for(1500ms);
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  auto body = json_of(HttpResponse{200, {}, got[0].body});
  EXPECT_STREQ(body["event"].GetString(), "note.reminder_due");
  EXPECT_EQ(std::to_string(body["note_id"].GetInt64()), id);
  EXPECT_GE(got[0].at, Clock::now() - 10s);
}

TEST_F(Webhooks, FinishedDeliveriesAreForgottenWithTheirAttemptsOnceOlderThanTheKeepPeriod) {
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return 200; });
  Endpoint endpoint(club->id, receiver.url(), "note.created");
  new_note(R"({"subject":"kept a while"})");
  new_note(R"({"subject":"kept a while, 2"})");
  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return taken(got).size() >= 2; }, 5s));
  std::string of_endpoint = " FROM webhook_deliveries WHERE endpoint_id = " + endpoint.id;
  std::string old_one = query_value("SELECT min(id)" + of_endpoint);
  std::string young_one = query_value("SELECT max(id)" + of_endpoint);
  ASSERT_NE(old_one, young_one);
  // One delivery taken 30 days and a minute ago (webhook-keep-days is 30),
  // and one as old but still held by a sender: only what is finished goes.
  std::string pending = query_value(
      "INSERT INTO webhook_deliveries (company_id, endpoint_id, event, subject, body, created_at, leased_until)"
      " SELECT company_id, endpoint_id, event, subject, body, now() - interval '31 days', now() + interval '1 hour'"
      " FROM webhook_deliveries WHERE id = " + young_one + " RETURNING id");
  query_value("UPDATE webhook_deliveries SET created_at = now() - interval '30 days 1 minute' WHERE id = " +
              old_one + " RETURNING id");
  auto aged_at = Clock::now();
  auto count = [](const std::string& sql) { return std::stoi(query_value(sql)); };
  std::string attempts_of = "SELECT count(*) FROM webhook_attempts WHERE delivery_id = ";
  // The delivery process looks every 10 s (webhooks/deliverer.hpp); a
  // second more for the look itself.
  while (count("SELECT count(*) FROM webhook_deliveries WHERE id = " + old_one) > 0 &&
         Clock::now() < aged_at + 11s) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(count("SELECT count(*) FROM webhook_deliveries WHERE id = " + old_one), 0) << "not forgotten";
  EXPECT_EQ(count(attempts_of + old_one), 0);
  EXPECT_EQ(count("SELECT count(*) FROM webhook_deliveries WHERE id = " + young_one), 1);
  EXPECT_EQ(count(attempts_of + young_one), 1);
  EXPECT_EQ(count("SELECT count(*) FROM webhook_deliveries WHERE id = " + pending), 1) << "a pending one went";
  query_value("UPDATE webhook_deliveries SET given_up_at = now() WHERE id = " + pending + " RETURNING id");
}

TEST_F(Webhooks, AccountNoteChangesAreSentToo) {
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return 200; });
  Endpoint endpoint(club->id, receiver.url(), "account_note.*");
  auto url = account_note_url(club->account_id);
  ASSERT_EQ(http("POST", url, {raw_key(club->owner_key), kJson}, R"({"note":"gate code 1234"})").status, 200);
  ASSERT_EQ(http("DELETE", url, {raw_key(club->owner_key)}).status, 200);
  ASSERT_TRUE(receiver.wait_for([](const Requests& got) { return got.size() >= 2; }, 5s));
  auto got = receiver.requests();
  EXPECT_EQ(header(got[0], "notes-webhook-event"), "account_note.created");
  EXPECT_NE(got[0].body.find("gate code 1234"), std::string::npos);
  EXPECT_EQ(header(got[1], "notes-webhook-event"), "account_note.removed");
  EXPECT_NE(got[1].body.find("\"note\":null"), std::string::npos) << got[1].body;
}

TEST_F(Webhooks, NotesctlRefusesBadEndpointsAndNeverStoresTheSecret) {
  std::string key_file = " --key-file " + stack_value("NOTES_WEBHOOK_KEY_FILE");
  for (const char* bad : {"--url ftp://example.org/ --events note.created",
                          "--url https://user:pw@example.org/ --events note.created",
                          "--url https://example.org/ --events note.exploded"}) {
    auto refused = notesctl("webhook add --company " + club->id + " " + bad + key_file);
    EXPECT_NE(refused.exit_code, 0) << bad;
    EXPECT_FALSE(refused.err.empty());
  }
  Endpoint endpoint(club->id, "https://hooks.example.org/notes", "'*'");
  EXPECT_EQ(endpoint.secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(query_value("SELECT count(*) FROM webhook_endpoints WHERE position('" + endpoint.secret.substr(6) +
                        "' IN row_to_json(webhook_endpoints)::text) > 0"),
            "0");
}

// An idle deliverer asks for due deliveries once a dispatch round
// (webhooks/deliverer.cpp); it asked on every 100 ms turn of its loop
// before. Each ask reads webhook_deliveries, which PostgreSQL counts.
TEST_F(Webhooks, AnIdleDelivererAsksForDueDeliveriesOnlyOncePerDispatchRound) {
  // Earlier tests' deliveries may still be retried; their retries ask too.
  for (auto deadline = Clock::now() + 20s; Clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    if (query_value("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL") ==
        "0") {
      break;
    }
  }
  auto reads = [] {
    return std::stoll(query_value("SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables"
                                  " WHERE relname = 'webhook_deliveries'"));
  };
  constexpr auto kWatched = 6s;
  long long before = reads();
  std::this_thread::sleep_for(kWatched);
  double per_second = static_cast<double>(reads() - before) / std::chrono::seconds(kWatched).count();
  // About one read an ask (the statistics reach the view up to a second
  // late); ten a second before.
  double rounds_per_second = 1000.0 / static_cast<double>(webhooks::kDispatchEvery.count());
  EXPECT_LE(per_second, 2 * rounds_per_second);
  EXPECT_GT(per_second, 0) << "the deliverer never asked";
}

}  // namespace
}  // namespace notes::test
