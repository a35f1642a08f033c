#pragma once
// The libpq keywords every connection of the service is made with: the
// configured database-url, how soon a database host that stopped answering
// is given up, and (for notesd's workers) the session's settings. One place,
// so that notesd, its delivery process, notesctl and the start-up checks
// reach the database alike (docs/scaling.md, "notesd follows the primary").
#include <string>
#include <vector>

#include "sql/settings.hpp"

namespace notes::sql {

class ConnectParameters {
 public:
  // `session_options`: the -c settings of the session ("" for none).
  ConnectParameters(const ConnectionSettings& settings, const std::string& application_name,
                    const std::string& session_options = "");

  // NULL-terminated, for PQconnectdbParams(keywords(), values(), 1).
  const char* const* keywords() const { return keywords_.data(); }
  const char* const* values() const { return values_.data(); }

 private:
  void add(const char* keyword, std::string value);
  std::vector<std::string> texts_;
  std::vector<const char*> keywords_, values_;
};

}  // namespace notes::sql
