#pragma once
// Turns the change feeds into deliveries (docs/webhooks.md, "How it
// works"): for each endpoint, the changes of its company past its position
// that it asked for become deliveries, queued in the same statement that
// moves the position, so each change is queued once. Due reminders are
// fired once each. One delivery process at a time dispatches (an advisory
// lock held by its connection); any number may send.
#include <string>

#include "sql/connection.hpp"
#include "sql/result.hpp"

namespace notes::webhooks {

class Dispatcher {
 public:
  explicit Dispatcher(sql::Connection& db) : db_(db) {}

  // One round over every endpoint and the due reminders. Database
  // failures end the round; the next one starts where it stopped.
  void dispatch();

  // Changes read per page, and pages per endpoint and feed in one round.
  static constexpr int kPageSize = 100;
  static constexpr int kPagesPerRound = 10;
  // A page's bodies stop growing past this (a Note may be 1 MiB).
  static constexpr std::size_t kMaxPageBytes = 8u << 20;

 private:
  struct Endpoint;
  bool holds_dispatch_lock();
  // One page of one feed for `endpoint`; false when there was nothing more
  // (or the database failed).
  bool enqueue_note_changes(Endpoint& endpoint);
  bool enqueue_note_page(Endpoint& endpoint);
  bool enqueue_account_note_changes(Endpoint& endpoint);
  template <class EventOf, class WriteFields>
  bool enqueue_page(Endpoint& endpoint, bool accounts, const sql::Result& page, EventOf event_of,
                    const char* subject, WriteFields write_fields);
  void fire_due_reminders();

  sql::Connection& db_;
  unsigned lock_connection_ = 0;  // connects() when the lock was taken; 0: not held
};

}  // namespace notes::webhooks
