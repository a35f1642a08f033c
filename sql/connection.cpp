#include "sql/connection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <poll.h>

#include "log/log.hpp"
#include "sql/connect_parameters.hpp"
#include "sql/migrator.hpp"

namespace notes::sql {

std::string Result::error_message() const {
  return result_ ? PQresultErrorMessage(result_.get()) : "no connection to the database";
}

int64_t Result::int64(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

namespace {
constexpr std::string_view kReadOnlySession = "25006";
}  // namespace

Failure failure_from_sqlstate(std::string_view state) {
  if (state.size() != 5) return Failure::other;
  std::string_view cls = state.substr(0, 2);
  if (cls == "08" || state == "57P01" || state == "57P02" || state == "57P03") return Failure::unavailable;
  // A read-only session: a standby, or a primary since demoted
  // (Connection::classify takes another connection at once).
  if (state == kReadOnlySession) return Failure::unavailable;
  if (state == "57014" || state == "55P03") return Failure::timeout;
  if (state == "40001" || state == "40P01") return Failure::retryable;
  if (state == "23505") return Failure::unique_violation;
  if (cls == "22" || state == "23514") return Failure::invalid_value;
  return Failure::other;
}

Connection::Connection(ConnectionSettings settings) : settings_(std::move(settings)) {}

Connection::~Connection() { drop(); }

void Connection::drop() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  // Prepared statements live and die with their session.
  shapes_.clear();
  shapes_by_age_.clear();
}

bool Connection::connect() {
  drop();
  std::string options = "-c statement_timeout=" + std::to_string(settings_.statement_timeout_ms) +
                        " -c lock_timeout=" + std::to_string(settings_.lock_timeout_ms) +
                        " -c idle_in_transaction_session_timeout=" +
                        std::to_string(settings_.idle_in_transaction_timeout_ms) +
                        // Timestamps print as views/note_json expects.
                        " -c TimeZone=UTC -c DateStyle=ISO"
                        // JIT compiles plans for big row estimates: 250 ms of
                        // compiling to save microseconds on a list page.
                        " -c jit=off"
                        // A search of stop words only ("the") draws a NOTICE
                        // that libpq would print to the journal per request.
                        " -c client_min_messages=warning"
                        // A parallel plan starts worker processes: 60 ms to
                        // save a few on a 2-core machine serving many requests.
                        " -c max_parallel_workers_per_gather=0"
                        // Plan each prepared statement once. Left to choose,
                        // PostgreSQL re-plans most of ours on every call (a
                        // custom plan looks cheaper than the generic one), and
                        // planning was half of its CPU on GET full note.
                        " -c plan_cache_mode=force_generic_plan";
  ConnectParameters parameters(settings_, settings_.application_name, options);
  conn_ = PQconnectdbParams(parameters.keywords(), parameters.values(), 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    // libpq gives no SQLSTATE for a refused connection (53300); its words
    // are all there is.
    refused_for_capacity_ = message.find("too many clients") != std::string::npos ||
                            message.find("too many connections") != std::string::npos ||
                            message.find("remaining connection slots are reserved") != std::string::npos;
    if (refused_for_capacity_) {
      log::line(log::Level::warning,
                "the database has no connection to spare for this worker (%s); more workers are "
                "configured than max_connections allows. It takes no requests until it has one.",
                message.substr(0, message.find('\n')).c_str());
    } else {
      log::line(log::Level::err, "database connection failed: %s", message.c_str());
    }
    drop();
    retry_connect_at_ = std::chrono::steady_clock::now() + kReconnectInterval;
    return false;
  }
  refused_for_capacity_ = false;
  if (!schema_is_current()) {
    drop();
    retry_connect_at_ = std::chrono::steady_clock::now() + kSchemaRecheckInterval;
    return false;
  }
  for (const auto& entry : statement_catalogue()) {
    PGresult* prepared = PQprepare(conn_, entry.name, entry.sql, 0, nullptr);
    bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
    if (!ok) {
      log::line(log::Level::err, "cannot prepare %s: %s", entry.name, PQresultErrorMessage(prepared));
    }
    PQclear(prepared);
    if (!ok) {
      drop();
      retry_connect_at_ = std::chrono::steady_clock::now() + kReconnectInterval;
      return false;
    }
  }
  ++connects_;
  return true;
}

bool Connection::schema_is_current() {
  std::vector<std::string> pending;
  try {
    pending = pending_migrations(conn_, embedded_migrations());
  } catch (const std::exception& e) {
    // A role that may not read schema_migrations (a separate runtime role
    // without that grant) can still serve; a missing object then shows up
    // when the statements are prepared.
    if (!schema_unchecked_logged_) {
      log::line(log::Level::warning, "cannot check the schema's migrations (%s); serving without the check",
                e.what());
      schema_unchecked_logged_ = true;
    }
    return true;
  }
  std::string problem;
  if (!pending.empty()) {
    problem = std::to_string(pending.size()) + " migration" + (pending.size() == 1 ? "" : "s") +
              " pending (first: " + pending.front() + ")";
  }
  // Said once when it changes, not at every reconnect attempt.
  if (problem != schema_problem_) {
    if (!problem.empty()) {
      log::line(log::Level::err,
                "the database schema is older than this notesd: %s. Requests are refused (503) until "
                "an operator runs `notesctl migrate`.",
                problem.c_str());
    } else {
      log::line(log::Level::notice, "the database schema is current again; serving");
    }
    schema_problem_ = problem;
  }
  return problem.empty();
}

bool Connection::ensure_ready() {
  if (in_transaction_) return conn_ != nullptr;
  if (conn_ && PQstatus(conn_) == CONNECTION_OK && closed_by_server()) drop();
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) {
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_IDLE:
        return true;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR: {
        // A request left a transaction open: roll it back rather than let
        // the next request run inside it.
        PGresult* rollback = PQexec(conn_, "ROLLBACK");
        bool ok = PQresultStatus(rollback) == PGRES_COMMAND_OK;
        PQclear(rollback);
        if (ok) return true;
        break;
      }
      default:
        break;
    }
  }
  drop();
  if (std::chrono::steady_clock::now() < retry_connect_at_) return false;
  return connect();
}

