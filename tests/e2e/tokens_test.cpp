// Tokens the original's way (docs/api.md, "Tokens"), end to end through
// nginx: password login, refresh, revocation, limits, forgeries.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <future>
#include <iterator>
#include <thread>

#include "credentials/access_token.hpp"
#include "handlers/auth.hpp"
#include "http/json_body.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"
#include "tests/support/stack_files.hpp"

namespace notes::test {
namespace {

using Clock = std::chrono::steady_clock;

rapidjson::Document json_of(const std::string& text) {
  rapidjson::Document document;
  EXPECT_FALSE(parse_json_body(text, document)) << text;
  return document;
}

std::string token_url() { return base_url() + "/api/token"; }

std::string string_field(const HttpResponse& response, const char* name) {
  auto body = json_of(response.body);
  return body.IsObject() && body.HasMember(name) && body[name].IsString() ? body[name].GetString() : "";
}

// The OAuth error code of a refusal ("" when the body has none).
std::string error_code(const HttpResponse& response) { return string_field(response, "error"); }

struct Tokens {
  std::string access, refresh;
};

class TokenLogin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    club = new Company(make_company("tokens"));
    set_password(club->admin_id, kPassword);
  }
  static void TearDownTestSuite() { delete club; }

  static constexpr const char* kPassword = "a long enough secret";

  static void set_password(const std::string& user, const std::string& password) {
    notesctl_ok("user passwd --user " + user + " <<'PASSWORD'\n" + password + "\nPASSWORD");
  }
  static std::string username_of(const std::string& user) {
    return query_value("SELECT username FROM users WHERE id = " + user);
  }
  // POST /api/token as the original's public integration does it.
  static HttpResponse login(const std::string& user, const std::string& password,
                            const std::string& source_address = "") {
    std::string body = R"({"grant_type":"password","username":")" + username_of(user) + R"(","password":")" +
                       password + R"(","company_id":)" + club->id + R"(,"remember_me":true})";
    return http_from(source_address, "POST", token_url(), {kJson, "Region: eu"}, body);
  }
  static Tokens logged_in(const std::string& user) {
    auto response = login(user, kPassword);
    EXPECT_EQ(response.status, 200) << response.body;
    return {string_field(response, "access_token"), string_field(response, "refresh_token")};
  }
  static HttpResponse refresh(const Tokens& tokens) {
    return http("POST", token_url() + "/refresh", {kJson},
                R"({"access_token":")" + tokens.access + R"(","refresh_token":")" + tokens.refresh + R"("})");
  }
  static long list_status(const std::string& access) {
    return http("GET", base_url() + "/api/customers/" + customer() + "/notes?page_number=1&page_size=50",
                {bearer(access), kJson, "Region: eu"})
        .status;
  }
  static const std::string& customer() {
    static const std::string id = notesctl_ok("customer add --company " + club->id + " --first-name Token");
    return id;
  }
  // A new admin with a password, logged in, its access token used once at
  // the start of a second, so that nginx caches the auth answer as long as
  // it ever may: the worst case for a revocation bound.
  static std::pair<std::string, Tokens> admin_whose_token_nginx_cached(const std::string& username) {
    std::string user = notesctl_ok("user add --company " + club->id + " --role admin --username " + username);
    set_password(user, kPassword);
    Tokens tokens = logged_in(user);
    sleep_to_the_start_of_a_second();
    EXPECT_EQ(list_status(tokens.access), 204);
    return {user, tokens};
  }

  static Company* club;
};
Company* TokenLogin::club = nullptr;

}  // namespace

// What a client of the original does: log in with a JSON body and its
// Region header, page a list with the access token, refresh with both
// tokens, and go on with the new access token.
TEST_F(TokenLogin, AClientOfTheOriginalLogsInPagesAndRefreshes) {
  auto response = login(club->admin_id, kPassword);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("cache-control"), "no-store");
  auto body = json_of(response.body);
  EXPECT_STREQ(body["token_type"].GetString(), "bearer");
  EXPECT_EQ(body["expires_in"].GetInt(), 1800);
  Tokens first{body["access_token"].GetString(), body["refresh_token"].GetString()};
  EXPECT_EQ(list_status(first.access), 204);  // no notes yet: the original's 204

  auto renewed = refresh(first);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  Tokens second{string_field(renewed, "access_token"), string_field(renewed, "refresh_token")};
  EXPECT_NE(second.refresh, first.refresh);
  auto created = http("POST", base_url() + "/api/customers/" + customer() + "/notes", {bearer(second.access), kJson},
                      R"({"subject":"by token"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(std::to_string(json_of(created.body)["user"]["id"].GetInt64()), club->admin_id);
  // The grant type of the token route refreshes as well.
  auto by_grant = http("POST", token_url(), {"Content-Type: application/x-www-form-urlencoded"},
                       "grant_type=refresh_token&refresh_token=" + second.refresh);
  EXPECT_EQ(by_grant.status, 200) << by_grant.body;
}

