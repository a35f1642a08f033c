#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace notes::sql {

// How a statement failed, in the terms a handler answers with.
enum class Failure {
  none,
  unavailable,       // no connection, or it broke: 503 with Retry-After
  timeout,           // statement or lock timeout: 503
  retryable,         // serialization failure or deadlock: safe to run again
  unique_violation,  // 23505
  invalid_value,     // class 22 or 23514: a value PostgreSQL refused
  other,             // anything else: 500
};

// Owns one PGresult and reads its cells.
class Result {
 public:
  Result() = default;
  Result(PGresult* result, Failure failure) : result_(result, PQclear), failure_(failure) {}

  bool ok() const { return failure_ == Failure::none; }
  Failure failure() const { return failure_; }
  std::string error_message() const;

  int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
  int columns() const { return result_ ? PQnfields(result_.get()) : 0; }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const { return text(row, column) == "t"; }

 private:
  std::shared_ptr<PGresult> result_;
  Failure failure_ = Failure::unavailable;
};

}  // namespace notes::sql
