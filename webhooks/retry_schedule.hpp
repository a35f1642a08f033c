#pragma once
// When a failed delivery is tried again (docs/webhooks.md, "Retries"):
// `base`, doubling with each attempt up to kMaxRetryDelay, each delay drawn
// at random from its upper half, so receivers that fail together are not
// all retried at the same instant.
#include <chrono>
#include <cstdint>

namespace notes::webhooks {

inline constexpr std::chrono::milliseconds kMaxRetryDelay{std::chrono::hours(1)};

// The delay after attempt `attempts` (1: the first) failed; `unit` is a
// random number in [0, 1).
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base, double unit);

}  // namespace notes::webhooks