// A refresh token works once. Presenting it again means someone else holds
// it: the whole login is revoked, refresh tokens and access tokens alike.
TEST_F(TokenLogin, AReusedRefreshTokenRevokesItsWholeLogin) {
  Tokens first = logged_in(club->admin_id);
  auto renewed = refresh(first);
  ASSERT_EQ(renewed.status, 200);
  Tokens second{string_field(renewed, "access_token"), string_field(renewed, "refresh_token")};
  Tokens other_login = logged_in(club->admin_id);
  sleep_to_the_start_of_a_second();
  ASSERT_EQ(list_status(second.access), 204);

  auto reused = refresh(first);
  auto revoked_at = Clock::now();
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(error_code(reused), "invalid_grant");
  EXPECT_NE(reused.body.find("used before"), std::string::npos) << reused.body;
  auto after = refresh(second);
  EXPECT_EQ(after.status, 400) << after.body;
  expect_refused_within_the_cache_bound([&] { return list_status(second.access); }, revoked_at);
  // Another login of the same user is not touched.
  EXPECT_EQ(list_status(other_login.access), 204);
  EXPECT_EQ(refresh(other_login).status, 200);
}

// Two refreshes of one token at once: exactly one gets new tokens, and the
// other counts as the reuse it is.
TEST_F(TokenLogin, ARefreshTokenSentTwiceAtOnceIsUsedOnce) {
  Tokens tokens = logged_in(club->admin_id);
  auto a = std::async(std::launch::async, [&] { return refresh(tokens); });
  auto b = std::async(std::launch::async, [&] { return refresh(tokens); });
  auto first = a.get(), second = b.get();
  EXPECT_EQ((first.status == 200) + (second.status == 200), 1) << first.body << second.body;
  EXPECT_EQ((first.status == 400) + (second.status == 400), 1);
  // The second use revoked the login, and with it what the first got.
  EXPECT_EQ(query_value("SELECT revoked_at IS NOT NULL FROM token_families WHERE id ="
                        " (SELECT max(id) FROM token_families WHERE user_id = " + club->admin_id + ")"),
            "t");
}

// A refresh waits for its login's lock; if the login is revoked while it
// waits, it issues nothing.
TEST_F(TokenLogin, ARefreshThatWaitedForARevocationIssuesNothing) {
  Tokens tokens = logged_in(club->admin_id);
  SecondConnection holder;
  holder.run("BEGIN");
  std::string family = holder.value(
      "SELECT id FROM token_families WHERE user_id = " + club->admin_id + " ORDER BY id DESC LIMIT 1 FOR UPDATE");
  auto waiting = std::async(std::launch::async, [&] { return refresh(tokens); });
  ASSERT_TRUE(someone_waits_for_a_lock());
  holder.run("UPDATE token_families SET revoked_at = now() WHERE id = " + family);
  holder.run("COMMIT");
  auto answer = waiting.get();
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_EQ(error_code(answer), "invalid_grant");
  EXPECT_EQ(query_value("SELECT count(*) FROM refresh_tokens WHERE family_id = " + family), "1");
}

TEST_F(TokenLogin, APasswordChangedWhileALoginIsUnderWayEndsThatLogin) {
  // The login has read the hash and checked the old password; its token
  // family waits on a lock while the password changes (issue 29, 4).
  std::string user = notesctl_ok("user add --company " + club->id + " --role admin --username changing" +
                                 std::to_string(::getpid()));
  set_password(user, kPassword);
  SecondConnection holder;
  holder.run("BEGIN");
  holder.run("LOCK TABLE token_families IN EXCLUSIVE MODE");
  auto waiting = std::async(std::launch::async, [&] { return login(user, kPassword); });
  ASSERT_TRUE(someone_waits_for_a_lock());
  // A new hash, as `notesctl user passwd` writes (another user's will do).
  holder.run("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = " + club->admin_id +
             ") WHERE id = " + user);
  holder.run("COMMIT");
  auto answer = waiting.get();
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_EQ(error_code(answer), "invalid_grant");
  EXPECT_EQ(query_value("SELECT count(*) FROM token_families WHERE user_id = " + user), "0");
}

