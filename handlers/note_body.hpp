#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "http/json.hpp"
#include "handlers/error_envelope.hpp"
#include "sql/note_fields.hpp"

namespace notes {

// Limits of docs/api.md, "Writing a note": lengths in characters (code points) for short
// fields, in bytes for long ones.
inline constexpr std::size_t kMaxSubjectChars = 255;
inline constexpr std::size_t kMaxTypeChars = 255;
inline constexpr std::size_t kMaxDetailsBytes = 64 * 1024;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxTagChars = 64;

// A body's writable fields are what note_create and note_update take.
using sql::Field;
using sql::NoteFields;

// Checks a create (POST) or change (PATCH) body of a Note: only the writable
// fields, each of its type and within its limit, enums from their lists.
// 400 names the field (413 for details over its limit).
std::variant<NoteFields, ApiError> note_fields(const rapidjson::Value& body, bool creating);

// Characters (code points) in valid UTF-8.
std::size_t utf8_length(std::string_view text);

// The enums of the Note (docs/api.md, "The Note").
bool is_reference_type(std::string_view text);
bool is_note_status(std::string_view text);
inline constexpr const char* kReferenceTypeList =
    "business, customer, membershipCard, order, point_earned, subscription, transaction, reservation, "
    "appointment, event";
inline constexpr const char* kNoteStatusList = "open, closed";

}  // namespace notes