bool Connection::closed_by_server() {
  // An idle connection has nothing to read: the server speaks only when
  // asked. When there is something, it is the server ending the connection
  // (pg_terminate_backend, a restart, a timeout: an error, then the close,
  // which may still be on its way). Take a new connection now, so that the
  // next statement, a write among them, does not fail on the dead one. One
  // poll(2) per request. (Were it ever a harmless message, the cost is one
  // reconnect.)
  pollfd socket{PQsocket(conn_), POLLIN, 0};
  return poll(&socket, 1, 0) > 0;
}

Result Connection::classify(PGresult* result) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return Result(result, Failure::none);
  Failure failure = Failure::unavailable;
  bool read_only = false;
  if (result && PQstatus(conn_) == CONNECTION_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    failure = failure_from_sqlstate(state ? state : "");
    read_only = state && state == kReadOnlySession;
  }
  if (read_only) {
    // With target_session_attrs=read-write in database-url, the next
    // connection goes to whichever host is primary now. The statement
    // changed nothing, so the caller may run it again there.
    log::line(log::Level::warning,
              "the database session is read-only (a standby, or a demoted primary); connecting again");
    refused_as_read_only_ = true;
  }
  if (failure == Failure::other) {
    log::line(log::Level::err, "statement failed: %s",
              result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  }
  if (failure == Failure::unavailable) {
    // The next ensure_ready() reconnects, at once.
    lost_ = true;
    drop();
  }
  return Result(result, failure);
}

bool Connection::simple(const char* command) {
  if (!conn_) return false;
  PGresult* result = PQexec(conn_, command);
  bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  if (!ok && PQstatus(conn_) != CONNECTION_OK) drop();
  PQclear(result);
  return ok;
}

bool Connection::open_transaction(const char* begin) {
  if (!ensure_ready() || !simple(begin)) return false;
  in_transaction_ = true;
  return true;
}

bool Connection::begin() {
  if (!open_transaction("BEGIN")) return false;
  if (actor_ && !run_once(actor_step()).ok()) {
    rollback();
    return false;
  }
  return true;
}