TEST_F(TokenLogin, WrongCredentialsAreOneAnswerWhateverIsWrong) {
  std::string no_password = notesctl_ok("user add --company " + club->id + " --role admin --username tok-nopw");
  std::string gone = notesctl_ok("user add --company " + club->id + " --role admin --username tok-gone");
  set_password(gone, kPassword);
  notesctl_ok("user set --user " + gone + " --status inactive");
  std::vector<HttpResponse> refusals = {
      login(club->admin_id, "not the password"), login(no_password, ""), login(no_password, "anything at all"),
      login(gone, kPassword),
      http("POST", token_url(), {kJson}, R"({"grant_type":"password","username":"nobody-here","password":"x"})"),
      // Usernames are unique per company: another company's id finds nobody.
      http("POST", token_url(), {kJson},
           R"({"grant_type":"password","username":")" + username_of(club->admin_id) +
               R"(","password":")" + kPassword + R"(","company_id":999999999})")};
  for (const auto& refusal : refusals) {
    EXPECT_EQ(refusal.status, 400) << refusal.body;
    EXPECT_EQ(refusal.header("content-type"), "application/json");
    std::string code = error_code(refusal);
    EXPECT_TRUE(code == "invalid_grant" || code == "invalid_request") << refusal.body;
  }
  EXPECT_EQ(refusals[0].body, refusals[2].body);  // wrong password, no password: the same words
  EXPECT_EQ(refusals[0].body, refusals[3].body);  // inactive
  EXPECT_EQ(refusals[0].body, refusals[4].body);  // unknown
}

TEST_F(TokenLogin, MalformedTokenRequestsAreRefusedAndChangeNothing) {
  EXPECT_REFUSED_UNCHANGED(400, http("POST", token_url(), {kJson}, R"({"username":"a","password":"b"})"));
  auto unsupported = http("POST", token_url(), {kJson}, R"({"grant_type":"client_credentials"})");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(error_code(unsupported), "unsupported_grant_type");
  EXPECT_REFUSED_UNCHANGED(415, http("POST", token_url(), {"Content-Type: text/plain"}, "grant_type=password"));
  EXPECT_REFUSED_UNCHANGED(400, http("POST", token_url() + "?password=x", {kJson}, R"({"grant_type":"password"})"));
  EXPECT_REFUSED_UNCHANGED(400, http("POST", token_url(), {kJson}, R"({"grant_type":"password","password":[1]})"));
  EXPECT_REFUSED_UNCHANGED(400, http("POST", token_url() + "/refresh", {kJson}, R"({"refresh_token":"nr_nope"})"));
  EXPECT_REFUSED_UNCHANGED(400, http("POST", token_url() + "/refresh", {kJson}, "{}"));
  EXPECT_REFUSED_UNCHANGED(405, http("GET", token_url()));
  // nginx refuses a body over the route's 16 KiB before a worker reads it.
  EXPECT_REFUSED_UNCHANGED(413, http("POST", token_url(), {kJson}, std::string(17 << 10, ' ')));
}

// Attempts are counted per user before the password is checked, so a burst
// sent at once gets exactly the allowance, and then the right password too
// is refused until the window ends.
TEST_F(TokenLogin, LoginAttemptsPerUserAreCountedEvenWhenSentAtOnce) {
  std::string user = notesctl_ok("user add --company " + club->id + " --role staff --username tok-guessed");
  set_password(user, kPassword);
  std::vector<std::future<HttpResponse>> attempts;
  for (int i = 0; i < 14; ++i) {
    attempts.push_back(std::async(std::launch::async, [&] { return login(user, "a wrong guess", "127.0.0.3"); }));
  }
  int wrong = 0, limited = 0;
  for (auto& attempt : attempts) {
    auto answer = attempt.get();
    if (answer.status == 400) ++wrong;
    if (answer.status == 429) {
      ++limited;
      EXPECT_EQ(error_code(answer), "too_many_attempts");
      EXPECT_GT(std::stoi(answer.header("retry-after")), 800);
    }
  }
  EXPECT_EQ(wrong, 10);
  EXPECT_EQ(limited, 4);
  EXPECT_EQ(login(user, kPassword, "127.0.0.3").status, 429);
  // Other users log in as before.
  EXPECT_EQ(login(club->admin_id, kPassword, "127.0.0.3").status, 200);
}

