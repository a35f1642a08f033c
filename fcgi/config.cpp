#include "fcgi/config.hpp"

#include <boost/program_options.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>

#include "credentials/webhook_secret.hpp"

namespace po = boost::program_options;

namespace notes {
namespace {

// The webhook options as given, checked after parsing.
struct WebhookOptions {
  std::string delivery = "child";
  std::string allow_networks;
  unsigned timeout_ms = 10000, retry_base_ms = 10000, retry_for_s = 25 * 3600, keep_days = 30;
};

po::options_description service_options(ServiceConfig& c, std::string& socket_mode, std::string& log_level,
                                        std::string& request_log_level, WebhookOptions& w) {
  po::options_description options("notesd options (also valid in the config file, without --)");
  options.add_options()
      ("database-url", po::value(&c.database.url)->default_value(c.database.url),
       "libpq connection string or URL of the PostgreSQL database")
      ("listen", po::value(&c.listen)->default_value(c.listen),
       "unix socket path or host:port to bind when systemd or spawn-fcgi did not hand over a socket")
      ("socket-mode", po::value(&socket_mode)->default_value("0660"),
       "octal permissions of a unix socket notesd binds itself")
      ("socket-group", po::value(&c.socket_group)->default_value(""),
       "group that owns that socket, so nginx can connect (empty: notesd's own)")
      ("workers", po::value(&c.workers)->default_value(0),
       "worker processes, 1-256 (0: one per CPU core)")
      ("app-hosts", po::value(&c.app_hosts)->default_value(c.app_hosts),
       "hosts that run notesd on this database, 1-64: with more than one, every write wakes feed readers "
       "waiting on any host, and the start checks that the database has connections for all of them")
      ("pid-file", po::value(&c.pid_file)->default_value(""),
       "file to write the supervisor's pid to (empty: none)")
      ("max-body-bytes", po::value(&c.max_body_bytes)->default_value(c.max_body_bytes),
       "largest request body accepted, 1024-67108864 (413 beyond)")
      ("statement-timeout-ms", po::value(&c.database.statement_timeout_ms)->default_value(c.database.statement_timeout_ms),
       "PostgreSQL statement_timeout, 100-60000; keep it below nginx's fastcgi_read_timeout")
      ("lock-timeout-ms", po::value(&c.database.lock_timeout_ms)->default_value(c.database.lock_timeout_ms),
       "PostgreSQL lock_timeout, 10-60000")
      ("idle-in-transaction-timeout-ms",
       po::value(&c.database.idle_in_transaction_timeout_ms)->default_value(c.database.idle_in_transaction_timeout_ms),
       "PostgreSQL idle_in_transaction_session_timeout, 100-60000")
      ("connect-timeout-s", po::value(&c.database.connect_timeout_s)->default_value(c.database.connect_timeout_s),
       "seconds to wait for a PostgreSQL connection, 1-30")
      ("database-dead-after-ms", po::value(&c.database.dead_after_ms)->default_value(c.database.dead_after_ms),
       "a database host that stops answering is given up after this long and a second at most "
       "(tcp_user_timeout and keepalives), 1000-60000: the request waiting on it answers 503")
      ("drain-timeout-s", po::value(&c.drain_timeout_s)->default_value(c.drain_timeout_s),
       "on SIGTERM, seconds a worker may take to finish its request before it is killed, 1-600")
      ("token-keys-file", po::value(&c.token_keys_file)->default_value(c.token_keys_file),
       "keys that sign access tokens, one base64 key of at least 32 bytes per line, the signing one first; "
       "readable by notesd, not by others (missing: token login is off)")
      ("nginx-secret-file", po::value(&c.nginx_secret_file)->default_value(c.nginx_secret_file),
       "the secret nginx sends with every request (NOTES_NGINX_SECRET), 64 hex digits; readable by notesd, "
       "not by others. Requests without it are refused: other programs of nginx's group can reach the socket")
      ("webhook-key-file", po::value(&c.webhooks.key_file)->default_value(c.webhooks.key_file),
       "the host's webhook key, base64 of at least 32 bytes, from which every endpoint's signing secret is "
       "derived; readable by notesd and notesctl, not by others (missing: webhooks are off)")
      ("webhook-delivery", po::value(&w.delivery)->default_value(w.delivery),
       "child: the supervisor runs the webhook delivery process beside its workers; elsewhere: another "
       "process does (notesd --deliver-webhooks, the packaged notes-webhooks.service)")
      ("webhook-allow-networks", po::value(&w.allow_networks)->default_value(""),
       "comma-separated networks (10.0.0.0/8, ::1/128) webhooks may be sent to besides public addresses")
      ("webhook-timeout-ms", po::value(&w.timeout_ms)->default_value(w.timeout_ms),
       "time a receiver has to answer a delivery, 100-60000")
      ("webhook-retry-base-ms", po::value(&w.retry_base_ms)->default_value(w.retry_base_ms),
       "the longest delay before the first retry of a failed delivery (doubling with each, up to an hour), "
       "10-3600000")
      ("webhook-retry-for-s", po::value(&w.retry_for_s)->default_value(w.retry_for_s),
       "seconds a failing delivery is retried before it is given up and its endpoint disabled, 1-2592000")
      ("webhook-keep-days", po::value(&w.keep_days)->default_value(w.keep_days),
       "days a delivery and its attempts are kept (for notesctl webhook deliveries) once it was taken or given "
       "up, counted from when it was queued, 1-3650")
      ("log-level", po::value(&log_level)->default_value("info"),
       "least urgent lines written: err, warning, notice, info or debug")
      ("request-log-level", po::value(&request_log_level)->default_value("debug"),
       "priority of the one line per request (route, status, duration, user, request id); "
       "written when it is within log-level. A 5xx answer is always written, at err")
      ("slow-request-ms", po::value(&c.slow_request_ms)->default_value(c.slow_request_ms),
       "a request that takes this many milliseconds or more has its line written at warning, "
       "whatever request-log-level says; 0 (the default): never, 1-600000");
  return options;
}

// The keys file: missing is allowed unless named explicitly; unreadable,
// readable by others or malformed is an error.
std::optional<ConfigError> read_token_keys(ServiceConfig& config, bool named) {
  const std::string& path = config.token_keys_file;
  auto refuse = [&](const std::string& why) {
    return ConfigError{"option 'token-keys-file': " + path + " " + why};
  };
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT && !named) return std::nullopt;
    return refuse(std::string("cannot be read: ") + std::strerror(errno));
  }
  if (status.st_mode & S_IROTH) return refuse("is readable by every user; chmod o-r it");
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) return refuse("cannot be read");
  auto keys = SigningKeys::parse(text.str());
  if (auto* error = std::get_if<std::string>(&keys)) return refuse(*error);
  if (std::get<SigningKeys>(keys).empty()) return refuse("holds no key");
  config.token_keys = std::move(std::get<SigningKeys>(keys));
  return std::nullopt;
}

