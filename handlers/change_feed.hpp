#pragma once
// The change feeds (docs/api.md, "Change feed"): every change to the
// company's notes, in the order of the transactions that made them, each
// delivered once, with a cursor to ask for what follows. A reader may
// long-poll: with `wait`, a request that finds nothing new waits until a
// change is announced or `wait` seconds pass.
#include <chrono>
#include <string>

#include "handlers/handler_context.hpp"

namespace notes::change_feed {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;
// nginx gives the feed routes 30 s (snippets/notes-locations.conf).
inline constexpr int kMaxWaitSeconds = 20;
// A waiting reader looks again this often even unannounced: changes made
// outside the service while it started listening, or held back by an older
// transaction of another company still running, are announced to no one.
inline constexpr std::chrono::milliseconds kLookAgainEvery{1000};

// GET /api/customers/notes/changes
Response note_changes(const Request& request, HandlerContext& context);
// GET /api/v2/account_notes/changes
Response account_note_changes(const Request& request, HandlerContext& context);

}  // namespace notes::change_feed
