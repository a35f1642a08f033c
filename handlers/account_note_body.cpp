#include "handlers/account_note_body.hpp"

#include <string_view>

namespace notes {

std::variant<std::string, ApiError> account_note_text(const rapidjson::Value& body, int64_t account_id) {
  const rapidjson::Value* note = nullptr;
  for (const auto& member : body.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name == "note") {
      note = &member.value;
    } else if (name == "account_id") {
      // Immutable: a client may echo it back, but not point the note elsewhere.
      if (!member.value.IsString()) {
        return ApiError::invalid_field(name, "account_id must be a string.");
      }
      if (std::string_view(member.value.GetString(), member.value.GetStringLength()) !=
          std::to_string(account_id)) {
        return ApiError::invalid_field(name, "account_id is immutable and must match the account in the path.");
      }
    } else if (name == "id" || name == "created_at" || name == "modified_at" || name == "removed") {
      return ApiError::invalid_field(name, std::string(name) + " is read-only.");
    } else {
      return ApiError::invalid_field(name, std::string(name) + " is not an attribute of an account note.");
    }
  }
  if (note == nullptr) return ApiError::invalid_field("note", "note is required.");
  if (!note->IsString()) return ApiError::invalid_field("note", "note must be a string.");
  if (note->GetStringLength() > kMaxAccountNoteBytes) {
    return ApiError::field_too_large("note", kMaxAccountNoteBytes);
  }
  return std::string(note->GetString(), note->GetStringLength());
}

}  // namespace notes
