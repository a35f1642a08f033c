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
// is a worker that answers nothing else until its reader's wait ends. So
// that one company cannot keep them all (with two workers there is one), a
// reader that finds none free asks a place of the company that holds the
// most, when that is more than its own company holds, to give way: that
// reader is answered at its next look (within a second), and for a second
// after, the place it leaves is not for its company: a reader of another
// company takes it.
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
  // Asks one place of the company holding the most places to give way, if
  // it holds more than `company_id` does (a reader of that company found
  // none free).
  void ask_to_give_way(int64_t company_id) const;
  // Whether the reader in `place` was asked to give way.
  bool asked_to_give_way(unsigned place) const;
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
    std::atomic<bool> give_way;
    // After giving way: not for this company until this steady-clock
    // millisecond.
    std::atomic<int64_t> not_for_company;
    std::atomic<int64_t> not_until_ms;
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
  bool asked_to_give_way() const { return place_ && listeners_->asked_to_give_way(*place_); }

 private:
  const ChangeListeners* listeners_;
  std::optional<unsigned> place_;
};

}  // namespace notes::sql
