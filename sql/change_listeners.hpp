#pragma once
// Who waits for the change feed, shared by every worker (docs/api.md,
// "Change feed"): a worker whose feed reader long-polls holds one place
// here while it waits, naming the reader's company, and arms it each time
// it is about to look at the feed. A write of that company that, once
// committed, finds an armed place disarms it and announces its changes
// (NOTIFY); the others do not. An announcement makes committing
// transactions queue on one lock, so writes announce at most once per look
// of a waiting reader, and never for a company no one waits on.
//
// A place is held by process id, so that the supervisor frees the places of
// a worker that died while waiting. There are few places: each one held
// is a worker that answers nothing else until its reader's wait ends.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <optional>

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

  // Takes a place for this process, waiting on `company_id`'s changes and
  // armed; nothing when every place is held.
  std::optional<unsigned> enter(int64_t company_id) const;
  // Arms the place again: the reader is about to look at the feed, and the
  // next write of its company is to announce itself.
  void arm(unsigned place) const;
  // Frees the places this process holds.
  void leave() const;
  // Whether a write of `company_id` that has committed is to announce its
  // changes: when a place waiting on that company was armed (it is
  // disarmed now).
  bool claim_announcement(int64_t company_id) const;
  // Frees the places `pid` held: it exited (the supervisor calls this).
  void forget(pid_t pid) const;

  unsigned places() const { return places_; }

 private:
  struct Place {
    std::atomic<pid_t> holder;  // 0: free
    std::atomic<int64_t> company_id;
    std::atomic<bool> armed;
  };
  unsigned places_;
  Place* place_ = nullptr;
};

// A place held for one wait; empty when none was free.
class ListeningPlace {
 public:
  ListeningPlace(const ChangeListeners* listeners, int64_t company_id) : listeners_(listeners) {
    if (listeners_) place_ = listeners_->enter(company_id);
  }
  ~ListeningPlace() {
    if (place_) listeners_->leave();
  }
  ListeningPlace(const ListeningPlace&) = delete;
  ListeningPlace& operator=(const ListeningPlace&) = delete;
  explicit operator bool() const { return place_.has_value(); }
  void arm() const {
    if (place_) listeners_->arm(*place_);
  }

 private:
  const ChangeListeners* listeners_;
  std::optional<unsigned> place_;
};

}  // namespace notes::sql
