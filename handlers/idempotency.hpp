#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"

namespace notes::idempotency {

// How long a key's first answer is kept (stated in docs/api.md).
inline constexpr int kKeyLifetimeHours = 24;

// Runs a POST `handler` under the request's Idempotency-Key, if it has one:
// the first request with a key runs in a transaction that also records its
// 2xx answer; a retry with the same key and the same request gets that
// answer again (with Idempotent-Replayed: true) and changes nothing; the same
// key with another request is 422. Keys belong to the caller. Refusals are
// thrown (handlers/error_envelope.hpp); the transaction is dispatch's to
// roll back.
Response run(const Request& request, HandlerContext& context, Handler handler);

// Valid keys: 1-255 visible ASCII characters.
bool is_valid_key(std::string_view key);

}  // namespace notes::idempotency
