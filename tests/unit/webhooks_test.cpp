// The pure rules of webhooks (docs/webhooks.md): where deliveries may go,
// which events a list names, when a failure is retried, and the secret and
// signature a receiver checks.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <openssl/hmac.h>

#include "credentials/api_key.hpp"
#include "credentials/webhook_secret.hpp"
#include "webhooks/address_policy.hpp"
#include "webhooks/events.hpp"
#include "webhooks/retry_schedule.hpp"

namespace notes::webhooks {
namespace {

using namespace std::chrono_literals;

bool permitted(const AddressPolicy& policy, const char* text) {
  sockaddr_storage storage{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr) == 1) {
    storage.ss_family = AF_INET;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr), 1) << text;
    storage.ss_family = AF_INET6;
  }
  return policy.permits(reinterpret_cast<sockaddr*>(&storage));
}

TEST(WebhookAddresses, OnlyPublicAddressesUnlessAllowed) {
  AddressPolicy policy;
  for (const char* inside : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                             "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
                             "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1"}) {
    EXPECT_FALSE(permitted(policy, inside)) << inside;
  }
  for (const char* outside : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "93.184.216.34", "2606:4700::1111",
                              "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(permitted(policy, outside)) << outside;
  }
  AddressPolicy loopback(*parse_networks("127.0.0.0/8, ::1/128"));
  EXPECT_TRUE(permitted(loopback, "127.0.0.2"));
  EXPECT_TRUE(permitted(loopback, "::1"));
  EXPECT_TRUE(permitted(loopback, "::ffff:127.0.0.1"));
  EXPECT_FALSE(permitted(loopback, "10.0.0.1"));
}

TEST(WebhookAddresses, NetworksAreParsedStrictly) {
  EXPECT_TRUE(parse_networks(""));
  EXPECT_TRUE(parse_networks("10.0.0.0/8,192.168.0.0/16,fd00::/8,203.0.113.7"));
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "::1/129", "x", "10.0.0.0/", "10.0.0.0/8,", "1.2.3.4/-1"}) {
    EXPECT_FALSE(parse_networks(bad)) << bad;
  }
}

TEST(WebhookUrls, HttpOrHttpsWithAHostAndNoCredentials) {
  std::string why;
  auto url = parse_endpoint_url("https://hooks.example.org/notes?x=1", why);
  ASSERT_TRUE(url) << why;
  EXPECT_EQ(url->host, "hooks.example.org");
  EXPECT_EQ(url->port, "443");
  for (const char* bad : {"ftp://example.org/", "https://user:secret@example.org/", "example.org", "http://", "",
                          "file:///etc/passwd", "gopher://example.org/"}) {
    EXPECT_FALSE(parse_endpoint_url(bad, why)) << bad;
  }
}

TEST(WebhookEvents, NamesFamiliesAndAllInTheDocsOrder) {
  std::string why;
  EXPECT_EQ(*parse_events("note.updated,note.created,note.created", why),
            (std::vector<std::string>{"note.created", "note.updated"}));
  EXPECT_EQ(parse_events("account_note.*", why)->size(), 3u);
  EXPECT_EQ(*parse_events("*", why), known_events());
  EXPECT_FALSE(parse_events("note.exploded", why));
  EXPECT_NE(why.find("note.exploded"), std::string::npos);
  EXPECT_FALSE(parse_events("", why));
  EXPECT_FALSE(parse_events("note.", why));
  EXPECT_EQ(note_event("assignee_added"), "note.assigned");
  EXPECT_EQ(note_event("restored"), "note.updated");
  EXPECT_FALSE(note_event("recorded"));
  EXPECT_EQ(account_note_event("removed"), "account_note.removed");
}

TEST(WebhookRetries, DoubleFromTheBaseWithinTheirUpperHalfUpToAnHour) {
  EXPECT_EQ(retry_delay(1, 10s, 0.0), 5s);
  EXPECT_EQ(retry_delay(1, 10s, 0.999999), 9999ms);
  EXPECT_EQ(retry_delay(2, 10s, 0.0), 10s);
  EXPECT_EQ(retry_delay(4, 10s, 0.0), 40s);
  EXPECT_EQ(retry_delay(30, 10s, 0.0), 30min);
  EXPECT_LE(retry_delay(30, 10s, 0.999999), 1h);
  // Retried for 25 hours, a failing delivery is tried at least 30 times.
  std::chrono::milliseconds total{0};
  int attempts = 0;
  while (total < 25h) total += retry_delay(++attempts, 10s, 0.999999);
  EXPECT_GE(attempts, 30);
}

TEST(WebhookSecrets, DerivedPerSaltAndSignedWithHmacSha256) {
  std::string key(32, 'k');
  std::string a = webhook_secret(key, "salt one"), b = webhook_secret(key, "salt two");
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, webhook_secret(key, "salt one"));
  EXPECT_NE(a, webhook_secret(std::string(32, 'K'), "salt one"));
  // What a receiver computes with any HMAC library.
  std::string message = "1764000000.{\"event\":\"note.created\"}";
  unsigned char mac[32];
  unsigned length = 0;
  HMAC(EVP_sha256(), a.data(), static_cast<int>(a.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &length);
  EXPECT_EQ(webhook_signature(a, "1764000000", "{\"event\":\"note.created\"}"),
            to_hex(std::string(reinterpret_cast<char*>(mac), length)));
}

}  // namespace
}  // namespace notes::webhooks
