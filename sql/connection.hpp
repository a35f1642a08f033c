#pragma once
#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sql/change_listeners.hpp"
#include "sql/queries.hpp"
#include "sql/result.hpp"
#include "sql/settings.hpp"
#include "sql/statements.hpp"

namespace notes::sql {

// A worker's one PostgreSQL connection. It connects lazily and prepares the
// whole statement catalogue on every (re)connect. A connection found broken
// is replaced at once; only after a connect attempt itself failed does it
// wait kReconnectInterval before the next, so a dead database costs a request
// milliseconds, not a connect timeout each. A read whose connection broke
// under it is run once more on a new connection; a write never is.
class Connection {
 public:
  explicit Connection(ConnectionSettings settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Makes the connection usable: connected, statements prepared, no
  // transaction left open. False when the database is out of reach.
  bool ensure_ready();

  // Runs a prepared statement (made by a function of sql/queries.hpp),
  // making the connection ready first; a database out of reach is
  // Failure::unavailable.
  Result execute(const Query& query);

  // Runs a read made for one request's shape: prepared the first time this
  // connection sees its text, and kept for the next request of that shape
  // (the kShapesKept most recent ones).
  Result execute(const ShapedQuery& query);
  static constexpr std::size_t kShapesKept = 64;

  // Runs the statements in one round trip and one implicit transaction
  // (libpq pipeline mode): a later statement sees what an earlier one
  // wrote, and if any fails, none of them changes anything.
  std::vector<Result> execute_pipeline(const std::vector<Query>& queries);

  // Whom the writes that follow act for, until cleared (nothing): every
  // transaction that writes tells the database first, in the same round
  // trip, so that the history triggers record who made the change
  // (sql/migrations/008_history.sql).
  void act_for(std::optional<Actor> actor) { actor_ = std::move(actor); }

  // A transaction that told the actor announces its changes to feed
  // readers (sql/migrations/010_change_feed.sql) only when, once it has
  // committed, it claims an armed place of its company among `listeners`.
  // Deciding after the commit is what makes it safe: a reader arms its place
  // before it looks, so a write it did not see claims its place. Without
  // listeners, every write announces itself as it commits.
  void announce_changes_while_listened(const ChangeListeners* listeners) { listeners_ = listeners; }
  // With several app hosts, a write cannot know whether a reader on
  // another host waits for its company: each announces itself once it
  // committed, in a transaction of its own, as a claimed one does.
  void announce_every_write(bool every) { announce_every_write_ = every; }

  // Listening for notifications on `channel` (LISTEN), and no longer on
  // any (UNLISTEN *); false when the connection failed.
  bool listen(const char* channel);
  bool unlisten_all();
  // Waits until a notification whose payload is `payload` arrives or
  // `deadline` passes; true when one arrived. Others are dropped.
  bool await_notification(std::string_view payload, std::chrono::steady_clock::time_point deadline);

  // An explicit transaction spanning several statements. While it is open,
  // the statements run inside it; commit() reports whether it committed.
  bool begin();
  // One that reads, all of it from one snapshot (notesctl export).
  bool begin_read_only_snapshot();
  bool commit();
  void rollback();
  bool in_transaction() const { return in_transaction_; }

  // Holds a connection now (without trying to make one).
  bool connected() const { return conn_ != nullptr; }
  // The last connect attempt was refused because the database has no
  // connection to spare (max_connections, or the role's limit).
  bool refused_for_capacity() const { return refused_for_capacity_; }
  // Connections made so far, the first included.
  unsigned connects() const { return connects_; }
  // Calls of execute() and execute_pipeline() that failed with `kind`, so far.
  std::uint64_t failures(Failure kind) const { return failures_[static_cast<std::size_t>(kind)]; }
  // Why the last connect was given up although the database answered: its
  // schema lacks migrations this binary needs ("2 migrations pending
  // (first: 006_x.sql)"); empty when it has them all.
  const std::string& schema_problem() const { return schema_problem_; }

  static constexpr std::chrono::milliseconds kReconnectInterval{250};
  // How often a worker looks again whether `notesctl migrate` has run.
  static constexpr std::chrono::milliseconds kSchemaRecheckInterval{1000};

 private:
  // Sends `begin` (a BEGIN statement); from then on statements run inside.
  bool open_transaction(const char* begin);
  bool connect();
  bool schema_is_current();
  Result run_once(const Query& query);
  Result run_shaped_once(const ShapedQuery& query);
  // The name a shaped statement is prepared under; empty when it could not be.
  std::string prepared_shape(const std::string& sql, Result& failure);
  std::vector<Result> pipeline_once(const std::vector<Query>& queries);
  // Whether a transaction of its own running `writes` must first be told
  // the actor (an explicit transaction was told at begin()).
  bool tells_actor(bool writes) const { return writes && actor_ && !in_transaction_; }
  // One statement of a pipeline: a prepared one by name, or SQL text.
  struct PipelineStep {
    const char* prepared_name;
    const char* sql;
    const Params* params;
    ResultFormat results;
  };
  // Sends `steps` in one round trip and one implicit transaction; the
  // connection is ready.
  std::vector<Result> pipeline_steps(const std::vector<PipelineStep>& steps);
  void drop();
  bool closed_by_server();
  Result classify(PGresult* result);
  // After a call that failed: whether running it again is safe and useful
  // (its connection broke under it, it only read or a read-only session
  // refused it, which changed nothing; no transaction is open).
  bool may_retry(bool reads_only) const {
    return lost_ && (reads_only || refused_as_read_only_) && !in_transaction_;
  }

  ConnectionSettings settings_;
  PGconn* conn_ = nullptr;
  std::chrono::steady_clock::time_point retry_connect_at_{};  // after a failed connect attempt
  bool lost_ = false;  // the connection broke during the last call
  bool refused_as_read_only_ = false;  // ... or was read-only: the call changed nothing
  bool announce_every_write_ = false;
  bool refused_for_capacity_ = false;
  unsigned connects_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(Failure::other) + 1> failures_{};
  void count(Failure failure) { ++failures_[static_cast<std::size_t>(failure)]; }
  std::string schema_problem_;
  std::unordered_map<std::string, std::string> shapes_;  // text -> prepared name, on this connection
  std::deque<std::string> shapes_by_age_;                 // their texts, oldest first
  unsigned shapes_prepared_ = 0;
  bool schema_unchecked_logged_ = false;
  bool in_transaction_ = false;  // begin() ran: ensure_ready() must not roll it back
  std::optional<Actor> actor_;
  const ChangeListeners* listeners_ = nullptr;
  Query actor_step() const { return query::actor_set(*actor_, listeners_ == nullptr); }
  // After a transaction that told the actor committed: wakes the readers
  // of its company, when one waits and is armed.
  void announce_if_awaited();
  // Drops the notifications libpq has read; true when one had `payload`.
  bool drain_notifications(std::string_view payload);
  bool simple(const char* command);
};

// Maps a SQLSTATE (and the connection's health) to a Failure.
Failure failure_from_sqlstate(std::string_view sqlstate);

}  // namespace notes::sql