// The nginx secret file: required to serve, unreadable by others.
std::optional<ConfigError> read_nginx_secret(ServiceConfig& config) {
  const std::string& path = config.nginx_secret_file;
  auto refuse = [&](const std::string& why) { return ConfigError{"option 'nginx-secret-file': " + path + " " + why}; };
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) {
    return refuse(std::string("cannot be read: ") + std::strerror(errno) +
                  " (it holds the secret nginx sends with each request; README, \"Deploy it\")");
  }
  if (status.st_mode & S_IROTH) return refuse("is readable by every user; chmod o-r it");
  std::string why;
  config.nginx_secret = NginxSecret::read(path, why);
  if (!config.nginx_secret) return refuse(why);
  return std::nullopt;
}

// The webhook key file, as the token keys file (missing is allowed unless
// named: webhooks are then off), and the delivery settings.
std::optional<ConfigError> read_webhook_options(ServiceConfig& config, const WebhookOptions& options, bool named) {
  webhooks::DeliveryConfig& delivery = config.webhooks;
  if (options.delivery != "child" && options.delivery != "elsewhere") {
    return ConfigError{"option 'webhook-delivery': '" + options.delivery + "' is not child or elsewhere"};
  }
  config.webhook_child = options.delivery == "child";
  auto networks = webhooks::parse_networks(options.allow_networks);
  if (!networks) {
    return ConfigError{"option 'webhook-allow-networks': '" + options.allow_networks +
                       "' is not a comma-separated list of networks like 10.0.0.0/8"};
  }
  delivery.addresses = webhooks::AddressPolicy(*networks);
  delivery.timeout = std::chrono::milliseconds(options.timeout_ms);
  delivery.retry_base = std::chrono::milliseconds(options.retry_base_ms);
  delivery.retry_for = std::chrono::seconds(options.retry_for_s);
  delivery.keep_finished = std::chrono::hours(24) * options.keep_days;
  const std::string& path = delivery.key_file;
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT && !named) return std::nullopt;
    return ConfigError{"option 'webhook-key-file': " + path + " cannot be read: " + std::strerror(errno)};
  }
  if (status.st_mode & S_IROTH) {
    return ConfigError{"option 'webhook-key-file': " + path + " is readable by every user; chmod o-r it"};
  }
  std::string why;
  auto key = read_webhook_key(path, why);
  if (!key) return ConfigError{"option 'webhook-key-file': " + path + " " + why};
  delivery.key = *key;
  return std::nullopt;
}

