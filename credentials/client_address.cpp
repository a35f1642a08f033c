#include "credentials/client_address.hpp"

#include <arpa/inet.h>

#include <string>

namespace notes {
namespace {

uint64_t fnv1a(const unsigned char* bytes, std::size_t length) {
  uint64_t hash = 1469598103934665603ull;
  for (std::size_t i = 0; i < length; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

uint64_t client_of(std::string_view address) {
  std::string text(address.substr(0, INET6_ADDRSTRLEN));
  unsigned char bytes[16];
  uint64_t hash;
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    hash = fnv1a(bytes, 8);
  } else {
    hash = fnv1a(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  return hash == 0 ? 1 : hash;
}

}  // namespace notes
