#pragma once
// Whether the database has a connection for every process that will ask
// for one: each worker and each delivery process keeps its own, on every app
// host (docs/scaling.md, "Connections"). Checked at start and on a reload,
// said as a warning: a worker refused one serves nothing until it has one.
#include <optional>
#include <string>

#include "sql/settings.hpp"

namespace notes::sql {

struct ConnectionCapacity {
  int max_connections = 0;
  int reserved_for_superusers = 0;
  int role_limit = -1;  // rolconnlimit; -1: none
};

// Asks the database; nothing when it cannot be reached.
std::optional<ConnectionCapacity> connection_capacity(const ConnectionSettings& settings);

// What `processes_per_host` on each of `hosts` need against `capacity`: a
// sentence for the log when they need more than it gives, else empty.
std::string connection_shortfall(const ConnectionCapacity& capacity, unsigned hosts, unsigned processes_per_host);

}  // namespace notes::sql
