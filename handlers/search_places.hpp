#pragma once
// Which company each searching worker searches for, shared by every worker
// (docs/reliability.md, "Limits"). A search can hold a worker for a while
// (it tests and ranks every note it may match), so once a company's
// searches are slow (one has run kSlowMs or more, now or within the last
// kSlowForMs), they hold at most its share of the pool at once: half the
// workers, at least one. A search beyond that share is answered 429 at
// once, which costs a worker microseconds, and the other workers stay free
// for the other companies. Quick searches are never refused: a company
// searching fast may use every worker.
//
// A place is held by process id, so that the supervisor frees the place of
// a worker that died while searching.
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace notes {

class SearchPlaces {
 public:
  // Every worker of a pool, and those a reload retires meanwhile.
  static constexpr unsigned kMaxPlaces = 512;
  // A search this long makes its company's searches slow...
  static constexpr int64_t kSlowMs = 250;
  // ... for this long after it ended.
  static constexpr int64_t kSlowForMs = 10'000;
  // How many slow companies are remembered at once (the oldest is
  // forgotten first).
  static constexpr unsigned kRemembered = 64;

  // For a pool of `workers`, in memory shared with the processes forked
  // after; throws std::runtime_error when it cannot be mapped.
  explicit SearchPlaces(unsigned workers);
  ~SearchPlaces();
  SearchPlaces(const SearchPlaces&) = delete;
  SearchPlaces& operator=(const SearchPlaces&) = delete;

  // Takes a place for this process, searching for `company_id` from
  // `now_ms` (a steady-clock millisecond), unless the company's searches
  // are slow and already hold share() places. False: refused.
  bool enter(int64_t company_id, int64_t now_ms) const;
  // Frees the place this process holds; the search ended at `now_ms`.
  void leave(int64_t now_ms) const;
  // Frees the place `pid` held: it exited (the supervisor calls this).
  void forget(pid_t pid) const;

  unsigned share() const { return share_; }

 private:
  struct Place {
    std::atomic<pid_t> holder;        // 0: free
    std::atomic<int64_t> company_id;  // 0 until the holder names it
    std::atomic<int64_t> started_ms;
  };
  struct SlowCompany {
    std::atomic<int64_t> company_id;
    std::atomic<int64_t> until_ms;
  };
  static constexpr std::size_t shared_bytes() {
    return sizeof(Place) * kMaxPlaces + sizeof(SlowCompany) * kRemembered;
  }
  bool slow(int64_t company_id, int64_t now_ms) const;
  void remember_slow(int64_t company_id, int64_t until_ms) const;

  unsigned share_;
  Place* place_ = nullptr;
  SlowCompany* slow_ = nullptr;
};

// The steady clock in milliseconds, the same in every process.
int64_t steady_clock_ms();

// A place held for one search; false when the company had its share.
class SearchPlace {
 public:
  SearchPlace(const SearchPlaces* places, int64_t company_id)
      : places_(places), held_(!places || places->enter(company_id, steady_clock_ms())) {}
  ~SearchPlace() {
    if (places_ && held_) places_->leave(steady_clock_ms());
  }
  SearchPlace(const SearchPlace&) = delete;
  SearchPlace& operator=(const SearchPlace&) = delete;
  explicit operator bool() const { return held_; }

 private:
  const SearchPlaces* places_;
  bool held_;
};

}  // namespace notes
