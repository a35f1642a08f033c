#pragma once
#include "fcgi/request.hpp"
#include "fcgi/response.hpp"
#include "handlers/handler_context.hpp"

namespace notes::auth {

// nginx's auth_request sub-request. 200 with the caller in X-Notes-User-Id,
// X-Notes-Company-Id and X-Notes-Role (which nginx turns into the NOTES_*
// params of the real request) and X-Accel-Expires bounding how long nginx may
// cache the answer; 401 for a missing, unknown, expired or revoked key.
Response check(const Request& request, HandlerContext& context);

// Seconds nginx may cache a positive answer: revocation takes at most this long.
inline constexpr int kCacheSeconds = 5;

}  // namespace notes::auth