bool Connection::begin_read_only_snapshot() {
  return open_transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

bool Connection::commit() {
  in_transaction_ = false;
  // COMMIT of a failed transaction "succeeds" as a ROLLBACK: check the state.
  if (!conn_ || PQtransactionStatus(conn_) != PQTRANS_INTRANS) {
    simple("ROLLBACK");
    return false;
  }
  if (!simple("COMMIT")) return false;
  if (actor_) announce_if_awaited();
  return true;
}

void Connection::announce_if_awaited() {
  if (listeners_ == nullptr) return;
  // Readers on other hosts wait in their own host's listeners, which this
  // one cannot see: with several hosts, every write announces itself.
  if (!announce_every_write_ && !listeners_->claim_announcement(actor_->company_id)) return;
  // The write has committed and is answered as such whatever happens here:
  // a reader not woken finds it at its next look (kLookAgainEvery).
  bool lost = lost_;
  run_once(query::changes_announce(actor_->company_id));
  lost_ = lost;
}

void Connection::rollback() {
  in_transaction_ = false;
  simple("ROLLBACK");
}

bool Connection::listen(const char* channel) {
  if (!ensure_ready()) return false;
  char* quoted = PQescapeIdentifier(conn_, channel, std::strlen(channel));
  if (quoted == nullptr) return false;
  bool ok = simple((std::string("LISTEN ") + quoted).c_str());
  PQfreemem(quoted);
  return ok;
}

bool Connection::unlisten_all() {
  bool ok = simple("UNLISTEN *");
  // Whatever arrived before the UNLISTEN took effect is read with its
  // answer; none comes after it.
  drain_notifications({});
  return ok;
}

bool Connection::drain_notifications(std::string_view payload) {
  bool found = false;
  while (PGnotify* notice = conn_ ? PQnotifies(conn_) : nullptr) {
    if (!payload.empty() && payload == notice->extra) found = true;
    PQfreemem(notice);
  }
  return found;
}

bool Connection::await_notification(std::string_view payload, std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  while (conn_) {
    if (drain_notifications(payload)) return true;
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    int ready = poll(&socket, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0 && PQconsumeInput(conn_) != 1) {
      lost_ = true;
      drop();
    }
  }
  return false;
}

Result Connection::execute(const Query& query) {
  Result result = run_once(query);
  if (!result.ok() && may_retry(statement_text(query.statement).effect == Effect::idempotent)) result = run_once(query);
  count(result.failure());
  return result;
}

std::vector<Result> Connection::execute_pipeline(const std::vector<Query>& queries) {
  auto results = pipeline_once(queries);
  if (lost_) {
    bool reads_only = std::all_of(queries.begin(), queries.end(), [](const Query& query) {
      return statement_text(query.statement).effect == Effect::idempotent;
    });
    if (may_retry(reads_only)) results = pipeline_once(queries);
  }
  auto failed = std::find_if(results.begin(), results.end(), [](const Result& result) { return !result.ok(); });
  count(failed == results.end() ? Failure::none : failed->failure());
  return results;
}

Result Connection::run_once(const Query& query) {
  lost_ = false;
  refused_as_read_only_ = false;
  if (!ensure_ready()) return Result(nullptr, Failure::unavailable);
  const StatementText& statement = statement_text(query.statement);
  // A write of its own transaction goes after the actor, in one round trip.
  if (tells_actor(statement.effect == Effect::writes_rows)) return std::move(pipeline_once({query})[0]);
  auto values = query.params.pointers();
  auto lengths = query.params.lengths();
  auto formats = query.params.formats();
  PGresult* result = PQexecPrepared(conn_, statement.name, query.params.size(), values.data(), lengths.data(),
                                    formats.data(), static_cast<int>(statement.results));
  return classify(result);
}

Result Connection::execute(const ShapedQuery& query) {
  Result result = run_shaped_once(query);
  if (!result.ok() && may_retry(true)) result = run_shaped_once(query);
  count(result.failure());
  return result;
}

std::string Connection::prepared_shape(const std::string& sql, Result& failure) {
  if (auto known = shapes_.find(sql); known != shapes_.end()) return known->second;
  if (shapes_by_age_.size() >= kShapesKept) {
    std::string oldest = shapes_.at(shapes_by_age_.front());
    if (!simple(("DEALLOCATE " + oldest).c_str())) return {};
    shapes_.erase(shapes_by_age_.front());
    shapes_by_age_.pop_front();
  }
  std::string name = "shape_" + std::to_string(++shapes_prepared_);
  Result prepared = classify(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
  if (!prepared.ok()) {
    failure = std::move(prepared);
    return {};
  }
  shapes_.emplace(sql, name);
  shapes_by_age_.push_back(sql);
  return name;
}

Result Connection::run_shaped_once(const ShapedQuery& query) {
  lost_ = false;
  refused_as_read_only_ = false;
  if (!ensure_ready()) return Result(nullptr, Failure::unavailable);
  Result failure(nullptr, Failure::unavailable);
  std::string name = prepared_shape(query.sql, failure);
  if (name.empty()) return failure;
  static const Params kNoParams;
  PipelineStep statement{name.c_str(), nullptr, &query.params, ResultFormat::text};
  if (!query.plan_for_values) return std::move(pipeline_steps({statement})[0]);
  // Planned for this request's values, unlike the catalogue's statements
  // (force_generic_plan, above). set_config(..., true) lasts until the
  // pipeline's implicit transaction ends, with the statement.
  auto results = pipeline_steps(
      {{nullptr, "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)", &kNoParams, ResultFormat::text},
       statement});
  return results[0].ok() ? std::move(results[1]) : std::move(results[0]);
}

std::vector<Result> Connection::pipeline_once(const std::vector<Query>& queries) {
  lost_ = false;
  refused_as_read_only_ = false;
  if (!ensure_ready()) return std::vector<Result>(queries.size(), Result(nullptr, Failure::unavailable));
  bool writes = std::any_of(queries.begin(), queries.end(), [](const Query& query) {
    return statement_text(query.statement).effect == Effect::writes_rows;
  });
  std::vector<PipelineStep> steps;
  std::optional<Query> actor_step;
  if (tells_actor(writes)) {
    actor_step = this->actor_step();
    steps.push_back({statement_text(Statement::actor_set).name, nullptr, &actor_step->params, ResultFormat::text});
  }
  for (const Query& query : queries) {
    const StatementText& statement = statement_text(query.statement);
    steps.push_back({statement.name, nullptr, &query.params, statement.results});
  }
  auto results = pipeline_steps(steps);
  if (actor_step) {
    // The actor's result is ours; a failure of it fails every statement.
    bool committed = std::all_of(results.begin(), results.end(), [](const Result& result) { return result.ok(); });
    results.erase(results.begin());
    if (committed) announce_if_awaited();
  }
  return results;
}

std::vector<Result> Connection::pipeline_steps(const std::vector<PipelineStep>& steps) {
  std::vector<Result> results;
  auto fail_remaining = [&](Failure failure) {
    while (results.size() < steps.size()) results.emplace_back(nullptr, failure);
    return results;
  };
  if (PQenterPipelineMode(conn_) != 1) return fail_remaining(Failure::other);
  for (const PipelineStep& step : steps) {
    auto values = step.params->pointers();
    auto lengths = step.params->lengths();
    auto formats = step.params->formats();
    int sent = step.prepared_name
                   ? PQsendQueryPrepared(conn_, step.prepared_name, step.params->size(), values.data(),
                                         lengths.data(), formats.data(), static_cast<int>(step.results))
                   : PQsendQueryParams(conn_, step.sql, step.params->size(), nullptr, values.data(), lengths.data(),
                                       formats.data(), static_cast<int>(step.results));
    if (sent != 1) {
      lost_ = true;
      drop();
      return fail_remaining(Failure::unavailable);
    }
  }
  if (PQpipelineSync(conn_) != 1) {
    lost_ = true;
    drop();
    return fail_remaining(Failure::unavailable);
  }
  Failure first_failure = Failure::none;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {
      lost_ = true;
      drop();
      return fail_remaining(Failure::unavailable);
    }
    // A statement skipped because an earlier one failed shares its failure.
    if (PQresultStatus(result) == PGRES_PIPELINE_ABORTED) {
      results.emplace_back(result, first_failure == Failure::none ? Failure::other : first_failure);
    } else {
      results.push_back(classify(result));
      if (!conn_) return fail_remaining(Failure::unavailable);
      if (first_failure == Failure::none) first_failure = results.back().failure();
    }
    while (PGresult* end = PQgetResult(conn_)) PQclear(end);  // the NULL that ends each statement
  }
  PGresult* sync = PQgetResult(conn_);
  if (sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC) {
    PQclear(sync);
    if (PQexitPipelineMode(conn_) != 1) drop();
    return results;
  }
  // The statements answered, but their transaction, which commits here at
  // the pipeline's end, did not: a check deferred to commit failed, or the
  // server ended the session first (a fast shutdown). Nothing of it is
  // stored, so no statement may count as done.
  Result ending = classify(sync);
  Failure failure = ending.failure() == Failure::none ? Failure::unavailable : ending.failure();
  drop();  // whatever the server still has to say of this pipeline
  results.clear();
  return fail_remaining(failure);
}

}  // namespace notes::sql
