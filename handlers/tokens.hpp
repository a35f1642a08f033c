#pragma once
#include "handlers/handler_context.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

// The original's token routes (docs/api.md, "Tokens"): a password login that
// answers an access token and a refresh token, and the refresh.
namespace notes::tokens {

// Refresh tokens live this long; each refresh issues a new one.
inline constexpr int64_t kRefreshTokenSeconds = 30 * 24 * 3600;
// Login attempts allowed per user in a window; nginx limits per address.
inline constexpr int kMaxLoginAttempts = 10;
inline constexpr int kLoginWindowSeconds = 15 * 60;

// POST /api/token: grant_type "password" (username, password, optional
// company_id) or "refresh_token" (as the refresh route).
Response issue(const Request& request, HandlerContext& context);

// POST /api/token/refresh: {refresh_token, access_token}. A refresh token
// is used once; presenting it again revokes every token of its login.
Response refresh(const Request& request, HandlerContext& context);

}  // namespace notes::tokens
