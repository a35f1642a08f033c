#pragma once
#include <libpq-fe.h>

#include <chrono>
#include <string>
#include <vector>

#include "sql/params.hpp"
#include "sql/result.hpp"
#include "sql/statements.hpp"

namespace notes::sql {

struct ConnectionSettings {
  std::string url;
  unsigned statement_timeout_ms = 5000;
  unsigned lock_timeout_ms = 2000;
  unsigned idle_in_transaction_timeout_ms = 5000;
  unsigned connect_timeout_s = 2;
  std::string application_name = "notesd";
};

// A worker's one PostgreSQL connection. It connects lazily, prepares the whole
// statement catalogue on every (re)connect, and after a failure reconnects at
// most every kReconnectInterval, so a dead database costs a request
// milliseconds, not a connect timeout each.
class Connection {
 public:
  explicit Connection(ConnectionSettings settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Makes the connection usable: connected, statements prepared, no
  // transaction left open. False when the database is out of reach.
  bool ensure_ready();

  // Runs a prepared statement, making the connection ready first; a database
  // out of reach is Failure::unavailable.
  Result execute(Statement statement, const Params& params = {});
  // The same with the results in binary format, for raw bytea.
  Result execute_binary(Statement statement, const Params& params);

  // Runs the statements in one round trip and one implicit transaction
  // (libpq pipeline mode): a later statement sees what an earlier one
  // wrote, and if any fails, none of them changes anything.
  struct Step {
    Statement statement;
    Params params;
  };
  std::vector<Result> execute_pipeline(const std::vector<Step>& steps);

  // An explicit transaction spanning several statements. While it is open,
  // the statements run inside it; commit() reports whether it committed.
  bool begin();
  bool commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }

  static constexpr std::chrono::milliseconds kReconnectInterval{250};

 private:
  bool connect();
  Result run(Statement statement, const Params& params, int result_format);
  void drop();
  Result classify(PGresult* result);

  ConnectionSettings settings_;
  PGconn* conn_ = nullptr;
  std::chrono::steady_clock::time_point last_attempt_{};
  bool in_transaction_ = false;  // begin() ran: ensure_ready() must not roll it back
  bool simple(const char* command);
};

// Maps a SQLSTATE (and the connection's health) to a Failure.
Failure failure_from_sqlstate(std::string_view sqlstate);

}  // namespace notes::sql
