#include "sql/connect_parameters.hpp"

#include <algorithm>

namespace notes::sql {

ConnectParameters::ConnectParameters(const ConnectionSettings& settings, const std::string& application_name,
                                     const std::string& session_options) {
  // A host that vanishes (power, a partition) answers nothing, not even a
  // reset: without these, a worker waiting on it blocks for minutes (TCP's
  // retransmissions, docs/scaling.md). tcp_user_timeout bounds data sent and
  // not acknowledged; keepalive probes, sent once the connection was quiet
  // for half of it and then every second, bound a wait for an answer, since
  // with tcp_user_timeout set the kernel gives up on the first probe after
  // that long without a word. So a dead host is given up within
  // dead_after_ms plus a second.
  unsigned dead_after_ms = settings.dead_after_ms;
  std::string idle_s = std::to_string(std::max(1u, dead_after_ms / 2000));
  // These come before the URL, which libpq expands in place: a URL that
  // names one of them itself wins.
  add("connect_timeout", std::to_string(settings.connect_timeout_s));
  add("keepalives", "1");
  add("keepalives_idle", idle_s);
  add("keepalives_interval", "1");
  add("keepalives_count", "3");
  add("tcp_user_timeout", std::to_string(dead_after_ms));
  add("dbname", settings.url);
  // These come after it: they are the service's, whatever the URL says.
  if (!session_options.empty()) add("options", session_options);
  add("application_name", application_name);
  // Pointers into texts_, taken once it stopped growing.
  for (std::size_t i = 0; i < texts_.size(); i += 2) {
    keywords_.push_back(texts_[i].c_str());
    values_.push_back(texts_[i + 1].c_str());
  }
  keywords_.push_back(nullptr);
  values_.push_back(nullptr);
}

void ConnectParameters::add(const char* keyword, std::string value) {
  texts_.emplace_back(keyword);
  texts_.push_back(std::move(value));
}

}  // namespace notes::sql
