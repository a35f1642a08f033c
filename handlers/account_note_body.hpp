#pragma once
#include <cstdint>
#include <string>
#include <variant>

#include "http/json.hpp"
#include "handlers/error_envelope.hpp"

namespace notes {

inline constexpr std::size_t kMaxAccountNoteBytes = 64 * 1024;

// Checks a POST or PATCH body of an account note (an AccountNoteModel) and
// returns the note text. `note` is required and a string of at most
// kMaxAccountNoteBytes; `account_id` may be given but must name the account
// in the path; the read-only attributes and unknown ones are refused.
std::variant<std::string, ApiError> account_note_text(const rapidjson::Value& body, int64_t account_id);

}  // namespace notes
