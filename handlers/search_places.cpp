#include "handlers/search_places.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace notes {

int64_t steady_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SearchPlaces::SearchPlaces(unsigned workers) : share_(std::max(1u, workers / 2)) {
  void* shared = mmap(nullptr, shared_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    throw std::runtime_error(std::string("mmap for the search places: ") + std::strerror(errno));
  }
  place_ = static_cast<Place*>(shared);
  slow_ = reinterpret_cast<SlowCompany*>(place_ + kMaxPlaces);
  for (unsigned i = 0; i < kMaxPlaces; ++i) {
    new (&place_[i].holder) std::atomic<pid_t>(0);
    new (&place_[i].company_id) std::atomic<int64_t>(0);
    new (&place_[i].started_ms) std::atomic<int64_t>(0);
  }
  for (unsigned i = 0; i < kRemembered; ++i) {
    new (&slow_[i].company_id) std::atomic<int64_t>(0);
    new (&slow_[i].until_ms) std::atomic<int64_t>(0);
  }
}

SearchPlaces::~SearchPlaces() {
  munmap(place_, shared_bytes());
}

bool SearchPlaces::enter(int64_t company_id, int64_t now_ms) const {
  pid_t self = getpid();
  Place* mine = nullptr;
  for (unsigned i = 0; i < kMaxPlaces && !mine; ++i) {
    pid_t free = 0;
    if (place_[i].holder.compare_exchange_strong(free, self)) mine = &place_[i];
  }
  if (!mine) return false;
  // Name the company first, then count it: of two searches of one company
  // entering at once, each sees at least the one that named it first (the
  // atomics are sequentially consistent), so no more than the share ever
  // stays.
  mine->started_ms.store(now_ms);
  mine->company_id.store(company_id);
  unsigned held = 0;
  bool running_long = false;
  for (unsigned i = 0; i < kMaxPlaces; ++i) {
    if (place_[i].holder.load() == 0 || place_[i].company_id.load() != company_id) continue;
    ++held;
    running_long = running_long || now_ms - place_[i].started_ms.load() >= kSlowMs;
  }
  if (held <= share_ || !(running_long || slow(company_id, now_ms))) return true;
  mine->company_id.store(0);
  mine->holder.store(0);
  return false;
}

void SearchPlaces::leave(int64_t now_ms) const {
  pid_t self = getpid();
  for (unsigned i = 0; i < kMaxPlaces; ++i) {
    if (place_[i].holder.load() != self) continue;
    if (now_ms - place_[i].started_ms.load() >= kSlowMs) {
      remember_slow(place_[i].company_id.load(), now_ms + kSlowForMs);
    }
  }
  forget(self);
}

void SearchPlaces::forget(pid_t pid) const {
  for (unsigned i = 0; i < kMaxPlaces; ++i) {
    if (place_[i].holder.load() != pid) continue;
    place_[i].company_id.store(0);
    pid_t held = pid;
    place_[i].holder.compare_exchange_strong(held, 0);
  }
}

bool SearchPlaces::slow(int64_t company_id, int64_t now_ms) const {
  for (unsigned i = 0; i < kRemembered; ++i) {
    if (slow_[i].company_id.load() == company_id && now_ms < slow_[i].until_ms.load()) return true;
  }
  return false;
}

void SearchPlaces::remember_slow(int64_t company_id, int64_t until_ms) const {
  // The company's own entry, else the one that ends soonest (a free one
  // ended long ago). Two workers racing may both write: either outcome
  // remembers a slow company.
  SlowCompany* chosen = &slow_[0];
  for (unsigned i = 0; i < kRemembered; ++i) {
    if (slow_[i].company_id.load() == company_id) {
      chosen = &slow_[i];
      break;
    }
    if (slow_[i].until_ms.load() < chosen->until_ms.load()) chosen = &slow_[i];
  }
  chosen->until_ms.store(0);
  chosen->company_id.store(company_id);
  chosen->until_ms.store(until_ms);
}

}  // namespace notes
