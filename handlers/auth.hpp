#pragma once
#include <cstdint>
#include <optional>

#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

namespace notes::auth {

// nginx's auth_request sub-request. 200 with the caller in X-Notes-User-Id,
// X-Notes-Company-Id and X-Notes-Role (which nginx turns into the NOTES_*
// params of the real request) and X-Accel-Expires bounding how long nginx may
// cache the answer; 401 for a missing, unknown, expired or revoked API key
// or access token (docs/api.md, "Tokens"); 403 with X-Notes-Refusal when
// the client's address has failed too many key look-ups
// (credentials/failed_key_lookups.hpp), which nginx answers 429.
// The key is the NOTES_PRESENTED_KEY param: nginx takes it from the
// Authorization header ("Bearer" in any case, any number of spaces, or the
// bare key) and keys its per-credential limits on the same string.
Response check(const Request& request, HandlerContext& context);

// Seconds nginx may cache a positive answer: revocation takes at most this long.
inline constexpr int kCacheSeconds = 5;

// The last whole second (Unix time) through which nginx may answer from its
// cache, for an answer given at `now` (seconds and fraction) about a key that
// expires at `expires` (none: never); nothing when it must not be cached.
// nginx treats an entry as fresh while its clock's whole second is at most
// this value, so up to a second past it: the value is one second below each
// bound, which makes both bounds exact: never past `now` + kCacheSeconds, never
// at or past `expires`.
// `seconds` replaces kCacheSeconds as the first bound.
std::optional<int64_t> cache_through(double now, std::optional<double> expires, int seconds = kCacheSeconds);

}  // namespace notes::auth
