#include "sql/migrator.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>
#include <set>
#include <stdexcept>

namespace notes::sql {
namespace {

// Any constant works; it only has to be the same for every migrator.
constexpr const char* kLock = "SELECT pg_advisory_lock(7420150001)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(7420150001)";

void run(PGconn* conn, const char* sql, const std::string& context) {
  PGresult* result = PQexec(conn, sql);
  ExecStatusType status = PQresultStatus(result);
  std::string error = PQresultErrorMessage(result);
  PQclear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(context + ": " + error);
  }
}

void apply(PGconn* conn, const Migration& migration) {
  std::string name(migration.name);
  std::string sql(migration.sql);
  run(conn, "BEGIN", name);
  try {
    run(conn, sql.c_str(), name);
    const char* params[] = {name.c_str()};
    PGresult* result = PQexecParams(conn, "INSERT INTO schema_migrations (name) VALUES ($1)", 1,
                                    nullptr, params, nullptr, nullptr, 0);
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (!ok) throw std::runtime_error(name + ": " + error);
    run(conn, "COMMIT", name);
  } catch (...) {
    PQclear(PQexec(conn, "ROLLBACK"));
    throw;
  }
}

}  // namespace

std::vector<std::string> pending_migrations(PGconn* conn, const std::vector<Migration>& migrations) {
  auto query = [conn](const char* sql) {
    PGresult* result = PQexec(conn, sql);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      std::string error = PQresultErrorMessage(result);
      PQclear(result);
      throw std::runtime_error("reading schema_migrations: " + error);
    }
    return std::unique_ptr<PGresult, decltype(&PQclear)>(result, PQclear);
  };
  std::set<std::string, std::less<>> applied;
  // A database never migrated has no table yet: everything is pending.
  if (*PQgetvalue(query("SELECT to_regclass('schema_migrations') IS NOT NULL").get(), 0, 0) == 't') {
    auto names = query("SELECT name FROM schema_migrations");
    for (int row = 0; row < PQntuples(names.get()); ++row) applied.emplace(PQgetvalue(names.get(), row, 0));
  }
  std::vector<std::string> pending;
  for (const auto& migration : migrations) {
    if (!applied.contains(migration.name)) pending.emplace_back(migration.name);
  }
  return pending;
}

bool removes_something(std::string_view sql) {
  // Upper case, "--" comments dropped, every run of space one blank.
  std::string text;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    }
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!text.empty() && text.back() != ' ') text += ' ';
    } else {
      text += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  // A trigger on TRUNCATE (BEFORE TRUNCATE, OR TRUNCATE) truncates nothing.
  static const std::regex truncate_event(R"(\b(BEFORE|AFTER|OR) TRUNCATE\b)");
  text = std::regex_replace(text, truncate_event, "$1 TRUNCATE_EVENT");
  static const std::regex removing(
      // Any DROP but a column's default or NOT NULL (those only relax).
      R"(\bDROP\b(?! DEFAULT\b| NOT NULL\b)|\bRENAME\b|)"
      R"(\bALTER COLUMN \S+ (SET NOT NULL|(SET DATA )?TYPE)\b|\bTRUNCATE\b)");
  return std::regex_search(text, removing);
}

void act_as_schema_owner(PGconn* conn) {
  std::string set_role = std::string("SET ROLE ") + kSchemaOwner;
  PGresult* result = PQexec(conn, set_role.c_str());
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string error = PQresultErrorMessage(result);
  PQclear(result);
  if (!ok) {
    throw std::runtime_error(std::string("changing the schema takes its owner, role ") + kSchemaOwner +
                             ", which this connection's user may not act as (" + error.substr(0, error.find('\n')) +
                             "); connect as a member of it, e.g. on the database's host as its superuser: "
                             "runuser -u postgres -- notesctl --database-url postgresql:///notes ...");
  }
}

std::vector<std::string> migrate(PGconn* conn, const std::vector<Migration>& migrations) {
  run(conn, "SET client_min_messages = warning", "quieting notices");
  run(conn, kLock, "taking the migration lock");
  std::vector<std::string> applied;
  try {
    // Read under the lock: a migrator that held it before us has applied its share.
    auto pending = pending_migrations(conn, migrations);
    if (!pending.empty()) {
      act_as_schema_owner(conn);
      run(conn,
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
          "creating schema_migrations");
    }
    for (const auto& migration : migrations) {
      if (std::find(pending.begin(), pending.end(), migration.name) == pending.end()) continue;
      apply(conn, migration);
      applied.emplace_back(migration.name);
    }
  } catch (...) {
    PQclear(PQexec(conn, "RESET ROLE"));
    PQclear(PQexec(conn, kUnlock));
    throw;
  }
  run(conn, "RESET ROLE", "acting as the connection's own user again");
  run(conn, kUnlock, "releasing the migration lock");
  return applied;
}

}  // namespace notes::sql
