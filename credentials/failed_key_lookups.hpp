#pragma once
// Failed API key look-ups per client address, shared by every worker
// (docs/reliability.md, "Limits"). nginx limits each credential, but a
// client that sends a new made-up key with every request has a new
// credential each time: each of those costs a database look-up. Once an
// address has had kLimit failed look-ups of different keys within one
// kWindowSeconds window, the auth sub-request refuses its unknown keys with
// 429 without asking the database, until the window ends. Keys nginx has
// cached keep working. A key that failed among the address's last kRecent
// is not counted again: a client that keeps sending its one revoked or
// expired key is nginx's per-key limit's business, and is answered 401.
//
// The table is small and approximate on purpose: counts may be lost when
// two workers race on one slot, or when more addresses fail at once than
// there are slots; it bounds what a flood costs, it is no audit.
#include <atomic>
#include <cstdint>
#include <string_view>

#include "credentials/client_address.hpp"

namespace notes {

class FailedKeyLookups {
 public:
  static constexpr int kLimit = 100;
  static constexpr int64_t kWindowSeconds = 10;
  static constexpr unsigned kSlots = 4096;
  static constexpr unsigned kRecent = 8;

  // The table, in memory shared with the processes forked after; throws
  // std::runtime_error when it cannot be mapped.
  FailedKeyLookups();
  ~FailedKeyLookups();
  FailedKeyLookups(const FailedKeyLookups&) = delete;
  FailedKeyLookups& operator=(const FailedKeyLookups&) = delete;

  // Whether `address` (REMOTE_ADDR as nginx gives it) has used up its
  // failed look-ups in the window that holds `now_seconds` (Unix time).
  bool exhausted(std::string_view address, int64_t now_seconds) const;
  // Counts one failed look-up of `address`, unless the same key (any 64
  // bits of its digest) was among the address's last kRecent failures.
  void record_failure(std::string_view address, uint64_t key_digest, int64_t now_seconds) const;

 private:
  struct Slot {
    std::atomic<uint64_t> address;  // a hash; 0: free
    std::atomic<int64_t> window;    // now_seconds / kWindowSeconds
    std::atomic<int> failures;
    std::atomic<uint64_t> recent[kRecent];  // digests of the last failed keys
    std::atomic<unsigned> next_recent;
  };
  Slot* slot_ = nullptr;
};

}  // namespace notes