// nginx limits logins per client address; another address is not slowed.
// Issue 29, 9: the limit answers the same for a name that exists and one
// that does not, and an attacker's attempts keep the user out only from
// the attacker's own address.
TEST_F(TokenLogin, TheLoginLimitNeitherTellsWhichNamesExistNorKeepsTheUserOut) {
  std::string user = notesctl_ok("user add --company " + club->id + " --role staff --username tok-target");
  set_password(user, kPassword);
  auto attempts_from = [&](const std::string& address, const std::string& username) {
    std::string body = R"({"grant_type":"password","username":")" + username +
                       R"(","password":"a wrong guess","company_id":)" + club->id + "}";
    std::vector<HttpResponse> answers;
    for (int i = 0; i < 11; ++i) answers.push_back(http_from(address, "POST", token_url(), {kJson}, body));
    return answers;
  };
  auto known = attempts_from("127.0.0.11", "tok-target");
  auto unknown = attempts_from("127.0.0.12", "tok-nobody-by-this-name");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(known[i].status, 400) << i;
    EXPECT_EQ(unknown[i].body, known[i].body) << i;
  }
  EXPECT_EQ(known[10].status, 429) << known[10].body;
  EXPECT_EQ(unknown[10].status, 429) << "an unknown name is limited alike: " << unknown[10].body;
  EXPECT_EQ(unknown[10].body, known[10].body);
  EXPECT_FALSE(unknown[10].header("retry-after").empty());
  // The user, from another address, logs in; from the attacker's it waits.
  EXPECT_EQ(login(user, kPassword, "127.0.0.13").status, 200);
  EXPECT_EQ(login(user, kPassword, "127.0.0.11").status, 429);
}

TEST_F(TokenLogin, EachAddressHasItsOwnLoginAllowance) {
  int limited = 0;
  for (int i = 0; i < 40; ++i) {
    // A name of its own each time: notesd's per-name count stays clear of this.
    auto answer = http_from("127.0.0.2", "POST", token_url(), {kJson},
                            R"({"grant_type":"password","username":"nobody-at-all-)" + std::to_string(i) +
                                R"(","password":"x"})");
    if (answer.status == 429) {
      ++limited;
      EXPECT_EQ(answer.header("content-type"), "application/json");
      EXPECT_EQ(error_code(answer), "too_many_requests") << answer.body;
    }
  }
  EXPECT_GE(limited, 10);
  EXPECT_EQ(login(club->admin_id, kPassword).status, 200);
}

// Deactivating a user, changing its role or its password stops its access
// tokens within the bound of API keys (5 s), although the auth responder
// does not ask the database about each token.
TEST_F(TokenLogin, DeactivatingAUserStopsItsTokensWithinTheBound) {
  auto [user, tokens] = admin_whose_token_nginx_cached("tok-leaver");
  notesctl_ok("user set --user " + user + " --status inactive");
  expect_refused_within_the_cache_bound([&] { return list_status(tokens.access); }, Clock::now());
  EXPECT_EQ(error_code(refresh(tokens)), "invalid_grant");
}

TEST_F(TokenLogin, ARoleChangeTakesEffectAtTheNextRefresh) {
  auto [user, tokens] = admin_whose_token_nginx_cached("tok-demoted");
  notesctl_ok("user set --user " + user + " --role staff");
  expect_refused_within_the_cache_bound([&] { return list_status(tokens.access); }, Clock::now());
  auto renewed = refresh(tokens);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  // Staff may not read customer notes (docs/api.md, "Who may").
  EXPECT_EQ(list_status(string_field(renewed, "access_token")), 403);
}

TEST_F(TokenLogin, ANewPasswordEndsEveryLogin) {
  auto [user, tokens] = admin_whose_token_nginx_cached("tok-reset");
  set_password(user, "another long secret");
  expect_refused_within_the_cache_bound([&] { return list_status(tokens.access); }, Clock::now());
  EXPECT_EQ(error_code(refresh(tokens)), "invalid_grant");
  EXPECT_EQ(login(user, kPassword).status, 400);
  EXPECT_EQ(login(user, "another long secret").status, 200);
}

