#pragma once
// What every customer-note handler shares: the CRM's error envelope, the
// role rule, path ids, and the Note answer with its ETag.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "handlers/error_envelope.hpp"
#include "handlers/note_json.hpp"
#include "sql/connection.hpp"
#include "sql/params.hpp"
#include "sql/result.hpp"

namespace notes::customer_access {

Response fail(const ApiError& error);

// Customer notes need admin privileges (owners have them too): staff get 403.
// The dispatcher applies it to every customer-note route.
std::optional<ApiError> require_admin(const Identity& caller);

// The route's {name} as an id, or a 400 naming it.
std::variant<int64_t, ApiError> path_id(const Request& request, const char* name);

// $1 note id, $2 company, $3 caller, $4 role: how every note statement starts.
sql::Params note_params(int64_t note_id, const Identity& caller);

// `steps` followed by note_assignees_of and note_messages_of for `note_ids`:
// a pipeline that answers Notes, their parts in the same round trip.
std::vector<sql::Connection::Step> with_note_parts(std::vector<sql::Connection::Step> steps,
                                                   const std::vector<int64_t>& note_ids, int64_t company_id);

// Runs `steps` in one transaction and one round trip after taking note
// `note_id`'s write lock, so that every statement decides visibility on the
// rows as they are once no other writer holds the note. Answers the results
// of `steps` (the lock's own result is dropped; a failure to lock fails them).
std::vector<sql::Result> locked_write(sql::Connection& db, int64_t note_id, int64_t company_id,
                                      std::vector<sql::Connection::Step> steps);

// The assignees and messages of a with_note_parts() pipeline: its last two
// results.
note_json::NoteParts note_parts(const std::vector<sql::Result>& results);

// The error of the first statement of a pipeline that failed, if any did.
std::optional<ApiError> first_failure(const std::vector<sql::Result>& results);

// A Note with its ETag: the NOTES_FULL_NOTE_COLUMNS at column `base` of the
// first row of `notes`, with its assignees and messages from `parts`.
Response note_answer(int status, const sql::Result& notes, int base, note_json::NoteParts parts);

}  // namespace notes::customer_access
