#include "handlers/note_messages.hpp"

#include <string_view>

#include "http/query_string.hpp"
#include "handlers/base64.hpp"
#include "handlers/customer_access.hpp"
#include "handlers/list_query.hpp"
#include "handlers/note_json.hpp"
#include "handlers/request_body.hpp"

namespace notes::note_messages {
namespace {

using customer_access::fail;

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
        return ApiError{413, "payload_too_large",
                        "message is longer than " + std::to_string(kMaxMessageBytes) + " bytes.",
                        "{\"field\":\"message\"}"};
      }
      result.message.assign(value.GetString(), value.GetStringLength());
      has_message = true;
    } else if (name == "attachment") {
      if (value.IsNull()) continue;
      if (!value.IsString()) return ApiError::invalid_field(name, "attachment must be a base64 string or null.");
      // Refuse before decoding what could only decode too large.
      if (value.GetStringLength() / 4 * 3 > kMaxAttachmentBytes + 2) {
        return ApiError{413, "payload_too_large",
                        "attachment is larger than " + std::to_string(kMaxAttachmentBytes) + " bytes once decoded.",
                        "{\"field\":\"attachment\"}"};
      }
      auto bytes = decode_base64(std::string_view(value.GetString(), value.GetStringLength()));
      if (!bytes) return ApiError::invalid_field(name, "attachment is not valid base64.");
      if (bytes->size() > kMaxAttachmentBytes) {
        return ApiError{413, "payload_too_large",
                        "attachment is larger than " + std::to_string(kMaxAttachmentBytes) + " bytes once decoded.",
                        "{\"field\":\"attachment\"}"};
      }
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
  auto note_id = customer_access::path_id(request, "note_id");
  if (auto* error = std::get_if<ApiError>(&note_id)) return fail(*error);
  auto query = parse_query_string(request.query_string());
  if (!query) return fail(ApiError::bad_request("The query string is malformed."));
  auto paging = paging_only(*query, request.param("HTTP_PAGE_SIZE"));
  if (auto* error = std::get_if<ApiError>(&paging)) return fail(*error);
  const Paging& page = std::get<Paging>(paging);

  sql::Params params = customer_access::note_params(std::get<int64_t>(note_id), context.caller);
  params.add(static_cast<int64_t>(page.page_size)).add(page.offset());
  auto result = context.db.execute(sql::Statement::note_messages_list, params);
  if (!result.ok()) return fail(ApiError::from_database(result.failure()));
  if (result.rows() == 0) return fail(ApiError::not_found("No such note."));
  constexpr int kMessagesBase = 1;  // after the total
  Response response = result.is_null(0, kMessagesBase)
                          ? Response::no_content()
                          : Response::json(200, note_json::message_array(result, kMessagesBase));
  response.header("X-Pagination", pagination_json(page, result.int64(0, 0)));
  return response;
}

Response create(const Request& request, HandlerContext& context) {
  auto note_id = customer_access::path_id(request, "note_id");
  if (auto* error = std::get_if<ApiError>(&note_id)) return fail(*error);
  rapidjson::Document body;
  if (auto error = read_json_object(request, body)) return fail(*error);
  auto parsed = new_message(body);
  if (auto* error = std::get_if<ApiError>(&parsed)) return fail(*error);
  const NewMessage& message = std::get<NewMessage>(parsed);

  int64_t id = std::get<int64_t>(note_id);
  sql::Params params = customer_access::note_params(id, context.caller);
  params.add(std::string_view(message.message));
  if (message.attachment) {
    params.add_binary(*message.attachment);
  } else {
    params.add_null();
  }
  auto results = customer_access::locked_write(context.db, id, context.caller.company_id,
                                               {{sql::Statement::note_message_create, params}});
  const sql::Result& result = results[0];
  if (!result.ok()) return fail(ApiError::from_database(result.failure()));
  if (result.rows() == 0) return fail(ApiError::not_found("No such note."));
  return Response::json(201, note_json::message(result, 0, 0));
}

Response attachment(const Request& request, HandlerContext& context) {
  auto note_id = customer_access::path_id(request, "note_id");
  if (auto* error = std::get_if<ApiError>(&note_id)) return fail(*error);
  auto message_id = customer_access::path_id(request, "message_id");
  if (auto* error = std::get_if<ApiError>(&message_id)) return fail(*error);
  sql::Params params;
  params.add(std::get<int64_t>(note_id)).add(std::get<int64_t>(message_id)).add(context.caller.company_id)
      .add(context.caller.user_id).add(std::string_view(context.caller.role));
  auto result = context.db.execute_binary(sql::Statement::note_message_attachment, params);
  if (!result.ok()) return fail(ApiError::from_database(result.failure()));
  if (result.rows() == 0) return fail(ApiError::not_found("No such attachment."));
  Response response = Response::json(200, std::string(result.text(0, 0)));
  response.header("Content-Type", "application/octet-stream");
  response.header("Content-Disposition", "attachment");
  response.header("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace notes::note_messages