std::optional<ConfigError> check_range(const char* name, std::size_t value, std::size_t low,
                                       std::size_t high) {
  if (value >= low && value <= high) return std::nullopt;
  return ConfigError{"option '" + std::string(name) + "': " + std::to_string(value) +
                     " is outside " + std::to_string(low) + "-" + std::to_string(high)};
}

}  // namespace

ConfigResult parse_service_config(int argc, const char* const argv[]) {
  ServiceConfig config;
  std::string socket_mode, log_level, request_log_level;
  WebhookOptions webhook_options;
  std::string config_file;

  po::options_description generic("general");
  generic.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "check-config", "read the configuration, say whether it is valid (exit 0, or 78 naming the fault) and exit")(
      "deliver-webhooks", "be the webhook delivery process alone: no socket, no workers (docs/webhooks.md)")(
      "config,c", po::value(&config_file),
      "config file of option=value lines (default /etc/notes/notes.conf when it exists)");
  po::options_description file_options = service_options(config, socket_mode, log_level, request_log_level, webhook_options);
  po::options_description all;
  all.add(generic).add(file_options);

  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).run(), values);
    if (values.count("help")) {
      std::ostringstream text;
      text << "notesd: the notes service's FastCGI worker pool\n\n"
           << "usage: notesd [options]\n\n"
           << all;
      return ConfigHelp{text.str()};
    }
    if (values.count("version")) return ConfigHelp{"notesd " NOTES_VERSION "\n"};
    config.check_only = values.count("check-config") > 0;
    config.deliver_only = values.count("deliver-webhooks") > 0;
    if (values.count("config")) config_file = values["config"].as<std::string>();
    bool explicit_file = !config_file.empty();
    if (!explicit_file) config_file = sql::kDefaultConfigFile;
    std::ifstream file(config_file);
    if (file) {
      po::store(po::parse_config_file(file, file_options), values);
      config.config_file = config_file;
    } else if (explicit_file) {
      return ConfigError{"option 'config': cannot read " + config_file};
    }
    po::notify(values);
  } catch (const po::error& e) {
    return ConfigError{e.what()};
  }

  char* end = nullptr;
  unsigned long mode = std::strtoul(socket_mode.c_str(), &end, 8);
  if (socket_mode.empty() || *end != '\0' || mode > 0777) {
    return ConfigError{"option 'socket-mode': '" + socket_mode + "' is not an octal mode like 0660"};
  }
  config.socket_mode = static_cast<unsigned>(mode);
  if (config.workers == 0) config.workers = std::max(1u, std::thread::hardware_concurrency());
  for (auto [name, word, level] : {std::tuple{"log-level", &log_level, &config.log_level},
                                   std::tuple{"request-log-level", &request_log_level, &config.request_log_level}}) {
    auto named = log::level_named(*word);
    if (!named) return ConfigError{"option '" + std::string(name) + "': '" + *word +
                                   "' is not one of err, warning, notice, info, debug"};
    *level = *named;
  }
  if (config.database.url.empty()) return ConfigError{"option 'database-url': must not be empty"};
  if (config.listen.empty()) return ConfigError{"option 'listen': must not be empty"};

  for (auto error : {check_range("workers", config.workers, 1, 256),
                     check_range("max-body-bytes", config.max_body_bytes, 1024, 64u << 20),
                     check_range("statement-timeout-ms", config.database.statement_timeout_ms, 100, 60000),
                     check_range("lock-timeout-ms", config.database.lock_timeout_ms, 10, 60000),
                     check_range("idle-in-transaction-timeout-ms",
                                 config.database.idle_in_transaction_timeout_ms, 100, 60000),
                     check_range("connect-timeout-s", config.database.connect_timeout_s, 1, 30),
                     check_range("database-dead-after-ms", config.database.dead_after_ms, 1000, 60000),
                     check_range("app-hosts", config.app_hosts, 1, 64),
                     check_range("drain-timeout-s", config.drain_timeout_s, 1, 600),
                     check_range("slow-request-ms", config.slow_request_ms, 0, 600000),
                     check_range("webhook-timeout-ms", webhook_options.timeout_ms, 100, 60000),
                     check_range("webhook-retry-base-ms", webhook_options.retry_base_ms, 10, 3600000),
                     check_range("webhook-retry-for-s", webhook_options.retry_for_s, 1, 2592000),
                     check_range("webhook-keep-days", webhook_options.keep_days, 1, 3650)}) {
    if (error) return *error;
  }
  if (auto error = read_token_keys(config, !values["token-keys-file"].defaulted())) return *error;
  if (!config.deliver_only) {
    if (auto error = read_nginx_secret(config)) return *error;
  }
  bool key_named = !values["webhook-key-file"].defaulted() || config.deliver_only;
  if (auto error = read_webhook_options(config, webhook_options, key_named)) return *error;
  return config;
}

}  // namespace notes
