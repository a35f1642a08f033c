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
  void* shared = mmap(nullptr, sizeof(std::atomic<pid_t>) * kMaxPlaces, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    throw std::runtime_error(std::string("mmap for the change listeners: ") + std::strerror(errno));
  }
  holders_ = static_cast<std::atomic<pid_t>*>(shared);
  for (unsigned i = 0; i < kMaxPlaces; ++i) new (&holders_[i]) std::atomic<pid_t>(0);
}

ChangeListeners::~ChangeListeners() { munmap(holders_, sizeof(std::atomic<pid_t>) * kMaxPlaces); }

bool ChangeListeners::enter() const {
  pid_t self = getpid();
  for (unsigned i = 0; i < places_; ++i) {
    pid_t free = 0;
    if (holders_[i].compare_exchange_strong(free, self)) return true;
  }
  return false;
}

void ChangeListeners::leave() const { forget(getpid()); }

bool ChangeListeners::anyone_listening() const {
  for (unsigned i = 0; i < places_; ++i) {
    if (holders_[i].load(std::memory_order_relaxed) != 0) return true;
  }
  return false;
}

void ChangeListeners::forget(pid_t pid) const {
  for (unsigned i = 0; i < places_; ++i) {
    pid_t held = pid;
    holders_[i].compare_exchange_strong(held, 0);
  }
}

}  // namespace notes::sql
