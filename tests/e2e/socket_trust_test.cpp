// Who may speak to the workers (docs/reliability.md, "Who may speak to the
// workers"): the socket is open to nginx's group, and other programs of
// that group (every PHP site of a classic host runs as www-data) can
// connect to it. Only requests that carry nginx's secret are answered.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tests/e2e/e2e.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/fastcgi_client.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

class SocketTrust : public ClubSuite {};

// The FastCGI answer's status line, sent to the parent over `pipe`.
int status_of(const FastCgiResponse& response) {
  if (!response.completed || response.output.rfind("Status: ", 0) != 0) return 0;
  return std::atoi(response.output.c_str() + 8);
}

// The statuses of the requests `params_list` sent to the stack's socket
// from a child process that, when this test runs as root, is another user
// (not the socket's owner) holding only the socket's group: what a PHP site
// running in nginx's group could do. As another user, the child cannot read
// the stack's secret file; each request carries the secret its params say.
std::vector<int> statuses_from_another_user(const std::vector<FastCgiParams>& params_list) {
  std::string socket = stack_value("NOTES_SOCKET");
  struct stat socket_status {};
  EXPECT_EQ(stat(socket.c_str(), &socket_status), 0) << socket;
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    if (geteuid() == 0) {
      gid_t group = socket_status.st_gid;
      uid_t stranger = 54321;  // no one's: neither the socket's owner nor nginx
      if (setgroups(1, &group) != 0 || setgid(group) != 0 || setuid(stranger) != 0) _exit(2);
    }
    for (const auto& params : params_list) {
      int status = 0;
      try {
        status = status_of(fastcgi_request(socket, params));
      } catch (const std::exception&) {
        status = -1;  // could not connect
      }
      [[maybe_unused]] auto written = write(pipe_fds[1], &status, sizeof status);
    }
    _exit(0);
  }
  close(pipe_fds[1]);
  std::vector<int> statuses;
  int status = 0;
  while (read(pipe_fds[0], &status, sizeof status) == sizeof status) statuses.push_back(status);
  close(pipe_fds[0]);
  int exit_status = 0;
  waitpid(child, &exit_status, 0);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << "the child could not become another user";
  return statuses;
}

}  // namespace

TEST_F(SocketTrust, AnotherProgramOfTheSocketsGroupCannotNameACaller) {
  // A confidential note the staff user may not see.
  auto created = http("POST", base_url() + "/api/customers/" + customer + "/notes", {bearer(club->owner_key), kJson},
                      R"({"subject":"Payment plan","details":"SECRET","confidential":true})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string note = std::to_string(json_of(created)["id"].GetInt64());
  auto as_owner = [&](const std::string& secret) {
    FastCgiParams params = {{"REQUEST_METHOD", "GET"},
                            {"DOCUMENT_URI", "/api/customers/notes/" + note},
                            {"REQUEST_URI", "/api/customers/notes/" + note},
                            {"QUERY_STRING", ""},
                            {"CONTENT_LENGTH", ""},
                            {"NOTES_USER_ID", club->owner_id},
                            {"NOTES_COMPANY_ID", club->id},
                            {"NOTES_ROLE", "owner"},
                            {kNginxSecretParam, secret}};
    return params;
  };
  std::string secret = stack_nginx_secret();
  std::string wrong = secret;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  auto statuses = statuses_from_another_user({as_owner(""), as_owner(wrong), as_owner(secret.substr(0, 32)),
                                              as_owner(secret + "0"), as_owner(secret)});
  ASSERT_EQ(statuses.size(), 5u);
  EXPECT_EQ(statuses[0], 403) << "no secret";
  EXPECT_EQ(statuses[1], 403) << "a wrong secret";
  EXPECT_EQ(statuses[2], 403) << "half the secret";
  EXPECT_EQ(statuses[3], 403) << "the secret and more";
  // The same process, had it the secret, would be served: the socket is
  // open to it, and only the secret stands between it and the note.
  EXPECT_EQ(statuses[4], 200);
  // The health routes too: nothing is answered without it.
  auto health = statuses_from_another_user({{{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/metrics"},
                                             {"CONTENT_LENGTH", ""}, {kNginxSecretParam, ""}}});
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0], 403);
}

TEST_F(SocketTrust, TheRefusalIsInTheFamilysEnvelopeAndChangesNothing) {
  FastCgiParams params = {{"REQUEST_METHOD", "POST"},
                          {"DOCUMENT_URI", "/api/v2/account/" + club->account_id + "/note"},
                          {"CONTENT_TYPE", "application/json"},
                          {"CONTENT_LENGTH", "12"},
                          {"NOTES_USER_ID", club->owner_id},
                          {"NOTES_COMPANY_ID", club->id},
                          {"NOTES_ROLE", "owner"},
                          {kNginxSecretParam, ""}};
  std::string before = database_fingerprint();
  auto answer = fastcgi_request(stack_value("NOTES_SOCKET"), params, R"({"note":"x"})");
  EXPECT_EQ(status_of(answer), 403) << answer.output;
  EXPECT_NE(answer.output.find(R"("result":"error")"), std::string::npos) << answer.output;
  EXPECT_EQ(database_fingerprint(), before);
}

}  // namespace notes::test
