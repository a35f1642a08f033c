#pragma once
// What the delivery process is told (notesd's webhook-* options,
// fcgi/config.cpp; docs/webhooks.md).
#include <chrono>
#include <string>

#include "sql/settings.hpp"
#include "webhooks/address_policy.hpp"

namespace notes::webhooks {

struct DeliveryConfig {
  std::string key_file = "/etc/notes/webhook-key";
  // The host's webhook key, read from key_file; empty: webhooks are off.
  std::string key;
  AddressPolicy addresses;
  std::chrono::milliseconds timeout{10000};      // per request, connecting included
  std::chrono::milliseconds retry_base{10000};   // the first retry's delay, at most
  std::chrono::seconds retry_for{25 * 3600};     // then the delivery is given up
  std::chrono::hours keep_finished{30 * 24};     // a finished delivery is forgotten when this old
  int max_in_flight = 32;                        // requests at once, all endpoints
  int per_endpoint = 4;                          // requests at once to one endpoint
};

}  // namespace notes::webhooks
