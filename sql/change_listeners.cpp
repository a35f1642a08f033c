#include "sql/change_listeners.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
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
    new (&place_[i].give_way) std::atomic<bool>(false);
    new (&place_[i].not_for_company) std::atomic<int64_t>(0);
    new (&place_[i].not_until_ms) std::atomic<int64_t>(0);
  }
}

ChangeListeners::~ChangeListeners() { munmap(place_, sizeof(Place) * kMaxPlaces); }

namespace {

// How long a place that gave way stays another company's.
constexpr int64_t kGivenWayForMs = 1000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<unsigned> ChangeListeners::enter(int64_t company_id) const {
  pid_t self = getpid();
  int64_t now = steady_ms();
  for (unsigned i = 0; i < places_; ++i) {
    if (place_[i].not_for_company.load() == company_id && now < place_[i].not_until_ms.load()) continue;
    pid_t free = 0;
    if (!place_[i].holder.compare_exchange_strong(free, self)) continue;
    place_[i].give_way.store(false);
    place_[i].company_id.store(company_id);
    place_[i].armed.store(true);
    return i;
  }
  return std::nullopt;
}

void ChangeListeners::arm(unsigned place) const { place_[place].armed.store(true); }

void ChangeListeners::ask_to_give_way(int64_t company_id) const {
  auto held_by = [&](int64_t company) {
    unsigned held = 0;
    for (unsigned i = 0; i < places_; ++i) {
      if (place_[i].holder.load() != 0 && place_[i].company_id.load() == company) ++held;
    }
    return held;
  };
  unsigned own = held_by(company_id), most = 0;
  Place* asked = nullptr;
  for (unsigned i = 0; i < places_; ++i) {
    int64_t company = place_[i].company_id.load();
    if (place_[i].holder.load() == 0 || company == company_id || place_[i].give_way.load()) continue;
    if (unsigned held = held_by(company); held > most) {
      most = held;
      asked = &place_[i];
    }
  }
  if (asked && most > own) asked->give_way.store(true);
}

bool ChangeListeners::asked_to_give_way(unsigned place) const { return place_[place].give_way.load(); }

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
    if (place_[i].give_way.exchange(false)) {
      place_[i].not_until_ms.store(steady_ms() + kGivenWayForMs);
      place_[i].not_for_company.store(place_[i].company_id.load());
    }
    place_[i].company_id.store(0);
    pid_t held = pid;
    place_[i].holder.compare_exchange_strong(held, 0);
  }
}

}  // namespace notes::sql
