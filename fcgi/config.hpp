#pragma once
#include <cstddef>
#include <string>
#include <variant>

#include "credentials/access_token.hpp"
#include "credentials/nginx_secret.hpp"
#include "log/log.hpp"
#include "sql/settings.hpp"
#include "webhooks/delivery_config.hpp"

namespace notes {

// Everything notesd can be told, from /etc/notes/notes.conf and flags.
struct ServiceConfig {
  std::string config_file;       // where the file options came from ("" for none)
  std::string listen = "/run/notes/notes.sock";  // unix path, or host:port
  unsigned socket_mode = 0660;   // for a unix socket notesd binds itself
  std::string socket_group;      // group of that socket ("" keeps ours)
  unsigned workers = 0;          // 0 until parsed; defaults to the core count
  // How many hosts run notesd on this database (docs/scaling.md): with
  // more than one, every write wakes feed readers on all of them, and the
  // start-up check counts their connections too.
  unsigned app_hosts = 1;
  std::string pid_file;          // "" writes none
  std::size_t max_body_bytes = 8u << 20;
  sql::ConnectionSettings database;  // database-url and the four timeouts
  unsigned drain_timeout_s = 20;
  log::Level log_level = log::Level::info;          // lines less urgent are dropped
  log::Level request_log_level = log::Level::debug;  // one line per request, at this priority
  // A request that takes this long or longer has its line written at
  // warning whatever request-log-level says; 0: never.
  unsigned slow_request_ms = 0;
  bool check_only = false;       // --check-config: say whether it is valid, start nothing
  // Access tokens are signed with these (docs/api.md, "Tokens");
  // empty when the keys file does not exist: POST /api/token is then 503.
  std::string token_keys_file = "/etc/notes/token-keys";
  SigningKeys token_keys;
  // Only requests that carry it are answered (credentials/nginx_secret.hpp);
  // required, but for the delivery process alone.
  std::string nginx_secret_file = "/etc/notes/nginx-secret";
  std::optional<NginxSecret> nginx_secret;
  // The delivery process (docs/webhooks.md); off while its key is empty.
  webhooks::DeliveryConfig webhooks;
  // Whether the supervisor runs the delivery process as its child: not
  // when another process does (the packaged notes-webhooks.service).
  bool webhook_child = true;
  // --deliver-webhooks: this process is the delivery process alone.
  bool deliver_only = false;
};

// --help or --version: print `text` and exit 0.
struct ConfigHelp {
  std::string text;
};
struct ConfigError {
  std::string message;  // names the option at fault
};
using ConfigResult = std::variant<ServiceConfig, ConfigHelp, ConfigError>;

// Flags override the config file. The file is --config, else
// /etc/notes/notes.conf when that exists. A bad value is a ConfigError
// naming the option.
ConfigResult parse_service_config(int argc, const char* const argv[]);

// notesd's exit status for a configuration it refuses (sysexits' EX_CONFIG;
// systemd shows it as "78/CONFIG"). The unit names it in
// RestartPreventExitStatus=, so a bad file is not restarted in a loop.
inline constexpr int kExitBadConfig = 78;

}  // namespace notes
