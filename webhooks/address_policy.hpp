#pragma once
// Where webhooks may be sent (docs/webhooks.md, "Where deliveries may go"):
// to public addresses only, unless the operator allows more networks
// (`webhook-allow-networks`). Loopback, private, link-local, shared
// (carrier-grade NAT), multicast and reserved addresses would let a
// company's endpoint reach the host's own services or its network (SSRF).
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notes::webhooks {

// An IPv4 or IPv6 network, IPv4 held as IPv4-mapped IPv6.
struct Network {
  std::array<std::uint8_t, 16> address{};
  int prefix = 0;  // of the 128 bits
};

// "10.0.0.0/8", "::1/128", or an address alone (a /32 or /128); nothing
// when it is not one.
std::optional<Network> parse_network(std::string_view text);

// A comma-separated list of networks; nothing when any is not one.
std::optional<std::vector<Network>> parse_networks(std::string_view text);

class AddressPolicy {
 public:
  AddressPolicy() = default;
  explicit AddressPolicy(std::vector<Network> allowed) : allowed_(std::move(allowed)) {}

  // Whether a delivery may connect to `address` (AF_INET or AF_INET6).
  bool permits(const sockaddr* address) const;
  // The same for an address as 16 bytes (IPv4 mapped).
  bool permits(const std::array<std::uint8_t, 16>& address) const;

 private:
  std::vector<Network> allowed_;
};

// An endpoint's URL, as the delivery process will use it: http or https,
// a host, no user name or password (a credential would sit in the
// database in clear). Nothing, with `why` set, when it is not acceptable.
struct EndpointUrl {
  std::string scheme, host, port;
};
std::optional<EndpointUrl> parse_endpoint_url(const std::string& url, std::string& why);

}  // namespace notes::webhooks
