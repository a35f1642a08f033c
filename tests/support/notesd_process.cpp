#include "tests/support/notesd_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/processes.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

Notesd::Notesd(SocketFrom from, unsigned workers, std::string database)
    : Notesd(NotesdOptions{from, workers, std::move(database), {}, {}, false, true, {}}) {}

Notesd::Notesd(NotesdOptions options) {
  if (options.database.empty()) options.database = stack_value("NOTES_DATABASE_URL");
  char dir_template[] = "/tmp/notesd-pool-test.XXXXXX";
  dir_ = mkdtemp(dir_template);
  socket_ = dir_ + "/notes.sock";
  pid_file_ = dir_ + "/notesd.pid";
  log_ = dir_ + "/notesd.log";
  int inherited = options.from == SocketFrom::own_bind ? -1 : listening_socket();
  if (inherited >= 0 && options.before_start) options.before_start(socket_);
  std::string count = std::to_string(options.workers);
  std::vector<std::string> arguments = {"notesd",    "--config",  "/dev/null", "--database-url", options.database,
                                        "--listen",  socket_,     "--workers", count,           "--pid-file",
                                        pid_file_,   "--nginx-secret-file", stack_value("NOTES_NGINX_SECRET_FILE")};
  arguments.insert(arguments.end(), options.arguments.begin(), options.arguments.end());
  pid_ = fork();
  if (pid_ == 0) {
    int log_fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log_fd, STDERR_FILENO);
    if (options.stderr_is_journal) {
      struct stat status{};
      fstat(STDERR_FILENO, &status);
      std::string stream = std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
      setenv("JOURNAL_STREAM", stream.c_str(), 1);
    }
    for (const auto& [name, value] : options.environment) setenv(name.c_str(), value.c_str(), 1);
    if (options.from == SocketFrom::stdin_fd) dup2(inherited, STDIN_FILENO);
    if (options.from == SocketFrom::systemd) {
      dup2(inherited, 3);
      setenv("LISTEN_FDS", "1", 1);
      setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
    }
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(NOTES_BUILD_DIR "/notesd", argv.data());
    _exit(127);
  }
  if (inherited >= 0) close(inherited);
  if (options.wait_for_socket) {
    // Ready: every worker has tried its database connection (the
    // supervisor's start line says so).
    wait_until([&] { return log().find("workers on") != std::string::npos && std::filesystem::exists(socket_); },
               std::chrono::seconds(10));
  }
}

Notesd::~Notesd() {
  if (pid_ > 0 && kill(pid_, 0) == 0) {
    kill(pid_, SIGKILL);
    for (pid_t worker : workers_now()) kill(worker, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove_all(dir_);
}

std::set<pid_t> Notesd::workers_now() const { return worker_processes(pid_); }

FastCgiResponse Notesd::request(const std::string& method, const std::string& path, Params extra,
                                const std::string& body) const {
  // A path with a query is split as nginx splits it.
  auto question = path.find('?');
  std::string query = question == std::string::npos ? "" : path.substr(question + 1);
  Params params = {{"REQUEST_METHOD", method}, {"DOCUMENT_URI", path.substr(0, question)}, {"QUERY_STRING", query},
                   {"CONTENT_LENGTH", std::to_string(body.size())}};
  params.insert(params.end(), extra.begin(), extra.end());
  return fastcgi_request(socket_, params, body);
}

std::string Notesd::log() const {
  std::ifstream file(log_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

int Notesd::listening_socket() const {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_.c_str(), sizeof address.sun_path - 1);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  listen(fd, 64);
  return fd;
}

bool status_is(const FastCgiResponse& response, int status) {
  return response.completed && response.output.rfind("Status: " + std::to_string(status) + " ", 0) == 0;
}

Params caller_params(int64_t user_id, int64_t company_id, const std::string& role) {
  return {{"NOTES_USER_ID", std::to_string(user_id)},
          {"NOTES_COMPANY_ID", std::to_string(company_id)},
          {"NOTES_ROLE", role}};
}

}  // namespace notes::test
