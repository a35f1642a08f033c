#include "sql/change_listeners.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace notes::sql {

ChangeListeners::ChangeListeners(unsigned places) : places_(std::min(places, kMaxPlaces)) {
  void* shared = mmap(nullptr, sizeof(Place) * kMaxPlaces, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    throw std::runtime_error(std::string("mmap for the change listeners: ") + std::strerror(errno));
  }
  place_ = static_cast<Place*>(shared);
  for (unsigned i = 0; i < kMaxPlaces; ++i) {
    new (&place_[i].holder) std::atomic<pid_t>(0);
    new (&place_[i].company_id) std::atomic<int64_t>(0);
    new (&place_[i].armed) std::atomic<bool>(false);
  }
}

ChangeListeners::~ChangeListeners() { munmap(place_, sizeof(Place) * kMaxPlaces); }

std::optional<unsigned> ChangeListeners::enter(int64_t company_id) const {
  pid_t self = getpid();
  for (unsigned i = 0; i < places_; ++i) {
    pid_t free = 0;
    if (!place_[i].holder.compare_exchange_strong(free, self)) continue;
    place_[i].company_id.store(company_id);
    place_[i].armed.store(true);
    return i;
  }
  return std::nullopt;
}

void ChangeListeners::arm(unsigned place) const { place_[place].armed.store(true); }

void ChangeListeners::leave() const { forget(getpid()); }

bool ChangeListeners::claim_announcement(int64_t company_id) const {
  bool claimed = false;
  for (unsigned i = 0; i < places_; ++i) {
    Place& place = place_[i];
    if (place.holder.load() == 0 || place.company_id.load() != company_id) continue;
    // Every armed place of the company is disarmed: one NOTIFY wakes them all.
    if (place.armed.exchange(false)) claimed = true;
  }
  return claimed;
}

void ChangeListeners::forget(pid_t pid) const {
  for (unsigned i = 0; i < places_; ++i) {
    if (place_[i].holder.load() != pid) continue;
    place_[i].armed.store(false);
    place_[i].company_id.store(0);
    pid_t held = pid;
    place_[i].holder.compare_exchange_strong(held, 0);
  }
}

}  // namespace notes::sql
