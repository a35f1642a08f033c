#include "admin/admin_db.hpp"

#include <cstring>

#include "sql/connect_parameters.hpp"

namespace notes::admin {

AdminDb::AdminDb(const std::string& url) : url_(url) {
  sql::ConnectionSettings settings;
  settings.url = url;
  settings.connect_timeout_s = 10;
  sql::ConnectParameters parameters(settings, "notesctl");
  conn_ = PQconnectdbParams(parameters.keywords(), parameters.values(), 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw CommandError("cannot connect to the database: " + message);
  }
}

AdminDb::~AdminDb() {
  if (conn_) PQfinish(conn_);
}

std::string describe_error(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
  std::string message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                            ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                            : PQresultErrorMessage(result);
  if (state && std::strcmp(state, "23503") == 0) {
    return "a referenced record does not exist in that company (" + message + ")";
  }
  if (state && std::strcmp(state, "23505") == 0) {
    return std::string("that already exists") + (constraint ? " (" + std::string(constraint) + ")" : "");
  }
  if (state && std::strcmp(state, "42P01") == 0) return message + "; run 'notesctl migrate' first";
  return message;
}

ResultPtr AdminDb::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  ResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                nullptr, nullptr, 0),
                   PQclear);
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw CommandError(describe_error(result.get()));
  return result;
}

void AdminDb::in_transaction(const std::function<void()>& work, bool commit) {
  exec("BEGIN");
  try {
    work();
    exec(commit ? "COMMIT" : "ROLLBACK");
  } catch (...) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

std::string AdminDb::exec_value(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  auto result = exec(sql, params);
  if (PQntuples(result.get()) != 1) throw CommandError("no such record");
  return PQgetvalue(result.get(), 0, 0);
}

}  // namespace notes::admin
