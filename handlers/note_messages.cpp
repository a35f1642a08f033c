#include "handlers/note_messages.hpp"

#include <string_view>

#include "http/base64.hpp"
#include "handlers/note_answers.hpp"
#include "handlers/path_id.hpp"
#include "handlers/locked_write.hpp"
#include "handlers/customer_notes.hpp"
#include "views/note_json.hpp"
#include "handlers/request_body.hpp"

namespace notes::note_messages {
namespace {

struct NewMessage {
  std::string message;
  std::optional<std::string> attachment;  // decoded bytes
};

// {"message": "...", "attachment": "<base64>" | null}
std::variant<NewMessage, ApiError> new_message(const rapidjson::Value& body) {
  NewMessage result;
  bool has_message = false;
  for (const auto& member : body.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (name == "message") {
      if (!value.IsString() || value.GetStringLength() == 0) {
        return ApiError::invalid_field(name, "message must be a non-empty string.");
      }
      if (value.GetStringLength() > kMaxMessageBytes) {
        return ApiError::field_too_large("message", kMaxMessageBytes);
      }
      result.message.assign(value.GetString(), value.GetStringLength());
      has_message = true;
    } else if (name == "attachment") {
      if (value.IsNull()) continue;
      if (!value.IsString()) return ApiError::invalid_field(name, "attachment must be a base64 string or null.");
      // Refuse before decoding what could only decode too large.
      if (value.GetStringLength() / 4 * 3 > kMaxAttachmentBytes + 2) {
        return ApiError::field_too_large("attachment", kMaxAttachmentBytes);
      }
      auto bytes = decode_base64(std::string_view(value.GetString(), value.GetStringLength()));
      if (!bytes) return ApiError::invalid_field(name, "attachment is not valid base64.");
      if (bytes->size() > kMaxAttachmentBytes) return ApiError::field_too_large("attachment", kMaxAttachmentBytes);
      result.attachment = std::move(*bytes);
    } else if (name == "id" || name == "posted_by" || name == "created_on") {
      return ApiError::invalid_field(name, std::string(name) + " is read-only.");
    } else {
      return ApiError::invalid_field(name, std::string(name) + " is not a field of a message.");
    }
  }
  if (!has_message) return ApiError::invalid_field("message", "message is required.");
  return result;
}

}  // namespace

Response list(const Request& request, HandlerContext& context) {
  return note_answers::one_notes_list(request, context, sql::query::note_messages_list, note_json::message_array,
                                         "messages");
}

Response create(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  rapidjson::Document body;
  read_json_object(request, body);
  NewMessage message = checked(new_message(body));

  auto results = locked_write(
      context.db, id, context.caller.company_id,
      {sql::query::note_message_create(id, context.sql_caller(), message.message, message.attachment)});
  const sql::Result& result = checked(results[0]);
  if (result.rows() == 0) throw ApiError::not_found("No such note.");
  return Response::json(201, note_json::message(result, 0, 0));
}

Response attachment(const Request& request, HandlerContext& context) {
  int64_t note_id = path_id(request, "note_id");
  int64_t message_id = path_id(request, "message_id");
  const auto& result =
      checked(context.db.execute(sql::query::note_message_attachment(note_id, context.sql_caller(), message_id)));
  if (result.rows() == 0) throw ApiError::not_found("No such attachment.");
  Response response = Response::json(200, std::string(result.text(0, 0)));
  response.header("Content-Type", "application/octet-stream");
  // nginx adds X-Content-Type-Options: nosniff (nginx/snippets/notes-headers.conf).
  response.header("Content-Disposition", "attachment");
  return response;
}

Response replay_create(const Request& request, HandlerContext& context, Response first) {
  // A message never changes: the first answer, once the note is known to be
  // the caller's to see (and that read recorded, as any of the note's).
  customer_notes::note_now(path_id(request, "note_id"), context);
  return first;
}

}  // namespace notes::note_messages
