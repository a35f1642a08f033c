#pragma once
// Where the service's settings come from, and how it talks to PostgreSQL:
// one place for notesd and notesctl alike.
#include <string>

namespace notes::sql {

// The configuration file both binaries read when no --config is given.
inline constexpr const char* kDefaultConfigFile = "/etc/notes/notes.conf";
// The database when neither a flag nor the file names one: the local
// server's socket, a database called notes, the running user's role.
inline constexpr const char* kDefaultDatabaseUrl = "postgresql:///notes";

struct ConnectionSettings {
  std::string url = kDefaultDatabaseUrl;
  unsigned statement_timeout_ms = 5000;
  unsigned lock_timeout_ms = 2000;
  unsigned idle_in_transaction_timeout_ms = 5000;
  unsigned connect_timeout_s = 2;
  // A database host that stops answering is given up after this long (and
  // a second at most): the request waiting on it answers 503 and the next
  // one connects anew, to whichever host is primary then.
  unsigned dead_after_ms = 5000;
  std::string application_name = "notesd";
};

}  // namespace notes::sql
