#include "fcgi/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "tests/support/temp_file.hpp"

namespace notes {
namespace {

constexpr const char* kSecret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// Every serving configuration needs nginx's secret: one is given unless
// the test names its own.
ConfigResult parse(std::vector<std::string> args) {
  static const test::TempFile secret(std::string(kSecret) + "\n");  // mkstemp: 0600
  if (std::find(args.begin(), args.end(), "--nginx-secret-file") == args.end()) {
    args.insert(args.end(), {"--nginx-secret-file", secret.path});
  }
  args.insert(args.begin(), "notesd");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_service_config(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::vector<std::string> args) {
  auto result = parse(std::move(args));
  auto* error = std::get_if<ConfigError>(&result);
  return error ? error->message : "";
}

}  // namespace

TEST(Config, DefaultsWithAnEmptyFile) {
  auto result = parse({"--config", "/dev/null"});
  auto* config = std::get_if<ServiceConfig>(&result);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->workers, std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(config->socket_mode, 0660u);
  EXPECT_EQ(config->listen, "/run/notes/notes.sock");
  EXPECT_EQ(config->max_body_bytes, 8u << 20);
  EXPECT_EQ(config->webhooks.keep_finished, std::chrono::hours(30 * 24));
}

TEST(Config, NginxsSecretIsRequiredUnreadableByOthersAndWellFormed) {
  auto error = error_of({"--config", "/dev/null", "--nginx-secret-file", "/nonexistent/nginx-secret"});
  EXPECT_NE(error.find("nginx-secret-file"), std::string::npos) << error;
  test::TempFile short_secret("0011\n");
  error = error_of({"--config", "/dev/null", "--nginx-secret-file", short_secret.path});
  EXPECT_NE(error.find("64 lower-case hex digits"), std::string::npos) << error;
  test::TempFile open_secret(std::string(kSecret) + "\n");
  chmod(open_secret.path.c_str(), 0644);
  error = error_of({"--config", "/dev/null", "--nginx-secret-file", open_secret.path});
  EXPECT_NE(error.find("readable by every user"), std::string::npos) << error;
  // The delivery process alone answers no request: it needs none.
  auto deliverer = parse({"--config", "/dev/null", "--deliver-webhooks", "--webhook-key-file", "/nonexistent",
                          "--nginx-secret-file", "/nonexistent/nginx-secret"});
  auto* refused = std::get_if<ConfigError>(&deliverer);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->message.find("nginx-secret-file"), std::string::npos) << refused->message;
}

TEST(NginxSecret, OnlyTheWholeSecretIsPresentedIn) {
  auto secret = NginxSecret::from_text(kSecret);
  ASSERT_TRUE(secret);
  EXPECT_TRUE(secret->presented_in(kSecret));
  EXPECT_FALSE(secret->presented_in(""));
  EXPECT_FALSE(secret->presented_in(std::string(kSecret).substr(0, 63)));
  EXPECT_FALSE(secret->presented_in(std::string(kSecret) + "0"));
  EXPECT_FALSE(secret->presented_in("10112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
  EXPECT_FALSE(NginxSecret::from_text("0011"));
  EXPECT_FALSE(NginxSecret::from_text("00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"));
}

TEST(Config, WebhookKeepDaysSetsHowLongFinishedDeliveriesStay) {
  auto result = parse({"--config", "/dev/null", "--webhook-keep-days", "7"});
  auto* config = std::get_if<ServiceConfig>(&result);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->webhooks.keep_finished, std::chrono::hours(7 * 24));
}

TEST(Config, FlagsOverrideTheFile) {
  test::TempFile file("workers = 3\ndatabase-url = postgresql:///from-file\nsocket-mode = 0600\n");
  auto result = parse({"--config", file.path, "--workers", "5"});
  auto* config = std::get_if<ServiceConfig>(&result);
  ASSERT_TRUE(config) << error_of({"--config", file.path, "--workers", "5"});
  EXPECT_EQ(config->workers, 5u);
  EXPECT_EQ(config->database.url, "postgresql:///from-file");
  EXPECT_EQ(config->socket_mode, 0600u);
}

TEST(Config, BadValuesNameTheOption) {
  EXPECT_NE(error_of({"--config", "/dev/null", "--workers", "1000"}).find("workers"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/dev/null", "--workers", "many"}).find("workers"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/dev/null", "--socket-mode", "0999"}).find("socket-mode"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/dev/null", "--statement-timeout-ms", "5"}).find("statement-timeout-ms"),
            std::string::npos);
  EXPECT_NE(error_of({"--config", "/dev/null", "--no-such-option"}).find("no-such-option"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/nonexistent/notes.conf"}).find("config"), std::string::npos);
  for (const char* ms : {"999", "60001"}) {
    EXPECT_NE(error_of({"--config", "/dev/null", "--database-dead-after-ms", ms}).find("database-dead-after-ms"),
              std::string::npos)
        << ms;
  }
  for (const char* hosts : {"0", "65"}) {
    EXPECT_NE(error_of({"--config", "/dev/null", "--app-hosts", hosts}).find("app-hosts"), std::string::npos) << hosts;
  }
  for (const char* days : {"0", "3651"}) {
    EXPECT_NE(error_of({"--config", "/dev/null", "--webhook-keep-days", days}).find("webhook-keep-days"),
              std::string::npos)
        << days;
  }
  test::TempFile file("wrokers = 3\n");
  EXPECT_NE(error_of({"--config", file.path}).find("wrokers"), std::string::npos);
}

TEST(Config, HelpDocumentsEveryOption) {
  auto result = parse({"--help"});
  auto* help = std::get_if<ConfigHelp>(&result);
  ASSERT_TRUE(help);
  for (const char* option : {"--config", "--database-url", "--listen", "--socket-mode", "--socket-group", "--workers",
                             "--pid-file", "--max-body-bytes", "--statement-timeout-ms", "--lock-timeout-ms",
                             "--idle-in-transaction-timeout-ms", "--connect-timeout-s", "--drain-timeout-s",
                             "--database-dead-after-ms", "--app-hosts",
                             "--webhook-retry-for-s", "--webhook-keep-days"}) {
    EXPECT_NE(help->text.find(option), std::string::npos) << option;
  }
}

}  // namespace notes

namespace notes {

TEST(Config, TokenKeysComeFromAFileOnlyNotesdMayRead) {
  test::TempFile keys("# signing key first\nMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIz\n");
  auto result = parse({"--config", "/dev/null", "--token-keys-file", keys.path});
  auto* config = std::get_if<ServiceConfig>(&result);
  ASSERT_TRUE(config) << error_of({"--config", "/dev/null", "--token-keys-file", keys.path});
  EXPECT_FALSE(config->token_keys.empty());

  chmod(keys.path.c_str(), 0644);
  EXPECT_EQ(error_of({"--config", "/dev/null", "--token-keys-file", keys.path}),
            "option 'token-keys-file': " + keys.path + " is readable by every user; chmod o-r it");
  chmod(keys.path.c_str(), 0640);
  test::TempFile short_key("c2hvcnQ=\n");
  EXPECT_EQ(error_of({"--config", "/dev/null", "--token-keys-file", short_key.path}),
            "option 'token-keys-file': " + short_key.path + " line 1 holds fewer than 32 bytes");
  EXPECT_EQ(error_of({"--config", "/dev/null", "--token-keys-file", "/nonexistent/keys"}),
            "option 'token-keys-file': /nonexistent/keys cannot be read: No such file or directory");
}

}  // namespace notes
