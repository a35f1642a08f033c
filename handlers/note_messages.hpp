#pragma once
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

// A note's thread of messages: docs/api.md, "Messages".
namespace notes::note_messages {

Response list(const Request& request, HandlerContext& context);        // GET  /api/customers/notes/{note_id}/messages
Response create(const Request& request, HandlerContext& context);      // POST /api/customers/notes/{note_id}/messages
Response attachment(const Request& request, HandlerContext& context);  // GET  .../messages/{message_id}/attachment
// A retry of create: the message it posted, if the caller may still see the
// note (404 otherwise), recorded as a read of it.
Response replay_create(const Request& request, HandlerContext& context, Response first);

inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxAttachmentBytes = 5 * 1024 * 1024;  // decoded

}  // namespace notes::note_messages