// Only tokens the service signed, unchanged and unexpired, name a caller.
TEST_F(TokenLogin, ForgedOrExpiredTokensAre401) {
  std::ifstream file(stack_value("NOTES_TOKEN_KEYS_FILE"));
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  SigningKeys keys = std::get<SigningKeys>(SigningKeys::parse(text));
  SigningKeys other = std::get<SigningKeys>(SigningKeys::parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIz"));
  Tokens tokens = logged_in(club->admin_id);
  int64_t family = std::stoll(query_value("SELECT max(id) FROM token_families WHERE user_id = " + club->admin_id));
  int64_t generation = std::stoll(query_value("SELECT token_generation FROM users WHERE id = " + club->admin_id));
  auto now = static_cast<int64_t>(std::time(nullptr));
  AccessClaims claims{std::stoll(club->admin_id), std::stoll(club->id), "owner", family, generation, now, now + 600};
  // Signed with the stack's key, the claims are accepted: the forgeries
  // below differ in one thing each.
  EXPECT_EQ(list_status(keys.sign(claims)), 204);
  EXPECT_EQ(list_status(other.sign(claims)), 401);
  AccessClaims expired = claims;
  expired.issued_at = now - 3600;
  expired.expires_at = now - 1;
  EXPECT_EQ(list_status(keys.sign(expired)), 401);
  std::string tampered = tokens.access;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_EQ(list_status(tampered), 401);
  // alg "none": a header and a payload with an empty signature.
  std::string payload = tokens.access.substr(tokens.access.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  EXPECT_EQ(list_status("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + payload + "."), 401);
}

// Neither a password nor a token is written anywhere on disk in clear: not
// in nginx's cache or logs, not in PostgreSQL's files, not in notesd's log.
TEST_F(TokenLogin, NoFileOfTheStackHoldsAPasswordOrAToken) {
  std::string user = notesctl_ok("user add --company " + club->id + " --role admin --username tok-secretive");
  const std::string password = "a password no file may hold 93b1";
  const std::string password_in_url = "a-password-in-a-url-no-file-may-hold-51c7";
  set_password(user, password);
  auto response = login(user, password);
  ASSERT_EQ(response.status, 200) << response.body;
  Tokens tokens{string_field(response, "access_token"), string_field(response, "refresh_token")};
  ASSERT_EQ(list_status(tokens.access), 204);
  ASSERT_EQ(refresh(tokens).status, 200);
  // A client that sends the password in the URL is refused, and the URL is
  // not logged whole.
  EXPECT_EQ(http("POST", token_url() + "?grant_type=password&password=" + password_in_url, {kJson}, "{}").status,
            400);
  StackFiles files = stack_files_holding({password, password_in_url, tokens.access, tokens.refresh});
  EXPECT_EQ(files.holding, std::vector<std::string>{}) << "these files hold a password or a token";
  EXPECT_GT(files.read, 10u);
}

// Rotation as docs/api.md, "Tokens", tells it: a new key on the first line,
// the old one below, a reload: tokens the old key signed still count and new
// ones are signed with the new key. Without the old line and after another
// reload, the old key's tokens count no more.
TEST_F(TokenLogin, KeysRotateWithAGracePeriod) {
  const std::string path = stack_value("NOTES_TOKEN_KEYS_FILE");
  std::ifstream file(path);
  const std::string old_keys((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string new_key = "bmV3IGtleSwgMzIgYnl0ZXMgb3IgbW9yZSwgZm9yIHRoZSByb3RhdGlvbiB0ZXN0";
  auto write_keys = [&](const std::string& text) { std::ofstream(path, std::ios::trunc) << text; };
  Tokens signed_by_old = logged_in(club->admin_id);
  Tokens also_signed_by_old = logged_in(club->admin_id);

  write_keys(new_key + "\n" + old_keys);
  ASSERT_TRUE(reload_stack_notesd());
  EXPECT_EQ(list_status(signed_by_old.access), 204);
  Tokens signed_by_new = logged_in(club->admin_id);
  auto now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_TRUE(std::get<SigningKeys>(SigningKeys::parse(new_key)).verify(signed_by_new.access, now));
  EXPECT_EQ(list_status(signed_by_new.access), 204);

  write_keys(new_key + "\n");
  ASSERT_TRUE(reload_stack_notesd());
  EXPECT_EQ(list_status(also_signed_by_old.access), 401);  // never used, so nginx has not cached it
  EXPECT_EQ(list_status(signed_by_new.access), 204);

  write_keys(old_keys);
  EXPECT_TRUE(reload_stack_notesd());
}

// API keys go on working beside tokens.
TEST_F(TokenLogin, ApiKeysStillWork) {
  EXPECT_EQ(list_status(club->admin_key), 204);
}

}  // namespace notes::test
