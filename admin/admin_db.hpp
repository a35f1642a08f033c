#pragma once
#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace notes::admin {

// A failure the user should read: printed as "notesctl: <message>", exit 1.
struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// The CLI's database session: one connection, parameterised statements only.
class AdminDb {
 public:
  explicit AdminDb(const std::string& url);
  ~AdminDb();
  AdminDb(const AdminDb&) = delete;
  AdminDb& operator=(const AdminDb&) = delete;

  // Runs `sql` with text parameters (nullopt is NULL); throws CommandError
  // with PostgreSQL's message, or `friendly` when the SQLSTATE matches.
  ResultPtr exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // The same, with the first column of the one row returned.
  std::string exec_value(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});

  // Runs `work` in one transaction and commits it, or with `commit` false
  // rolls it back (a dry run); whatever `work` throws rolls it back and
  // passes on. Nothing is ever half done.
  void in_transaction(const std::function<void()>& work, bool commit = true);

  PGconn* raw() { return conn_; }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  PGconn* conn_ = nullptr;
};

// Turns a PostgreSQL error into words for the person at the terminal.
std::string describe_error(const PGresult* result);

}  // namespace notes::admin
