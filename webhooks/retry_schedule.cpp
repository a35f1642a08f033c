#include "webhooks/retry_schedule.hpp"

#include <algorithm>

namespace notes::webhooks {

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base, double unit) {
  auto ceiling = std::min(kMaxRetryDelay, base);
  for (int i = 1; i < attempts && ceiling < kMaxRetryDelay; ++i) ceiling = std::min(kMaxRetryDelay, ceiling * 2);
  auto half = ceiling / 2;
  return half + std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>((ceiling - half).count()) * unit));
}

}  // namespace notes::webhooks
