#include "handlers/note_body.hpp"

#include <algorithm>
#include <string_view>

#include "http/iso8601.hpp"

namespace notes {
namespace {

constexpr const char* kReadOnly[] = {"id",       "created_on", "user_id", "company_id", "customer_id",
                                     "customer", "user",       "assignees", "messages"};

ApiError field_error(std::string_view field, const std::string& why) {
  return ApiError::invalid_field(field, std::string(field) + " " + why + ".");
}

std::optional<ApiError> read_text(std::string_view name, const rapidjson::Value& value, Field<std::string>& field,
                                  bool nullable, std::size_t max_chars, std::size_t max_bytes) {
  field.given = true;
  if (value.IsNull()) {
    if (!nullable) return field_error(name, "cannot be null");
    return std::nullopt;
  }
  if (!value.IsString()) return field_error(name, nullable ? "must be a string or null" : "must be a string");
  std::string_view text(value.GetString(), value.GetStringLength());
  if (max_bytes && text.size() > max_bytes) {
    return ApiError::field_too_large(name, max_bytes);
  }
  if (max_chars && utf8_length(text) > max_chars) {
    return field_error(name, "is longer than " + std::to_string(max_chars) + " characters");
  }
  field.value = std::string(text);
  return std::nullopt;
}

std::optional<ApiError> read_enum(std::string_view name, const rapidjson::Value& value, Field<std::string>& field,
                                  bool (*allowed)(std::string_view), const char* list) {
  if (auto error = read_text(name, value, field, false, 0, 0)) return error;
  if (!allowed(*field.value)) return field_error(name, std::string("must be one of ") + list);
  return std::nullopt;
}

std::optional<ApiError> read_bool(std::string_view name, const rapidjson::Value& value, Field<bool>& field) {
  field.given = true;
  if (!value.IsBool()) return field_error(name, "must be true or false");
  field.value = value.GetBool();
  return std::nullopt;
}

std::optional<ApiError> read_tags(std::string_view name, const rapidjson::Value& value,
                                  Field<std::vector<std::string>>& field) {
  field.given = true;
  if (value.IsNull()) return std::nullopt;
  if (!value.IsArray()) return field_error(name, "must be an array of strings or null");
  if (value.Size() > kMaxTags) return field_error(name, "holds more than " + std::to_string(kMaxTags) + " tags");
  std::vector<std::string> tags;
  for (const auto& tag : value.GetArray()) {
    if (!tag.IsString() || tag.GetStringLength() == 0) return field_error(name, "must hold non-empty strings");
    std::string text(tag.GetString(), tag.GetStringLength());
    if (utf8_length(text) > kMaxTagChars) {
      return field_error(name, "holds a tag longer than " + std::to_string(kMaxTagChars) + " characters");
    }
    tags.push_back(std::move(text));
  }
  field.value = std::move(tags);
  return std::nullopt;
}

}  // namespace

bool is_reference_type(std::string_view text) {
  for (std::string_view type : {"business", "customer", "membershipCard", "order", "point_earned", "subscription",
                                "transaction", "reservation", "appointment", "event"}) {
    if (text == type) return true;
  }
  return false;
}

bool is_note_status(std::string_view text) { return text == "open" || text == "closed"; }

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::variant<NoteFields, ApiError> note_fields(const rapidjson::Value& body, bool creating) {
  NoteFields fields;
  for (const auto& member : body.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    std::optional<ApiError> error;
    if (name == "reference_type") {
      error = read_enum(name, value, fields.reference_type, is_reference_type, kReferenceTypeList);
    } else if (name == "reference_id") {
      fields.reference_id.given = true;
      if (!value.IsInt64() || value.GetInt64() < 1) {
        error = field_error(name, "must be a positive 64-bit integer");
      } else {
        fields.reference_id.value = value.GetInt64();
      }
    } else if (name == "type") {
      error = read_text(name, value, fields.type, true, kMaxTypeChars, 0);
    } else if (name == "details") {
      error = read_text(name, value, fields.details, true, 0, kMaxDetailsBytes);
    } else if (name == "status") {
      error = read_enum(name, value, fields.status, is_note_status, kNoteStatusList);
    } else if (name == "reminder") {
      error = read_text(name, value, fields.reminder, true, 0, 0);
      if (!error && fields.reminder.value && !is_iso8601_datetime(*fields.reminder.value)) {
        error = field_error(name, "must be an ISO 8601 date-time such as 2024-10-06T20:25:26.131Z, or null");
      }
    } else if (name == "confidential") {
      error = read_bool(name, value, fields.confidential);
    } else if (name == "priority") {
      error = read_bool(name, value, fields.priority);
    } else if (name == "tags") {
      error = read_tags(name, value, fields.tags);
    } else if (name == "subject") {
      error = read_text(name, value, fields.subject, true, kMaxSubjectChars, 0);
    } else if (std::find(std::begin(kReadOnly), std::end(kReadOnly), name) != std::end(kReadOnly)) {
      error = field_error(name, "is read-only");
    } else {
      error = field_error(name, "is not a field of a note");
    }
    if (error) return *error;
  }
  if (creating && fields.reference_type.value && *fields.reference_type.value != "customer" &&
      !fields.reference_id.value) {
    return field_error("reference_id", "is required when reference_type is not customer");
  }
  return fields;
}

}  // namespace notes
