#include "tests/support/second_connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/database.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {

SecondConnection::SecondConnection() : conn_(PQconnectdb(stack_value("NOTES_ADMIN_DATABASE_URL").c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(conn_);
}

SecondConnection::~SecondConnection() { PQfinish(conn_); }

void SecondConnection::run(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(result);
  PQclear(result);
}

std::string SecondConnection::value(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(result);
  std::string cell = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
  PQclear(result);
  return cell;
}

bool someone_waits_for_a_lock(const std::string& application_name) {
  std::string sql = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()";
  if (!application_name.empty()) sql += " AND application_name = '" + application_name + "'";
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
    if (query_value(sql) != "0") return true;
  }
  return false;
}

}  // namespace notes::test
