// `notesctl user passwd`: sets or clears the password a user logs in with
// at POST /api/token (docs/api.md, "Tokens"). The password is read from
// standard input, never from the command line, where ps and shell history
// would show it; only its Argon2id hash reaches the database.
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "credentials/password.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

// One line from standard input, without echo when it is a terminal.
std::string read_password() {
  bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << "password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void user_passwd(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("user", po::value<std::string>()->required(), "user id")(
      "clear", "remove the password: the user can no longer log in (API keys still work)");
  auto values = parse_command(args, "user passwd --user U [--clear]  (the password on standard input)", options);
  if (!values) return;
  std::optional<std::string> hash;
  if (!values->count("clear")) {
    std::string password = read_password();
    if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
      throw CommandError("a password has " + std::to_string(kMinPasswordBytes) + " to " +
                         std::to_string(kMaxPasswordBytes) + " bytes");
    }
    hash = hash_password(password);
  }
  // Changing it raises the user's token generation (sql/migrations/
  // 006_tokens.sql): access tokens issued before stop counting.
  auto result = db().exec("UPDATE users SET password_hash = $2 WHERE id = $1::bigint RETURNING id",
                          {(*values)["user"].as<std::string>(), hash});
  if (PQntuples(result.get()) != 1) throw CommandError("no such user");
  std::cout << PQgetvalue(result.get(), 0, 0) << "\n";
}

}  // namespace notes::admin
