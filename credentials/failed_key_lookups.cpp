#include "credentials/failed_key_lookups.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace notes {
namespace {

// How many slots after its own an address may take when its own is held by
// another address of the same window.
constexpr unsigned kProbes = 8;

}  // namespace

FailedKeyLookups::FailedKeyLookups() {
  void* shared = mmap(nullptr, sizeof(Slot) * kSlots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    throw std::runtime_error(std::string("mmap for the failed key look-ups: ") + std::strerror(errno));
  }
  slot_ = static_cast<Slot*>(shared);
  for (unsigned i = 0; i < kSlots; ++i) {
    new (&slot_[i].address) std::atomic<uint64_t>(0);
    new (&slot_[i].window) std::atomic<int64_t>(0);
    new (&slot_[i].failures) std::atomic<int>(0);
    for (auto& recent : slot_[i].recent) new (&recent) std::atomic<uint64_t>(0);
    new (&slot_[i].next_recent) std::atomic<unsigned>(0);
  }
}

FailedKeyLookups::~FailedKeyLookups() { munmap(slot_, sizeof(Slot) * kSlots); }

bool FailedKeyLookups::exhausted(std::string_view address, int64_t now_seconds) const {
  uint64_t client = client_of(address);
  int64_t window = now_seconds / kWindowSeconds;
  for (unsigned probe = 0; probe < kProbes; ++probe) {
    const Slot& slot = slot_[(client + probe) % kSlots];
    if (slot.address.load(std::memory_order_relaxed) != client) continue;
    return slot.window.load(std::memory_order_relaxed) == window &&
           slot.failures.load(std::memory_order_relaxed) >= kLimit;
  }
  return false;
}

void FailedKeyLookups::record_failure(std::string_view address, uint64_t key_digest, int64_t now_seconds) const {
  uint64_t client = client_of(address);
  int64_t window = now_seconds / kWindowSeconds;
  for (unsigned probe = 0; probe < kProbes; ++probe) {
    Slot& slot = slot_[(client + probe) % kSlots];
    uint64_t holder = slot.address.load(std::memory_order_relaxed);
    if (holder != client) {
      // A slot free, or held by an address whose window has passed, is taken.
      bool stale = holder == 0 || slot.window.load(std::memory_order_relaxed) != window;
      if (!stale || !slot.address.compare_exchange_strong(holder, client)) continue;
      slot.failures.store(0, std::memory_order_relaxed);
      slot.window.store(window, std::memory_order_relaxed);
    } else if (slot.window.load(std::memory_order_relaxed) != window) {
      slot.failures.store(0, std::memory_order_relaxed);
      slot.window.store(window, std::memory_order_relaxed);
    }
    for (const auto& recent : slot.recent) {
      if (recent.load(std::memory_order_relaxed) == key_digest) return;
    }
    slot.recent[slot.next_recent.fetch_add(1, std::memory_order_relaxed) % kRecent].store(key_digest,
                                                                                           std::memory_order_relaxed);
    slot.failures.fetch_add(1, std::memory_order_relaxed);
    return;
  }
}

}  // namespace notes
