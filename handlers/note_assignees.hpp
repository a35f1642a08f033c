#pragma once
#include <cstdint>
#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/handler_context.hpp"

// A note's assignees (staff users of the note's company): docs/api.md, "Assignees".
namespace notes::note_assignees {

Response add(const Request& request, HandlerContext& context);     // POST   /api/customers/notes/{note_id}/assignees
Response remove(const Request& request, HandlerContext& context);  // DELETE /api/customers/notes/{note_id}/assignees/{user_id}
// A retry of add: the Note as the caller may see it now.
Response replay_add(const Request& request, HandlerContext& context, Response first);

// At most this many ids in one request.
inline constexpr std::size_t kMaxAssigneesPerRequest = 100;
// A Note carries all its assignees; this keeps it bounded (docs/api.md,
// "How big a Note gets").
inline constexpr int64_t kMaxAssigneesPerNote = 100;

}  // namespace notes::note_assignees
