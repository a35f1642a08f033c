// notesd: the notes service's FastCGI worker pool. See fcgi/supervisor.hpp
// for what the parent process does and fcgi/worker.hpp for the children.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <variant>

#include "fcgi/config.hpp"
#include "fcgi/config_refusal.hpp"
#include "fcgi/listen_socket.hpp"
#include "fcgi/supervisor.hpp"
#include "handlers/routes.hpp"
#include "log/log.hpp"
#include "webhooks/deliverer.hpp"

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

// At err priority, so `journalctl -p warning -u notes` shows why.
void log_refusal(const notes::ConfigError& error) {
  notes::log::line(notes::log::Level::err, "configuration refused: %s", error.message.c_str());
}

}  // namespace

int main(int argc, char* argv[]) {
  auto parsed = notes::parse_service_config(argc, argv);
  if (auto* help = std::get_if<notes::ConfigHelp>(&parsed)) {
    std::cout << help->text;
    return 0;
  }
  if (auto* error = std::get_if<notes::ConfigError>(&parsed)) {
    log_refusal(*error);
    notes::refuse_waiting_requests();
    return notes::kExitBadConfig;
  }
  auto config = std::get<notes::ServiceConfig>(parsed);
  if (config.check_only) {
    std::cout << "notesd: configuration "
              << (config.config_file.empty() ? std::string("(no file)") : config.config_file) << " is valid\n";
    return 0;
  }
  notes::log::set_threshold(config.log_level);
  if (config.deliver_only) {
    notes::log::line(notes::log::Level::notice, "delivering webhooks");
    notes::webhooks::run_deliverer(config.webhooks, config.database);
  }

  notes::ListenSocket socket;
  try {
    socket = notes::open_listen_socket(config);
  } catch (const std::exception& e) {
    notes::log::line(notes::log::Level::err, "%s", e.what());
    return 1;
  }
  PidFile pid_file(config.pid_file);
  auto reload = [argc, argv]() -> std::optional<notes::ServiceConfig> {
    auto again = notes::parse_service_config(argc, argv);
    if (auto* error = std::get_if<notes::ConfigError>(&again)) {
      log_refusal(*error);
      return std::nullopt;
    }
    if (auto* fresh = std::get_if<notes::ServiceConfig>(&again)) return *fresh;
    return std::nullopt;
  };
  // Before the first fork, so that every worker shares the same counters.
  notes::metrics::ServiceMetrics metrics(notes::route_names());
  notes::Supervisor supervisor(config, socket, reload, metrics);
  return supervisor.run();
}
