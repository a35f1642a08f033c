#include "webhooks/address_policy.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <memory>

namespace notes::webhooks {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes mapped_v4(const std::uint8_t* v4) {
  Bytes bytes{};
  bytes[10] = bytes[11] = 0xff;
  std::memcpy(&bytes[12], v4, 4);
  return bytes;
}

bool contains(const Network& network, const Bytes& address) {
  int full = network.prefix / 8, rest = network.prefix % 8;
  if (std::memcmp(network.address.data(), address.data(), full) != 0) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (network.address[full] & mask) == (address[full] & mask);
}

// What is never public (RFC 6890 and the IANA special-purpose registries),
// as written; parsed once.
const std::vector<Network>& not_public() {
  static const std::vector<Network> networks = *parse_networks(
      "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.0.0.0/24,"
      "192.0.2.0/24,192.88.99.0/24,192.168.0.0/16,198.18.0.0/15,198.51.100.0/24,203.0.113.0/24,"
      "224.0.0.0/4,240.0.0.0/4,255.255.255.255/32,"
      "::/128,::1/128,64:ff9b::/96,64:ff9b:1::/48,100::/64,2001::/23,2001:db8::/32,2002::/16,"
      "fc00::/7,fe80::/10,ff00::/8");
  return networks;
}

}  // namespace

std::optional<Network> parse_network(std::string_view text) {
  auto slash = text.find('/');
  std::string address(text.substr(0, slash));
  Network network;
  std::uint8_t raw[16];
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), raw) == 1) {
    network.address = mapped_v4(raw);
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), raw) == 1) {
    std::memcpy(network.address.data(), raw, 16);
    max_prefix = 128;
  } else {
    return std::nullopt;
  }
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return std::nullopt;
    }
  }
  network.prefix = prefix + (max_prefix == 32 ? 96 : 0);
  return network;
}

std::optional<std::vector<Network>> parse_networks(std::string_view text) {
  std::vector<Network> networks;
  if (text.empty()) return networks;
  for (;;) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto network = parse_network(item);
    if (!network) return std::nullopt;  // an empty item too: "a,,b" or a trailing comma
    networks.push_back(*network);
    if (comma == std::string_view::npos) return networks;
    text.remove_prefix(comma + 1);
  }
}

bool AddressPolicy::permits(const Bytes& address) const {
  for (const Network& network : allowed_) {
    if (contains(network, address)) return true;
  }
  for (const Network& network : not_public()) {
    if (contains(network, address)) return false;
  }
  return true;
}

bool AddressPolicy::permits(const sockaddr* address) const {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return permits(mapped_v4(reinterpret_cast<const std::uint8_t*>(&v4->sin_addr)));
  }
  if (address->sa_family == AF_INET6) {
    Bytes bytes;
    std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, 16);
    // An IPv4-mapped address is judged as the IPv4 address it is: both are
    // held mapped.
    return permits(bytes);
  }
  return false;
}

std::optional<EndpointUrl> parse_endpoint_url(const std::string& url, std::string& why) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    why = "is not a URL";
    return std::nullopt;
  }
  auto part = [&](CURLUPart which, unsigned flags = 0) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl_url_get(parsed.get(), which, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
    std::string value(text);
    curl_free(text);
    return value;
  };
  EndpointUrl endpoint;
  endpoint.scheme = part(CURLUPART_SCHEME).value_or("");
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    why = "must be http or https";
    return std::nullopt;
  }
  if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD)) {
    why = "must not hold a user name or password";
    return std::nullopt;
  }
  endpoint.host = part(CURLUPART_HOST).value_or("");
  if (endpoint.host.empty()) {
    why = "has no host";
    return std::nullopt;
  }
  endpoint.port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("");
  return endpoint;
}

}  // namespace notes::webhooks
