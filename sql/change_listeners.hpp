#pragma once
// Who waits for the change feed, shared by every worker (docs/api.md,
// "Change feed"): a worker whose feed reader long-polls holds one place
// here while it waits, and every worker's writes announce their changes
// (NOTIFY) only while some place is held, since an announcement makes
// committing transactions queue on one lock.
//
// A place is held by process id, so that the supervisor frees the places of
// a worker that died while waiting. There are few places: each one held
// is a worker that answers nothing else until its reader's wait ends.
#include <sys/types.h>

#include <atomic>

namespace notes::sql {

class ChangeListeners {
 public:
  static constexpr unsigned kMaxPlaces = 64;

  // `places` (at most kMaxPlaces) in memory shared with the processes forked
  // after; throws std::runtime_error when it cannot be mapped.
  explicit ChangeListeners(unsigned places);
  ~ChangeListeners();
  ChangeListeners(const ChangeListeners&) = delete;
  ChangeListeners& operator=(const ChangeListeners&) = delete;

  // Takes a place for this process; false when every place is held.
  bool enter() const;
  // Frees the place this process holds.
  void leave() const;
  // Whether any process holds a place: writes announce their changes.
  bool anyone_listening() const;
  // Frees the places `pid` held: it exited (the supervisor calls this).
  void forget(pid_t pid) const;

  unsigned places() const { return places_; }

 private:
  unsigned places_;
  std::atomic<pid_t>* holders_ = nullptr;  // 0: free
};

// A place held for one wait; empty when none was free.
class ListeningPlace {
 public:
  explicit ListeningPlace(const ChangeListeners* listeners)
      : listeners_(listeners != nullptr && listeners->enter() ? listeners : nullptr) {}
  ~ListeningPlace() {
    if (listeners_) listeners_->leave();
  }
  ListeningPlace(const ListeningPlace&) = delete;
  ListeningPlace& operator=(const ListeningPlace&) = delete;
  explicit operator bool() const { return listeners_ != nullptr; }

 private:
  const ChangeListeners* listeners_;
};

}  // namespace notes::sql
