#pragma once
// Which client an address names, for the limits kept per client (failed key
// look-ups, login attempts: docs/reliability.md, "Limits").
#include <cstdint>
#include <string_view>

namespace notes {

// The part of a client address (REMOTE_ADDR as nginx gives it) that names
// one client: the whole IPv4 address, the /64 network of an IPv6 one (a
// host is given a /64, so each of its addresses is the same client), as a
// non-zero hash.
uint64_t client_of(std::string_view address);

}  // namespace notes
