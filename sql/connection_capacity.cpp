#include "sql/connection_capacity.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "sql/connect_parameters.hpp"

namespace notes::sql {

std::optional<ConnectionCapacity> connection_capacity(const ConnectionSettings& settings) {
  ConnectParameters parameters(settings, settings.application_name + " (start-up check)");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
      PQconnectdbParams(parameters.keywords(), parameters.values(), 1), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return std::nullopt;
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(),
             "SELECT current_setting('max_connections'), current_setting('superuser_reserved_connections'),"
             "       rolconnlimit FROM pg_roles WHERE rolname = current_user"),
      PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) return std::nullopt;
  auto number = [&](int column) { return std::atoi(PQgetvalue(result.get(), 0, column)); };
  return ConnectionCapacity{number(0), number(1), number(2)};
}

std::string connection_shortfall(const ConnectionCapacity& capacity, unsigned hosts, unsigned processes_per_host) {
  long needed = static_cast<long>(hosts) * processes_per_host;
  long allowed = capacity.max_connections - capacity.reserved_for_superusers;
  std::string limit = "max_connections " + std::to_string(capacity.max_connections) + " less " +
                      std::to_string(capacity.reserved_for_superusers) + " reserved for superusers";
  if (capacity.role_limit >= 0 && capacity.role_limit < allowed) {
    allowed = capacity.role_limit;
    limit = "the role's CONNECTION LIMIT " + std::to_string(capacity.role_limit);
  }
  if (needed <= allowed) return {};
  return std::to_string(hosts) + " app host" + (hosts == 1 ? "" : "s") + " x " + std::to_string(processes_per_host) +
         " processes need " + std::to_string(needed) + " database connections, but the database allows " +
         std::to_string(allowed) + " (" + limit +
         "): the workers refused one serve nothing until one frees. Raise the limit, or lower workers "
         "(docs/scaling.md, \"Connections\")";
}

}  // namespace notes::sql
