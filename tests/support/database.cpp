#include "tests/support/database.hpp"

#include <libpq-fe.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tests/support/stack_env.hpp"

namespace notes::test {

namespace {

PGresult* run(const std::string& sql) {
  // One connection for the whole test process; tests that send requests
  // from several threads may ask from each.
  static std::mutex one_at_a_time;
  std::lock_guard<std::mutex> lock(one_at_a_time);
  static PGconn* conn = nullptr;
  if (!conn) conn = PQconnectdb(stack_value("NOTES_ADMIN_DATABASE_URL").c_str());
  if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn));
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQstatus(conn) == CONNECTION_BAD) {
    // A fault test restarted PostgreSQL under this connection: reconnect, once.
    PQclear(result);
    PQreset(conn);
    result = PQexec(conn, sql.c_str());
  }
  return result;
}

}  // namespace

void run_sql(const std::string& sql) {
  PGresult* result = run(sql);
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error(error);
  }
  PQclear(result);
}

std::string query_value(const std::string& sql) {
  PGresult* result = run(sql);
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error(error);
  }
  std::string value = PQntuples(result) > 0 && !PQgetisnull(result, 0, 0) ? PQgetvalue(result, 0, 0) : "";
  PQclear(result);
  return value;
}

std::string database_fingerprint() { return query_value(database_fingerprint_query()); }

std::string database_fingerprint_query() {
  std::string sql = "SELECT md5(string_agg(part, '|' ORDER BY name)) FROM (";
  bool first = true;
  for (const char* table : {"companies", "users", "api_keys", "customers", "notes", "note_assignees",
                            "note_messages", "accounts", "account_notes", "account_grants", "token_families",
                            "refresh_tokens", "note_history", "account_note_history", "note_reads"}) {
    if (!first) sql += " UNION ALL ";
    first = false;
    // A note's search vectors (and the search postings made from them) come
    // from its other columns and its messages, which are here: leaving them
    // out keeps a fingerprint cheap once notes carry large ones.
    const char* row = std::string_view(table) == "notes" ? "(to_jsonb(t) - 'search' - 'messages_search')::text"
                                                         : "t::text";
    sql += std::string("SELECT '") + table + "' AS name, coalesce(string_agg(" + row + ", ',' ORDER BY " + row +
           "), '') AS part FROM " + table + " t";
  }
  sql += ") parts";
  return sql;
}

std::string database_url_named(const std::string& name) {
  std::string url = stack_value("NOTES_ADMIN_DATABASE_URL");
  auto slash = url.find('/', url.find("://") + 3);
  auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace notes::test
