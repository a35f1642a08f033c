#pragma once
// Sends deliveries over HTTP(S), many at once, so that a slow or dead
// receiver holds up only its own (libcurl's multi interface). Every
// connection is checked against the AddressPolicy at the moment it is
// opened, after name resolution, so a name that resolves to a forbidden
// address (or changes to one) is refused, never connected to.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "webhooks/address_policy.hpp"

namespace notes::webhooks {

struct Outcome {
  int64_t delivery_id = 0;
  std::optional<int> status;  // the receiver's; none when no answer came
  std::string error;          // why not, or "" after an answer
  std::chrono::milliseconds took{0};
};

class Sender {
 public:
  Sender(const AddressPolicy& addresses, std::chrono::milliseconds timeout);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Starts a POST of `body` with `headers` ("Name: value") to `url`.
  void start(int64_t delivery_id, const std::string& url, const std::string& body,
             const std::vector<std::string>& headers);
  // Moves every transfer on, waiting up to `wait` for one to have something
  // to do; answers the transfers that ended.
  std::vector<Outcome> poll(std::chrono::milliseconds wait);

  // One request under way (seen by libcurl's callbacks).
  struct Transfer;

 private:
  const AddressPolicy& addresses_;
  std::chrono::milliseconds timeout_;
  void* multi_;
  std::map<void*, Transfer*> transfers_;  // by easy handle
};

}  // namespace notes::webhooks
