#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/handler_context.hpp"

namespace notes::idempotency {

// How long a key's first answer is kept (stated in docs/api.md).
inline constexpr int kKeyLifetimeHours = 24;

// How a retry with the same key is answered (docs/api.md, "Idempotency-Key"):
// what the caller may see now of what the first request made. `answer` gets
// the first answer as kept: its status and headers, and its body only when
// `keeps_body` (a route whose answer is a whole Note keeps none, so that a
// tiny request does not keep a large Note for a day). No `answer`: the kept
// answer as it is (an answer that carries no content).
struct Replay {
  Response (*answer)(const Request& request, HandlerContext& context, Response first) = nullptr;
  bool keeps_body = true;
};

// Runs a POST `handler` under the request's Idempotency-Key, if it has one:
// the first request with a key runs in a transaction that also records its
// 2xx answer; a retry with the same key and the same request is answered by
// `replay` (with Idempotent-Replayed: true) and changes nothing; the same
// key with another request is 422. Keys belong to the caller. Refusals are
// thrown (handlers/error_envelope.hpp); the transaction is dispatch's to
// roll back.
Response run(const Request& request, HandlerContext& context, Handler handler, const Replay& replay);

// The value of `first`'s header `name` ("" when it has none).
std::string_view header_of(const Response& first, std::string_view name);

// Valid keys: 1-255 visible ASCII characters.
bool is_valid_key(std::string_view key);

}  // namespace notes::idempotency
