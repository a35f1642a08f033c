// notesd: the notes service's FastCGI worker pool. See fcgi/supervisor.hpp
// for what the parent process does and fcgi/worker.hpp for the children.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <variant>

#include "fcgi/config.hpp"
#include "fcgi/listen_socket.hpp"
#include "fcgi/supervisor.hpp"

namespace {

class PidFile {
 public:
  explicit PidFile(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    std::ofstream(path_) << getpid() << '\n';
  }
  ~PidFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }

 private:
  std::string path_;
};

}  // namespace

int main(int argc, char* argv[]) {
  auto parsed = notes::parse_service_config(argc, argv);
  if (auto* help = std::get_if<notes::ConfigHelp>(&parsed)) {
    std::cout << help->text;
    return 0;
  }
  if (auto* error = std::get_if<notes::ConfigError>(&parsed)) {
    std::cerr << "notesd: " << error->message << "\n";
    return 2;
  }
  auto config = std::get<notes::ServiceConfig>(parsed);
  // Lines go to the journal as they are written.
  std::setvbuf(stderr, nullptr, _IOLBF, 0);

  notes::ListenSocket socket;
  try {
    socket = notes::open_listen_socket(config);
  } catch (const std::exception& e) {
    std::cerr << "notesd: " << e.what() << "\n";
    return 1;
  }
  PidFile pid_file(config.pid_file);
  auto reload = [argc, argv]() -> std::optional<notes::ServiceConfig> {
    auto again = notes::parse_service_config(argc, argv);
    if (auto* error = std::get_if<notes::ConfigError>(&again)) {
      std::cerr << "notesd: " << error->message << "\n";
      return std::nullopt;
    }
    if (auto* fresh = std::get_if<notes::ServiceConfig>(&again)) return *fresh;
    return std::nullopt;
  };
  notes::Supervisor supervisor(config, socket, reload);
  return supervisor.run();
}
